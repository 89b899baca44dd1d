// SPDX-License-Identifier: MIT
/*
 * The statistics against values worked out by hand: medians, the order
 * statistics of the median's CI (n = 10 gives the 2nd and 9th, as in
 * published tables) and its real level, how that level is labelled,
 * k-best, and the empty case.
 */
#include <math.h>
#include <string.h>

#include "harness/stats.h"
#include "test_helpers.h"

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

int main(void)
{
	static const double ten[] = { 10, 1, 9, 2, 8, 3, 7, 4, 6, 5 };
	static const double odd[] = { 3, 1, 2 };
	static const double tight[] = { 100, 101, 102, 103, 104, 500, 900 };
	static const double spread[] = { 1, 2, 4, 8, 16, 32 };
	struct sample_stats st;
	char label[32];
	size_t lo, hi;
	double level;

	stats_compute(ten, 10, &st);
	CHECK(near(st.median, 5.5));
	CHECK(near(st.min, 1) && near(st.max, 10) && near(st.mean, 5.5));
	CHECK(near(st.ci_lo, 2) && near(st.ci_hi, 9));
	CHECK(fabs(st.ci_level - 0.978515625) < 1e-9);

	stats_compute(odd, 3, &st);
	CHECK(near(st.median, 2));
	/* n = 3 cannot reach 95%: the whole range, at 75% coverage. */
	CHECK(near(st.ci_lo, 1) && near(st.ci_hi, 3));
	CHECK(fabs(st.ci_level - 0.75) < 1e-9);

	level = stats_median_ci_ranks(100, &lo, &hi);
	/* Binomial tables: n = 100 -> ranks 40 and 61 (1-based). */
	CHECK_EQ(lo, 39);
	CHECK_EQ(hi, 60);
	CHECK(level >= 0.95);

	/* 6 samples are the fewest whose min..max is a 95% interval. */
	level = stats_median_ci_ranks(5, &lo, &hi);
	CHECK(lo == 0 && hi == 4 && fabs(level - 0.9375) < 1e-9);
	level = stats_median_ci_ranks(6, &lo, &hi);
	CHECK(lo == 0 && hi == 5 && fabs(level - 0.96875) < 1e-9);

	/* Labels say the real level, rounded down, never "95%" below it. */
	stats_ci_label(0.9375, label, sizeof(label));
	CHECK(!strcmp(label, "93.7% CI"));
	stats_ci_label(0.75, label, sizeof(label));
	CHECK(!strcmp(label, "75% CI"));
	stats_ci_label(0.96875, label, sizeof(label));
	CHECK(!strcmp(label, "96.8% CI"));
	stats_ci_label(0.94999, label, sizeof(label));
	CHECK(!strcmp(label, "94.9% CI"));
	stats_ci_label(0, label, sizeof(label));
	CHECK(!strcmp(label, "no CI"));

	stats_compute(tight, 7, &st);
	CHECK(near(st.kbest, 102));
	stats_compute(spread, 6, &st);
	CHECK(isnan(st.kbest));

	stats_compute(ten, 0, &st);
	CHECK(isnan(st.median) && st.n == 0);
	return TEST_EXIT();
}
