// SPDX-License-Identifier: MIT
/* Tests atoms-uring: rounds of linked reads until EOF, slots, counters. */
#include <errno.h>
#include <fcntl.h>
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
	/* run() makes no system call but io_uring_enter. */
	CHECK(counters.submissions > 0);
	CHECK(counters.syscalls == counters.submissions);
	CHECK(counters.atoms >= 2 * 3 * (NFILES - 1));

	/* An empty set costs nothing. */
	memset(&counters, 0, sizeof(counters));
	CHECK(atoms_uring_backend.run(ctx, paths, 0, check_done, ex,
				      &counters) == 0);
	CHECK(counters.syscalls == 0);
	atoms_uring_backend.teardown(ctx);
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
	rmdir(dir);
	return TEST_EXIT();
}
