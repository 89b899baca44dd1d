// SPDX-License-Identifier: MIT
/*
 * glibc's setresuid() in a process where another pthread's user context
 * was handed off (issue 11 §2 items 4 and 8): glibc changes every thread's
 * credentials by sending SIGSETXID to each thread id it knows and waiting
 * for each to run the handler. The handed-off pthread's old id now
 * belongs to a runner or a parked spare, which passes the signal to the
 * process; glibc signals again until the thread that carries the pthread
 * (its TLS, so its handler clears that pthread's flag) has run it. The
 * call must return, and every user context must run with the new ids.
 * Runs as root (the guest's init).
 */
#include "child_guard.h"

#include <pthread.h>

#define NEW_ID 4321

static int data_pipe[2], report_pipe[2], go_pipe[2];

/* A chain of one blocking read of data_pipe, handed off; then new ids. */
static void *handed_off_thread(void *arg)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static uint64_t fd, buf_addr, len = 1;
	static char buf;
	static int64_t ret;
	uid_t r, e, s;
	long went;
	char c;

	(void)arg;
	ring_init(&ring, 8);
	fd = (uint64_t)data_pipe[0];
	buf_addr = (uint64_t)(uintptr_t)&buf;
	init_atom(&atom, 0, __NR_read, &ret, NULL, &fd, &buf_addr, &len, NULL);
	went = sys_async_exec(&atom, &ring.ahu);
	if (write(report_pipe[1], &went, sizeof(went)) != sizeof(went))
		return NULL;
	if (read(go_pipe[0], &c, 1) != 1)
		return NULL;
	syscall(SYS_getresuid, &r, &e, &s);
	went = (long)e << 32 | r;
	if (write(report_pipe[1], &went, sizeof(went)) != sizeof(went))
		return NULL;
	return NULL;
}

/*
 * @parked: let the chain finish first (its runner parks as a spare)
 * rather than keep it asleep in the read while setresuid() runs.
 */
static void setxid_case(int parked)
{
	pthread_t t;
	uid_t r, e, s;
	long report;

	CHECK(pipe(data_pipe) == 0 && pipe(report_pipe) == 0 &&
		      pipe(go_pipe) == 0,
	      "pipe: %s", strerror(errno));
	CHECK_EQ(pthread_create(&t, NULL, handed_off_thread, NULL), 0);
	CHECK(read(report_pipe[0], &report, sizeof(report)) == sizeof(report),
	      "no report from the thread");
	CHECK(report == 0, "the thread's read did not go async: %ld", report);
	if (parked)
		CHECK(write(data_pipe[1], "x", 1) == 1, "feed: %s",
		      strerror(errno));

	CHECK(setresuid(NEW_ID, NEW_ID, NEW_ID) == 0, "setresuid: %s",
	      strerror(errno));
	syscall(SYS_getresuid, &r, &e, &s);
	CHECK(r == NEW_ID && e == NEW_ID && s == NEW_ID,
	      "calling thread: ids %u %u %u", r, e, s);

	CHECK(write(go_pipe[1], "g", 1) == 1, "go: %s", strerror(errno));
	CHECK(read(report_pipe[0], &report, sizeof(report)) == sizeof(report),
	      "no ids from the thread");
	CHECK((uid_t)report == NEW_ID && (uid_t)(report >> 32) == NEW_ID,
	      "the handed-off pthread runs with uid %u euid %u, expected %d",
	      (uid_t)report, (uid_t)(report >> 32), NEW_ID);
	if (!parked)
		CHECK(write(data_pipe[1], "x", 1) == 1, "feed: %s",
		      strerror(errno));
	CHECK_EQ(pthread_join(t, NULL), 0);
}

static void runner_asleep(void)
{
	setxid_case(0);
}

static void runner_parked(void)
{
	setxid_case(1);
}

int main(void)
{
	test_name = "t33_glibc_setxid";
	require_syslets(NULL);
	if (geteuid() != 0)
		test_fail_now(
			"needs root (the guest's init runs tests as root)");
	run_case(NULL, runner_asleep,
		 "glibc setresuid() while the runner sleeps in the chain");
	run_case(NULL, runner_parked,
		 "glibc setresuid() after the runner parked");
	return test_done();
}
