// SPDX-License-Identifier: MIT
/*
 * Not a correctness test: prints the costs kernel/README.md quotes (run it
 * under --icount for repeatable CPU-bound figures). Passes unless a call
 * fails.
 *   - null syscall (getppid) through syscall(2) and raw;
 *   - async_exec of a 1-atom SYNC getppid chain (entry + interpreter);
 *   - per-atom cost: a chain of 64 getppid atoms vs 64 raw getppid calls;
 *   - umem_add atoms (no dispatch at all);
 *   - a forced cachemiss round trip: SYSLET_ASYNC getppid + async_wait;
 *   - the fixed cost of a chain that may go async (no SYSLET_SYNC, with a
 *     ring: ring check, per-task preparation, arming) against SYNC;
 *   - a 5-atom getppid chain (may go async) against 4 raw getppid;
 *   - the backend's file chain on a hot 4 KiB file (openat, read,
 *     umem_add, read, close, may go async) against openat/read/read/close.
 */
#include "syslet_test.h"
#include "microbench.h"

#include "atoms/raw_syscall.h"

#include <fcntl.h>
#include <sys/stat.h>

#define CHAIN 64

int main(void)
{
	static struct syslet_uatom chain[CHAIN], one, add[CHAIN], async_atom;
	static struct test_ring ring;
	static uint64_t counter, caddr, inc = 1;
	/* The file chain: open, read, close (must follow read), umem_add. */
	static struct syslet_uatom five[5], fa[4];
	static int64_t fd, rret, cret;
	static uint64_t dirfd_v, path_v, oflags_v, bsz_v = 4096, cursor,
						   cursor_addr;
	static char fbuf[3 * 4096], wbuf[4096];
	static const char fpath[] = "/mnt/mb4k";
	double results[24];
	int nres = 0, i, fails = 0;
	int64_t r;

	test_name = "microbench";
	require_syslets(NULL);
	caddr = (uintptr_t)&counter;
	init_atom(&one, SYSLET_SYNC, __NR_getppid, &r, NULL, NULL, NULL, NULL,
		  NULL);
	for (i = 0; i < CHAIN; i++) {
		init_atom(&chain[i], i ? 0 : SYSLET_SYNC, __NR_getppid, &r,
			  i + 1 < CHAIN ? &chain[i + 1] : NULL, NULL, NULL,
			  NULL, NULL);
		init_atom(&add[i], i ? 0 : SYSLET_SYNC, SYSLET_NR_UMEM_ADD, &r,
			  i + 1 < CHAIN ? &add[i + 1] : NULL, &caddr, &inc,
			  NULL, NULL);
	}
	ring_init(&ring, 8);
	init_atom(&async_atom, SYSLET_ASYNC, __NR_getppid, &r, NULL, NULL, NULL,
		  NULL, NULL);

	BENCH("getppid via syscall(2)", 20000, syscall(__NR_getppid));
	BENCH("getppid raw", 20000,
	      raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("async_exec, 1 SYNC getppid atom", 20000,
	      fails += sys_async_exec(&one, NULL) != ptr2l(&one));
	BENCH("64 raw getppid calls", 500,
	      for (i = 0; i < CHAIN; i++)
		      raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("async_exec, chain of 64 getppid atoms", 500,
	      fails += sys_async_exec(chain, NULL) != ptr2l(&chain[CHAIN - 1]));
	BENCH("async_exec, chain of 64 umem_add atoms", 500,
	      fails += sys_async_exec(add, NULL) != ptr2l(&add[CHAIN - 1]));
	BENCH("cachemiss round trip (SYSLET_ASYNC + wait)", 2000,
	      struct syslet_completion c;
	      fails += sys_async_exec(&async_atom, &ring.ahu) != 0;
	      fails += sys_async_wait(1, &ring.ahu) < 1;
	      fails += !ring_pop(&ring, &c));
	/* Chains that may go async (no SYSLET_SYNC): they need a ring. */
	init_atom(&one, 0, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);
	for (i = 0; i < 5; i++)
		init_atom(&five[i], 0, __NR_getppid, &r,
			  i < 4 ? &five[i + 1] : NULL, NULL, NULL, NULL, NULL);
	BENCH("async_exec, 1 getppid atom, ring (not SYNC)", 20000,
	      fails += sys_async_exec(&one, &ring.ahu) != ptr2l(&one));
	BENCH("4 raw getppid calls", 5000,
	      for (i = 0; i < 4; i++)
		      raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("async_exec, 5 getppid atoms, ring", 5000,
	      fails += sys_async_exec(five, &ring.ahu) != ptr2l(&five[4]));

	/* The backend's chain (atoms/atom_chain.c) on a hot 4 KiB file. */
	mkdir("/mnt", 0755);
	i = open(fpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fails += i < 0 || write(i, wbuf, sizeof(wbuf)) != sizeof(wbuf);
	if (i >= 0)
		close(i);
	dirfd_v = (uint64_t)(int64_t)AT_FDCWD;
	path_v = (uintptr_t)fpath;
	oflags_v = O_RDONLY;
	cursor_addr = (uintptr_t)&cursor;
	init_atom(&fa[0], SYSLET_STOP_ON_NEGATIVE, __NR_openat, &fd, &fa[1],
		  &dirfd_v, &path_v, &oflags_v, NULL);
	init_atom(&fa[1],
		  SYSLET_STOP_ON_NON_POSITIVE | SYSLET_SKIP_TO_NEXT_ON_STOP,
		  __NR_read, &rret, &fa[3], (uint64_t *)&fd, &cursor, &bsz_v,
		  NULL);
	init_atom(&fa[3], 0, SYSLET_NR_UMEM_ADD, NULL, &fa[1], &cursor_addr,
		  &bsz_v, NULL, NULL);
	init_atom(&fa[2], 0, __NR_close, &cret, NULL, (uint64_t *)&fd, NULL,
		  NULL, NULL);
	BENCH("openat/read/read/close, hot 4 KiB file", 2000,
	      long fdl = raw_syscall6(__NR_openat, AT_FDCWD, (long)fpath,
				      O_RDONLY, 0, 0, 0);
	      fails +=
	      raw_syscall6(__NR_read, fdl, (long)fbuf, 4096, 0, 0, 0) != 4096;
	      fails += raw_syscall6(__NR_read, fdl, (long)fbuf + 4096, 4096, 0,
				    0, 0) != 0;
	      fails += raw_syscall6(__NR_close, fdl, 0, 0, 0, 0, 0) != 0);
	BENCH("async_exec, file chain (5 atoms), hot 4 KiB", 2000,
	      cursor = (uintptr_t)fbuf;
	      fails += sys_async_exec(&fa[0], &ring.ahu) != ptr2l(&fa[2]) ||
		       rret != 0 || cret != 0);
	unlink(fpath);
	CHECK_EQ(ring_ready(&ring), 0);
	printf("microbench: not-SYNC fixed cost %.1f ns; 5 atoms - 4 raw getppid %.1f ns; "
	       "file chain - 4 syscalls %.1f ns\n",
	       results[7] - results[2], results[9] - results[8],
	       results[11] - results[10]);
	printf("microbench: per atom in a chain: %.1f ns (getppid atom, minus the 1-atom chain), "
	       "%.1f ns (umem_add); raw getppid %.1f ns\n",
	       (results[4] - results[2]) / (CHAIN - 1),
	       (results[5] - results[2]) / (CHAIN - 1), results[1]);
	CHECK_EQ(fails, 0);
	return test_done();
}
