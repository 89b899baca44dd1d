// SPDX-License-Identifier: MIT
/*
 * A runner killed before its spare copied the user context (found by t20,
 * seed 0x5e55, on the debug kernel): a runner that takes part in a group
 * stop between two atoms (syslet_handle_stop()) is ended inside
 * get_signal() by a SIGKILL, without posting. Its spare copies the
 * context from the runner's stack, so the runner must not leave before
 * that; it left, and the spare read the freed stack (task_pt_regs() of a
 * dead task: KASAN "user-memory-access in syslet_park", an oops without
 * KASAN).
 *
 * The order is forced with CPUs and priorities, not time. The child runs
 * SCHED_FIFO on CPU 1, so its spare does: a SYSLET_ASYNC chain hands the
 * context to the spare at once, which cannot preempt its runner (same
 * priority). The runner's first atom wakes a hog, SCHED_FIFO 99 on CPU 1,
 * which holds that CPU from then on. The runner is moved to CPU 0, sleeps
 * in its second atom, stops on SIGSTOP and dies on SIGKILL; then the hog
 * goes, and the spare runs. Runs as root (the guest's init).
 */
#include "child_guard.h"

#include <sched.h>
#include <sys/prctl.h>

static int hog_pipe[2], hog_running_pipe[2], data_pipe[2];

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		test_fail_now("sched_setaffinity(%d, CPU %d): %s", (int)tid,
			      cpu, strerror(errno));
}

static void fifo(int prio)
{
	struct sched_param param = { .sched_priority = prio };

	if (sched_setscheduler(0, SCHED_FIFO, &param))
		test_fail_now("SCHED_FIFO %d: %s", prio, strerror(errno));
}

/* Once woken, holds CPU 1 above the child's threads until killed. */
static void hog(void)
{
	char c;

	/* Gone with the test, whatever ends it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pin(0, 1);
	fifo(99);
	if (read(hog_pipe[0], &c, 1) != 1 ||
	    write(hog_running_pipe[1], "h", 1) != 1)
		_exit(1);
	for (;;)
		;
}

/* write(hog_pipe) wakes the hog; read(data_pipe) sleeps until SIGSTOP. */
static void runner_child(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atoms[2];
	static uint64_t hog_fd, data_fd, buf_addr, len = 1;
	static int64_t ret[2];
	static char buf = 'x';

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pin(0, 1);
	fifo(10);
	ring_init(&ring, 8);
	hog_fd = hog_pipe[1];
	data_fd = data_pipe[0];
	buf_addr = (uint64_t)(uintptr_t)&buf;
	init_atom(&atoms[0], SYSLET_ASYNC, __NR_write, &ret[0], &atoms[1],
		  &hog_fd, &buf_addr, &len, NULL);
	init_atom(&atoms[1], 0, __NR_read, &ret[1], NULL, &data_fd, &buf_addr,
		  &len, NULL);
	/* Returns (0) in the spare, once the hog is gone and SIGKILL pending. */
	sys_async_exec(&atoms[0], &ring.ahu);
	_exit(3);
}

int main(void)
{
	pid_t hog_pid, pid;
	int status, state;
	char c;

	test_name = "t34_runner_killed";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("SKIP: %s: the order is forced with two CPUs\n",
		       test_name);
		return 77;
	}
	if (pipe(hog_pipe) || pipe(hog_running_pipe) || pipe(data_pipe))
		test_fail_now("pipe: %s", strerror(errno));
	pin(0, 0);

	hog_pid = fork_case();
	if (hog_pid == 0)
		hog();
	/* It sleeps nowhere but in its read, at priority 99 on CPU 1. */
	if (wait_task_asleep(hog_pid, hog_pid))
		test_fail_now("the hog ended before it was woken");

	pid = fork_case();
	if (pid == 0)
		runner_child();
	CHECK(read(hog_running_pipe[0], &c, 1) == 1,
	      "the runner's first atom did not wake the hog");

	/* The runner (the child's leader) goes on; its spare stays behind. */
	pin(pid, 0);
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	if (wait_task_state(pid, pid, "tT") < 0)
		test_fail_now("the runner ended before it stopped");
	CHECK_EQ(kill(pid, SIGKILL), 0);
	/* The spare cannot run yet: the runner must wait for it (D). */
	state = wait_task_state(pid, pid, "ZD");
	if (state < 0)
		test_fail_now("the runner was reaped before its spare ran");
	CHECK(state == 'D',
	      "the runner left (state %c) before its spare copied the context",
	      state);

	CHECK_EQ(kill(hog_pid, SIGKILL), 0);
	CHECK_EQ(waitpid(hog_pid, &status, 0), hog_pid);
	status = wait_child_guarded(pid);
	CHECK(status != -1 && WIFSIGNALED(status) &&
		      WTERMSIG(status) == SIGKILL,
	      "the child did not die on SIGKILL (status %#x)", status);
	return test_done();
}
