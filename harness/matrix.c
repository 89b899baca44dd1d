// SPDX-License-Identifier: MIT
/*
 * The matrix runner (see matrix.h).
 *
 * Verification: the first warm-up run of every variant checksums every
 * file's bytes against the manifest (the backend never sees the expected
 * values); a variant that fails it is reported and gets no numbers. Timed
 * samples check status and byte counts only, so that hashing does not
 * inflate the timings, unless --verify-all asks for full checks throughout.
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
	int verify;
	uint64_t checked;
	uint64_t errors;
	int first_status;
	size_t first_bad;
};

static void on_file_done(void *cookie, size_t index, const void *buf,
			 uint64_t bytes, int status)
{
	struct done_check *chk = cookie;
	int bad = status != 0;

	if (!bad && bytes != BYTES_UNKNOWN && bytes != chk->set->size)
		bad = 1;
	if (!bad && chk->verify) {
		chk->checked++;
		bad = checksum64(buf, chk->set->size) !=
		      chk->set->checksums[index];
	}
	if (bad) {
		if (!chk->errors) {
			chk->first_status = status;
			chk->first_bad = index;
		}
		chk->errors++;
	}
}

static int run_once(struct variant *v, const struct file_set *set, int verify,
		    struct backend_counters *bc)
{
	struct config_result *cfg = v->cfg;
	struct done_check chk = { .set = set, .verify = verify };
	int ret;

	ret = cfg->backend->run(v->ctx, (const char *const *)set->paths,
				set->count, on_file_done, &chk, bc);
	cfg->files_checked += chk.checked;
	cfg->checksum_errors += chk.errors;
	if (ret)
		snprintf(cfg->error, sizeof(cfg->error), "run failed: %s",
			 strerror(-ret));
	else if (chk.errors)
		snprintf(cfg->error, sizeof(cfg->error),
			 "%llu bad files, first %s (status %d%s)",
			 (unsigned long long)chk.errors,
			 set->paths[chk.first_bad], chk.first_status,
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

static void sample_once(struct run_state *run, struct variant *v,
			const struct file_set *set, unsigned int rep)
{
	struct config_result *cfg = v->cfg;
	struct sample *s = &cfg->samples[cfg->nsamples];
	unsigned int p;
	uint64_t t0;
	int failed = 0;

	memset(s, 0, sizeof(*s));
	s->rep = rep;
	/* Hot files stay hot from the warm-up and earlier samples. */
	if (cfg->cache == CACHE_HOT) {
		s->cache.method = "warm";
		s->cache.verified = 1;
	} else if (cache_prepare(cfg->cache, set, &s->cache)) {
		/* Unverified drop: record the rejection, keep no time. */
		cfg->nsamples++;
		return;
	}
	/* Outside the timing: the device's counters prove a cold sample. */
	if (cfg->cache != CACHE_HOT)
		cache_proof_begin(&s->cache);
	counters_begin(0);
	t0 = now_ns();
	for (p = 0; p < cfg->passes && !failed; p++)
		failed = run_once(v, set, run->opt.verify_all, &s->bc);
	s->elapsed_ns = now_ns() - t0;
	counters_end(&s->ctr);
	if (cfg->cache != CACHE_HOT)
		cache_proof_end(&s->cache, set);
	s->files = (uint64_t)cfg->passes * set->count;
	s->valid = !failed && s->cache.verified;
	cfg->nsamples++;
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
	int failed;

	/* The first warm-up is the verified, syscall-counted pass. */
	for (w = 0; w < run->opt.warmup && !cfg->error[0]; w++) {
		memset(&bc, 0, sizeof(bc));
		cache_prepare(cfg->cache, set, &report);
		counters_begin(w == 0);
		failed = run_once(v, set, w == 0, &bc);
		counters_end(&ctr);
		if (failed)
			return;
		if (w == 0) {
			cfg->counted_files = set->count;
			cfg->counted_own_syscalls = bc.syscalls;
			cfg->counted_traced_syscalls = ctr.value[CTR_SYSCALLS];
		}
	}
	cfg->verified = !cfg->error[0] && cfg->files_checked == set->count;
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
		failed = run_once(v, set, 0, &bc);
		t0 = now_ns() - t0;
		counters_end(&ctr);
		if (failed)
			return;
		spent += t0;
		if (!best || t0 < best)
			best = t0;
	}
	cfg->passes = passes_for(&run->opt, cfg->cache, best);
}

static size_t variants_for(struct run_state *run, const struct file_set *set,
			   enum cache_state cache, struct variant *out)
{
	const struct bench_options *opt = &run->opt;
	struct config_result *cfg;
	size_t b, c, n = 0;

	for (b = 0; b < opt->nbackends; b++) {
		for (c = 0;
		     c < (opt->backends[b]->is_async ? opt->nconcurrency : 1);
		     c++) {
			run->configs = xrealloc(run->configs,
						(run->nconfigs + 1) *
							sizeof(*run->configs));
			cfg = &run->configs[run->nconfigs++];
			memset(cfg, 0, sizeof(*cfg));
			cfg->backend = opt->backends[b];
			cfg->concurrency = opt->backends[b]->is_async ?
						   opt->concurrency[c] :
						   1;
			cfg->cache = cache;
			cfg->files = set->count;
			cfg->file_size = set->size;
			cfg->buf_size = opt->buf_size;
			cfg->samples =
				xcalloc(opt->reps, sizeof(*cfg->samples));
			out[n].cfg = cfg;
			out[n].ctx = NULL;
			out[n].worker = NULL;
			n++;
		}
	}
	return n;
}

static void setup(struct run_state *run, struct variant *v,
		  const struct file_set *set)
{
	struct config_result *cfg = v->cfg;
	struct backend_params params = {
		.concurrency = cfg->concurrency,
		.buf_size = run->opt.buf_size,
		.file_buf_cap = set->size + run->opt.buf_size,
	};

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
	struct variant v[MAX_LIST * MAX_LIST];
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
			progress(run, "\n  %s/c%u: %s", v[i].cfg->backend->name,
				 v[i].cfg->concurrency, v[i].cfg->error);
		}
	}
	results_summarise(run, first, n);
	progress(run, " %.1f s\n", (double)(now_ns() - t0) / 1e9);
	results_write(run);
	return failed;
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
			for (c = 0; c < opt->ncaches && !matrix_stop_requested;
			     c++)
				failed |= run_group(run, &set, opt->caches[c],
						    group++, groups);
			file_set_close(&set);
		}
	}
	return failed || matrix_stop_requested;
}
