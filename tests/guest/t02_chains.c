// SPDX-License-Identifier: MIT
/* Synchronous chains: next links, every stop flag, skip-to-next, loops. */
#include "syslet_test.h"
#include <fcntl.h>

static uint64_t zero, bad_fd = (uint64_t)-1;

/* One atom followed in memory by a sentinel atom, linked to a third. */
static void flag_case(uint32_t flags, uint32_t nr, uint64_t *a0,
		      int expect_stop)
{
	struct syslet_uatom a[3];
	int64_t r0 = 0x5555, r1 = 0x5555, r2 = 0x5555;
	long ret;

	init_atom(&a[0], SYSLET_SYNC | flags, nr, &r0, &a[2], a0, NULL, NULL,
		  NULL);
	init_atom(&a[1], 0, __NR_getpid, &r1, NULL, NULL, NULL, NULL, NULL);
	init_atom(&a[2], 0, __NR_getppid, &r2, NULL, NULL, NULL, NULL, NULL);
	ret = sys_async_exec(&a[0], NULL);
	if (!expect_stop) {
		CHECK(ret == ptr2l(&a[2]), "flags %#x nr %u: no stop, ret %ld",
		      flags, nr, ret);
		CHECK_EQ(r1, 0x5555);
		CHECK_EQ(r2, getppid());
	} else if (flags & SYSLET_SKIP_TO_NEXT_ON_STOP) {
		CHECK(ret == ptr2l(&a[1]), "flags %#x nr %u: skip, ret %ld",
		      flags, nr, ret);
		CHECK_EQ(r1, getpid());
		CHECK_EQ(r2, 0x5555);
	} else {
		CHECK(ret == ptr2l(&a[0]), "flags %#x nr %u: stop, ret %ld",
		      flags, nr, ret);
		CHECK_EQ(r1, 0x5555);
		CHECK_EQ(r2, 0x5555);
	}
}

static void test_flags(void)
{
	static const uint32_t stops[] = {
		SYSLET_STOP_ON_NONZERO,
		SYSLET_STOP_ON_ZERO,
		SYSLET_STOP_ON_NEGATIVE,
		SYSLET_STOP_ON_NON_POSITIVE,
	};
	int fd = open("/proc/self/stat", O_RDONLY);
	uint64_t fdv = fd;
	size_t i;
	int skip;

	for (skip = 0; skip < 2; skip++) {
		for (i = 0; i < 4; i++) {
			uint32_t f = stops[i] |
				     (skip ? SYSLET_SKIP_TO_NEXT_ON_STOP : 0);
			int pos = !(stops[i] & (SYSLET_STOP_ON_ZERO |
						SYSLET_STOP_ON_NEGATIVE |
						SYSLET_STOP_ON_NON_POSITIVE));
			int zer = stops[i] & (SYSLET_STOP_ON_ZERO |
					      SYSLET_STOP_ON_NON_POSITIVE);
			int neg = stops[i] & (SYSLET_STOP_ON_NONZERO |
					      SYSLET_STOP_ON_NEGATIVE |
					      SYSLET_STOP_ON_NON_POSITIVE);

			/* positive: getpid; zero: lseek(fd, 0, SET); negative:
			 * close(-1) */
			flag_case(f, __NR_getpid, NULL, pos);
			flag_case(f, __NR_lseek, &fdv, !!zer);
			flag_case(f, __NR_close, &bad_fd, !!neg);
		}
	}
	/* No stop flag never stops; SKIP alone does nothing. */
	flag_case(0, __NR_close, &bad_fd, 0);
	flag_case(SYSLET_SKIP_TO_NEXT_ON_STOP, __NR_close, &bad_fd, 0);
	close(fd);
}

/* The v1 example: open -> read loop with umem_add cursor -> close. */
static void test_read_loop(void)
{
	static char data[10000], buf[16384];
	static char path[] = "/tmp/syslet-chain-file";
	struct syslet_uatom a[5];
	int64_t ret_open = 0, ret_read = 0, ret_close = 1, ret_add = 0;
	uint64_t path_v = (uintptr_t)path, flags_v = O_RDONLY,
		 dirfd_v = AT_FDCWD;
	uint64_t cursor = (uintptr_t)buf, len = 4096,
		 cursor_addr = (uintptr_t)&cursor;
	uint64_t fd_v;
	size_t i;
	long ret;
	FILE *f;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	f = fopen(path, "w");
	fwrite(data, 1, sizeof(data), f);
	fclose(f);

	/* fd_v is written by the open atom's ret_ptr (a __s64 slot). */
	init_atom(&a[0], SYSLET_SYNC | SYSLET_STOP_ON_NEGATIVE, __NR_openat,
		  (int64_t *)&fd_v, &a[1], &dirfd_v, &path_v, &flags_v, NULL);
	init_atom(&a[1],
		  SYSLET_STOP_ON_NON_POSITIVE | SYSLET_SKIP_TO_NEXT_ON_STOP,
		  __NR_read, &ret_read, &a[3], &fd_v, &cursor, &len, NULL);
	init_atom(&a[2], 0, __NR_close, &ret_close, NULL, &fd_v, NULL, NULL,
		  NULL);
	init_atom(&a[3], 0, SYSLET_NR_UMEM_ADD, &ret_add, &a[1], &cursor_addr,
		  (uint64_t *)&ret_read, NULL, NULL);
	(void)ret_open;
	ret = sys_async_exec(&a[0], NULL);
	CHECK(ret == ptr2l(&a[2]), "read loop ended at %ld (close atom %ld)",
	      ret, ptr2l(&a[2]));
	CHECK_EQ(ret_close, 0);
	CHECK_EQ(ret_read, 0);
	CHECK_EQ(cursor - (uintptr_t)buf, sizeof(data));
	CHECK(memcmp(buf, data, sizeof(data)) == 0, "buffer differs from file");
	CHECK_EQ(ret_add, (uintptr_t)buf + sizeof(data));
	/* The fd was closed by the chain. */
	CHECK_EQ(raw(close((int)fd_v)), -EBADF);

	/* A missing file stops at the open atom. */
	path[5] = 'X';
	ret = sys_async_exec(&a[0], NULL);
	CHECK(ret == ptr2l(&a[0]), "missing file: ret %ld", ret);
	CHECK_EQ((int64_t)fd_v, -ENOENT);
	unlink("/tmp/syslet-chain-file");
}

/* Arguments: missing ones are 0; the first NULL pointer ends the list. */
static void test_args(void)
{
	struct syslet_uatom a;
	int64_t r;
	uint64_t fd_v = 12345;

	/* lseek(12345, 0, 0): EBADF. */
	init_atom(&a, SYSLET_SYNC, __NR_lseek, &r, NULL, &fd_v, NULL, NULL,
		  NULL);
	CHECK_EQ(sys_async_exec(&a, NULL), ptr2l(&a));
	CHECK_EQ(r, -EBADF);
	/* A NULL in slot 0 hides slot 1: lseek(0 = stdin ...) */
	a.arg_ptr[0] = 0;
	a.arg_ptr[1] = (uintptr_t)&fd_v;
	CHECK_EQ(sys_async_exec(&a, NULL), ptr2l(&a));
	CHECK(r != -EBADF, "arg list did not end at the first NULL (r=%lld)",
	      (long long)r);
	/* No ret_ptr at all is fine. */
	a.ret_ptr = 0;
	CHECK_EQ(sys_async_exec(&a, NULL), ptr2l(&a));
	/* write(1, msg, len) through a chain. */
	{
		static const char msg[] = "chains: hello from an atom\n";
		uint64_t one = 1, p = (uintptr_t)msg, n = sizeof(msg) - 1;

		init_atom(&a, SYSLET_SYNC, __NR_write, &r, NULL, &one, &p, &n,
			  NULL);
		CHECK_EQ(sys_async_exec(&a, NULL), ptr2l(&a));
		CHECK_EQ(r, (int64_t)n);
	}
	(void)zero;
}

/* A bounded self-loop: getppid linked to itself, stop after N via umem_add. */
static void test_self_loop(void)
{
	struct syslet_uatom a[2];
	int64_t r, radd;
	uint64_t counter = 0, caddr = (uintptr_t)&counter, inc = 1;
	uint64_t limit_fd;

	/*
	 * a0: umem_add(&counter, 1), stop when the new value is non-zero and
	 * skip to a1... use the counter as a count-down instead: start at
	 * -1000 and stop on zero.
	 */
	counter = (uint64_t)-1000;
	init_atom(&a[0], SYSLET_SYNC | SYSLET_STOP_ON_ZERO, SYSLET_NR_UMEM_ADD,
		  &radd, &a[0], &caddr, &inc, NULL, NULL);
	CHECK_EQ(sys_async_exec(&a[0], NULL), ptr2l(&a[0]));
	CHECK_EQ(counter, 0);
	CHECK_EQ(radd, 0);
	(void)r;
	(void)limit_fd;
}

int main(void)
{
	struct syslet_info before, after;

	test_name = "chains";
	require_syslets(&before);
	test_flags();
	test_read_loop();
	test_args();
	test_self_loop();
	after = get_info();
	CHECK(after.chains_inline > before.chains_inline,
	      "chains_inline did not move");
	return test_done();
}
