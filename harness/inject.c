// SPDX-License-Identifier: MIT
/*
 * Test-only regressions for the CI gate's own test (see inject.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/inject.h"

#define MAX_SPIN 1000000UL

struct test_inject test_inject;

int test_inject_parse(const char *arg)
{
	unsigned long n;
	char *end;

	if (!strcmp(arg, "extra-syscall")) {
		test_inject.extra_syscall = 1;
		return 0;
	}
	if (strncmp(arg, "spin=", 5) || !arg[5] || arg[5] == '-')
		return -1;
	n = strtoul(arg + 5, &end, 10);
	if (*end || !n || n > MAX_SPIN)
		return -1;
	test_inject.spin = n;
	return 0;
}

const char *test_inject_describe(char *buf, size_t len)
{
	if (test_inject.extra_syscall && test_inject.spin)
		snprintf(buf, len, "extra-syscall,spin=%lu", test_inject.spin);
	else if (test_inject.extra_syscall)
		snprintf(buf, len, "extra-syscall");
	else if (test_inject.spin)
		snprintf(buf, len, "spin=%lu", test_inject.spin);
	else
		snprintf(buf, len, "none");
	return buf;
}

void test_inject_syscall(void)
{
	/* Raw, so that no libc caching can elide the crossing. */
	if (test_inject.extra_syscall)
		syscall(SYS_getppid);
}

void test_inject_spin(void)
{
	unsigned long i;

	/* The empty asm keeps the compiler from folding the loop away. */
	for (i = 0; i < test_inject.spin; i++)
		__asm__ __volatile__("" : : : "memory");
}
