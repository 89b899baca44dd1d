// SPDX-License-Identifier: MIT
/*
 * A signal the process ignores does not end an atom (found by t20 on the
 * normal kernel: a child's blocking read chain that "returned without
 * going async"). A signal sent to a process while the thread the kernel
 * checks, its leader, blocks it is queued even if ignored (the handler
 * may change before it is unblocked). Once a chain went async, the leader
 * is a runner or a parked spare, which blocks every signal: SIGHUP under
 * SIG_IGN and SIGURG (ignored by default) now reach the thread that
 * carries the user context. There, a system call would restart once
 * get_signal() dropped them; an atom cannot go back to user space, and
 * ended with -EINTR.
 *
 * The child makes its leader a parked spare (one chain that blocks, then
 * completes), then runs a SYSLET_SYNC chain that sleeps reading a pipe.
 * The parent sends SIGHUP and SIGURG to the process, waits until the
 * reading thread sleeps again (or the child ends) and feeds the pipe: the
 * atom must read the byte.
 */
#include "child_guard.h"

#include <sys/syscall.h>

static int first_pipe[2], data_pipe[2], ready_pipe[2];

/* The voluntary context switches of thread @tid of @pid, or -1. */
static long voluntary_switches(pid_t pid, pid_t tid)
{
	char path[80], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid,
		 (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	}
	fclose(f);
	return n;
}

/* A one-atom chain reading one byte from @fd. */
static long read_chain(struct test_ring *ring, uint32_t flags, int fd,
		       int64_t *result)
{
	static struct syslet_uatom atom;
	static uint64_t fd_v, buf_v, len = 1;
	static char buf[1];

	fd_v = (uint64_t)fd;
	buf_v = (uintptr_t)buf;
	*result = 0x5eed;
	init_atom(&atom, flags, __NR_read, result, NULL, &fd_v, &buf_v, &len,
		  NULL);
	return sys_async_exec(&atom, &ring->ahu);
}

static void child(void)
{
	static struct test_ring ring;
	struct syslet_completion c;
	int64_t result;
	pid_t tid;

	ring_init(&ring, 4);
	/* Blocks, goes async: the leader becomes a runner, then a spare. */
	if (read_chain(&ring, 0, first_pipe[0], &result) != 0)
		_exit(90);
	if (write(first_pipe[1], "f", 1) != 1 ||
	    sys_async_wait(1, &ring.ahu) != 1 || !ring_pop(&ring, &c) ||
	    c.result != 1)
		_exit(91);
	tid = (pid_t)syscall(SYS_gettid);
	if (tid == getpid())
		_exit(92); /* the context did not move off the leader */
	signal(SIGHUP, SIG_IGN);
	signal(SIGURG, SIG_DFL);
	if (write(ready_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(93);
	read_chain(&ring, SYSLET_SYNC, data_pipe[0], &result);
	if (result == -EINTR)
		_exit(1);
	_exit(result == 1 ? 0 : 2);
}

int main(void)
{
	int status = 0, ended;
	long before;
	pid_t pid, tid;

	test_name = "t36_ignored_signals";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(first_pipe) || pipe(data_pipe) || pipe(ready_pipe))
		test_fail_now("pipe: %s", strerror(errno));
	pid = fork_case();
	if (pid == 0)
		child();
	if (read(ready_pipe[0], &tid, sizeof(tid)) != sizeof(tid) ||
	    wait_task_asleep(pid, tid)) {
		expect_exit(pid, 0, "setting up the sleeping atom");
		return test_done();
	}
	before = voluntary_switches(pid, tid);
	CHECK_EQ(kill(pid, SIGHUP), 0);
	CHECK_EQ(kill(pid, SIGURG), 0);
	/* Woken by them: it sleeps again, or its chain ended. */
	while (!(ended = waitpid(pid, &status, WNOHANG) == pid) &&
	       voluntary_switches(pid, tid) <= before)
		sched_yield();
	if (!ended) {
		CHECK_EQ(wait_task_asleep(pid, tid), 0);
		CHECK_EQ(write(data_pipe[1], "x", 1), 1);
		status = wait_child_guarded(pid);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		CHECK(0, "a SIGHUP the process ignores and a SIGURG ignored "
			 "by default ended a sleeping atom with -EINTR");
	else
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "wait status %#x, expected exit(0)", status);
	return test_done();
}
