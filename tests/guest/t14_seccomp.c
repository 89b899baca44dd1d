// SPDX-License-Identifier: MIT
/*
 * Seccomp: atoms would bypass a filter (their system calls never pass the
 * entry work), so a filtered caller is refused. In a child (filters are
 * for life): before the filter chains and clets run; after an allow-all
 * filter async_exec and clet_exec give -EPERM and no atom runs; and a
 * filter synchronised onto a thread while its chain loops (TSYNC) ends
 * that chain with -EPERM between two atoms.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "syslet_test.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "clets/clet_sys.h"

#define STACK_SIZE (64 * 1024)
/* Long enough that the filter always lands while the loop runs. */
#define LOOP_ATOMS (1ULL << 30)

static char stack[STACK_SIZE] __attribute__((aligned(16)));
static struct test_ring ring;
static volatile uint64_t progress;

static long seven_clet(unsigned long arg)
{
	return arg + 7;
}

static long allow_all_filter(unsigned int flags)
{
	static struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return raw(
		syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog));
}

static void check_calls(long expect_chain, long expect_clet)
{
	static struct syslet_uatom sync_atom, ring_atom;
	static int64_t r;
	int64_t cret = 0;

	init_atom(&sync_atom, SYSLET_SYNC, __NR_getpid, &r, NULL, NULL, NULL,
		  NULL, NULL);
	init_atom(&ring_atom, 0, __NR_getpid, &r, NULL, NULL, NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&sync_atom, NULL),
		 expect_chain ? expect_chain : ptr2l(&sync_atom));
	CHECK_EQ(sys_async_exec(&ring_atom, &ring.ahu),
		 expect_chain ? expect_chain : ptr2l(&ring_atom));
	CHECK_EQ(clet_sys_exec(seven_clet, 35, stack + STACK_SIZE, &ring.ahu,
			       &cret),
		 expect_clet);
	if (!expect_clet)
		CHECK_EQ(cret, 0);
	else if (expect_clet == 1)
		CHECK_EQ(cret, 42);
}

static void *loop_chain(void *arg)
{
	static struct syslet_uatom loop;
	static uint64_t progress_addr, one = 1;
	long *ret = arg;

	progress_addr = (uintptr_t)&progress;
	init_atom(&loop, SYSLET_SYNC, SYSLET_NR_UMEM_ADD, NULL, &loop,
		  &progress_addr, &one, NULL, NULL);
	*ret = sys_async_exec(&loop, NULL);
	return NULL;
}

/* The filter lands on the looping thread through TSYNC. */
static void check_tsync(void)
{
	pthread_t t;
	long ret = 0;

	CHECK_EQ(set_max_atoms(LOOP_ATOMS), 0);
	CHECK_EQ(pthread_create(&t, NULL, loop_chain, &ret), 0);
	while (__atomic_load_n(&progress, __ATOMIC_RELAXED) < 1000)
		sched_yield();
	CHECK_EQ(allow_all_filter(SECCOMP_FILTER_FLAG_TSYNC), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(ret, -EPERM);
	CHECK(progress < LOOP_ATOMS, "the loop ran to its bound");
	CHECK_EQ(set_max_atoms(SYSLET_MAX_ATOMS_DEFAULT), 0);
}

static int child(void)
{
	struct syslet_info before, after;

	ring_init(&ring, 8);
	ring.ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
	check_calls(0, 1);
	if (test_failures)
		return 1;
	check_tsync();
	before = get_info();
	check_calls(-EPERM, -EPERM);
	after = get_info();
	CHECK_EQ(after.atoms_run, before.atoms_run);
	CHECK_EQ(after.chains_inline, before.chains_inline);
	return test_failures ? 1 : 0;
}

int main(void)
{
	int status;
	pid_t pid;

	test_name = "seccomp";
	require_syslets(NULL);
	pid = fork();
	if (pid == 0)
		_exit(child());
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child failed (status %#x)", status);
	return test_done();
}
