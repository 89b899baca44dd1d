// SPDX-License-Identifier: MIT
/*
 * Null-syscall calibration (see calibrate.h). Raw syscall instructions,
 * so neither libc nor errno handling is in the figure.
 */
#include <stdlib.h>
#include <sys/syscall.h>

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
