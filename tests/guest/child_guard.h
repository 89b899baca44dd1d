/* SPDX-License-Identifier: MIT */
/*
 * Reaping a child process whose end is the event under test, with a hang
 * guard: a defect can leave the child alive (or stuck in the kernel) for
 * ever, and the test must then say so in a FAIL line instead of leaving it
 * to the guest's per-test timeout. The guard is only a guard: nothing is
 * timed, a correct kernel ends the child long before it.
 */
#ifndef CHILD_GUARD_H
#define CHILD_GUARD_H

#include "syslet_test.h"

#include <signal.h>
#include <sys/wait.h>

/* Far above what any correct run takes under TCG on a loaded host. */
#define CHILD_GUARD_S 10

static void child_guard_alarm(int sig)
{
	(void)sig;
}

/* waitpid(@pid, @status, @options) that gives up after the guard. */
static inline pid_t waitpid_guarded(pid_t pid, int *status, int options)
{
	struct sigaction sa = { .sa_handler = child_guard_alarm };
	pid_t r;

	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: EINTR */
	alarm(CHILD_GUARD_S);
	r = waitpid(pid, status, options);
	alarm(0);
	return r;
}

/*
 * Waits for @pid; returns its wait status, or -1 when it has not ended
 * within the guard (then it is SIGKILLed and, if that reaps it, reaped).
 */
static inline int wait_child_guarded(pid_t pid)
{
	int status = 0;

	if (waitpid_guarded(pid, &status, 0) == pid)
		return status;
	kill(pid, SIGKILL);
	if (waitpid_guarded(pid, &status, 0) != pid)
		printf("%s: child %d survives SIGKILL too\n", test_name,
		       (int)pid);
	return -1;
}

/*
 * Waits for @pid, sent a stop signal, to be reported stopped; 1 if it was
 * within the guard, 0 if not (it is left as it is).
 */
static inline int wait_stopped_guarded(pid_t pid)
{
	int status = 0;

	return waitpid_guarded(pid, &status, WUNTRACED) == pid &&
	       WIFSTOPPED(status);
}

/* CHECKs that @pid ends by exit(@code); @what names the case. */
static inline void expect_exit(pid_t pid, int code, const char *what)
{
	int status = wait_child_guarded(pid);

	CHECK(status != -1, "%s: the process did not end within %d s", what,
	      CHILD_GUARD_S);
	if (status != -1)
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == code,
		      "%s: wait status %#x, expected exit(%d)", what, status,
		      code);
}

/* fork() for one case: the child (0 returned) counts its own failures. */
static inline pid_t fork_case(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		test_fail_now("fork");
	if (pid == 0)
		test_failures = 0;
	return pid;
}

/*
 * Runs the case @fn in a child process of its own (a defect may kill or
 * hang it), after @setup there (NULL: none); CHECKs that it exits 0.
 * @what names the case.
 */
static inline void run_case(void (*setup)(void), void (*fn)(void),
			    const char *what)
{
	pid_t pid = fork_case();

	if (pid == 0) {
		if (setup)
			setup();
		fn();
		_exit(test_failures ? 1 : 0);
	}
	expect_exit(pid, 0, what);
}

#endif /* CHILD_GUARD_H */
