// SPDX-License-Identifier: MIT
/*
 * A chain must not outlive the credentials of the process that submitted
 * it (issue 11 §2 item 8): once the user context drops privileges, a
 * runner (which keeps its own, older creds, and reads its atoms from user
 * memory that the now unprivileged code can rewrite) ends its chain at the
 * next atom with -EPERM, and chains started after the change run with the
 * new creds. Runs as root.
 *
 * Each way to drop runs in a child: a self-linked read atom loops in a
 * runner, one byte per turn; the context drops (raw setresuid, glibc's
 * setresuid, which with no other glibc thread changes only the calling
 * thread, or raw capset), two bytes are fed: the read in flight takes one
 * and the chain ends with -EPERM before the next, so one byte stays. Then
 * an openat of a file of another user, mode 0600, fails with -EACCES in a
 * chain that goes async at once (SYSLET_ASYNC) and in one whose read
 * blocks first (the parent feeds it once the thread sleeps).
 */
#include "child_guard.h"

#include <linux/capability.h>
#include <sys/ioctl.h>

static const char secret[] = "/tmp/t29_creds_secret";

enum drop { DROP_SETRESUID_RAW, DROP_SETRESUID_GLIBC, DROP_CAPSET };
static const char *const drop_names[] = { "setresuid (raw)",
					  "setresuid (glibc)", "capset (raw)" };

static struct test_ring ring;
/* The child tells the parent which thread to wait for, and the pipe. */
static int ready[2], feed[2];

static int drop_privileges(enum drop how)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct none[2] = { { 0 } };

	switch (how) {
	case DROP_SETRESUID_RAW:
		return (int)raw(syscall(SYS_setresuid, 65534, 65534, 65534));
	case DROP_SETRESUID_GLIBC:
		return setresuid(65534, 65534, 65534) ? -errno : 0;
	case DROP_CAPSET:
		return (int)raw(syscall(SYS_capset, &hdr, none));
	}
	return -EINVAL;
}

static int bytes_in(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* The looping runner ends at its next atom once the context dropped. */
static void loop_ends(const char *what, enum drop how)
{
	static struct syslet_uatom loop;
	static int64_t loop_ret;
	static char buf[1];
	static uint64_t fd_v, buf_v, len_v = 1;
	struct syslet_completion c = { 0 };
	int p[2];
	long ret;

	if (pipe(p))
		test_fail_now("pipe: %s", strerror(errno));
	fd_v = (uint64_t)p[0];
	buf_v = (uint64_t)(uintptr_t)buf;
	loop_ret = -1000;
	init_atom(&loop, 0, __NR_read, &loop_ret, &loop, &fd_v, &buf_v, &len_v,
		  NULL);
	ret = sys_async_exec(&loop, &ring.ahu);
	if (ret != 0)
		test_fail_now("%s: the loop did not go async: %ld", what, ret);
	/* One turn: the result is stored when the atom is read again. */
	if (write(p[1], "x", 1) != 1)
		test_fail_now("write");
	while (__atomic_load_n(&loop_ret, __ATOMIC_ACQUIRE) != 1)
		sched_yield();

	ret = drop_privileges(how);
	if (ret)
		test_fail_now("%s: %s", what, strerror((int)-ret));
	if (write(p[1], "yz", 2) != 2)
		test_fail_now("write");
	while (!ring_ready(&ring) && bytes_in(p[0]) > 0)
		sched_yield();
	if (!ring_pop(&ring, &c)) {
		CHECK(0, "%s: the runner read both bytes fed after the drop",
		      what);
		exit(test_failures);
	}
	CHECK(c.result == -EPERM,
	      "%s: the chain ended with %lld, expected -EPERM", what,
	      (long long)c.result);
	CHECK(c.atom == (uint64_t)(uintptr_t)&loop, "%s: completion atom %#llx",
	      what, (unsigned long long)c.atom);
	CHECK(bytes_in(p[0]) == 1, "%s: %d bytes left, expected 1", what,
	      bytes_in(p[0]));
	close(p[0]);
	close(p[1]);
}

/* A chain started after the drop opens @secret with the new creds. */
static void new_chains_use_new_creds(const char *what)
{
	static struct syslet_uatom rd, op;
	static int64_t rd_ret, op_ret;
	static char buf[1];
	static uint64_t fd_v, buf_v, len_v = 1, dirfd_v = (uint64_t)AT_FDCWD,
				     path_v, flags_v = O_RDONLY;
	struct syslet_completion c = { 0 };
	pid_t tid;
	long ret;

	path_v = (uint64_t)(uintptr_t)secret;
	op_ret = -1000;
	init_atom(&op, SYSLET_ASYNC, __NR_openat, &op_ret, NULL, &dirfd_v,
		  &path_v, &flags_v, NULL);
	ret = sys_async_exec(&op, &ring.ahu);
	if (ret == 0 && sys_async_wait(1, &ring.ahu) == 1)
		ring_pop(&ring, &c);
	CHECK(op_ret == -EACCES,
	      "%s: SYSLET_ASYNC openat of the secret: %lld (async_exec %ld)",
	      what, (long long)op_ret, ret);

	/* The parent feeds the read once this thread sleeps in it. */
	fd_v = (uint64_t)feed[0];
	buf_v = (uint64_t)(uintptr_t)buf;
	op_ret = -1000;
	init_atom(&rd, 0, __NR_read, &rd_ret, &op, &fd_v, &buf_v, &len_v, NULL);
	init_atom(&op, 0, __NR_openat, &op_ret, NULL, &dirfd_v, &path_v,
		  &flags_v, NULL);
	tid = (pid_t)syscall(SYS_gettid);
	if (write(ready[1], &tid, sizeof(tid)) != sizeof(tid))
		test_fail_now("write");
	ret = sys_async_exec(&rd, &ring.ahu);
	if (ret == 0 && sys_async_wait(1, &ring.ahu) == 1)
		ring_pop(&ring, &c);
	CHECK(op_ret == -EACCES,
	      "%s: openat of the secret after a blocking read: %lld "
	      "(async_exec %ld)",
	      what, (long long)op_ret, ret);
}

static void run_drop(enum drop how)
{
	const char *what = drop_names[how];
	pid_t pid;

	if (pipe(ready) || pipe(feed))
		test_fail_now("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		test_fail_now("fork: %s", strerror(errno));
	if (pid == 0) {
		test_failures = 0;
		close(ready[0]);
		ring_init(&ring, 8);
		loop_ends(what, how);
		new_chains_use_new_creds(what);
		exit(test_failures);
	}
	close(ready[1]);
	feed_when_asleep(pid, ready[0], feed[1]);
	expect_exit(pid, 0, what);
	close(ready[0]);
	close(feed[0]);
	close(feed[1]);
}

int main(void)
{
	int fd;

	test_name = "t29_creds";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (geteuid() != 0)
		test_fail_now("not root in the guest");
	fd = open(secret, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || fchown(fd, 1234, 1234))
		test_fail_now("%s: %s", secret, strerror(errno));
	close(fd);
	for (enum drop how = DROP_SETRESUID_RAW; how <= DROP_CAPSET; how++)
		run_drop(how);
	unlink(secret);
	return test_done();
}
