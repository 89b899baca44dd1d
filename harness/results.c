// SPDX-License-Identifier: MIT
/*
 * Writing the results directory (see results.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/calibrate.h"
#include "harness/inject.h"
#include "harness/results.h"
#include "harness/sysinfo.h"
#include "harness/util.h"
#include "loc.h"

static const char *const sample_columns =
	"target,accel,backend,concurrency,cache,files,file_size,buf_size,"
	"rep,valid,passes,elapsed_ns,ns_per_file,files_per_s,"
	"syscalls_per_file,atoms_per_file,"
	"submissions_per_file,cachemisses_per_file,user_ns_per_file,"
	"sys_ns_per_file,vcsw,ivcsw,minflt,majflt,instructions_per_file,"
	"cycles_per_file,task_clock_ns_per_file,context_switches,"
	"page_faults,cache_method,sentinel_pages,cache_requested,"
	"device_reads,device_sectors,cache_why,shape,bytes_read,"
	"invalid_reason";

static const char *const summary_columns =
	"target,accel,backend,cache,files,file_size,buf_size,concurrency,"
	"samples,median_ns,ci_lo_ns,ci_hi_ns,min_ns,kbest_ns,files_per_s,"
	"speedup_vs_sync,null_syscalls_per_file,syscalls_per_file,"
	"traced_syscalls_per_file,cache_requested,shape";

static char *iso_now(void)
{
	char buf[32];
	time_t t = time(NULL);

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return xstrdup(buf);
}

int results_open(struct run_state *run)
{
	struct sysinfo_meta meta;
	char stamp[32];
	time_t t = time(NULL);

	sysinfo_read(&meta);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&t));
	if (mkdir(run->opt.output_dir, 0755) && errno != EEXIST)
		goto fail;
	run->dir = xasprintf("%s/%s-%s", run->opt.output_dir, stamp,
			     meta.hostname);
	if (mkdir(run->dir, 0755) && errno != EEXIST)
		goto fail;
	run->started = iso_now();
	return results_write(run);
fail:
	fprintf(stderr,
		"sysletbench: cannot create results directory under %s: %s\n",
		run->opt.output_dir, strerror(errno));
	return -errno;
}

static double per_file(double total, uint64_t files)
{
	return files ? total / (double)files : NAN;
}

static const struct config_result *find_sync(const struct run_state *run,
					     const struct config_result *cfg)
{
	size_t i;

	for (i = 0; i < run->nconfigs; i++) {
		const struct config_result *b = &run->configs[i];

		if (!strcmp(b->backend->name, "baseline_sync") &&
		    b->shape == cfg->shape && b->cache == cfg->cache &&
		    b->files == cfg->files && b->file_size == cfg->file_size &&
		    !b->error[0])
			return b;
	}
	return NULL;
}

void results_summarise(struct run_state *run, size_t first, size_t n)
{
	size_t i, k, valid;

	for (i = first; i < first + n; i++) {
		struct config_result *cfg = &run->configs[i];
		double *ns = xcalloc(cfg->nsamples, sizeof(*ns));
		double sys = 0, atoms = 0, subs = 0;
		uint64_t files = 0;

		for (valid = 0, k = 0; k < cfg->nsamples; k++) {
			const struct sample *s = &cfg->samples[k];

			if (!s->valid)
				continue;
			ns[valid++] = per_file((double)s->elapsed_ns, s->files);
			files += s->files;
			sys += (double)s->bc.syscalls;
			atoms += (double)s->bc.atoms;
			subs += (double)s->bc.submissions;
		}
		stats_compute(ns, valid, &cfg->ns_per_file);
		free(ns);
		cfg->files_per_s = 1e9 / cfg->ns_per_file.median;
		cfg->null_syscalls_per_file =
			cfg->ns_per_file.median / run->null_syscall_ns.median;
		cfg->syscalls_per_file = per_file(sys, files);
		cfg->traced_syscalls_per_file =
			cfg->counted_traced_syscalls < 0 ?
				NAN :
				per_file((double)cfg->counted_traced_syscalls,
					 cfg->counted_files);
		cfg->atoms_per_file = per_file(atoms, files);
		cfg->submissions_per_file = per_file(subs, files);
	}
	for (i = first; i < first + n; i++) {
		struct config_result *cfg = &run->configs[i];
		const struct config_result *sync = find_sync(run, cfg);

		/* The floor is no contender: its share is in summary.md. */
		cfg->speedup_vs_sync = sync && !cfg->backend->reads_nothing ?
					       sync->ns_per_file.median /
						       cfg->ns_per_file.median :
					       NAN;
	}
}

/* Numbers that may be NaN: empty in CSV, null in JSON. */
static void csv_num(FILE *f, double v, const char *fmt)
{
	fputc(',', f);
	if (!isnan(v) && !isinf(v))
		fprintf(f, fmt, v);
}

static void json_num(FILE *f, const char *key, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null", key);
	else
		fprintf(f, "\"%s\": %.6g", key, v);
}

/* "median", "ci_lo", "ci_hi": how every measured figure is reported. */
static void json_median_ci(FILE *f, const struct sample_stats *st)
{
	json_num(f, "median", st->median);
	fputs(", ", f);
	json_num(f, "ci_lo", st->ci_lo);
	fputs(", ", f);
	json_num(f, "ci_hi", st->ci_hi);
}

static void json_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, "\"%s\": \"", key);
	for (; v && *v; v++) {
		if (*v == '"' || *v == '\\')
			fprintf(f, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			fprintf(f, "\\u%04x", *v);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static double counter_per_file(const struct sample *s, enum counter_id id)
{
	return s->ctr.value[id] < 0 ?
		       NAN :
		       per_file((double)s->ctr.value[id], s->files);
}

/* A free-text field: quoted, its quotes doubled (RFC 4180). */
static void csv_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* device_reads, device_sectors (empty when uncounted) and cache_why. */
static void csv_device_proof(FILE *f, const struct cache_report *c)
{
	if (c->device_counted)
		fprintf(f, ",%llu,%llu", (unsigned long long)c->device.ios,
			(unsigned long long)c->device.sectors);
	else
		fputs(",,", f);
	fputc(',', f);
	csv_quoted(f, c->why);
}

static void write_samples_csv(FILE *f, const struct run_state *run)
{
	size_t i, k;

	fprintf(f, "%s\n", sample_columns);
	for (i = 0; i < run->nconfigs; i++) {
		const struct config_result *cfg = &run->configs[i];

		for (k = 0; k < cfg->nsamples; k++) {
			const struct sample *s = &cfg->samples[k];

			fprintf(f, "%s,%s,%s,%u,%s,%zu,%zu,%zu,%u,%d,%u,%llu",
				run->opt.target, run->opt.accel,
				cfg->backend->name, cfg->concurrency,
				cache_state_label(cfg->cache), cfg->files,
				cfg->file_size, cfg->buf_size, s->rep, s->valid,
				cfg->passes, (unsigned long long)s->elapsed_ns);
			csv_num(f, per_file((double)s->elapsed_ns, s->files),
				"%.1f");
			csv_num(f,
				s->elapsed_ns ? 1e9 * (double)s->files /
							(double)s->elapsed_ns :
						NAN,
				"%.1f");
			csv_num(f, per_file((double)s->bc.syscalls, s->files),
				"%.3f");
			csv_num(f, per_file((double)s->bc.atoms, s->files),
				"%.3f");
			csv_num(f,
				per_file((double)s->bc.submissions, s->files),
				"%.3f");
			csv_num(f,
				per_file((double)s->bc.cachemisses, s->files),
				"%.3f");
			csv_num(f, per_file((double)s->ctr.utime_ns, s->files),
				"%.1f");
			csv_num(f, per_file((double)s->ctr.stime_ns, s->files),
				"%.1f");
			fprintf(f, ",%lld,%lld,%lld,%lld",
				(long long)s->ctr.vcsw, (long long)s->ctr.ivcsw,
				(long long)s->ctr.minflt,
				(long long)s->ctr.majflt);
			csv_num(f, counter_per_file(s, CTR_INSTRUCTIONS),
				"%.1f");
			csv_num(f, counter_per_file(s, CTR_CYCLES), "%.1f");
			csv_num(f, counter_per_file(s, CTR_TASK_CLOCK), "%.1f");
			csv_num(f,
				s->ctr.value[CTR_CONTEXT_SWITCHES] < 0 ?
					NAN :
					(double)s->ctr
						.value[CTR_CONTEXT_SWITCHES],
				"%.0f");
			csv_num(f,
				s->ctr.value[CTR_PAGE_FAULTS] < 0 ?
					NAN :
					(double)s->ctr.value[CTR_PAGE_FAULTS],
				"%.0f");
			fprintf(f, ",%s,%ld,%s",
				s->cache.method ? s->cache.method : "",
				s->cache.sentinel_pages,
				cache_state_name(cfg->cache));
			csv_device_proof(f, &s->cache);
			fprintf(f, ",%s,%lld,", chain_shape_name(cfg->shape),
				(long long)s->bytes_read);
			csv_quoted(f, s->invalid_reason);
			fputc('\n', f);
		}
	}
}

static int has_numbers(const struct config_result *cfg)
{
	return !cfg->error[0] && cfg->ns_per_file.n > 0;
}

static void write_summary_csv(FILE *f, const struct run_state *run)
{
	size_t i;

	fprintf(f, "%s\n", summary_columns);
	for (i = 0; i < run->nconfigs; i++) {
		const struct config_result *cfg = &run->configs[i];
		const struct sample_stats *st = &cfg->ns_per_file;

		if (!has_numbers(cfg))
			continue;
		fprintf(f, "%s,%s,%s,%s,%zu,%zu,%zu,%u,%zu", run->opt.target,
			run->opt.accel, cfg->backend->name,
			cache_state_label(cfg->cache), cfg->files,
			cfg->file_size, cfg->buf_size, cfg->concurrency, st->n);
		csv_num(f, st->median, "%.1f");
		csv_num(f, st->ci_lo, "%.1f");
		csv_num(f, st->ci_hi, "%.1f");
		csv_num(f, st->min, "%.1f");
		csv_num(f, st->kbest, "%.1f");
		csv_num(f, cfg->files_per_s, "%.1f");
		csv_num(f, cfg->speedup_vs_sync, "%.4f");
		csv_num(f, cfg->null_syscalls_per_file, "%.2f");
		csv_num(f, cfg->syscalls_per_file, "%.3f");
		csv_num(f, cfg->traced_syscalls_per_file, "%.3f");
		fprintf(f, ",%s,%s\n", cache_state_name(cfg->cache),
			chain_shape_name(cfg->shape));
	}
}

static void md_num(FILE *f, double v, const char *fmt)
{
	fputs(" | ", f);
	if (isnan(v))
		fputs("n/a", f);
	else
		fprintf(f, fmt, v);
}

/*
 * The floor beside baseline_sync: per configuration of the floor (hot),
 * its ns per file and its share of baseline_sync's in the same shape, set
 * and cache, i.e. how much of the loop's time per file is the harness.
 */
static void write_floor_md(FILE *f, const struct run_state *run)
{
	const struct config_result *cfg, *sync;
	int header = 0;
	size_t i;

	for (i = 0; i < run->nconfigs; i++) {
		cfg = &run->configs[i];
		if (!cfg->backend->reads_nothing || !has_numbers(cfg))
			continue;
		if (!header++)
			fprintf(f,
				"\nThe floor (%s: the harness's own cost per "
				"file, no system calls):\n\n"
				"| shape | files | size | floor ns/file | "
				"baseline_sync ns/file | floor share of "
				"baseline_sync (medians) |\n|---|---:|---:|---:|---:|---:|\n",
				cfg->backend->name);
		sync = find_sync(run, cfg);
		fprintf(f, "| %s | %zu | %zu | %.0f [%.0f-%.0f]",
			chain_shape_name(cfg->shape), cfg->files,
			cfg->file_size, cfg->ns_per_file.median,
			cfg->ns_per_file.ci_lo, cfg->ns_per_file.ci_hi);
		if (sync && has_numbers(sync))
			fprintf(f, " | %.0f | %.1f%% |\n",
				sync->ns_per_file.median,
				100 * cfg->ns_per_file.median /
					sync->ns_per_file.median);
		else
			fputs(" | n/a | n/a |\n", f);
	}
}

static void write_summary_md(FILE *f, const struct run_state *run)
{
	struct sysinfo_meta meta;
	char label[32];
	double level = -1;
	int levels_differ = 0;
	size_t i;

	sysinfo_read(&meta);
	/* One level in the header when every row has it, else one per row. */
	for (i = 0; i < run->nconfigs; i++) {
		if (!has_numbers(&run->configs[i]))
			continue;
		if (level < 0)
			level = run->configs[i].ns_per_file.ci_level;
		else if (run->configs[i].ns_per_file.ci_level != level)
			levels_differ = 1;
	}
	fprintf(f, "# sysletbench results: %s (%s), %s\n\n", run->opt.target,
		run->opt.accel, run->complete ? "complete" : "INCOMPLETE");
	fprintf(f,
		"Measured on %s (%s%s), kernel %s, %s (%ld CPUs), started "
		"%s. Null syscall (getppid): %.1f ns (",
		meta.hostname,
		hypervisor_detect()->name ? "a VM under " : "bare metal",
		hypervisor_detect()->name ? hypervisor_detect()->name : "",
		meta.kernel_release, meta.cpu_model, meta.cpus, run->started,
		run->null_syscall_ns.median);
	stats_ci_label(run->null_syscall_ns.ci_level, label, sizeof(label));
	fprintf(f, "%s %.1f-%.1f).\n\n", label, run->null_syscall_ns.ci_lo,
		run->null_syscall_ns.ci_hi);
	if (pmu_detect()->present)
		fputs("PMU present: cycles and instructions per file are in "
		      "results.json (per_file_counters), with the mitigations "
		      "and the kernel command line.\n\n",
		      f);
	else
		fprintf(f,
			"No PMU (%s): no cycles or instructions per file. "
			"Mitigations and the kernel command line are in "
			"results.json.\n\n",
			pmu_detect()->why);
	for (i = 0; i < run->opt.nbackends; i++)
		if (run->null_atom[i].per_atom.n)
			fprintf(f,
				"Null atom (getppid, chains of %d) on %s: %.1f "
				"ns, "
				"of which %.1f ns (%.2f null syscalls) is "
				"interpretation; a chain costs %.1f ns fixed "
				"(its one crossing included) + %.1f ns per "
				"atom.\n\n",
				NULL_CHAIN_ATOMS, run->opt.backends[i]->name,
				run->null_atom[i].per_atom.median,
				run->null_atom[i].overhead.median,
				run->null_atom[i].overhead.median /
					run->null_syscall_ns.median,
				run->null_atom[i].chain_fixed.median,
				run->null_atom[i].marginal.median);
	for (i = 0; i < run->opt.nbackends; i++)
		if (run->null_umem_atom[i].per_atom.n)
			fprintf(f,
				"Null umem_add atom (the cursor shape's, one "
				"per block; chains of %d) on %s: %.1f ns, "
				"%.1f ns per atom after the first.\n\n",
				NULL_CHAIN_ATOMS, run->opt.backends[i]->name,
				run->null_umem_atom[i].per_atom.median,
				run->null_umem_atom[i].marginal.median);
	fprintf(f,
		"Programmer's cost of the workload: %d lines as an atom chain "
		"(%s), %d as a clet (%s).\n\n",
		LOC_ATOM_CHAIN, LOC_ATOM_CHAIN_SOURCE, LOC_CLET,
		LOC_CLET_SOURCE);
	fputs("Chain shape: email = every read into one buffer (the seed "
	      "email's self-linked read atom), cursor = at an advancing "
	      "cursor (a umem_add atom per block in a chain).\n\n",
	      f);
	stats_ci_label(level, label, sizeof(label));
	fprintf(f,
		"| backend | shape | in flight | cache | files | size | median "
		"ns/file [%s] | k-best | files/s | vs sync | null "
		"syscalls/file | syscalls/file (own / traced) |\n",
		levels_differ ? "CI" : label);
	fputs("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
	      f);
	for (i = 0; i < run->nconfigs; i++) {
		const struct config_result *cfg = &run->configs[i];
		const struct sample_stats *st = &cfg->ns_per_file;

		fprintf(f, "| %s | %s | %u | %s | %zu | %zu",
			cfg->backend->name, chain_shape_name(cfg->shape),
			cfg->concurrency, cache_state_label(cfg->cache),
			cfg->files, cfg->file_size);
		if (!has_numbers(cfg)) {
			fprintf(f, " | no result: %s%s | | | | | |\n",
				cfg->error[0] ? cfg->error :
						"every sample rejected: ",
				cfg->error[0] || !cfg->nsamples ?
					"" :
					cfg->samples[0].invalid_reason);
			continue;
		}
		fprintf(f, " | %.0f [%.0f-%.0f", st->median, st->ci_lo,
			st->ci_hi);
		stats_ci_label(st->ci_level, label, sizeof(label));
		if (levels_differ)
			fprintf(f, ", %s", label);
		fputs("]", f);
		md_num(f, st->kbest, "%.0f");
		md_num(f, cfg->files_per_s, "%.0f");
		md_num(f, cfg->speedup_vs_sync, "%.2fx");
		md_num(f, cfg->null_syscalls_per_file, "%.1f");
		md_num(f, cfg->syscalls_per_file, "%.2f");
		fputs(" /", f);
		if (isnan(cfg->traced_syscalls_per_file))
			fputs(" n/a", f);
		else
			fprintf(f, " %.2f", cfg->traced_syscalls_per_file);
		fputs(" |\n", f);
	}
	write_floor_md(f, run);
}

static void json_options(FILE *f, const struct bench_options *opt)
{
	char inject[64];
	size_t i;

	fputs("  \"parameters\": {\"files\": [", f);
	for (i = 0; i < opt->nfiles; i++)
		fprintf(f, "%s%zu", i ? ", " : "", opt->files[i]);
	fputs("], \"file_sizes\": [", f);
	for (i = 0; i < opt->nsizes; i++)
		fprintf(f, "%s%zu", i ? ", " : "", opt->sizes[i]);
	fputs("], \"caches\": [", f);
	for (i = 0; i < opt->ncaches; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "",
			cache_state_name(opt->caches[i]));
	fputs("], \"concurrency\": [", f);
	for (i = 0; i < opt->nconcurrency; i++)
		fprintf(f, "%s%u", i ? ", " : "", opt->concurrency[i]);
	fputs("], \"shapes\": [", f);
	for (i = 0; i < opt->nshapes; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "",
			chain_shape_name(opt->shapes[i]));
	fputs("], \"backends\": [", f);
	for (i = 0; i < opt->nbackends; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", opt->backends[i]->name);
	fprintf(f,
		"], \"buf_size\": %zu, \"reps\": %u, \"warmup\": %u, "
		"\"min_sample_ms\": %u, \"seed\": %llu, \"verify_all\": %s, "
		"\"isolation\": \"%s\", ",
		opt->buf_size, opt->reps, opt->warmup, opt->min_sample_ms,
		(unsigned long long)opt->seed,
		opt->verify_all ? "true" : "false",
		opt->one_process ? "one process" : "process per backend");
	json_str(f, "cold_method", cache_cold_method());
	fputs(", ", f);
	json_str(f, "block_device_stat",
		 cache_device_stat_path() ? cache_device_stat_path() : "");
	fputs(", ", f);
	json_str(f, "block_device_missing", cache_device_missing());
	fputs(", ", f);
	json_str(f, "test_inject",
		 test_inject_describe(inject, sizeof(inject)));
	/* Test only: such a run's samples must all be invalid. */
	fprintf(f, ", \"test_short_file\": %s",
		opt->test_short_file ? "true" : "false");
	fputs("},\n", f);
}

/*
 * Per atom backend: ns per atom of a chain of identical atoms (getppid or
 * umem_add) and its cost over one null syscall.
 */
static void json_null_atoms(FILE *f, const struct run_state *run,
			    const struct null_atom_stats *stats)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < run->opt.nbackends; i++) {
		const struct null_atom_stats *st = &stats[i];

		if (!st->per_atom.n)
			continue;
		fprintf(f, "%s\"%s\": {", sep, run->opt.backends[i]->name);
		json_median_ci(f, &st->per_atom);
		fputs(", ", f);
		json_num(f, "overhead_ns", st->overhead.median);
		fputs(", ", f);
		json_num(f, "overhead_ci_lo", st->overhead.ci_lo);
		fputs(", ", f);
		json_num(f, "overhead_ci_hi", st->overhead.ci_hi);
		fputs(", ", f);
		json_num(f, "overhead_null_syscalls",
			 st->overhead.median / run->null_syscall_ns.median);
		fputs(", ", f);
		json_num(f, "marginal_ns", st->marginal.median);
		fputs(", ", f);
		json_num(f, "chain_fixed_ns", st->chain_fixed.median);
		fprintf(f, ", \"chain_atoms\": %d}", NULL_CHAIN_ATOMS);
		sep = ", ";
	}
}

/*
 * What the machine's figures depend on beyond the code: a PMU (cycles and
 * instructions exist only with one), the mitigations the kernel reports
 * and the command line that may have chosen them.
 */
static void json_machine_labels(FILE *f)
{
	struct mitigation mit[MAX_MITIGATIONS];
	const struct pmu_info *pmu = pmu_detect();
	char cmdline[4096];
	size_t i, n;

	fprintf(f, "\"pmu\": {\"present\": %s, ",
		pmu->present ? "true" : "false");
	json_str(f, "why", pmu->why);
	fputs("},\n  \"mitigations\": {", f);
	n = mitigations_read(VULNERABILITIES_DIR, mit, MAX_MITIGATIONS);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, mit[i].name, mit[i].state);
	}
	fputs("},\n  ", f);
	if (sysinfo_first_line("/proc/cmdline", cmdline, sizeof(cmdline)))
		json_str(f, "kernel_cmdline", cmdline);
	else
		fputs("\"kernel_cmdline\": null", f);
	fputs(",\n  ", f);
}

static void json_meta(FILE *f, const struct run_state *run)
{
	const struct hypervisor_info *hv;
	struct sysinfo_meta meta;
	char why[160];
	size_t i;
	int id;

	sysinfo_read(&meta);
	fprintf(f, "  ");
	json_str(f, "schema", RESULTS_SCHEMA);
	fprintf(f, ",\n  \"complete\": %s, \"interrupted\": %s,\n  ",
		run->complete ? "true" : "false",
		run->interrupted ? "true" : "false");
	json_str(f, "target", run->opt.target);
	fputs(", ", f);
	json_str(f, "accel", run->opt.accel);
	fputs(",\n  ", f);
	json_str(f, "started", run->started);
	fputs(", ", f);
	json_str(f, "hostname", meta.hostname);
	fputs(",\n  ", f);
	json_str(f, "kernel_release", meta.kernel_release);
	fputs(", ", f);
	json_str(f, "kernel_version", meta.kernel_version);
	fputs(",\n  ", f);
	json_str(f, "machine", meta.machine);
	fputs(", ", f);
	json_str(f, "cpu_model", meta.cpu_model);
	fprintf(f, ", \"cpus\": %ld,\n  ", meta.cpus);
	hv = hypervisor_detect();
	if (hv->name)
		json_str(f, "hypervisor", hv->name);
	else
		fputs("\"hypervisor\": null", f);
	fputs(", ", f);
	json_str(f, "hypervisor_detected_by", hv->how);
	fputs(",\n  ", f);
	json_machine_labels(f);
	json_str(f, "compiler", meta.compiler);
	fputs(", ", f);
	json_str(f, "git_commit", meta.git_commit);
	fputs(",\n", f);
	json_options(f, &run->opt);
	fputs("  \"null_syscall_ns\": {", f);
	json_median_ci(f, &run->null_syscall_ns);
	fprintf(f,
		", \"samples\": %zu, \"calls_per_sample\": %lu},\n"
		"  \"null_atom_ns\": {",
		run->null_syscall_ns.n, run->calib_calls);
	json_null_atoms(f, run, run->null_atom);
	fputs("},\n  \"null_umem_atom_ns\": {", f);
	json_null_atoms(f, run, run->null_umem_atom);
	fputs("},\n  \"backends\": [\n", f);
	for (i = 0; i < backend_count; i++) {
		int ok;

		why[0] = 0;
		ok = backends[i]->available(why, sizeof(why));
		fputs("    {", f);
		json_str(f, "name", backends[i]->name);
		fputs(", ", f);
		json_str(f, "description", backends[i]->description);
		fprintf(f, ", \"available\": %s, ", ok ? "true" : "false");
		json_str(f, "why", ok ? "" : why);
		fprintf(f, "}%s\n", i + 1 < backend_count ? "," : "");
	}
	fprintf(f,
		"  ],\n  \"programmer_cost\": {\"atom_chain\": {\"lines\": %d, "
		"\"source\": \"%s\"}, \"clet\": {\"lines\": %d, \"source\": "
		"\"%s\"}},\n",
		LOC_ATOM_CHAIN, LOC_ATOM_CHAIN_SOURCE, LOC_CLET,
		LOC_CLET_SOURCE);
	fputs("  \"counters\": [\n", f);
	for (id = 0; id < CTR_COUNT; id++) {
		const char *reason = counter_unsupported_reason(id);

		fputs("    {", f);
		json_str(f, "name", counter_name(id));
		fprintf(f, ", \"supported\": %s, ", reason ? "false" : "true");
		json_str(f, "why", reason ? reason : "");
		fprintf(f, "}%s\n", id + 1 < CTR_COUNT ? "," : "");
	}
	fputs("  ],\n", f);
}

static void json_sample(FILE *f, const struct sample *s)
{
	int id;

	fprintf(f,
		"        {\"rep\": %u, \"valid\": %s, \"elapsed_ns\": %llu, "
		"\"files\": %llu, ",
		s->rep, s->valid ? "true" : "false",
		(unsigned long long)s->elapsed_ns,
		(unsigned long long)s->files);
	json_str(f, "invalid_reason", s->invalid_reason);
	if (s->bytes_read < 0)
		fputs(", \"bytes_read\": null, ", f);
	else
		fprintf(f, ", \"bytes_read\": %lld, ",
			(long long)s->bytes_read);
	json_num(f, "ns_per_file", per_file((double)s->elapsed_ns, s->files));
	fprintf(f,
		", \"backend\": {\"syscalls\": %llu, \"atoms\": %llu, "
		"\"submissions\": %llu, \"cachemisses\": %llu, "
		"\"inline_done\": %llu, \"upcalls\": %llu}",
		(unsigned long long)s->bc.syscalls,
		(unsigned long long)s->bc.atoms,
		(unsigned long long)s->bc.submissions,
		(unsigned long long)s->bc.cachemisses,
		(unsigned long long)s->bc.inline_done,
		(unsigned long long)s->bc.upcalls);
	fprintf(f,
		", \"rusage\": {\"utime_ns\": %lld, \"stime_ns\": %lld, "
		"\"vcsw\": %lld, \"ivcsw\": %lld, \"minflt\": %lld, "
		"\"majflt\": %lld}, \"counters\": {",
		(long long)s->ctr.utime_ns, (long long)s->ctr.stime_ns,
		(long long)s->ctr.vcsw, (long long)s->ctr.ivcsw,
		(long long)s->ctr.minflt, (long long)s->ctr.majflt);
	for (id = 0; id < CTR_COUNT; id++) {
		if (s->ctr.value[id] < 0)
			fprintf(f, "%s\"%s\": null", id ? ", " : "",
				counter_name(id));
		else
			fprintf(f, "%s\"%s\": %lld", id ? ", " : "",
				counter_name(id), (long long)s->ctr.value[id]);
	}
	fputs("}, \"cache\": {", f);
	json_str(f, "method", s->cache.method ? s->cache.method : "");
	fprintf(f,
		", \"verified\": %s, \"sentinel_pages\": %ld, "
		"\"cached_kb_before\": %ld, \"cached_kb_after\": %ld, ",
		s->cache.verified ? "true" : "false", s->cache.sentinel_pages,
		s->cache.cached_kb_before, s->cache.cached_kb_after);
	if (s->cache.device_counted)
		fprintf(f, "\"device\": {\"reads\": %llu, \"sectors\": %llu}, ",
			(unsigned long long)s->cache.device.ios,
			(unsigned long long)s->cache.device.sectors);
	else
		fputs("\"device\": null, ", f);
	json_str(f, "why", s->cache.why);
	fputs("}}", f);
}

/*
 * A counter per file over the configuration's valid samples: median and
 * CI, or null where no sample has it (never 0: why says what is missing).
 */
static void json_counter_per_file(FILE *f, const struct config_result *cfg,
				  enum counter_id id)
{
	double *v = xcalloc(cfg->nsamples ? cfg->nsamples : 1, sizeof(*v));
	struct sample_stats st;
	size_t k, n = 0;

	for (k = 0; k < cfg->nsamples; k++) {
		const struct sample *s = &cfg->samples[k];

		if (s->valid && s->ctr.value[id] >= 0 && s->files)
			v[n++] = counter_per_file(s, id);
	}
	fprintf(f, "\"%s\": ", counter_name(id));
	if (n) {
		stats_compute(v, n, &st);
		fputc('{', f);
		json_median_ci(f, &st);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	free(v);
}

static void json_config(FILE *f, const struct config_result *cfg)
{
	const char *why;
	const struct sample_stats *st = &cfg->ns_per_file;
	size_t k;

	fputs("    {", f);
	json_str(f, "backend", cfg->backend->name);
	fputs(", ", f);
	json_str(f, "shape", chain_shape_name(cfg->shape));
	fprintf(f,
		", \"concurrency\": %u, \"cache\": \"%s\", "
		"\"cache_requested\": \"%s\", \"files\": %zu, "
		"\"file_size\": %zu, \"buf_size\": %zu, \"passes\": %u,\n     "
		"\"sizing_pass_ns\": %llu, "
		"\"verified\": %s, \"files_checked\": %llu, "
		"\"checksum_errors\": %llu, ",
		cfg->concurrency, cache_state_label(cfg->cache),
		cache_state_name(cfg->cache), cfg->files, cfg->file_size,
		cfg->buf_size, cfg->passes,
		(unsigned long long)cfg->sizing_pass_ns,
		cfg->verified ? "true" : "false",
		(unsigned long long)cfg->files_checked,
		(unsigned long long)cfg->checksum_errors);
	json_str(f, "error", cfg->error);
	fprintf(f, ",\n     \"ns_per_file\": {\"n\": %zu, ", st->n);
	json_median_ci(f, st);
	fputs(", ", f);
	json_num(f, "ci_level", st->ci_level);
	fputs(", ", f);
	json_num(f, "min", st->min);
	fputs(", ", f);
	json_num(f, "max", st->max);
	fputs(", ", f);
	json_num(f, "mean", st->mean);
	fputs(", ", f);
	json_num(f, "kbest", st->kbest);
	fputs("},\n     ", f);
	json_num(f, "files_per_s", cfg->files_per_s);
	fputs(", ", f);
	json_num(f, "speedup_vs_sync", cfg->speedup_vs_sync);
	fputs(", ", f);
	json_num(f, "null_syscalls_per_file", cfg->null_syscalls_per_file);
	fputs(",\n     ", f);
	json_num(f, "syscalls_per_file", cfg->syscalls_per_file);
	fputs(", ", f);
	json_num(f, "traced_syscalls_per_file", cfg->traced_syscalls_per_file);
	fprintf(f,
		", \"counted_pass\": {\"files\": %llu, \"own_syscalls\": %llu, "
		"\"traced_syscalls\": ",
		(unsigned long long)cfg->counted_files,
		(unsigned long long)cfg->counted_own_syscalls);
	if (cfg->counted_traced_syscalls < 0)
		fputs("null}", f);
	else
		fprintf(f, "%lld}", (long long)cfg->counted_traced_syscalls);
	fputs(", ", f);
	json_num(f, "atoms_per_file", cfg->atoms_per_file);
	fputs(", ", f);
	json_num(f, "submissions_per_file", cfg->submissions_per_file);
	fputs(",\n     \"per_file_counters\": {", f);
	json_counter_per_file(f, cfg, CTR_CYCLES);
	fputs(", ", f);
	json_counter_per_file(f, cfg, CTR_INSTRUCTIONS);
	fputs(", ", f);
	why = counter_unsupported_reason(CTR_CYCLES);
	json_str(f, "why", why ? why : "");
	fputs("},\n     \"samples\": [\n", f);
	for (k = 0; k < cfg->nsamples; k++) {
		json_sample(f, &cfg->samples[k]);
		fprintf(f, "%s\n", k + 1 < cfg->nsamples ? "," : "");
	}
	fputs("     ]}", f);
}

static void write_json(FILE *f, const struct run_state *run)
{
	size_t i;

	fputs("{\n", f);
	json_meta(f, run);
	fputs("  \"configs\": [\n", f);
	for (i = 0; i < run->nconfigs; i++) {
		json_config(f, &run->configs[i]);
		fprintf(f, "%s\n", i + 1 < run->nconfigs ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

/* Writes dir/name through a temporary and rename(2). */
static int write_atomic(const struct run_state *run, const char *name,
			void (*writer)(FILE *, const struct run_state *))
{
	char *tmp = xasprintf("%s/.%s.tmp", run->dir, name);
	char *path = xasprintf("%s/%s", run->dir, name);
	FILE *f = fopen(tmp, "w");
	int ret = 0;

	if (!f) {
		ret = -errno;
		goto out;
	}
	writer(f, run);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
out:
	if (ret) {
		fprintf(stderr, "sysletbench: writing %s: %s\n", path,
			strerror(-ret));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return ret;
}

int results_write(struct run_state *run)
{
	int ret = 0;

	ret |= write_atomic(run, "results.csv", write_samples_csv);
	ret |= write_atomic(run, "summary.csv", write_summary_csv);
	ret |= write_atomic(run, "summary.md", write_summary_md);
	/* Last: a complete results.json vouches for the files above. */
	ret |= write_atomic(run, "results.json", write_json);
	return ret ? -EIO : 0;
}
