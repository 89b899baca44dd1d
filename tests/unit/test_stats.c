// SPDX-License-Identifier: MIT
/*
 * The statistics against values worked out by hand: medians, the order
 * statistics of the median's 95% CI (n = 10 gives the 2nd and 9th, as in
 * published tables), k-best, and the empty case.
 */
#include <math.h>

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

	stats_compute(tight, 7, &st);
	CHECK(near(st.kbest, 102));
	stats_compute(spread, 6, &st);
	CHECK(isnan(st.kbest));

	stats_compute(ten, 0, &st);
	CHECK(isnan(st.median) && st.n == 0);
	return TEST_EXIT();
}
