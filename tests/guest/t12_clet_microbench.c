// SPDX-License-Identifier: MIT
/*
 * Not a correctness test: the cost of an empty clet round trip (clet_exec
 * upcall + async_return back to the caller, the synchronous fast path) in
 * ns and in null system calls (raw getppid), timed as t07 (microbench.h);
 * a clet doing one getppid; and a cachemiss round trip (the clet blocks
 * reading an empty pipe, the caller writes it and reaps the completion).
 * Passes unless a call fails.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "syslet_test.h"
#include "microbench.h"

#include "atoms/raw_syscall.h"
#include "clets/clet_sys.h"

static char stack[65536] __attribute__((aligned(16)));
static int pfd[2];

static long empty_clet(unsigned long arg)
{
	return (long)arg;
}

static long getppid_clet(unsigned long arg)
{
	return raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
}

static long pipe_clet(unsigned long arg)
{
	char c;

	return raw_syscall6(__NR_read, pfd[0], (long)&c, 1, 0, 0, 0);
}

int main(void)
{
	static struct test_ring ring;
	double results[12];
	int nres = 0, fails = 0;
	int64_t r;

	test_name = "clet-microbench";
	require_syslets(NULL);
	ring_init(&ring, 8);
	ring.ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
	if (clet_sys_exec(empty_clet, 1, stack + sizeof(stack), &ring.ahu,
			  &r) != 1)
		test_fail_now("clet_exec does not run clets on this kernel");
	CHECK_EQ(pipe(pfd), 0);

	BENCH("getppid raw (null syscall)", 20000,
	      raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	BENCH("empty clet round trip (clet_exec+async_return)", 20000,
	      fails += clet_sys_exec(empty_clet, it, stack + sizeof(stack),
				     &ring.ahu, &r) != 1);
	/* Where the time goes: entry + checks only, then up to the ring. */
	BENCH("clet_exec refused early (fn NULL)", 20000,
	      fails += clet_sys_exec(NULL, 0, stack + sizeof(stack), &ring.ahu,
				     &r) != -EINVAL);
	ring.ahu.ring_size = 3;
	BENCH("clet_exec refused at the ring check", 20000,
	      fails += clet_sys_exec(empty_clet, 0, stack + sizeof(stack),
				     &ring.ahu, &r) != -EINVAL);
	ring.ahu.ring_size = 8;
	BENCH("clet doing one getppid", 20000,
	      fails += clet_sys_exec(getppid_clet, 0, stack + sizeof(stack),
				     &ring.ahu, &r) != 1);
	BENCH("clet cachemiss round trip (pipe, write, wait)", 2000,
	      struct syslet_completion c;
	      fails += clet_sys_exec(pipe_clet, 0, stack + sizeof(stack),
				     &ring.ahu, &r) != 0;
	      fails += write(pfd[1], "x", 1) != 1;
	      fails += sys_async_wait(1, &ring.ahu) < 1;
	      fails += !ring_pop(&ring, &c));
	printf("microbench: empty clet round trip = %.2f null syscalls "
	       "(target <= 2.5)\n",
	       results[1] / results[0]);
	CHECK_EQ(fails, 0);
	return test_done();
}
