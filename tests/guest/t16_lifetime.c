// SPDX-License-Identifier: MIT
/*
 * Process lifetime with spares (issue 11 §2 item 10): when the last
 * thread that carries a user context leaves with exit(2), the process
 * ends, as if that thread had called exit_group() with its status, even
 * though spares are parked and runners are still in the kernel; while
 * another user thread lives, it does not.
 *
 * Each case runs in a child process; the parent reaps it under a hang
 * guard (child_guard.h). Exit codes 90 and up mean the child could not
 * set the case up.
 */
#include "child_guard.h"
#include <pthread.h>

enum { SETUP_NO_SPARE = 90, SETUP_NOT_ASYNC, SETUP_NO_COMPLETION };

/* Number of threads of this process (entries of /proc/self/task). */
static int count_threads(void)
{
	char buf[4096];
	int fd = open("/proc/self/stat", O_RDONLY), n = 0, field = 1;
	ssize_t len;
	char *p;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	/* Field 20 is num_threads; fields after comm are space separated. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 20; field++)
		p = strchr(p + 1, ' ');
	if (p)
		n = atoi(p + 1);
	return n;
}

/* A chain that may go async and runs inline: makes the first spare. */
static void make_spare(void)
{
	static struct test_ring ring;
	struct syslet_uatom atom;
	int64_t r = 0;

	ring_init(&ring, 8);
	init_atom(&atom, 0, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);
	if (sys_async_exec(&atom, &ring.ahu) != ptr2l(&atom) ||
	    count_threads() != 2)
		_exit(SETUP_NO_SPARE);
}

/*
 * Start a chain whose read of @fd blocks, so that the user context moves
 * to a spare and this thread becomes the runner.
 */
static void go_async_on_read(struct test_ring *ring, int fd)
{
	static struct syslet_uatom atom;
	static char buf[8];
	static int64_t r;
	static uint64_t fd_v, buf_v, len = sizeof(buf);

	ring_init(ring, 8);
	fd_v = fd;
	buf_v = (uintptr_t)buf;
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	if (sys_async_exec(&atom, &ring->ahu) != 0)
		_exit(SETUP_NOT_ASYNC);
}

static void thread_exit(int code)
{
	syscall(SYS_exit, code);
}

/* The only user thread exits; the spare made for it is parked. */
static void test_parked_spare(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		make_spare();
		thread_exit(7);
	}
	expect_exit(pid, 7, "exit(2) with a parked spare");
}

/*
 * After a cachemiss the user context lives on the former spare and the
 * submitter, its chain done, is a parked spare: the context's exit(2)
 * ends the process.
 */
static void test_after_cachemiss(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		static struct test_ring ring;
		int p[2];

		if (pipe(p))
			_exit(SETUP_NOT_ASYNC);
		go_async_on_read(&ring, p[0]);
		if (write(p[1], "x", 1) != 1 ||
		    sys_async_wait(1, &ring.ahu) < 1)
			_exit(SETUP_NO_COMPLETION);
		thread_exit(9);
	}
	expect_exit(pid, 9, "exit(2) after a cachemiss");
}

/* The runner still sleeps in its atom: the process ends all the same. */
static void test_runner_in_flight(void)
{
	int p[2];
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		static struct test_ring ring;

		go_async_on_read(&ring, p[0]);
		thread_exit(5);
	}
	/* Nobody writes: the read could only end by the process's end. */
	close(p[1]);
	expect_exit(pid, 5, "exit(2) with a runner in flight");
	close(p[0]);
}

static pid_t leader_tid;
static int alive_fd;

/* Waits until the leader is a zombie, says so, then exits itself. */
static void *last_thread(void *arg)
{
	char path[64], buf[512], *state;

	(void)arg;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
		 (int)leader_tid);
	for (;;) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n <= 0)
			break;
		buf[n] = '\0';
		state = strrchr(buf, ')');
		if (state && state[2] == 'Z')
			break;
		sched_yield();
	}
	if (write(alive_fd, "a", 1) != 1)
		thread_exit(SETUP_NO_SPARE);
	thread_exit(3);
	return NULL;
}

/*
 * Another user thread still runs when the first one exits: the process
 * lives on until that one exits too.
 */
static void test_other_thread_lives(void)
{
	int p[2];
	char c = 0;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		close(p[0]);
		alive_fd = p[1];
		leader_tid = gettid();
		make_spare();
		if (pthread_create(&t, NULL, last_thread, NULL))
			_exit(SETUP_NO_SPARE);
		thread_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1 && c == 'a',
	      "the second thread died with the first one");
	close(p[0]);
	expect_exit(pid, 3, "exit(2) of the last of two user threads");
}

int main(void)
{
	test_name = "t16_lifetime";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	test_parked_spare();
	test_after_cachemiss();
	test_runner_in_flight();
	test_other_thread_lives();
	return test_done();
}
