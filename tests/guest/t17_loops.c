// SPDX-License-Identifier: MIT
/*
 * Chains that loop in the kernel (issue 11 §2 item 9): a process whose
 * chain runs a self-linked atom still stops on SIGSTOP, continues on
 * SIGCONT and dies on SIGKILL, whether the chain runs synchronously in the
 * caller or in a runner after a handoff (whose signals are blocked but
 * for SIGKILL and SIGSTOP).
 *
 * The loop is a self-linked umem_add atom on a counter in shared memory:
 * the parent sees the loop run (the counter moves) without timing it.
 * kernel.syslet_max_atoms is raised so that the loop outlives the test.
 */
#include "child_guard.h"
#include <sys/mman.h>

static volatile uint64_t *counter;

/* A self-linked atom that adds 1 to *counter for ever. */
static void init_loop_atom(struct syslet_uatom *a, uint32_t flags)
{
	static uint64_t counter_addr, one = 1;

	counter_addr = (uintptr_t)counter;
	init_atom(a, flags, SYSLET_NR_UMEM_ADD, NULL, a, &counter_addr, &one,
		  NULL, NULL);
}

/* Waits until the loop has made progress past what it showed before. */
static void wait_counter_moves(void)
{
	uint64_t seen = *counter;

	while (*counter == seen)
		sched_yield();
}

/*
 * SIGSTOP stops the child (the group stop completes: every thread, the
 * looping one included, took part), SIGCONT lets the loop go on, SIGKILL
 * ends it.
 */
static void stop_cont_kill(pid_t pid, const char *what)
{
	int status;

	wait_counter_moves();
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	if (!wait_stopped_guarded(pid)) {
		CHECK(0, "%s: the process did not stop on SIGSTOP within %d s",
		      what, CHILD_GUARD_S);
		kill(pid, SIGKILL);
		wait_child_guarded(pid);
		return;
	}
	CHECK_EQ(kill(pid, SIGCONT), 0);
	wait_counter_moves();
	CHECK_EQ(kill(pid, SIGKILL), 0);
	status = wait_child_guarded(pid);
	CHECK(status != -1 && WIFSIGNALED(status) &&
		      WTERMSIG(status) == SIGKILL,
	      "%s: wait status %#x after SIGKILL", what, status);
}

/* Synchronous chain: SIGSTOP ends it with -EINTR, the caller stops. */
static void test_sync_loop(void)
{
	pid_t pid;

	*counter = 0;
	pid = fork();
	if (pid == 0) {
		static struct syslet_uatom atom;

		init_loop_atom(&atom, SYSLET_SYNC);
		for (;;)
			sys_async_exec(&atom, NULL);
	}
	stop_cont_kill(pid, "synchronous loop");
}

/*
 * The chain blocks in a read first, so that the user context moves to a
 * spare; the runner then loops. Its user context (now on the spare)
 * unblocks the read and sleeps.
 */
static void test_runner_loop(void)
{
	pid_t pid;

	*counter = 0;
	pid = fork();
	if (pid == 0) {
		static struct test_ring ring;
		static struct syslet_uatom atoms[2];
		static uint64_t fd_v, buf_v, len = 1;
		static char buf[1];
		int p[2];

		if (pipe(p))
			_exit(90);
		ring_init(&ring, 8);
		fd_v = p[0];
		buf_v = (uintptr_t)buf;
		init_atom(&atoms[0], 0, __NR_read, NULL, &atoms[1], &fd_v,
			  &buf_v, &len, NULL);
		init_loop_atom(&atoms[1], 0);
		if (sys_async_exec(&atoms[0], &ring.ahu) != 0)
			_exit(91);
		if (write(p[1], "x", 1) != 1)
			_exit(92);
		for (;;)
			pause();
	}
	stop_cont_kill(pid, "runner loop");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = child_guard_alarm };
	struct syslet_info info;

	test_name = "t17_loops";
	require_syslets(&info);
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		test_fail_now("mmap: %s", strerror(errno));
	if (set_max_atoms(0xffffffffULL))
		test_fail_now("cannot raise kernel.syslet_max_atoms");
	test_sync_loop();
	test_runner_loop();
	set_max_atoms(info.max_atoms);
	return test_done();
}
