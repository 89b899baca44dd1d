/* SPDX-License-Identifier: MIT */
/*
 * The run model shared by the matrix runner and the result writers: what
 * was asked (struct bench_options), what one sample measured, and what one
 * configuration (backend x chain shape x concurrency x cache x files x
 * size) summarises.
 */
#ifndef SYSLETBENCH_BENCH_H
#define SYSLETBENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "harness/backend.h"
#include "harness/cache.h"
#include "harness/calibrate.h"
#include "harness/counters.h"
#include "harness/stats.h"

#define MAX_LIST 16

struct bench_options {
	const struct backend *backends[MAX_LIST];
	size_t nbackends;
	size_t files[MAX_LIST];
	size_t nfiles;
	size_t sizes[MAX_LIST];
	size_t nsizes;
	enum cache_state caches[CACHE_STATE_COUNT];
	size_t ncaches;
	unsigned int concurrency[MAX_LIST];
	size_t nconcurrency;
	enum chain_shape shapes[CHAIN_SHAPE_COUNT];
	size_t nshapes;
	size_t buf_size;
	unsigned int reps;
	unsigned int warmup;
	unsigned int min_sample_ms;
	uint64_t seed;
	int verify_all; /* checksum every sample, not just warm-up */
	int one_process; /* every backend in this process, no workers */
	int test_short_file; /* tests only: timed samples read one short file */
	int quiet;
	const char *data_dir;
	const char *output_dir;
	const char *target; /* host | guest */
	const char *accel; /* native | vm | kvm | tcg | icount */
};

struct sample {
	unsigned int rep;
	uint64_t elapsed_ns;
	uint64_t files; /* files processed (count x inner passes) */
	int valid; /* 0: rejected, why in invalid_reason */
	char invalid_reason[160]; /* as long as config_result.error */
	/*
	 * The read proof (read_proof.h): bytes the kernel saw read during the
	 * sample (rchar, or completion results), -1 where nothing counts them.
	 */
	int64_t bytes_read;
	struct counter_sample ctr;
	struct backend_counters bc;
	struct cache_report cache;
};

struct config_result {
	const struct backend *backend;
	enum chain_shape shape;
	unsigned int concurrency;
	enum cache_state cache;
	size_t files;
	size_t file_size;
	size_t buf_size;
	unsigned int passes; /* inner passes per sample (hot only) */
	uint64_t sizing_pass_ns; /* the fastest sizing pass (hot), or 0 */

	struct sample *samples;
	size_t nsamples;

	int verified; /* every checked file matched its checksum */
	/* The untimed counted pass (the first warm-up): both syscall counts. */
	uint64_t counted_files;
	uint64_t counted_own_syscalls;
	int64_t counted_traced_syscalls; /* -1: no tracepoint here */
	uint64_t files_checked;
	uint64_t checksum_errors;
	char error[160]; /* why this configuration has no numbers */

	struct sample_stats ns_per_file;
	double files_per_s;
	double speedup_vs_sync; /* NaN without a baseline */
	double null_syscalls_per_file;
	double syscalls_per_file; /* the backend's own count */
	double traced_syscalls_per_file; /* NaN when untraced */
	double atoms_per_file;
	double submissions_per_file;
};

struct run_state {
	struct bench_options opt;
	char *dir; /* results/<timestamp>-<host> */
	char *started; /* ISO 8601 */
	struct sample_stats null_syscall_ns;
	unsigned long calib_calls; /* getppid calls per calibration batch */
	/* ns per null atom, for each selected backend with run_chain. */
	struct null_atom_stats null_atom[MAX_LIST];
	/* ns per umem_add atom (the cursor shape's), likewise. */
	struct null_atom_stats null_umem_atom[MAX_LIST];
	struct config_result *configs;
	size_t nconfigs;
	int complete;
	int interrupted;
	int aborted; /* a file set could not be made: the rest never ran */
};

#endif
