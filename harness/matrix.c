// SPDX-License-Identifier: MIT
/*
 * The matrix runner (see matrix.h).
 *
 * Verification: the first warm-up run of every variant checksums every
 * file's bytes against the manifest (the backend never sees the expected
 * values); a variant that fails it is reported and gets no numbers. The
 * email shape keeps only each file's last block, so its variants first
 * run one untimed pass in the cursor shape with full checksums, and their
 * first warm-up checks every last block. Timed samples check status and
 * byte counts only, so that hashing does not inflate the timings, unless
 * --verify-all asks for full checks throughout; after the timed region
 * each sample gets the read proof (read_proof.h). The floor (a backend
 * that reads nothing, backend.h) has no bytes to check: it runs hot only,
 * is verified when its counted pass made no system call, and a sample of
 * it is proven when it read nothing.
 *
 * Isolation: unless --one-process, each backend of a group runs in a
 * worker process of its own (worker.h), forked from this one, which never
 * runs a backend itself. What a backend leaves in its process stays there:
 * the threads of a pool or of syslet spares (after which file descriptor
 * calls take the shared-table paths), glibc's cancellable system call
 * wrappers once a pthread was created. In one process, clets-threads
 * alone made every later baseline_sync file +190 instructions (icount).
 * This process still picks the order: samples stay interleaved.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/counters.h"
#include "harness/matrix.h"
#include "harness/read_proof.h"
#include "harness/results.h"
#include "harness/util.h"
#include "harness/worker.h"
#include "harness/workload.h"

/* Timed passes that size a hot sample, at least (see warm_up). */
#define SIZING_PASSES 3

volatile int matrix_stop_requested;

struct variant {
	struct config_result *cfg;
	void *ctx;
	struct worker *worker; /* runs its backend; NULL: this process */
};

/*
 * What a worker is asked to do for one variant, and what it answers: its
 * copy of the configuration afterwards, and the sample it took.
 */
enum worker_op { OP_SETUP, OP_WARM_UP, OP_SAMPLE };

struct worker_request {
	enum worker_op op;
	size_t index; /* into the group's variants */
	unsigned int rep;
};

struct worker_answer {
	struct config_result cfg;
	struct sample sample; /* OP_SAMPLE */
};

/* A worker's share of a group: the variants of one backend. */
struct worker_job {
	struct run_state *run;
	const struct file_set *set;
	struct variant *v;
	size_t first, n;
	struct worker *older; /* the workers started before this one */
	size_t nolder;
};

struct done_check {
	const struct file_set *set;
	enum chain_shape shape;
	int verify;
	uint64_t checked;
	uint64_t errors;
	int first_status;
	size_t first_bad;
	/* For the read proof, after the run. */
	uint64_t bytes_reported; /* the files whose bytes were known */
	const void *last_buf;
	size_t last_index;
};

/* Whether buf holds file index's last block where the shape puts it. */
static int last_block_matches(const struct file_set *set,
			      enum chain_shape shape, const void *buf,
			      size_t index)
{
	size_t off, len;

	file_last_block(set->size, set->last_block_buf_size, &off, &len);
	if (shape == CHAIN_SHAPE_CURSOR)
		buf = (const char *)buf + off;
	return checksum64(buf, len) == set->last_block_sums[index];
}

static void on_file_done(void *cookie, size_t index, const void *buf,
			 uint64_t bytes, int status)
{
	struct done_check *chk = cookie;
	int bad = status != 0;

	if (!bad && bytes != BYTES_UNKNOWN && bytes != chk->set->size)
		bad = 1;
	if (bytes != BYTES_UNKNOWN)
		chk->bytes_reported += bytes;
	chk->last_buf = buf;
	chk->last_index = index;
	/* Only the cursor shape has the whole file in buf. */
	if (!bad && chk->verify) {
		chk->checked++;
		bad = chk->shape == CHAIN_SHAPE_CURSOR ?
			      checksum64(buf, chk->set->size) !=
				      chk->set->checksums[index] :
			      !last_block_matches(chk->set, chk->shape, buf,
						  index);
	}
	if (bad) {
		if (!chk->errors) {
			chk->first_status = status;
			chk->first_bad = index;
		}
		chk->errors++;
	}
}

static int run_once(struct variant *v, const struct file_set *set,
		    const char *const *paths, enum chain_shape shape,
		    int verify, struct backend_counters *bc,
		    struct done_check *out)
{
	struct config_result *cfg = v->cfg;
	struct done_check chk = { .set = set,
				  .shape = shape,
				  .verify = verify };
	int ret;

	ret = cfg->backend->run(v->ctx, paths, set->count, on_file_done, &chk,
				bc);
	if (out)
		*out = chk;
	cfg->files_checked += chk.checked;
	cfg->checksum_errors += chk.errors;
	if (ret)
		snprintf(cfg->error, sizeof(cfg->error), "run failed: %s",
			 strerror(-ret));
	else if (chk.errors)
		snprintf(cfg->error, sizeof(cfg->error),
			 "%llu bad files, first %s (status %d%s)",
			 (unsigned long long)chk.errors, paths[chk.first_bad],
			 chk.first_status,
			 chk.first_status ? "" : ", wrong bytes");
	return ret || chk.errors ? -1 : 0;
}

static void progress(const struct run_state *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct run_state *run, const char *fmt, ...)
{
	va_list ap;

	if (run->opt.quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/*
 * Hot samples loop over the set until min_sample_ms; cold ones cannot.
 * one_pass_ns must come from a pass like the samples' own (no checksums, no
 * tracing): a slower pass would size samples short of the floor.
 */
static unsigned int passes_for(const struct bench_options *opt,
			       enum cache_state cache, uint64_t one_pass_ns)
{
	uint64_t target = (uint64_t)opt->min_sample_ms * 1000000ULL;
	uint64_t passes;

	if (cache != CACHE_HOT || !one_pass_ns)
		return 1;
	passes = (target + one_pass_ns - 1) / one_pass_ns;
	return passes < 1 ? 1 : passes > 100000 ? 100000 : (unsigned int)passes;
}

/* What the harness reads between a sample's two read proof marks. */
static void counters_bracket(void)
{
	struct counter_sample unused;

	counters_begin(0);
	counters_end(&unused);
}

/*
 * The read proof of a sample that ran without errors (read_proof.h): the
 * bytes counted between the marks, and the last file's last block in the
 * buffer the last run left it in. 1 if proven, else 0 and why in s.
 */
static int prove_sample(const struct config_result *cfg,
			const struct file_set *set,
			const struct done_check *last_run, uint64_t reported,
			int64_t counted, struct sample *s)
{
	uint64_t want = cfg->backend->reads_nothing ? 0 : s->files * set->size;
	const char *counter = "rchar";

	if (cfg->backend->reads_bypass_rchar) {
		s->bytes_read = (int64_t)reported;
		counter = "completion results";
	} else if (counted >= 0) {
		s->bytes_read =
			counted - read_proof_bracket_bytes(counters_bracket);
	}
	if (s->bytes_read >= 0 && (uint64_t)s->bytes_read != want) {
		snprintf(s->invalid_reason, sizeof(s->invalid_reason),
			 "read %lld bytes (%s), expected %llu",
			 (long long)s->bytes_read, counter,
			 (unsigned long long)want);
		return 0;
	}
	if (cfg->backend->reads_nothing)
		return 1;
	if (!last_run->last_buf ||
	    !last_block_matches(set, cfg->shape, last_run->last_buf,
				last_run->last_index)) {
		snprintf(s->invalid_reason, sizeof(s->invalid_reason),
			 "the last block of file %zu is not in its buffer",
			 last_run->last_index);
		return 0;
	}
	return 1;
}

static void sample_once(struct run_state *run, struct variant *v,
			const struct file_set *set, unsigned int rep)
{
	struct config_result *cfg = v->cfg;
	struct sample *s = &cfg->samples[cfg->nsamples];
	const char *const *paths = read_proof_sample_paths(set);
	struct done_check last_run = { 0 };
	uint64_t reported = 0;
	struct read_mark mark;
	int64_t counted;
	unsigned int p;
	uint64_t t0;
	int failed = 0;

	memset(s, 0, sizeof(*s));
	s->rep = rep;
	s->bytes_read = -1; /* uncounted until prove_sample() */
	/* Hot files stay hot from the warm-up and earlier samples. */
	if (cfg->cache == CACHE_HOT) {
		s->cache.method = "warm";
		s->cache.verified = 1;
	} else if (cache_prepare(cfg->cache, set, &s->cache)) {
		/* Unverified drop: record the rejection, keep no time. */
		snprintf(s->invalid_reason, sizeof(s->invalid_reason), "%s",
			 s->cache.why);
		cfg->nsamples++;
		return;
	}
	/* Outside the timing: the device's counters prove a cold sample. */
	if (cfg->cache != CACHE_HOT)
		cache_proof_begin(&s->cache);
	mark = read_proof_mark();
	counters_begin(0);
	t0 = now_ns();
	for (p = 0; p < cfg->passes && !failed; p++) {
		failed = run_once(v, set, paths, cfg->shape,
				  run->opt.verify_all, &s->bc, &last_run);
		reported += last_run.bytes_reported;
	}
	s->elapsed_ns = now_ns() - t0;
	counters_end(&s->ctr);
	/* rchar first: reading the device's counters reads a file too. */
	counted = read_proof_between(mark, read_proof_mark());
	if (cfg->cache != CACHE_HOT)
		cache_proof_end(&s->cache, set);
	s->files = (uint64_t)cfg->passes * set->count;
	if (failed)
		snprintf(s->invalid_reason, sizeof(s->invalid_reason), "%s",
			 cfg->error);
	else if (!s->cache.verified)
		snprintf(s->invalid_reason, sizeof(s->invalid_reason), "%s",
			 s->cache.why);
	s->valid = !failed && s->cache.verified &&
		   prove_sample(cfg, set, &last_run, reported, counted, s);
	cfg->nsamples++;
}

static struct backend_params params_for(const struct run_state *run,
					const struct config_result *cfg,
					const struct file_set *set,
					enum chain_shape shape)
{
	struct backend_params params = {
		.concurrency = cfg->concurrency,
		.buf_size = run->opt.buf_size,
		.file_buf_cap = set->size + run->opt.buf_size,
		.shape = shape,
	};

	return params;
}

/*
 * The untimed pass that checks every byte's content for a variant whose
 * shape keeps only last blocks: the same backend and concurrency, set up
 * in the cursor shape for this one run. 0, or -1 with cfg->error set.
 */
static int verify_in_cursor_shape(struct run_state *run, struct variant *v,
				  const struct file_set *set)
{
	struct config_result *cfg = v->cfg;
	struct backend_params params =
		params_for(run, cfg, set, CHAIN_SHAPE_CURSOR);
	struct backend_counters bc = { 0 };
	void *shaped = v->ctx;
	int failed;

	v->ctx = cfg->backend->setup(&params);
	if (!v->ctx) {
		snprintf(cfg->error, sizeof(cfg->error),
			 "setup of the cursor verification pass failed: %s",
			 strerror(errno));
		v->ctx = shaped;
		return -1;
	}
	failed = run_once(v, set, (const char *const *)set->paths,
			  CHAIN_SHAPE_CURSOR, 1, &bc, NULL);
	cfg->backend->teardown(v->ctx);
	v->ctx = shaped;
	return failed;
}

static void warm_up(struct run_state *run, struct variant *v,
		    const struct file_set *set)
{
	struct config_result *cfg = v->cfg;
	struct backend_counters bc;
	struct counter_sample ctr;
	struct cache_report report;
	unsigned int w;
	uint64_t t0, best = 0, spent,
		     half_sample_ns = run->opt.min_sample_ms * 500000ULL;
	int nothing = cfg->backend->reads_nothing, failed;
	size_t checked;

	if (cfg->shape != CHAIN_SHAPE_CURSOR && !nothing &&
	    verify_in_cursor_shape(run, v, set))
		return;
	/* The first warm-up is the verified, syscall-counted pass. */
	for (w = 0; w < run->opt.warmup && !cfg->error[0]; w++) {
		memset(&bc, 0, sizeof(bc));
		cache_prepare(cfg->cache, set, &report);
		counters_begin(w == 0);
		failed = run_once(v, set, (const char *const *)set->paths,
				  cfg->shape, w == 0 && !nothing, &bc, NULL);
		counters_end(&ctr);
		if (failed)
			return;
		if (w == 0) {
			cfg->counted_files = set->count;
			cfg->counted_own_syscalls = bc.syscalls;
			cfg->counted_traced_syscalls = ctr.value[CTR_SYSCALLS];
		}
	}
	/*
	 * In the email shape: the cursor pass's files, then last blocks. The
	 * floor: no system call of its own, none traced where traced.
	 */
	checked = set->count * (cfg->shape == CHAIN_SHAPE_CURSOR ? 1 : 2);
	if (nothing)
		cfg->verified = !cfg->error[0] &&
				cfg->counted_own_syscalls == 0 &&
				cfg->counted_traced_syscalls <= 0;
	else
		cfg->verified = !cfg->error[0] && cfg->files_checked == checked;
	/*
	 * Hot passes are sized from the fastest of passes timed as the
	 * samples are (the checked, traced warm-up costs more per file),
	 * spanning half a sample so that one busy moment of a shared machine
	 * does not set the size: the fastest errs towards more passes, so
	 * samples overshoot the floor.
	 */
	for (w = 0, spent = 0; cfg->cache == CACHE_HOT &&
			       (w < SIZING_PASSES || spent < half_sample_ns);
	     w++) {
		memset(&bc, 0, sizeof(bc));
		counters_begin(0);
		t0 = now_ns();
		failed = run_once(v, set, (const char *const *)set->paths,
				  cfg->shape, 0, &bc, NULL);
		t0 = now_ns() - t0;
		counters_end(&ctr);
		if (failed)
			return;
		spent += t0;
		if (!best || t0 < best)
			best = t0;
	}
	cfg->sizing_pass_ns = best;
	cfg->passes = passes_for(&run->opt, cfg->cache, best);
}

/* A new configuration in run->configs, for variants_for(). */
static struct config_result *
new_config(struct run_state *run, const struct file_set *set,
	   enum cache_state cache, const struct backend *backend,
	   enum chain_shape shape, unsigned int concurrency)
{
	struct config_result *cfg;

	run->configs = xrealloc(run->configs,
				(run->nconfigs + 1) * sizeof(*run->configs));
	cfg = &run->configs[run->nconfigs++];
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = backend;
	cfg->shape = shape;
	cfg->concurrency = concurrency;
	cfg->cache = cache;
	cfg->files = set->count;
	cfg->file_size = set->size;
	cfg->buf_size = run->opt.buf_size;
	cfg->samples = xcalloc(run->opt.reps, sizeof(*cfg->samples));
	return cfg;
}

/* Backend x shape x concurrency: a backend's variants stay together. */
static size_t variants_for(struct run_state *run, const struct file_set *set,
			   enum cache_state cache, struct variant *out)
{
	const struct bench_options *opt = &run->opt;
	const struct backend *be;
	size_t b, sh, c, n = 0;

	for (b = 0; b < opt->nbackends; b++) {
		be = opt->backends[b];
		/* The floor reads nothing: no cache state to measure. */
		if (be->reads_nothing && cache != CACHE_HOT)
			continue;
		for (sh = 0; sh < opt->nshapes; sh++) {
			for (c = 0; c < (be->is_async ? opt->nconcurrency : 1);
			     c++) {
				out[n].cfg = new_config(
					run, set, cache, be, opt->shapes[sh],
					be->is_async ? opt->concurrency[c] : 1);
				out[n].ctx = NULL;
				out[n].worker = NULL;
				n++;
			}
		}
	}
	return n;
}

static void setup(struct run_state *run, struct variant *v,
		  const struct file_set *set)
{
	struct config_result *cfg = v->cfg;
	struct backend_params params = params_for(run, cfg, set, cfg->shape);

	v->ctx = cfg->backend->setup(&params);
	if (!v->ctx)
		snprintf(cfg->error, sizeof(cfg->error), "setup failed: %s",
			 strerror(errno));
}

/* Runs op for v in this process: in a worker, or with --one-process. */
static void variant_run(struct run_state *run, struct variant *v,
			const struct file_set *set, enum worker_op op,
			unsigned int rep)
{
	if (op == OP_SETUP)
		setup(run, v, set);
	else if (op == OP_WARM_UP)
		warm_up(run, v, set);
	else
		sample_once(run, v, set, rep);
}

/* A worker: runs the requests for its variants until the parent hangs up. */
static int serve_backend(int in, int out, void *arg)
{
	struct worker_job *job = arg;
	struct worker_request req;
	struct worker_answer ans;
	struct variant *v;
	size_t i;

	/*
	 * The parent's ends of the older workers' pipes came along: they
	 * would keep those workers from seeing the parent hang up.
	 */
	for (i = 0; i < job->nolder; i++)
		if (job->older[i].pid > 0) {
			close(job->older[i].to);
			close(job->older[i].from);
		}
	/* The inherited counters count the parent: open this process's. */
	counters_reopen();
	while (!worker_receive(in, &req, sizeof(req))) {
		v = &job->v[req.index];
		variant_run(job->run, v, job->set, req.op, req.rep);
		memset(&ans, 0, sizeof(ans));
		ans.cfg = *v->cfg;
		if (req.op == OP_SAMPLE)
			ans.sample = v->cfg->samples[v->cfg->nsamples - 1];
		if (worker_reply(out, &ans, sizeof(ans)))
			break;
	}
	for (i = job->first; i < job->first + job->n; i++)
		if (job->v[i].ctx)
			job->v[i].cfg->backend->teardown(job->v[i].ctx);
	return 0;
}

/* The variants of a worker that died or could not start fail with why. */
static void worker_lost(struct variant *v, size_t n, struct worker *w,
			const char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].worker != w)
			continue;
		if (!v[i].cfg->error[0])
			snprintf(v[i].cfg->error, sizeof(v[i].cfg->error), "%s",
				 why);
		v[i].worker = NULL;
	}
}

/* Runs op for variant i in its worker, or here without one. */
static void variant_do(struct run_state *run, struct variant *v, size_t n,
		       size_t i, const struct file_set *set, enum worker_op op,
		       unsigned int rep)
{
	struct worker_request req = { .op = op, .index = i, .rep = rep };
	struct sample *samples = v[i].cfg->samples;
	struct worker *w = v[i].worker;
	struct worker_answer ans;
	char why[sizeof(ans.cfg.error)];

	if (!w) {
		variant_run(run, &v[i], set, op, rep);
		return;
	}
	if (worker_call(w, &req, sizeof(req), &ans, sizeof(ans))) {
		if (!worker_stop(w, why, sizeof(why)))
			snprintf(why, sizeof(why), "worker process ended");
		w->pid = 0;
		worker_lost(v, n, w, why);
		return;
	}
	/* Its copy of the configuration, in our memory. */
	*v[i].cfg = ans.cfg;
	v[i].cfg->samples = samples;
	if (op == OP_SAMPLE)
		samples[v[i].cfg->nsamples - 1] = ans.sample;
}

/*
 * One worker per backend among the n variants (a backend's variants are
 * next to each other). Returns how many were started; the variants of one
 * that could not start fail with the reason.
 */
static size_t start_workers(struct run_state *run, const struct file_set *set,
			    struct variant *v, size_t n, struct worker *workers,
			    struct worker_job *jobs)
{
	size_t i = 0, end, k = 0;
	int err;

	while (i < n) {
		for (end = i + 1;
		     end < n && v[end].cfg->backend == v[i].cfg->backend; end++)
			;
		jobs[k] = (struct worker_job){
			.run = run,
			.set = set,
			.v = v,
			.first = i,
			.n = end - i,
			.older = workers,
			.nolder = k,
		};
		err = worker_start(&workers[k], serve_backend, &jobs[k]);
		if (err)
			workers[k].pid = 0;
		for (; i < end; i++) {
			v[i].worker = err ? NULL : &workers[k];
			if (err)
				snprintf(v[i].cfg->error,
					 sizeof(v[i].cfg->error),
					 "no worker process: %s",
					 strerror(-err));
		}
		k++;
	}
	return k;
}

/* Tears the group down: workers (which tear down their own) or here. */
static void stop_variants(struct variant *v, size_t n, struct worker *workers,
			  size_t nworkers)
{
	char why[160];
	size_t i;

	for (i = 0; i < nworkers; i++)
		if (workers[i].pid > 0 &&
		    worker_stop(&workers[i], why, sizeof(why)))
			worker_lost(v, n, &workers[i], why);
	for (i = 0; i < n; i++)
		if (!v[i].worker && v[i].ctx)
			v[i].cfg->backend->teardown(v[i].ctx);
}

/* Runs one (set, cache) group of variants; 1 if any variant failed. */
static int run_group(struct run_state *run, const struct file_set *set,
		     enum cache_state cache, size_t group_no, size_t groups)
{
	struct variant v[MAX_LIST * CHAIN_SHAPE_COUNT * MAX_LIST];
	struct worker workers[MAX_LIST];
	struct worker_job jobs[MAX_LIST];
	size_t first = run->nconfigs, n, i, nworkers = 0;
	unsigned int rep;
	uint64_t t0 = now_ns();
	int failed = 0;

	n = variants_for(run, set, cache, v);
	/* configs may have moved while growing: rebind. */
	for (i = 0; i < n; i++)
		v[i].cfg = &run->configs[first + i];
	if (!run->opt.one_process)
		nworkers = start_workers(run, set, v, n, workers, jobs);
	progress(run, "[%zu/%zu] %zu files x %zu B, %s: ", group_no + 1, groups,
		 set->count, set->size, cache_state_label(cache));
	for (i = 0; i < n; i++)
		if (!v[i].cfg->error[0])
			variant_do(run, v, n, i, set, OP_SETUP, 0);
	for (i = 0; i < n; i++)
		if (!v[i].cfg->error[0])
			variant_do(run, v, n, i, set, OP_WARM_UP, 0);
	for (rep = 0; rep < run->opt.reps && !matrix_stop_requested; rep++) {
		for (i = 0; i < n && !matrix_stop_requested; i++)
			if (!v[i].cfg->error[0])
				variant_do(run, v, n, i, set, OP_SAMPLE, rep);
		progress(run, ".");
	}
	stop_variants(v, n, workers, nworkers);
	for (i = 0; i < n; i++) {
		if (v[i].cfg->error[0]) {
			failed = 1;
			progress(run, "\n  %s/%s/c%u: %s",
				 v[i].cfg->backend->name,
				 chain_shape_name(v[i].cfg->shape),
				 v[i].cfg->concurrency, v[i].cfg->error);
		}
	}
	results_summarise(run, first, n);
	progress(run, " %.1f s\n", (double)(now_ns() - t0) / 1e9);
	results_write(run);
	return failed;
}

/* What the read proof needs of a set: last blocks, a test's short file. */
static int proof_prepare(const struct run_state *run, struct file_set *set)
{
	int ret = file_set_last_blocks(set, run->opt.buf_size);

	if (!ret && run->opt.test_short_file)
		ret = read_proof_short_file(set, run->dir);
	if (ret)
		fprintf(stderr, "sysletbench: read proof for %s: %s\n",
			set->dir, strerror(-ret));
	return ret;
}

int matrix_run(struct run_state *run)
{
	const struct bench_options *opt = &run->opt;
	size_t s, f, c, group = 0;
	size_t groups = opt->nsizes * opt->nfiles * opt->ncaches;
	struct file_set set;
	int failed = 0;

	for (s = 0; s < opt->nsizes && !matrix_stop_requested; s++) {
		for (f = 0; f < opt->nfiles && !matrix_stop_requested; f++) {
			progress(run, "file set %zu x %zu B ...\n",
				 opt->files[f], opt->sizes[s]);
			if (file_set_open(&set, opt->data_dir, opt->files[f],
					  opt->sizes[s], opt->seed)) {
				run->aborted = 1;
				return 1;
			}
			if (proof_prepare(run, &set)) {
				file_set_close(&set);
				run->aborted = 1;
				return 1;
			}
			for (c = 0; c < opt->ncaches && !matrix_stop_requested;
			     c++)
				failed |= run_group(run, &set, opt->caches[c],
						    group++, groups);
			file_set_close(&set);
			read_proof_short_file_remove();
		}
	}
	return failed || matrix_stop_requested;
}
