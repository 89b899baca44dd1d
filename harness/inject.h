/* SPDX-License-Identifier: MIT */
/*
 * Test-only regressions (--test-inject), so that tests can prove the CI
 * gate fails on a real slowdown: never used for a measurement, and
 * recorded in results.json (parameters.test_inject) so that an injected
 * run can never become a reference.
 */
#ifndef SYSLETBENCH_INJECT_H
#define SYSLETBENCH_INJECT_H

#include <stddef.h>

struct test_inject {
	int extra_syscall; /* baseline_sync: one uncounted getppid per file */
	unsigned long spin; /* atoms-kernel: busy-loop iterations per file */
};

/* Set once by the command line, before any worker is forked. */
extern struct test_inject test_inject;

/* Parses "extra-syscall" or "spin=N"; returns 0, or -1 if malformed. */
int test_inject_parse(const char *arg);

/* "none", or what was injected, for results.json. */
const char *test_inject_describe(char *buf, size_t len);

/* The per-file hooks: free when nothing is injected. */
void test_inject_syscall(void);
void test_inject_spin(void);

#endif
