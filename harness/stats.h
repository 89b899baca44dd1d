/* SPDX-License-Identifier: MIT */
/*
 * Robust summary statistics for benchmark samples: median with a
 * distribution-free 95% confidence interval, minimum, and LEBench's k-best.
 */
#ifndef SYSLETBENCH_STATS_H
#define SYSLETBENCH_STATS_H

#include <stddef.h>

#define KBEST_K		5
#define KBEST_TOLERANCE 0.05

struct sample_stats {
	size_t n;
	double median;
	double ci_lo, ci_hi; /* 95% CI of the median (order statistics) */
	double ci_level; /* actual coverage: below 0.95 when n < 6 */
	double min, max, mean;
	double kbest; /* NaN when no k samples agree within 5% */
};

void stats_compute(const double *samples, size_t n, struct sample_stats *out);

/*
 * 0-based indices (lo, hi) into sorted samples bounding a >= 95% CI of the
 * median; returns the exact binomial coverage.
 */
double stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

#endif
