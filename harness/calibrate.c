// SPDX-License-Identifier: MIT
/*
 * Null-syscall calibration (see calibrate.h). Raw syscall instructions,
 * so neither libc nor errno handling is in the figure.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "atoms/atom_chain.h"
#include "atoms/raw_syscall.h"
#include "harness/calibrate.h"
#include "harness/util.h"

void null_syscall_measure(unsigned int reps, unsigned long iters,
			  struct sample_stats *out)
{
	double *ns = xcalloc(reps, sizeof(*ns));
	unsigned long i;
	unsigned int r;
	uint64_t t0;

	for (i = 0; i < iters / 10; i++)
		raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
		ns[r] = (double)(now_ns() - t0) / (double)iters;
	}
	stats_compute(ns, reps, out);
	free(ns);
}

static double time_null_syscalls(unsigned long calls)
{
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < calls; i++)
		raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
	return (double)(now_ns() - t0) / (double)calls;
}

int null_atom_measure(atom_chain_runner runner, unsigned int reps,
		      unsigned long iters, struct null_atom_stats *out)
{
	struct syslet_uatom chain[NULL_CHAIN_ATOMS];
	double *atom_ns = xcalloc(reps, sizeof(*atom_ns));
	double *diff_ns = xcalloc(reps, sizeof(*diff_ns));
	double syscall_ns;
	int64_t ret;
	unsigned long i;
	unsigned int r;
	uint64_t t0;
	long done;
	int a;

	for (a = 0; a < NULL_CHAIN_ATOMS; a++)
		init_atom(&chain[a], __NR_getppid, NULL, NULL, NULL, NULL, NULL,
			  NULL, &ret, SYSLET_SYNC,
			  a + 1 < NULL_CHAIN_ATOMS ? &chain[a + 1] : NULL, 0);
	done = runner(chain);
	if (done != (long)(uintptr_t)&chain[NULL_CHAIN_ATOMS - 1]) {
		free(atom_ns);
		free(diff_ns);
		return done < 0 ? (int)done : -EINVAL;
	}
	/*
	 * Alternate batches of chains and of as many plain syscalls, and
	 * keep the paired differences: drift on a shared machine then hits
	 * both sides of each difference alike.
	 */
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			runner(chain);
		atom_ns[r] = (double)(now_ns() - t0) /
			     ((double)iters * NULL_CHAIN_ATOMS);
		syscall_ns = time_null_syscalls(iters * NULL_CHAIN_ATOMS);
		diff_ns[r] = atom_ns[r] - syscall_ns;
	}
	stats_compute(atom_ns, reps, &out->per_atom);
	stats_compute(diff_ns, reps, &out->overhead);
	free(atom_ns);
	free(diff_ns);
	return 0;
}
