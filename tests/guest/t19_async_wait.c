// SPDX-License-Identifier: MIT
/*
 * async_wait's rule and the ring header's (issue 11 §2 item 11):
 * async_wait(min_events, ahu) returns once min(min_events, ring_size)
 * completions are unconsumed in the ring of ahu, or at once with what is
 * there when no chain or clet that posts to that ring is in flight; work
 * in flight for other rings does not keep it asleep. A ring header whose
 * completion_ring is 0 is -EINVAL.
 *
 * The waits that used to sleep for ever run in child processes reaped
 * under a hang guard (child_guard.h); a child's exit code names the
 * expectation it found broken.
 */
#include "child_guard.h"

static void test_null_ring(void)
{
	static struct test_ring ring;
	struct syslet_uatom atom;
	int64_t r = 0;

	ring_init(&ring, 8);
	ring.ahu.completion_ring = 0;
	init_atom(&atom, 0, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EINVAL);
	CHECK_EQ(r, 0);
}

/* A chain that blocks in a read of @fd and so goes async, on @ring. */
static int start_read(struct test_ring *ring, struct syslet_uatom *atom,
		      uint64_t *fd_v, int fd)
{
	static char buf[8];
	static uint64_t buf_v, len = 1;

	buf_v = (uintptr_t)buf;
	*fd_v = fd;
	init_atom(atom, 0, __NR_read, NULL, NULL, fd_v, &buf_v, &len, NULL);
	return sys_async_exec(atom, &ring->ahu) == 0;
}

/*
 * Three chains complete into a ring of two: at most two completions can
 * ever be unconsumed, so async_wait(3) returns with two.
 */
static void test_more_than_ring(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		static struct test_ring ring;
		static struct syslet_uatom atoms[3];
		static uint64_t fds[3];
		struct syslet_completion c;
		int p[2], i;

		ring_init(&ring, 2);
		if (pipe(p))
			_exit(90);
		for (i = 0; i < 3; i++)
			if (!start_read(&ring, &atoms[i], &fds[i], p[0]))
				_exit(91);
		if (write(p[1], "abc", 3) != 3)
			_exit(92);
		if (sys_async_wait(3, &ring.ahu) != 2)
			_exit(1);
		/* Room again: the third completion arrives. */
		if (!ring_pop(&ring, &c) || !ring_pop(&ring, &c))
			_exit(2);
		if (sys_async_wait(1, &ring.ahu) != 1)
			_exit(3);
		_exit(0);
	}
	expect_exit(pid, 0, "async_wait(3) on a ring of 2");
}

/*
 * A chain stuck on ring B does not keep async_wait on ring A asleep once
 * nothing for A is in flight.
 */
static void test_other_ring_stuck(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		static struct test_ring ring_a, ring_b;
		static struct syslet_uatom atom_a, atom_b;
		static uint64_t fd_a, fd_b;
		int pa[2], pb[2];

		ring_init(&ring_a, 8);
		ring_init(&ring_b, 8);
		if (pipe(pa) || pipe(pb))
			_exit(90);
		if (!start_read(&ring_b, &atom_b, &fd_b, pb[0]) ||
		    !start_read(&ring_a, &atom_a, &fd_a, pa[0]))
			_exit(91);
		if (write(pa[1], "a", 1) != 1)
			_exit(92);
		if (sys_async_wait(2, &ring_a.ahu) != 1)
			_exit(1);
		/* B's chain is still there and completes when fed. */
		if (ring_ready(&ring_b) != 0 || write(pb[1], "b", 1) != 1 ||
		    sys_async_wait(1, &ring_b.ahu) != 1)
			_exit(2);
		_exit(0);
	}
	expect_exit(pid, 0, "async_wait(2) with a chain stuck on another ring");
}

int main(void)
{
	test_name = "t19_async_wait";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	test_null_ring();
	test_more_than_ring();
	test_other_ring_stuck();
	return test_done();
}
