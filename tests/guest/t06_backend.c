// SPDX-License-Identifier: MIT
/*
 * The atoms-kernel backend end to end: 64 files of assorted sizes on the
 * ext4 disk, read hot (chains complete inline) and cold after drop_caches
 * (chains block on I/O and go async), at concurrency 1 and 8; every file
 * must come back byte for byte, exactly once. The files and the checks
 * common to both kernel backends are in backend_check.h (shared with t13).
 *
 * EXTRA_SRCS: atoms/atoms_kernel.c atoms/atom_chain.c harness/file_buf.c
 */
#include "backend_check.h"

extern const struct backend atoms_kernel_backend;

/* One async_exec per file: a submission each. */
static void report(unsigned int conc, int cold,
		   const struct backend_counters *c)
{
	printf("backend: conc %u %s: submissions %llu cachemisses %llu inline %llu atoms %llu syscalls %llu\n",
	       conc, cold ? "cold" : "hot", (unsigned long long)c->submissions,
	       (unsigned long long)c->cachemisses,
	       (unsigned long long)c->inline_done, (unsigned long long)c->atoms,
	       (unsigned long long)c->syscalls);
	CHECK_EQ(c->submissions, BC_NFILES);
}

static const struct bc_pass passes[] = {
	{ 1, 0 },
	{ 8, 0 },
	{ 1, 1 },
	{ 8, 1 },
};

int main(void)
{
	/* An atom chain cannot know the bytes it read (BYTES_UNKNOWN). */
	static const struct backend_check bc = {
		.be = &atoms_kernel_backend,
		.passes = passes,
		.npasses = sizeof(passes) / sizeof(passes[0]),
		.check_bytes = 0,
		.report = report,
	};

	test_name = "backend";
	return bc_main(&bc);
}
