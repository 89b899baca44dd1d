// SPDX-License-Identifier: MIT
/*
 * The clets-kernel backend end to end, as t06 for atoms-kernel: 64 files
 * of assorted sizes on the ext4 disk, read hot (clets complete inline)
 * and cold after drop_caches (clets block on I/O and go async), at
 * concurrency 1, 8 and 16; every file must come back byte for byte, with
 * the right length, exactly once. The files and the checks common to both
 * kernel backends are in backend_check.h (shared with t06).
 *
 * EXTRA_SRCS: clets/clets_kernel.c clets/clet_kernel.c clets/clet_sys.c
 * EXTRA_SRCS: clets/file_clet.c harness/file_buf.c
 */
#include "backend_check.h"

extern const struct backend clets_kernel_backend;

/* One clet per file: an upcall each. */
static void report(unsigned int conc, int cold,
		   const struct backend_counters *c)
{
	printf("clets-backend: conc %u %s: upcalls %llu cachemisses %llu inline %llu syscalls %llu\n",
	       conc, cold ? "cold" : "hot", (unsigned long long)c->upcalls,
	       (unsigned long long)c->cachemisses,
	       (unsigned long long)c->inline_done,
	       (unsigned long long)c->syscalls);
	CHECK_EQ(c->upcalls, BC_NFILES);
}

static const struct bc_pass passes[] = {
	{ 1, 0 }, { 8, 0 }, { 1, 1 }, { 8, 1 }, { 16, 1 },
};

int main(void)
{
	/* A clet adds up what its reads return: it knows the length. */
	static const struct backend_check bc = {
		.be = &clets_kernel_backend,
		.passes = passes,
		.npasses = sizeof(passes) / sizeof(passes[0]),
		.check_bytes = 1,
		.report = report,
	};

	test_name = "clets-backend";
	bc_main_passes(&bc);
	return test_done();
}
