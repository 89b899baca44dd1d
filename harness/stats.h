/* SPDX-License-Identifier: MIT */
/*
 * Robust summary statistics for benchmark samples: median with a
 * distribution-free confidence interval (95% or more from 6 samples on;
 * its real coverage is kept and printed), minimum, and LEBench's k-best.
 */
#ifndef SYSLETBENCH_STATS_H
#define SYSLETBENCH_STATS_H

#include <stddef.h>

#define KBEST_K		5
#define KBEST_TOLERANCE 0.05

struct sample_stats {
	size_t n;
	double median;
	double ci_lo, ci_hi; /* CI of the median (order statistics) */
	double ci_level; /* its coverage: >= 0.95 from n = 6, below before */
	double min, max, mean;
	double kbest; /* NaN when no k samples agree within 5% */
};

void stats_compute(const double *samples, size_t n, struct sample_stats *out);

/*
 * 0-based indices (lo, hi) into sorted samples bounding a >= 95% CI of the
 * median; returns the exact binomial coverage.
 */
double stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/*
 * What an interval of coverage level is called in every output: "96.8% CI"
 * (rounded down, so that a 94.96% interval never reads as 95%), or "no CI"
 * for a single sample.
 */
void stats_ci_label(double level, char *buf, size_t len);

#endif
