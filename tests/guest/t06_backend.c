// SPDX-License-Identifier: MIT
/*
 * The atoms-kernel backend end to end: 64 files of assorted sizes on the
 * ext4 disk, read hot (chains complete inline) and cold after drop_caches
 * (chains block on I/O and go async), at concurrency 1 and 8; every file
 * must come back byte for byte, exactly once. The files and the checks
 * common to both kernel backends are in backend_check.h (shared with t13).
 * Then the email's chain shape, hot: each file's last block at the start
 * of its buffer, and the kernel's atom count open + (blocks + 1) reads +
 * close per file.
 *
 * EXTRA_SRCS: atoms/atoms_kernel.c atoms/atom_chain.c harness/file_buf.c
 * EXTRA_SRCS: harness/inject.c
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

static int email_bad;

/* The email shape leaves each file's last non-empty block at buf. */
static void email_done(void *cookie, size_t idx, const void *buf,
		       uint64_t bytes, int status)
{
	const unsigned char *b = buf;
	size_t off, i;

	(void)cookie;
	(void)bytes;
	if (idx >= BC_NFILES || status) {
		email_bad++;
		return;
	}
	off = bc_sizes[idx] ? (bc_sizes[idx] - 1) / 4096 * 4096 : 0;
	for (i = off; i < bc_sizes[idx]; i++)
		if (b[i - off] != bc_pattern(idx, i)) {
			printf("email: file %zu differs at %zu\n", idx, i);
			email_bad++;
			return;
		}
}

static void email_shape_pass(void)
{
	struct backend_params p = {
		.concurrency = 1,
		.buf_size = 4096,
		.file_buf_cap = BC_MAXSZ + 4096,
		.shape = CHAIN_SHAPE_EMAIL,
	};
	struct backend_counters c;
	const char *pv[BC_NFILES];
	uint64_t atoms = 0;
	void *ctx = atoms_kernel_backend.setup(&p);
	int i;

	CHECK(ctx != NULL, "setup failed");
	if (!ctx)
		return;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < BC_NFILES; i++) {
		pv[i] = bc_paths[i];
		atoms += 1 + ((bc_sizes[i] + 4095) / 4096 + 1) + 1;
	}
	CHECK_EQ(atoms_kernel_backend.run(ctx, pv, BC_NFILES, email_done, NULL,
					  &c),
		 0);
	printf("backend: email shape: atoms %llu, expected %llu\n",
	       (unsigned long long)c.atoms, (unsigned long long)atoms);
	CHECK_EQ(c.atoms, atoms);
	CHECK_EQ(email_bad, 0);
	atoms_kernel_backend.teardown(ctx);
}

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
	bc_main_passes(&bc);
	email_shape_pass();
	return test_done();
}
