// SPDX-License-Identifier: MIT
/*
 * A runner that waits for room in a full completion ring takes part in a
 * group stop (found by t20 on the normal kernel: "does not stop within
 * 30 s of SIGSTOP"). syslet_post() waited for user space to consume an
 * entry in a loop that only a fatal signal ended: once the thread that
 * consumes the ring had stopped, that runner never did, and neither did
 * its process.
 *
 * The child puts two chains that block in a read on a ring of one entry
 * and feeds both: one completion fills the ring, the other runner waits
 * for room. The parent stops the child (the stop must be reported),
 * continues it, and the child consumes both completions.
 */
#include "child_guard.h"

static int data_pipe[2], ready_pipe[2], go_pipe[2];

/* A one-atom chain that blocks reading data_pipe and so goes async. */
static int start_read(struct test_ring *ring, struct syslet_uatom *atom)
{
	static char buf[8];
	static uint64_t fd, buf_v, len = 1;

	fd = data_pipe[0];
	buf_v = (uintptr_t)buf;
	init_atom(atom, 0, __NR_read, NULL, NULL, &fd, &buf_v, &len, NULL);
	return sys_async_exec(atom, &ring->ahu) == 0;
}

static void child(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atoms[2];
	struct syslet_completion c;
	char go;

	ring_init(&ring, 1);
	if (!start_read(&ring, &atoms[0]) || !start_read(&ring, &atoms[1]))
		_exit(90);
	if (write(data_pipe[1], "ab", 2) != 2)
		_exit(91);
	/* One completion fills the ring; the other runner waits for room. */
	if (sys_async_wait(1, &ring.ahu) != 1)
		_exit(92);
	if (write(ready_pipe[1], "r", 1) != 1 || read(go_pipe[0], &go, 1) != 1)
		_exit(93);
	if (!ring_pop(&ring, &c) || c.result != 1)
		_exit(1);
	if (sys_async_wait(1, &ring.ahu) != 1 || !ring_pop(&ring, &c) ||
	    c.result != 1)
		_exit(2);
	_exit(0);
}

int main(void)
{
	pid_t pid;
	char c;

	test_name = "t35_full_ring_stop";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(data_pipe) || pipe(ready_pipe) || pipe(go_pipe))
		test_fail_now("pipe: %s", strerror(errno));
	pid = fork_case();
	if (pid == 0)
		child();
	if (read(ready_pipe[0], &c, 1) != 1) {
		expect_exit(pid, 0, "setting up the full ring");
		return test_done();
	}

	CHECK_EQ(kill(pid, SIGSTOP), 0);
	CHECK(wait_stopped_guarded(pid),
	      "a process whose runner waits for ring room did not stop on "
	      "SIGSTOP within %d s",
	      CHILD_GUARD_S);
	CHECK_EQ(kill(pid, SIGCONT), 0);
	CHECK_EQ(write(go_pipe[1], "g", 1), 1);
	expect_exit(pid, 0, "both completions after the stop");
	return test_done();
}
