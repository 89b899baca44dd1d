/* SPDX-License-Identifier: MIT */
/*
 * Timing for the microbenchmarks (t07 atoms, t12 clets), one copy so that
 * their figures stay comparable: best of 5 runs, the minimum being the
 * least disturbed by the guest's timer ticks and host scheduling.
 */
#ifndef MICROBENCH_H
#define MICROBENCH_H

#include <stdio.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * Best of 5 runs of @n iterations of @body, in ns per iteration: printed
 * under @label and stored in the caller's results[nres++]. @body may use
 * the iteration number, it.
 */
#define BENCH(label, n, body)                                        \
	do {                                                         \
		double best = 1e30;                                  \
		int rep;                                             \
		for (rep = 0; rep < 5; rep++) {                      \
			double t0 = now_ns();                        \
			long it;                                     \
			for (it = 0; it < (n); it++) {               \
				body;                                \
			}                                            \
			t0 = (now_ns() - t0) / (n);                  \
			if (t0 < best)                               \
				best = t0;                           \
		}                                                    \
		printf("microbench: %-44s %9.1f ns\n", label, best); \
		results[nres++] = best;                              \
	} while (0)

#endif /* MICROBENCH_H */
