// SPDX-License-Identifier: MIT
/*
 * Tests atoms-uring: rounds of linked reads until EOF, slots, failures
 * along the links, exact atom counts, and batching across chains.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/backend.h"
#include "test_files.h"
#include "test_helpers.h"

extern const struct backend atoms_uring_backend;

/* Sizes around one read, and files that need several rounds. */
static const size_t file_sizes[] = {
	0, 1, 999, 1000, 1001, 4095, 4096, 4097, 65536, 65636, 12288, 3000,
};
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSIZES	      ARRAY_SIZE(file_sizes)
#define NFILES	      (NSIZES + 1) /* the last one does not exist */
#define LARGEST	      65636

static void check_done(void *cookie, size_t index, const void *buf,
		       uint64_t bytes, int status)
{
	expect_check(cookie, NFILES, index, buf, bytes, status);
}

/* The atoms a chain issues for one file with 4 KiB reads, worked by hand. */
static const struct {
	size_t len; /* SIZE_MAX: the file does not exist */
	unsigned int atoms;
} chain_atoms[] = {
	/* open, a full read, the 0-byte read; its close */
	{ 4096, 4 },
	/* open; its reads are cancelled; no close, the slot stays empty */
	{ SIZE_MAX, 3 },
	/* a short read cancels the round's 2nd; a round of 2 finds EOF */
	{ 1, 6 },
	/* the 0-byte read first, its partner cancelled */
	{ 0, 4 },
	{ SIZE_MAX, 3 },
	/* 2 full reads double the next round: full, EOF, 2 cancelled */
	{ 12288, 8 },
	/* full then short: a second round of 2 for the EOF */
	{ 4097, 6 },
};

static void check_links_done(void *cookie, size_t index, const void *buf,
			     uint64_t bytes, int status)
{
	expect_check(cookie, ARRAY_SIZE(chain_atoms), index, buf, bytes,
		     status);
}

static void check_batch_done(void *cookie, size_t index, const void *buf,
			     uint64_t bytes, int status)
{
	expect_check(cookie, 64, index, buf, bytes, status);
}

static void run_set(struct expect *ex, const char *const *paths,
		    size_t buf_size, size_t cap, unsigned int concurrency)
{
	struct backend_params params = {
		.concurrency = concurrency,
		.buf_size = buf_size,
		.file_buf_cap = cap,
	};
	struct backend_counters counters = { 0 };
	unsigned int pass;
	size_t i;
	void *ctx;

	ctx = atoms_uring_backend.setup(&params);
	CHECK(ctx);
	if (!ctx)
		return;
	/* Twice: the second run reuses slots the first one left closed. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < NFILES; i++)
			ex[i].seen = 0;
		CHECK(atoms_uring_backend.run(ctx, paths, NFILES, check_done,
					      ex, &counters) == 0);
		for (i = 0; i < NFILES; i++)
			CHECK(ex[i].seen == 1);
	}
	CHECK(counters.submissions > 0);

	/* An empty set costs nothing. */
	memset(&counters, 0, sizeof(counters));
	CHECK(atoms_uring_backend.run(ctx, paths, 0, check_done, ex,
				      &counters) == 0);
	CHECK(counters.syscalls == 0);
	atoms_uring_backend.teardown(ctx);
}

/*
 * Failure propagation along the links: a missing file between good ones,
 * in one slot (concurrency 1) or a few, gets -ENOENT; its reads are
 * cancelled, nothing of it leaks into the next file of the slot, and no
 * close_direct hits an empty slot (run() returns that error). The atoms are
 * exact: every open, read (cancelled ones too) and close, each file's close
 * once.
 */
static void test_links(const char *dir)
{
	enum { N = ARRAY_SIZE(chain_atoms) };
	static const unsigned int concurrency[] = { 1, 2, 16 };
	struct backend_params params = {
		.buf_size = 4096,
		/* Room for every round: the buffer never caps one here. */
		.file_buf_cap = 65536,
	};
	size_t sizes[N], i, k, nsizes = 0;
	struct expect ex[N + 1], files[N + 1];
	const char *paths[N];
	uint64_t want_atoms = 0;
	unsigned int pass;
	void *ctx;

	for (i = 0; i < N; i++)
		if (chain_atoms[i].len != SIZE_MAX)
			sizes[nsizes++] = chain_atoms[i].len;
	expect_files_create(dir, sizes, nsizes, files, paths);
	/* The table's order: files in turn; the missing one where it says. */
	for (i = 0, k = 0; i < N; i++) {
		ex[i] = chain_atoms[i].len == SIZE_MAX ? files[nsizes] :
							 files[k++];
		paths[i] = ex[i].path;
		want_atoms += chain_atoms[i].atoms;
	}
	for (k = 0; k < ARRAY_SIZE(concurrency); k++) {
		params.concurrency = concurrency[k];
		ctx = atoms_uring_backend.setup(&params);
		CHECK(ctx);
		if (!ctx)
			continue;
		for (pass = 0; pass < 2; pass++) {
			struct backend_counters counters = { 0 };

			for (i = 0; i < N; i++)
				ex[i].seen = 0;
			CHECK(atoms_uring_backend.run(ctx, paths, N,
						      check_links_done, ex,
						      &counters) == 0);
			for (i = 0; i < N; i++)
				CHECK(ex[i].seen == 1);
			CHECK_EQ(counters.atoms, want_atoms);
		}
		atoms_uring_backend.teardown(ctx);
	}
	for (i = 0; i <= nsizes; i++) {
		unlink(files[i].path);
		free(files[i].data);
	}
}

/*
 * Batching: one chain cannot share an enter between files, so it makes at
 * least one per file; 16 chains submit 16 files' rounds per enter, and
 * hot files complete inline, so they need far fewer.
 */
static void test_batching(const char *dir)
{
	enum { N = 64 };
	static size_t sizes[N];
	struct backend_params params = {
		.buf_size = 4096,
		.file_buf_cap = 8192,
	};
	struct expect ex[N + 1];
	const char *paths[N + 1];
	uint64_t enters[2];
	unsigned int c, pass;
	size_t i;
	void *ctx;

	for (i = 0; i < N; i++)
		sizes[i] = 4096;
	expect_files_create(dir, sizes, N, ex, paths);
	for (c = 0; c < 2; c++) {
		params.concurrency = c ? 16 : 1;
		ctx = atoms_uring_backend.setup(&params);
		CHECK(ctx);
		if (!ctx)
			return;
		/* The first pass makes the files hot. */
		for (pass = 0; pass < 2; pass++) {
			struct backend_counters counters = { 0 };

			for (i = 0; i < N; i++)
				ex[i].seen = 0;
			CHECK(atoms_uring_backend.run(ctx, paths, N,
						      check_batch_done, ex,
						      &counters) == 0);
			enters[c] = counters.submissions;
		}
		atoms_uring_backend.teardown(ctx);
	}
	printf("io_uring_enter calls for %d hot files: %llu at concurrency 1, "
	       "%llu at 16\n",
	       N, (unsigned long long)enters[0], (unsigned long long)enters[1]);
	CHECK(enters[0] >= N);
	CHECK(enters[1] <= N / 2);
	for (i = 0; i <= N; i++) {
		unlink(ex[i].path);
		free(ex[i].data);
	}
}

int main(void)
{
	static const unsigned int concurrency[] = { 1, 2, 16, 64 };
	static const size_t buf_sizes[] = { 4096, 1000 };
	char dir[] = "/tmp/test_uring_backend.XXXXXX";
	struct expect ex[NFILES];
	const char *paths[NFILES];
	char why[256] = "";
	size_t i, k, b;

	if (!atoms_uring_backend.available(why, sizeof(why))) {
		printf("skip: atoms-uring unavailable: %s\n", why);
		return 77;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	expect_files_create(dir, file_sizes, NSIZES, ex, paths);

	for (b = 0; b < ARRAY_SIZE(buf_sizes); b++)
		for (k = 0; k < ARRAY_SIZE(concurrency); k++)
			run_set(ex, paths, buf_sizes[b], LARGEST + buf_sizes[b],
				concurrency[k]);

	/* A file bigger than the buffer fails alone, and nothing overflows. */
	for (i = 0; i + 1 < NFILES; i++)
		ex[i].want_status = ex[i].len + 4096 > 16384 ? -EFBIG : 0;
	run_set(ex, paths, 4096, 16384, 4);

	for (i = 0; i < NFILES; i++) {
		unlink(ex[i].path);
		free(ex[i].data);
	}
	test_links(dir);
	test_batching(dir);
	rmdir(dir);
	return TEST_EXIT();
}
