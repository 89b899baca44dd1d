/* SPDX-License-Identifier: MIT */
/*
 * Tiny assertion helpers for the unit tests: report file:line and keep
 * going, so one run shows every failure; main returns the verdict.
 */
#ifndef SYSLETBENCH_TEST_HELPERS_H
#define SYSLETBENCH_TEST_HELPERS_H

#include <stdio.h>

static int test_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			test_failures++;                                       \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		long long _a = (long long)(a), _b = (long long)(b);         \
		if (_a != _b) {                                             \
			fprintf(stderr,                                     \
				"%s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, _a, #b, _b);        \
			test_failures++;                                    \
		}                                                           \
	} while (0)

#define TEST_EXIT() (test_failures ? 1 : 0)

#endif
