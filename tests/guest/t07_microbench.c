// SPDX-License-Identifier: MIT
/*
 * Not a correctness test: prints the costs kernel/README.md quotes (run it
 * under --icount for repeatable CPU-bound figures). Passes unless a call
 * fails.
 *   - null syscall (getppid) through syscall(2) and raw;
 *   - async_exec of a 1-atom SYNC getppid chain (entry + interpreter);
 *   - per-atom cost: a chain of 64 getppid atoms vs 64 raw getppid calls;
 *   - umem_add atoms (no dispatch at all);
 *   - a forced cachemiss round trip: SYSLET_ASYNC getppid + async_wait.
 */
#include "syslet_test.h"
#include "microbench.h"

#include "atoms/raw_syscall.h"

#define CHAIN	64

int main(void)
{
	static struct syslet_uatom chain[CHAIN], one, add[CHAIN], async_atom;
	static struct test_ring ring;
	static uint64_t counter, caddr, inc = 1;
	double results[16];
	int nres = 0, i, fails = 0;
	int64_t r;

	test_name = "microbench";
	require_syslets(NULL);
	caddr = (uintptr_t)&counter;
	init_atom(&one, SYSLET_SYNC, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);
	for (i = 0; i < CHAIN; i++) {
		init_atom(&chain[i], i ? 0 : SYSLET_SYNC, __NR_getppid, &r,
			  i + 1 < CHAIN ? &chain[i + 1] : NULL, NULL, NULL, NULL, NULL);
		init_atom(&add[i], i ? 0 : SYSLET_SYNC, SYSLET_NR_UMEM_ADD, &r,
			  i + 1 < CHAIN ? &add[i + 1] : NULL, &caddr, &inc, NULL, NULL);
	}
	ring_init(&ring, 8);
	init_atom(&async_atom, SYSLET_ASYNC, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);

	BENCH("getppid via syscall(2)", 20000, syscall(__NR_getppid));
	BENCH("getppid raw", 20000, raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("async_exec, 1 SYNC getppid atom", 20000,
	      fails += sys_async_exec(&one, NULL) != ptr2l(&one));
	BENCH("64 raw getppid calls", 500,
	      for (i = 0; i < CHAIN; i++) raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("async_exec, chain of 64 getppid atoms", 500,
	      fails += sys_async_exec(chain, NULL) != ptr2l(&chain[CHAIN - 1]));
	BENCH("async_exec, chain of 64 umem_add atoms", 500,
	      fails += sys_async_exec(add, NULL) != ptr2l(&add[CHAIN - 1]));
	BENCH("cachemiss round trip (SYSLET_ASYNC + wait)", 2000,
	      struct syslet_completion c;
	      fails += sys_async_exec(&async_atom, &ring.ahu) != 0;
	      fails += sys_async_wait(1, &ring.ahu) < 1;
	      fails += !ring_pop(&ring, &c));
	printf("microbench: per atom in a chain: %.1f ns (getppid atom, minus the 1-atom chain), "
	       "%.1f ns (umem_add); raw getppid %.1f ns\n",
	       (results[4] - results[2]) / (CHAIN - 1),
	       (results[5] - results[2]) / (CHAIN - 1), results[1]);
	CHECK_EQ(fails, 0);
	return test_done();
}
