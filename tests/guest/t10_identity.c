// SPDX-License-Identifier: MIT
/*
 * What moves with the user context on a cachemiss: the signal mask, the
 * alternate signal stack, the robust futex list and the rseq registration
 * (the kernel must accept an unregister of glibc's rseq area from the new
 * thread). What does not: the thread id (documented). And who is refused:
 * a ptraced caller gets -EPERM. A group stop while the runner sleeps in
 * an atom does not fail the atom.
 */
#include "syslet_test.h"
#include <linux/futex.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/rseq.h>
#include <sys/wait.h>

#ifndef RSEQ_SIG
#define RSEQ_SIG 0x53053053
#endif

static void go_async_on_pipe(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static char buf[4];
	static int64_t r;
	static uint64_t fd_v, buf_v, len = 1;
	struct syslet_completion c = { 0 };
	int p[2];

	ring_init(&ring, 8);
	CHECK_EQ(pipe(p), 0);
	fd_v = p[0];
	buf_v = (uintptr_t)buf;
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), 0);
	CHECK_EQ(write(p[1], "z", 1), 1);
	CHECK_EQ(sys_async_wait(1, &ring.ahu), 1);
	CHECK(ring_pop(&ring, &c), "no completion");
	CHECK_EQ(c.result, 1);
	close(p[0]);
	close(p[1]);
}

static void test_identity(void)
{
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old;
	struct robust_list_head *head0 = NULL, *head1 = NULL;
	size_t len0 = 0, len1 = 0;
	sigset_t set, cur;
	pid_t tid0 = gettid();
	long r;

	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGWINCH);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	CHECK_EQ(syscall(SYS_get_robust_list, 0, &head0, &len0), 0);

	go_async_on_pipe();
	printf("identity: tid %d -> %d after the cachemiss\n", tid0,
	       (int)gettid());
	CHECK(gettid() != tid0, "the tid did not change: no handoff?");

	CHECK_EQ(sigaltstack(NULL, &old), 0);
	CHECK(old.ss_sp == altstack && old.ss_size == sizeof(altstack),
	      "sigaltstack did not move");
	CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
	CHECK(sigismember(&cur, SIGUSR2) && sigismember(&cur, SIGWINCH) &&
		      !sigismember(&cur, SIGUSR1),
	      "signal mask did not move");
	CHECK_EQ(syscall(SYS_get_robust_list, 0, &head1, &len1), 0);
	CHECK(head1 == head0 && len1 == len0,
	      "robust list did not move (%p -> %p)", (void *)head0,
	      (void *)head1);

	/* rseq: glibc registered its area for the old thread. */
	if (__rseq_size) {
		void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

		/*
		 * __rseq_size is the feature size (20); the registration
		 * used the 6.1 struct size, which unregister must repeat.
		 */
		r = raw(syscall(SYS_rseq, area, 32, 1 /* UNREGISTER */,
				RSEQ_SIG));
		CHECK(r == 0,
		      "rseq area not registered to the new thread (%ld)", r);
		if (r == 0)
			CHECK_EQ(raw(syscall(SYS_rseq, area, 32, 0, RSEQ_SIG)),
				 0);
	} else {
		printf("identity: glibc did not register rseq, not checked\n");
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_ptraced(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct syslet_uatom a;
		int64_t r;

		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		init_atom(&a, SYSLET_SYNC, __NR_getpid, &r, NULL, NULL, NULL,
			  NULL, NULL);
		_exit(sys_async_exec(&a, NULL) == -EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSTOPPED(status), "child did not stop");
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a ptraced caller was not refused (status %#x)", status);
}

/*
 * SIGSTOP/SIGCONT while the runner sleeps: the atom restarts, no -EINTR.
 * Each step waits for the event before it: the child's "in flight" byte
 * (async_exec returned 0: the runner blocked in its read), the stop and
 * the continue as waitpid reports them.
 */
static void test_stop_cont(void)
{
	int p[2], ready[2], status;
	char got;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		static struct test_ring ring;
		static struct syslet_uatom atom;
		static char buf[4];
		static int64_t r;
		static uint64_t fd_v, buf_v, len = 1;
		struct syslet_completion c = { 0 };

		ring_init(&ring, 8);
		fd_v = p[0];
		buf_v = (uintptr_t)buf;
		init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len,
			  NULL);
		if (sys_async_exec(&atom, &ring.ahu) != 0)
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		while (sys_async_wait(1, &ring.ahu) < 1)
			;
		if (!ring_pop(&ring, &c))
			_exit(3);
		_exit(c.result == 1 && r == 1 ? 0 : 10 + (c.result == -EINTR));
	}
	CHECK_EQ(read(ready[0], &got, 1), 1);
	kill(pid, SIGSTOP);
	CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
	CHECK(WIFSTOPPED(status), "child did not stop (status %#x)", status);
	kill(pid, SIGCONT);
	CHECK_EQ(waitpid(pid, &status, WCONTINUED), pid);
	CHECK(WIFCONTINUED(status), "child did not continue (status %#x)",
	      status);
	CHECK_EQ(write(p[1], "s", 1), 1);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "after SIGSTOP/SIGCONT the atom failed (status %#x%s)", status,
	      WIFEXITED(status) && WEXITSTATUS(status) == 11 ? ": -EINTR" : "");
	close(p[0]);
	close(p[1]);
	close(ready[0]);
	close(ready[1]);
}

int main(void)
{
	test_name = "identity";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_identity();
	test_ptraced();
	test_stop_cont();
	return test_done();
}
