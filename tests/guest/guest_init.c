// SPDX-License-Identifier: MIT
/*
 * /init of the test guest: mounts the usual filesystems and the ext4 disk,
 * runs every program in /tests (sorted, each with a timeout, as its own
 * process), checks the kernel log after each one for BUG:, WARNING:,
 * Oops: and lockdep reports, prints one result line per test on the
 * console and writes them to /mnt/results.txt, then powers off.
 *
 * Console protocol (parsed by tests/guest/run.sh):
 *   GUEST-TEST <name> PASS|FAIL <exit status> <ms>
 *   GUEST-SUMMARY pass=N fail=N
 * There is no SKIP: this guest always runs the patched kernel, so a test
 * that exits 77 (the usual "skip") found something missing that must be
 * there, and fails like any other non-zero exit.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_DIR       "/tests"
#define TEST_TIMEOUT_S 60
#define KLOG_SIZE      (1 << 20)

static FILE *results;
/* Per-test limit; guest_test_timeout=N on the kernel command line. */
static int test_timeout_s = TEST_TIMEOUT_S;

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (results) {
		va_start(ap, fmt);
		vfprintf(results, fmt, ap);
		va_end(ap);
		fflush(results);
	}
}

static void kmsg_mark(const char *text)
{
	int fd = open("/dev/kmsg", O_WRONLY);
	char line[512];
	int len;

	/*
	 * One plain write() per record: dprintf() probes the offset with
	 * lseek(SEEK_CUR), which /dev/kmsg refuses, and then writes nothing.
	 */
	/* Debug level: in the log, not on the console between our lines. */
	len = snprintf(line, sizeof(line), "<7>%s\n", text);
	if (fd >= 0) {
		if (write(fd, line, len) != len)
			printf("guest-init: cannot write to /dev/kmsg\n");
		close(fd);
	}
}

/*
 * Scan the kernel log after the marker for @name; print offending lines.
 * Returns the number of problems found.
 */
static int klog_problems(const char *marker)
{
	static const char *const bad[] = {
		"BUG:",
		"WARNING:",
		"Oops:",
		"possible circular locking",
		"possible recursive locking",
		"inconsistent lock state",
		"INFO: lockdep",
		"lockdep",
		"general protection fault",
		"Kernel panic",
		"INFO: task",
	};
	static char buf[KLOG_SIZE];
	int len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	char *p, *line;
	int problems = 0;
	size_t i;

	if (len < 0)
		return 0;
	buf[len] = '\0';
	p = strstr(buf, marker);
	if (!p)
		return 0;
	for (line = strtok(p, "\n"); line; line = strtok(NULL, "\n")) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(line, bad[i])) {
				emit("  dmesg: %s\n", line);
				problems++;
				break;
			}
		}
	}
	return problems;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run_one(const char *name, double *ms)
{
	char path[512];
	double t0 = now_ms(), left_ms;
	int status, timed_out = 0;
	sigset_t chld, old;
	pid_t pid;

	/*
	 * SIGCHLD stays blocked here so that sigtimedwait() below can take
	 * it: the wait ends when the test exits, the timeout only guards
	 * against a hang.
	 */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	snprintf(path, sizeof(path), TEST_DIR "/%s", name);
	pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { path, NULL };

		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		if (chdir("/mnt"))
			_exit(127);
		execv(path, argv);
		_exit(127);
	}
	for (;;) {
		struct timespec ts;
		int wstatus;
		pid_t r;

		/*
		 * As init, reap the test's orphans too (reparented to us): as
		 * zombies they would pile up over a long run.
		 */
		while ((r = waitpid(-1, &wstatus, WNOHANG)) > 0 && r != pid)
			;
		if (r == pid) {
			status = wstatus;
			break;
		}
		if (r < 0 && errno != EINTR) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return 1;
		}
		left_ms = test_timeout_s * 1e3 - (now_ms() - t0);
		if (!timed_out && left_ms <= 0) {
			emit("  %s: timeout after %d s, killing it\n", name,
			     test_timeout_s);
			/*
			 * Everything but us: the test, and the processes it
			 * made, whatever process group they lead (t20's
			 * workers lead their own).
			 */
			kill(-1, SIGKILL);
			timed_out = 1;
		}
		if (timed_out) {
			waitpid(pid, &status, 0);
			break;
		}
		ts.tv_sec = (time_t)(left_ms / 1e3);
		ts.tv_nsec = (long)((left_ms - ts.tv_sec * 1e3) * 1e6);
		sigtimedwait(&chld, NULL, &ts);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	*ms = now_ms() - t0;
	if (timed_out)
		return 1;
	if (WIFSIGNALED(status)) {
		emit("  %s: killed by signal %d\n", name, WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

int main(void)
{
	int pass = 0, fail = 0;
	char *names[256];
	int n = 0, i;
	DIR *dir;
	struct dirent *de;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (mount("/dev/vda", "/mnt", "ext4", 0, NULL) == 0)
		results = fopen("/mnt/results.txt", "w");
	else
		printf("guest-init: cannot mount /dev/vda: %s\n",
		       strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Unknown key=value kernel parameters reach /init as environment. */
	if (getenv("guest_test_timeout"))
		test_timeout_s = atoi(getenv("guest_test_timeout"));

	dir = opendir(TEST_DIR);
	while (dir && (de = readdir(dir)) && n < 256) {
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	}
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);

	for (i = 0; i < n; i++) {
		char marker[300];
		const char *verdict;
		double ms = 0;
		int rc, problems;

		snprintf(marker, sizeof(marker), "guest-init: start %s",
			 names[i]);
		kmsg_mark(marker);
		rc = run_one(names[i], &ms);
		problems = klog_problems(marker);
		if (problems && rc == 0)
			rc = 1;
		if (problems)
			emit("  %s: %d kernel log problem(s)\n", names[i],
			     problems);
		if (rc == 77)
			emit("  %s: exit 77 (skip) is a failure on the patched kernel\n",
			     names[i]);
		if (rc == 0) {
			verdict = "PASS";
			pass++;
		} else {
			verdict = "FAIL";
			fail++;
		}
		emit("GUEST-TEST %s %s %d %.0f\n", names[i], verdict, rc, ms);
	}
	emit("GUEST-SUMMARY pass=%d fail=%d\n", pass, fail);

	if (results)
		fclose(results);
	umount("/mnt");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
