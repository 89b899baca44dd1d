// SPDX-License-Identifier: MIT
/*
 * Summary statistics (see stats.h).
 *
 * The median's CI uses order statistics: the number of samples below the
 * true median is Binomial(n, 1/2), so [x_(l), x_(n-l+1)] covers it with
 * probability 1 - 2 P(B < l). No normality assumption, which matters for
 * latency samples with long right tails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats.h"
#include "harness/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* P(B <= k) for B ~ Binomial(n, 1/2), summed in log space. */
static double binom_half_cdf(size_t n, size_t k)
{
	double sum = 0, logp;
	size_t i;

	for (i = 0; i <= k && i <= n; i++) {
		logp = lgamma((double)n + 1) - lgamma((double)i + 1) -
		       lgamma((double)(n - i) + 1) - (double)n * log(2.0);
		sum += exp(logp);
	}
	return sum;
}

double stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	size_t l = 0;

	if (n == 0) {
		*lo = *hi = 0;
		return 0;
	}
	/* Largest l (1-based) with P(B <= l - 1) <= 0.025. */
	while (l + 1 <= n / 2 && binom_half_cdf(n, l) <= 0.025)
		l++;
	if (l == 0) {
		*lo = 0;
		*hi = n - 1;
		return n > 1 ? 1 - 2 * binom_half_cdf(n, 0) : 0;
	}
	*lo = l - 1;
	*hi = n - l;
	return 1 - 2 * binom_half_cdf(n, l - 1);
}

static double kbest(const double *sorted, size_t n)
{
	size_t k = n < KBEST_K ? n : KBEST_K, i, j;
	double sum;

	for (i = 0; i + k <= n; i++) {
		if (sorted[i + k - 1] > sorted[i] * (1 + KBEST_TOLERANCE))
			continue;
		for (sum = 0, j = i; j < i + k; j++)
			sum += sorted[j];
		return sum / (double)k;
	}
	return NAN;
}

void stats_compute(const double *samples, size_t n, struct sample_stats *out)
{
	double *sorted, sum = 0;
	size_t i, lo, hi;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (!n) {
		out->median = out->ci_lo = out->ci_hi = out->kbest = NAN;
		out->min = out->max = out->mean = NAN;
		return;
	}
	sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, samples, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	for (i = 0; i < n; i++)
		sum += sorted[i];
	out->mean = sum / (double)n;
	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->median = n % 2 ? sorted[n / 2] :
			      (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	out->ci_level = stats_median_ci_ranks(n, &lo, &hi);
	out->ci_lo = sorted[lo];
	out->ci_hi = sorted[hi];
	out->kbest = kbest(sorted, n);
	free(sorted);
}

void stats_ci_label(double level, char *buf, size_t len)
{
	double tenths = floor(level * 1000 + 1e-9);

	if (!(level > 0))
		snprintf(buf, len, "no CI");
	else if (fmod(tenths, 10) == 0)
		snprintf(buf, len, "%.0f%% CI", tenths / 10);
	else
		snprintf(buf, len, "%.1f%% CI", tenths / 10);
}
