// SPDX-License-Identifier: MIT
/*
 * Thread-directed signals after a handoff (issue 11 §2 item 4): a signal
 * meant for the thread that gave its user context away, or for a spare,
 * goes to the thread that carries that context now (here: this thread),
 * and one pending for the context at the handoff moves with it; none
 * stays queued, blocked, on a runner or a parked spare.
 *
 * Each case runs in a child (child_guard.h). The user threads block the
 * signal while it is sent, so where it went is visible at once in
 * sigpending() (this thread's queue and the process's), and its handler
 * runs when the mask opens, in this thread:
 *  - sigpipe: a chain reads an empty pipe (the read hands the context
 *    off), then writes to a pipe without a reader: the runner's SIGPIPE;
 *  - tgkill: SIGUSR1 to the old thread id while its runner sleeps in the
 *    chain's read; the read still returns its byte;
 *  - parked: SIGUSR2 to the old thread id once its runner has parked as
 *    a spare;
 *  - pending: SIGUSR1 sent to this thread before a chain hands its
 *    context off moves with the context (as the mask does).
 * Then a SYSLET_ASYNC chain hands the context to that spare, which must
 * not run the handler a second time.
 */
#include "child_guard.h"

#include <signal.h>

static struct test_ring ring;
static struct syslet_uatom atoms[2];
static int64_t rets[2];
static uint64_t v_rfd, v_wfd, v_buf, v_len = 1;
static char buf[4];

static volatile sig_atomic_t handled;
static volatile pid_t handler_tid;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
	handler_tid = (pid_t)syscall(SYS_gettid);
}

static pid_t tid_now(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void block(int sig, int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(how, &set, NULL);
}

static int is_pending(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigpending(&set);
	return sigismember(&set, sig);
}

/* Reaps one completion of the ring; its result, or a failure. */
static int64_t reap(void)
{
	struct syslet_completion c = { 0 };

	for (;;) {
		long n = sys_async_wait(1, &ring.ahu);

		if (ring_pop(&ring, &c))
			return c.result;
		if (n == 0)
			test_fail_now("no completion came");
		if (n < 0 && n != -EINTR)
			test_fail_now("async_wait: %ld", n);
	}
}

/*
 * Submits a chain that reads one byte from @rfd and, if @wfd >= 0, then
 * writes it to @wfd; returns async_exec's result (0: went async).
 */
static long submit_read(int rfd, int wfd)
{
	v_rfd = (uint64_t)rfd;
	v_wfd = (uint64_t)wfd;
	v_buf = (uintptr_t)buf;
	init_atom(&atoms[0], SYSLET_STOP_ON_NON_POSITIVE, __NR_read, &rets[0],
		  wfd >= 0 ? &atoms[1] : NULL, &v_rfd, &v_buf, &v_len, NULL);
	init_atom(&atoms[1], 0, __NR_write, &rets[1], NULL, &v_wfd, &v_buf,
		  &v_len, NULL);
	return sys_async_exec(&atoms[0], &ring.ahu);
}

/* A SYSLET_ASYNC getpid chain: hands the context to the parked spare. */
static void handoff_to_spare(void)
{
	init_atom(&atoms[0], SYSLET_ASYNC, __NR_getpid, &rets[0], NULL, NULL,
		  NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&atoms[0], &ring.ahu), 0);
	CHECK_EQ(reap(), getpid());
}

/*
 * The handler of @sig ran once, in this thread (@old_tid: the thread id
 * the context had before its handoff), once the mask opened, and not
 * again when the spare that may hold it takes a context.
 */
static void expect_handled_here(int sig, pid_t old_tid, const char *what)
{
	CHECK(is_pending(sig),
	      "%s: signal %d not pending for this thread (queued, blocked, "
	      "on thread %d, which carries no user context)",
	      what, sig, (int)old_tid);
	block(sig, SIG_UNBLOCK);
	CHECK(handled == 1, "%s: handler ran %d times once unblocked", what,
	      (int)handled);
	CHECK(handled == 0 || handler_tid == tid_now(),
	      "%s: handler ran in thread %d, not in this one (%d)", what,
	      (int)handler_tid, (int)tid_now());
	handoff_to_spare();
	CHECK(handled <= 1,
	      "%s: handler ran %d times after a handoff to the spare", what,
	      (int)handled);
}

static void install(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(sig, &sa, NULL);
	block(sig, SIG_BLOCK);
}

static void case_sigpipe(void)
{
	int in[2], out[2];
	pid_t old_tid = tid_now();

	install(SIGPIPE);
	if (pipe(in) || pipe(out))
		test_fail_now("pipe");
	close(out[0]); /* no reader: write gets EPIPE and SIGPIPE */
	CHECK_EQ(submit_read(in[0], out[1]), 0);
	CHECK_EQ(write(in[1], "p", 1), 1);
	CHECK_EQ(reap(), -EPIPE);
	CHECK(tid_now() != old_tid, "no handoff: tid still %d", (int)old_tid);
	expect_handled_here(SIGPIPE, old_tid, "SIGPIPE of a write atom");
}

static void case_tgkill(void)
{
	pid_t old_tid = tid_now();
	int in[2];

	install(SIGUSR1);
	if (pipe(in))
		test_fail_now("pipe");
	CHECK_EQ(submit_read(in[0], -1), 0);
	/* The runner, old_tid, sleeps in the read (or is about to). */
	CHECK_EQ(syscall(SYS_tgkill, getpid(), old_tid, SIGUSR1), 0);
	CHECK(is_pending(SIGUSR1),
	      "tgkill to the runner: SIGUSR1 not pending for this thread");
	CHECK_EQ(write(in[1], "t", 1), 1);
	CHECK_EQ(reap(), 1);
	expect_handled_here(SIGUSR1, old_tid, "tgkill to the runner");
}

static void case_parked(void)
{
	pid_t old_tid = tid_now();
	int in[2];

	install(SIGUSR2);
	if (pipe(in))
		test_fail_now("pipe");
	CHECK_EQ(submit_read(in[0], -1), 0);
	CHECK_EQ(write(in[1], "s", 1), 1);
	CHECK_EQ(reap(), 1);
	/* Posted: the runner parks as a spare next. */
	if (wait_task_asleep(getpid(), old_tid))
		test_fail_now("the runner %d is gone", (int)old_tid);
	CHECK_EQ(syscall(SYS_tgkill, getpid(), old_tid, SIGUSR2), 0);
	expect_handled_here(SIGUSR2, old_tid, "tgkill to a parked spare");
}

static void case_pending(void)
{
	pid_t old_tid = tid_now();
	int in[2];

	install(SIGUSR1);
	if (pipe(in))
		test_fail_now("pipe");
	CHECK_EQ(syscall(SYS_tgkill, getpid(), old_tid, SIGUSR1), 0);
	CHECK_EQ(submit_read(in[0], -1), 0);
	CHECK_EQ(write(in[1], "q", 1), 1);
	CHECK_EQ(reap(), 1);
	expect_handled_here(SIGUSR1, old_tid, "pending at the handoff");
}

int main(void)
{
	test_name = "t30_thread_signals";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	ring_init(&ring, 16); /* each case's child has a fresh copy */
	run_case(NULL, case_sigpipe,
		 "SIGPIPE of a write atom after the handoff");
	run_case(NULL, case_tgkill,
		 "tgkill to the old thread id during the handoff");
	run_case(NULL, case_parked, "tgkill to a parked spare");
	run_case(NULL, case_pending,
		 "a signal pending, blocked, at the handoff");
	return test_done();
}
