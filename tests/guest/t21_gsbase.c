// SPDX-License-Identifier: MIT
/*
 * A user gs base the spare cannot take (issue 11 §2 item 11,
 * do_arch_prctl_64() errors): with FSGSBASE a program may write any
 * canonical address, also one above the user address space, which
 * arch_prctl(ARCH_SET_GS) refuses. Such a context does not move: the chain
 * stays synchronous and the base is the program's after it, instead of a
 * handoff that left the spare's own base in the context.
 *
 * QEMU_CPU: max (FSGSBASE; QEMU's default model lacks it).
 */
#include "syslet_test.h"
#include <sys/auxv.h>
#include <sys/wait.h>

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* Canonical, but above TASK_SIZE_MAX with 4- and 5-level paging alike. */
#define KERNEL_HALF_BASE 0xffff900000000000ULL

static uint64_t rdgsbase(void)
{
	uint64_t v;

	asm volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static void wrgsbase(uint64_t v)
{
	asm volatile("wrgsbase %0" : : "r"(v) : "memory");
}

int main(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static char buf[4];
	static int64_t r;
	static uint64_t fd_v, buf_v, len = 1;
	uint64_t seen;
	int p[2];
	pid_t writer, tid;
	long ret;

	test_name = "t21_gsbase";
	require_syslets(NULL);
	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
		test_fail_now(
			"no FSGSBASE for user space in this guest (run.sh "
			"boots this test with QEMU -cpu max)");
	if (pipe(p))
		test_fail_now("pipe: %s", strerror(errno));
	ring_init(&ring, 8);
	fd_v = p[0];
	buf_v = (uintptr_t)buf;
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);

	/* Make a spare first: a handoff must be possible. */
	{
		struct syslet_uatom probe;
		int64_t pr;

		init_atom(&probe, 0, __NR_getppid, &pr, NULL, NULL, NULL, NULL,
			  NULL);
		CHECK_EQ(sys_async_exec(&probe, &ring.ahu), ptr2l(&probe));
	}
	wrgsbase(KERNEL_HALF_BASE);
	/* Feeds the read once this thread sleeps in it (async or not). */
	tid = gettid();
	writer = fork();
	if (writer == 0) {
		if (wait_task_asleep(getppid(), tid))
			_exit(1);
		_exit(write(p[1], "g", 1) == 1 ? 0 : 1);
	}
	ret = sys_async_exec(&atom, &ring.ahu);
	seen = rdgsbase();
	wrgsbase(0);
	CHECK(seen == KERNEL_HALF_BASE,
	      "gs base after async_exec %#llx, set before %#llx",
	      (unsigned long long)seen, KERNEL_HALF_BASE);
	CHECK(ret == ptr2l(&atom),
	      "the chain went async (%ld) with a base no spare can take", ret);
	if (ret == 0)
		sys_async_wait(1, &ring.ahu);
	CHECK_EQ(r, 1);
	waitpid(writer, NULL, 0);
	return test_done();
}
