// SPDX-License-Identifier: MIT
/*
 * A spare that stops must not be handed a context (issue 11 §2 item 1): a
 * stopped spare cannot take the context over, so its runner would wait
 * for it (uninterruptibly) and the group stop would never complete; had
 * SIGKILL then ended the spare inside get_signal(), the runner would wait
 * for ever.
 *
 * The child loops SYSLET_ASYNC chains, each handing its context to the
 * parked spare (the previous runner). The parent sends SIGSTOP to one of
 * the child's threads at a time (tgkill: a spare that takes it stops
 * first, while the user thread may be inside async_exec on its way to
 * the handoff), waits for the stop to be reported, continues the child,
 * and so on. The race is not forced: many rounds make it likely; a
 * correct kernel never misses a stop.
 */
#include "child_guard.h"
#include <dirent.h>

#define ROUNDS 300

static void child_loop(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static int64_t r;
	struct syslet_completion c;

	ring_init(&ring, 8);
	init_atom(&atom, SYSLET_ASYNC, __NR_getppid, &r, NULL, NULL, NULL, NULL,
		  NULL);
	for (;;) {
		long ret = sys_async_exec(&atom, &ring.ahu);

		if (ret == 0)
			sys_async_wait(1, &ring.ahu);
		while (ring_pop(&ring, &c))
			;
	}
}

/* The @n-th thread of @pid (modulo their number), or -1. */
static pid_t nth_thread(pid_t pid, unsigned int n)
{
	pid_t tids[64];
	unsigned int count = 0;
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && count < 64)
		if (d->d_name[0] != '.')
			tids[count++] = atoi(d->d_name);
	closedir(dir);
	return count ? tids[n % count] : -1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = child_guard_alarm };
	unsigned int round;
	int status;
	pid_t pid;

	test_name = "t22_stopped_spare";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	pid = fork();
	if (pid == 0)
		child_loop();

	for (round = 0; round < ROUNDS; round++) {
		pid_t tid = nth_thread(pid, round);

		if (tid < 0 || syscall(SYS_tgkill, pid, tid, SIGSTOP)) {
			CHECK(0, "round %u: no thread to stop", round);
			break;
		}
		if (!wait_stopped_guarded(pid)) {
			CHECK(0,
			      "round %u: the process did not stop within %d s",
			      round, CHILD_GUARD_S);
			/* A runner waits for the stopped spare: let it go. */
			kill(pid, SIGCONT);
			break;
		}
		CHECK_EQ(kill(pid, SIGCONT), 0);
		alarm(CHILD_GUARD_S);
		if (waitpid(pid, &status, WCONTINUED) != pid ||
		    !WIFCONTINUED(status)) {
			alarm(0);
			CHECK(0, "round %u: no continue reported", round);
			break;
		}
		alarm(0);
	}
	printf("%u rounds\n", round);
	kill(pid, SIGKILL);
	status = wait_child_guarded(pid);
	CHECK(status != -1 && WIFSIGNALED(status),
	      "the child did not die on SIGKILL (status %#x)", status);
	return test_done();
}
