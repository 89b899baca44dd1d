// SPDX-License-Identifier: MIT
/*
 * A handoff must not move the user context to a thread with other
 * per-thread attributes (issue 11 §2 item 3): after async_exec returns,
 * the thread the context runs on has what the program set on its thread.
 *
 * Each attribute runs in a child of its own: a chain that goes async
 * first (the pool then holds spares made before the change), then the
 * change on the thread that now carries the context, then a chain whose
 * read of an empty pipe blocks. The parent feeds the pipe once the
 * child's thread sleeps in it: the context either stayed (no spare fits)
 * or moved to one that fits. A second such chain, fed by the child itself
 * once async_exec returned 0, must go async (a spare made from the changed
 * thread fits it) and keep the attribute too.
 *
 * Attributes: cwd (unshare(CLONE_FS) and chdir), fd table
 * (unshare(CLONE_FILES) and open), no_new_privs, a seccomp filter (whose
 * callers async_exec refuses: the context never moves), CPU affinity,
 * scheduling policy, nice, I/O priority, timer slack. iopl/ioperm are not
 * in the guest kernel (no CONFIG_X86_IOPL_IOPERM).
 */
#include "child_guard.h"

#include <linux/filter.h>
#include <linux/ioprio.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* The pipe the blocking atom reads; the parent writes to it. */
static int feed[2];
/* The child tells the parent which thread to wait for. */
static int ready[2];

struct attr_case {
	const char *name;
	/*
	 * Changes the attribute on the calling thread; 0, -errno, or 1 when
	 * this guest leaves nothing to change.
	 */
	int (*change)(void);
	/* 0 if the calling thread has the changed attribute. */
	int (*check)(void);
	/* The blocking chain is refused with this (0: it must run). */
	long refused;
};

/* What a check found instead of the changed attribute. */
static char detail[160];

static char cwd_set[] = "/proc";
static int fd_only_here = -1;
static const unsigned long slack_set = 123457;
static const int ioprio_set_to = IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT | 3;

static int change_cwd(void)
{
	if (unshare(CLONE_FS) || chdir(cwd_set))
		return -errno;
	return 0;
}

static int check_cwd(void)
{
	char buf[128];

	if (!getcwd(buf, sizeof(buf)))
		return -errno;
	if (strcmp(buf, cwd_set)) {
		snprintf(detail, sizeof(detail), "cwd %s, set %s", buf,
			 cwd_set);
		return -1;
	}
	return 0;
}

static int change_files(void)
{
	if (unshare(CLONE_FILES))
		return -errno;
	fd_only_here = open("/", O_RDONLY | O_DIRECTORY);
	return fd_only_here < 0 ? -errno : 0;
}

static int check_files(void)
{
	if (fcntl(fd_only_here, F_GETFD) < 0) {
		snprintf(detail, sizeof(detail),
			 "fd %d, opened after unshare(CLONE_FILES): %s",
			 fd_only_here, strerror(errno));
		return -1;
	}
	return 0;
}

static int change_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
}

static int check_nnp(void)
{
	int v = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	if (v != 1) {
		snprintf(detail, sizeof(detail), "PR_GET_NO_NEW_PRIVS %d", v);
		return -1;
	}
	return 0;
}

static int change_seccomp(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -errno;
	return 0;
}

static int check_seccomp(void)
{
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);

	if (mode != SECCOMP_MODE_FILTER) {
		snprintf(detail, sizeof(detail), "PR_GET_SECCOMP %d", mode);
		return -1;
	}
	return 0;
}

/* The last CPU alone: a set no spare was made with. */
static cpu_set_t cpus_set;

static int change_affinity(void)
{
	cpu_set_t all;
	int last = -1;

	if (sched_getaffinity(0, sizeof(all), &all))
		return -errno;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &all))
			last = i;
	if (CPU_COUNT(&all) < 2)
		return 1; /* one CPU (run.sh --icount): nothing to change */
	CPU_ZERO(&cpus_set);
	CPU_SET(last, &cpus_set);
	return sched_setaffinity(0, sizeof(cpus_set), &cpus_set) ? -errno : 0;
}

static int check_affinity(void)
{
	cpu_set_t now;

	if (sched_getaffinity(0, sizeof(now), &now))
		return -errno;
	if (!CPU_EQUAL(&now, &cpus_set)) {
		snprintf(detail, sizeof(detail), "affinity has %d CPUs, set 1",
			 CPU_COUNT(&now));
		return -1;
	}
	return 0;
}

static int change_policy(void)
{
	struct sched_param p = { 0 };

	return sched_setscheduler(0, SCHED_BATCH, &p) ? -errno : 0;
}

static int check_policy(void)
{
	int policy = sched_getscheduler(0);

	if (policy != SCHED_BATCH) {
		snprintf(detail, sizeof(detail), "policy %d, set SCHED_BATCH",
			 policy);
		return -1;
	}
	return 0;
}

/* PRIO_PROCESS with who 0 is the calling thread on Linux. */
static int change_nice(void)
{
	return setpriority(PRIO_PROCESS, 0, 7) ? -errno : 0;
}

static int check_nice(void)
{
	int nice;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	if (nice != 7) {
		snprintf(detail, sizeof(detail), "nice %d, set 7", nice);
		return -1;
	}
	return 0;
}

static int change_ioprio(void)
{
	return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, ioprio_set_to) ?
		       -errno :
		       0;
}

static int check_ioprio(void)
{
	long prio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);

	if (prio != ioprio_set_to) {
		snprintf(detail, sizeof(detail), "ioprio %#lx, set %#x", prio,
			 ioprio_set_to);
		return -1;
	}
	return 0;
}

static int change_slack(void)
{
	return prctl(PR_SET_TIMERSLACK, slack_set, 0, 0, 0) ? -errno : 0;
}

static int check_slack(void)
{
	long slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	if (slack != (long)slack_set) {
		snprintf(detail, sizeof(detail), "timer slack %ld, set %lu",
			 slack, slack_set);
		return -1;
	}
	return 0;
}

static const struct attr_case cases[] = {
	{ "cwd", change_cwd, check_cwd, 0 },
	{ "files", change_files, check_files, 0 },
	{ "no_new_privs", change_nnp, check_nnp, 0 },
	{ "seccomp", change_seccomp, check_seccomp, -EPERM },
	{ "affinity", change_affinity, check_affinity, 0 },
	{ "policy", change_policy, check_policy, 0 },
	{ "nice", change_nice, check_nice, 0 },
	{ "ioprio", change_ioprio, check_ioprio, 0 },
	{ "timer slack", change_slack, check_slack, 0 },
};

static struct test_ring ring;
static struct syslet_uatom atom;
static int64_t atom_ret;
static char buf[1];
static uint64_t fd_v, buf_v, len_v = 1;

/* async_exec of the read of feed[0]; the result of the read, or -errno. */
static long run_read_chain(long *exec_ret, int self_feed)
{
	struct syslet_completion c;

	ring_init(&ring, 8);
	fd_v = (uint64_t)feed[0];
	buf_v = (uint64_t)(uintptr_t)buf;
	atom_ret = -1000;
	init_atom(&atom, 0, __NR_read, &atom_ret, NULL, &fd_v, &buf_v, &len_v,
		  NULL);
	*exec_ret = sys_async_exec(&atom, &ring.ahu);
	if (*exec_ret != 0)
		return *exec_ret < 0 ? *exec_ret : atom_ret;
	if (self_feed && write(feed[1], "x", 1) != 1)
		return -EIO;
	if (sys_async_wait(1, &ring.ahu) != 1 || !ring_pop(&ring, &c))
		return -EIO;
	return c.result;
}

/* The child of one case; its exit status is its failure count. */
static void child(const struct attr_case *c)
{
	long exec_ret, r;
	pid_t tid;
	int err;

	test_failures = 0;
	/* A chain that goes async: spares exist, made before the change. */
	r = run_read_chain(&exec_ret, 1);
	if (exec_ret != 0 || r != 1)
		test_fail_now("%s: the first chain did not go async (%ld, %ld)",
			      c->name, exec_ret, r);
	err = c->change();
	if (err == 1) {
		printf("%s: %s: nothing to change in this guest\n", test_name,
		       c->name);
		exit(0);
	}
	if (err)
		test_fail_now("%s: the change failed: %s", c->name,
			      strerror(-err));

	/* The parent feeds the pipe once this thread sleeps. */
	tid = (pid_t)syscall(SYS_gettid);
	if (c->refused && write(feed[1], "x", 1) != 1)
		test_fail_now("write");
	if (write(ready[1], &tid, sizeof(tid)) != sizeof(tid))
		test_fail_now("write");
	r = run_read_chain(&exec_ret, 0);
	if (c->refused) {
		CHECK(exec_ret == c->refused, "%s: async_exec returned %ld",
		      c->name, exec_ret);
	} else {
		CHECK(r == 1, "%s: the read returned %ld", c->name, r);
	}
	CHECK(c->check() == 0, "%s: lost in the handoff (async_exec %ld): %s",
	      c->name, exec_ret, detail);
	if (c->refused)
		exit(test_failures);

	/* Now a spare made from this thread: it fits, and goes async. */
	r = run_read_chain(&exec_ret, 1);
	CHECK(exec_ret == 0 && r == 1,
	      "%s: a second blocking chain did not go async (%ld, %ld)",
	      c->name, exec_ret, r);
	CHECK(c->check() == 0, "%s: lost in the second handoff: %s", c->name,
	      detail);
	exit(test_failures);
}

static void run_attr_case(const struct attr_case *c)
{
	pid_t pid;

	if (pipe(feed) || pipe(ready))
		test_fail_now("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		test_fail_now("fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		child(c);
	}
	close(ready[1]);
	if (!c->refused)
		feed_when_asleep(pid, ready[0], feed[1]);
	expect_exit(pid, 0, c->name);
	close(ready[0]);
	close(feed[0]);
	close(feed[1]);
}

int main(void)
{
	test_name = "t28_spare_fits";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_attr_case(&cases[i]);
	return test_done();
}
