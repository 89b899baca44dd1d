// SPDX-License-Identifier: MIT
/* Tests the pthread clet pool and the clets-threads backend built on it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clets/clet_pool.h"
#include "harness/backend.h"
#include "test_files.h"
#include "test_helpers.h"

extern const struct backend clets_threads_backend;

static long double_it(unsigned long arg)
{
	return (long)arg * 2;
}

/* Every clet, its arg and its result come back exactly once. */
static void test_roundtrip(void)
{
	enum { N = 2000 };
	static unsigned char seen[N];
	struct clet_completion c;
	struct clet_pool *pool;
	unsigned long i;

	pool = clet_pool_create(4);
	CHECK(pool);
	if (!pool)
		return;
	CHECK(clet_wait(pool, &c) == -EAGAIN);
	for (i = 0; i < N; i++)
		CHECK(clet_submit(pool, double_it, i) == 0);
	CHECK(clet_pool_outstanding(pool) == N);
	for (i = 0; i < N; i++) {
		CHECK(clet_wait(pool, &c) == 0);
		CHECK(c.fn == double_it);
		CHECK(c.arg < N && c.result == (long)c.arg * 2);
		if (c.arg < N)
			seen[c.arg]++;
	}
	for (i = 0; i < N; i++)
		CHECK(seen[i] == 1);
	CHECK(clet_pool_outstanding(pool) == 0);
	CHECK(clet_wait(pool, &c) == -EAGAIN);
	clet_pool_destroy(pool);
}

static pthread_mutex_t meet_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meet_cond = PTHREAD_COND_INITIALIZER;
static unsigned int meet_count;

/*
 * Only a hang guard: meet() waits for the others to arrive, however slowly
 * a loaded machine schedules them. ctest's own timeout is 120 s.
 */
#define MEET_HANG_GUARD_S 100

/* Returns 1 once arg clets are inside at the same time, 0 if they never are. */
static long meet(unsigned long arg)
{
	struct timespec deadline;
	unsigned int inside;
	long met = 1;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += MEET_HANG_GUARD_S;
	pthread_mutex_lock(&meet_lock);
	if (++meet_count >= arg)
		pthread_cond_broadcast(&meet_cond);
	while (meet_count < arg && met)
		met = pthread_cond_timedwait(&meet_cond, &meet_lock,
					     &deadline) != ETIMEDOUT;
	inside = meet_count;
	pthread_mutex_unlock(&meet_lock);
	if (!met)
		fprintf(stderr,
			"meet: %u of %lu clets inside after %d s: the pool "
			"does not run them at once\n",
			inside, arg, MEET_HANG_GUARD_S);
	return met;
}

/* nthreads workers really run nthreads blocking clets at once. */
static void test_concurrency(unsigned int nthreads)
{
	struct clet_completion c;
	struct clet_pool *pool;
	unsigned int i;

	meet_count = 0;
	pool = clet_pool_create(nthreads);
	CHECK(pool);
	if (!pool)
		return;
	for (i = 0; i < nthreads; i++)
		CHECK(clet_submit(pool, meet, nthreads) == 0);
	for (i = 0; i < nthreads; i++) {
		CHECK(clet_wait(pool, &c) == 0);
		CHECK(c.result == 1);
	}
	clet_pool_destroy(pool);
}

static unsigned long ran;

static long count_run(unsigned long arg)
{
	__atomic_add_fetch(&ran, arg, __ATOMIC_RELAXED);
	return 0;
}

/* Destroy lets queued clets finish, reaped or not. */
static void test_destroy_drains(void)
{
	struct clet_pool *pool = clet_pool_create(2);
	unsigned int i;

	CHECK(pool);
	if (!pool)
		return;
	for (i = 0; i < 500; i++)
		CHECK(clet_submit(pool, count_run, 1) == 0);
	clet_pool_destroy(pool);
	CHECK(ran == 500);

	errno = 0;
	CHECK(!clet_pool_create(0) && errno == EINVAL);
}

/* The backend: every file once, on this thread, bytes and content right. */
static const size_t file_sizes[] = { 0, 1, 4095, 4096, 4097, 65536, 65636 };
#define NSIZES (sizeof(file_sizes) / sizeof(file_sizes[0]))
#define NFILES (NSIZES + 1) /* the last one does not exist */

static void check_done(void *cookie, size_t index, const void *buf,
		       uint64_t bytes, int status)
{
	expect_check(cookie, NFILES, index, buf, bytes, status);
}

static void test_backend(const char *dir)
{
	static const unsigned int concurrency[] = { 1, 3, 16 };
	struct expect ex[NFILES];
	const char *paths[NFILES];
	struct backend_params params = {
		.buf_size = 4096,
		.file_buf_cap = 65636 + 4096,
	};
	uint64_t want_syscalls = 1; /* the failed open */
	size_t i, k;
	void *ctx;

	expect_files_create(dir, file_sizes, NSIZES, ex, paths);
	for (i = 0; i < NSIZES; i++)
		/* open, full reads, a partial one, the 0-byte read, close */
		want_syscalls += 3 + ex[i].len / 4096 + !!(ex[i].len % 4096);

	for (k = 0; k < sizeof(concurrency) / sizeof(concurrency[0]); k++) {
		struct backend_counters counters = { 0 };

		params.concurrency = concurrency[k];
		ctx = clets_threads_backend.setup(&params);
		CHECK(ctx);
		if (!ctx)
			continue;
		for (i = 0; i < NFILES; i++)
			ex[i].seen = 0;
		CHECK(clets_threads_backend.run(ctx, paths, NFILES, check_done,
						ex, &counters) == 0);
		for (i = 0; i < NFILES; i++)
			CHECK(ex[i].seen == 1);
		CHECK(counters.syscalls == want_syscalls);
		CHECK(counters.upcalls == NFILES);
		clets_threads_backend.teardown(ctx);
	}
	for (i = 0; i < NFILES; i++) {
		unlink(ex[i].path);
		free(ex[i].data);
	}
}

int main(void)
{
	char dir[] = "/tmp/test_clet_pool.XXXXXX";

	test_roundtrip();
	test_concurrency(1);
	test_concurrency(16);
	test_destroy_drains();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_backend(dir);
	rmdir(dir);
	return TEST_EXIT();
}
