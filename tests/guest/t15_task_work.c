// SPDX-License-Identifier: MIT
/*
 * Task work is not a signal. io_uring completes a read on a pipe through
 * task work queued with TIF_NOTIFY_SIGNAL, which makes signal_pending()
 * true; a real system call runs the work on its way out and restarts.
 * Atoms must do the same instead of failing with -EINTR:
 *   - between atoms: an atom whose write completes our own io_uring read
 *     is followed by the next atom, and the completion is there after;
 *   - inside an atom: a read blocked on an empty pipe, woken by task work
 *     that another thread causes, goes on waiting and returns its byte.
 *
 * EXTRA_LIBS: -luring
 */
#include "syslet_test.h"
#include <liburing.h>
#include <pthread.h>

static int ring_pipe[2], data_pipe[2], ready_pipe[2];
/* The thread that runs the atom, and the ring whose read it completes. */
static pid_t atom_tid;
static struct io_uring *poke_ring;

/* Arm an io_uring read on the empty ring_pipe: it completes by task work. */
static void arm_uring_read(struct io_uring *ring, char *buf)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_read(sqe, ring_pipe[0], buf, 1, 0);
	CHECK_EQ(io_uring_submit(ring), 1);
}

static void check_uring_done(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	CHECK_EQ(cqe->res, 1);
	io_uring_cqe_seen(ring, cqe);
}

static void test_between_atoms(struct io_uring *ring)
{
	static struct syslet_uatom atoms[2];
	static uint64_t fd_v, buf_v, len = 1;
	static int64_t wret, pid;
	static char byte = 'x', rbuf[1];

	arm_uring_read(ring, rbuf);
	fd_v = ring_pipe[1];
	buf_v = (uintptr_t)&byte;
	init_atom(&atoms[0], SYSLET_SYNC, __NR_write, &wret, &atoms[1], &fd_v,
		  &buf_v, &len, NULL);
	init_atom(&atoms[1], 0, __NR_getpid, &pid, NULL, NULL, NULL, NULL,
		  NULL);
	CHECK_EQ(sys_async_exec(atoms, NULL), ptr2l(&atoms[1]));
	CHECK_EQ(wret, 1);
	CHECK_EQ(pid, getpid());
	check_uring_done(ring);
	CHECK_EQ(rbuf[0], 'x');
}

/*
 * The chain's first atom writes to ready_pipe: from then on the atom's
 * thread can only sleep in the second atom's read. Each write goes once it
 * sleeps there: nothing but the thread's state marks that
 * (wait_task_asleep()). The first write
 * completes the io_uring read by task work on that thread; the io_uring
 * completion shows the work ran, and the thread must then sleep again in
 * the same read (an -EINTR would have ended the atom) before the second
 * write gives it its byte.
 */
static void *poke(void *arg)
{
	char got;

	(void)arg;
	CHECK_EQ(read(ready_pipe[0], &got, 1), 1);
	CHECK_EQ(wait_task_asleep(getpid(), atom_tid), 0);
	CHECK_EQ(write(ring_pipe[1], "y", 1), 1);
	while (!io_uring_cq_ready(poke_ring))
		sched_yield();
	CHECK_EQ(wait_task_asleep(getpid(), atom_tid), 0);
	CHECK_EQ(write(data_pipe[1], "z", 1), 1);
	return NULL;
}

static void test_inside_atom(struct io_uring *ring)
{
	static struct syslet_uatom atoms[2];
	static uint64_t ready_v, byte_v, fd_v, buf_v, len = 1;
	static int64_t wret, r;
	static char byte = 'r', buf[1], rbuf[1];
	pthread_t t;

	arm_uring_read(ring, rbuf);
	ready_v = ready_pipe[1];
	byte_v = (uintptr_t)&byte;
	fd_v = data_pipe[0];
	buf_v = (uintptr_t)buf;
	init_atom(&atoms[0], SYSLET_SYNC, __NR_write, &wret, &atoms[1],
		  &ready_v, &byte_v, &len, NULL);
	init_atom(&atoms[1], 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	atom_tid = gettid();
	poke_ring = ring;
	CHECK_EQ(pthread_create(&t, NULL, poke, NULL), 0);
	CHECK_EQ(sys_async_exec(atoms, NULL), ptr2l(&atoms[1]));
	CHECK_EQ(wret, 1);
	CHECK_EQ(r, 1);
	CHECK_EQ(buf[0], 'z');
	CHECK_EQ(pthread_join(t, NULL), 0);
	check_uring_done(ring);
	CHECK_EQ(rbuf[0], 'y');
}

int main(void)
{
	struct io_uring ring;

	test_name = "task_work";
	require_syslets(NULL);
	if (io_uring_queue_init(8, &ring, 0) < 0)
		test_fail_now("io_uring_queue_init failed: no io_uring here");
	CHECK_EQ(pipe(ring_pipe), 0);
	CHECK_EQ(pipe(data_pipe), 0);
	CHECK_EQ(pipe(ready_pipe), 0);
	test_between_atoms(&ring);
	test_inside_atom(&ring);
	io_uring_queue_exit(&ring);
	return test_done();
}
