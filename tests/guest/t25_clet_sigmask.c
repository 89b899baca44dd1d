// SPDX-License-Identifier: MIT
/*
 * A clet's signal state at a handoff (issue 11 §2 item 5): the caller gets
 * the mask it had at clet_exec, not the clet's; the runner gives up the
 * caller's sigaltstack; a clet waiting for a signal (sigsuspend, ppoll
 * with a mask) does not hand off, since the handoff would take its
 * signals away from it.
 *
 * Each case runs in a child (a defect may hang it: child_guard.h):
 *  - mask: the clet blocks SIGUSR2, then reads an empty pipe: it goes
 *    async; the caller's mask is still empty, its sigaltstack is still
 *    set, and the runner, asked after its read, has none;
 *  - sigsuspend: SIGUSR1 is blocked, the clet waits in sigsuspend with an
 *    empty mask and a process-wide SIGUSR1 ends it: clet_exec returns 1
 *    with -EINTR, the handler ran, the mask is the caller's again;
 *  - ppoll: the clet waits in ppoll on an empty pipe with SIGUSR2 masked
 *    for the wait: it stays synchronous and the caller's mask is empty.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "clet_defect.h"

#include <poll.h>

static struct waker waker;

/* What the runner saw after its read (case mask). */
static uint64_t runner_ss_flags, runner_ss_sp;
static char altstack[16384];

static long mask_clet(unsigned long arg)
{
	uint64_t m = bit(SIGUSR2);
	stack_t ss = { 0 };
	char c;
	long n;

	raw_syscall6(__NR_rt_sigprocmask, SIG_BLOCK, (long)&m, 0, sizeof(m), 0,
		     0);
	waker_arm(&waker);
	n = raw_syscall6(__NR_read, clet_pipe[0], (long)&c, 1, 0, 0, 0);
	raw_syscall6(__NR_sigaltstack, 0, (long)&ss, 0, 0, 0, 0);
	runner_ss_flags = (uint64_t)ss.ss_flags;
	runner_ss_sp = (uint64_t)(uintptr_t)ss.ss_sp;
	return n;
}

static void case_mask(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct syslet_completion c = { 0 };
	int64_t r = 0;
	long ret;

	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	mask_set(0);
	waker_start(&waker, clet_pipe[1], 0);
	ret = clet_sys_exec(mask_clet, 0, clet_stack_top(), &clet_ring.ahu, &r);
	CHECK(ret == 0, "the clet blocked in read() but did not go async: %ld",
	      ret);
	CHECK(mask_now() == 0,
	      "caller's mask after the handoff %#llx, at clet_exec 0 (the "
	      "clet's SIGUSR2 leaked to the caller)",
	      (unsigned long long)mask_now());
	memset(&ss, 0, sizeof(ss));
	CHECK_EQ(sigaltstack(NULL, &ss), 0);
	CHECK(ss.ss_sp == altstack && !(ss.ss_flags & SS_DISABLE),
	      "caller's sigaltstack after the handoff %p flags %#x", ss.ss_sp,
	      ss.ss_flags);
	CHECK(clet_reap(&c), "no completion");
	CHECK_EQ(c.result, 1);
	CHECK(runner_ss_flags & SS_DISABLE,
	      "the runner still has the caller's sigaltstack (%#llx, flags "
	      "%#llx)",
	      (unsigned long long)runner_ss_sp,
	      (unsigned long long)runner_ss_flags);
	pthread_join(waker.thread, NULL);
}

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

static long sigsuspend_clet(unsigned long arg)
{
	uint64_t none = 0;

	waker_arm(&waker);
	return raw_syscall6(__NR_rt_sigsuspend, (long)&none, sizeof(none), 0, 0,
			    0, 0);
}

static void case_sigsuspend(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct syslet_completion c = { 0 };
	int64_t r = 0;
	long ret;

	sigaction(SIGUSR1, &sa, NULL);
	/* The waker inherits this mask: SIGUSR1 can only reach the clet. */
	mask_set(bit(SIGUSR1));
	waker_start(&waker, -1, SIGUSR1);
	ret = clet_sys_exec(sigsuspend_clet, 0, clet_stack_top(),
			    &clet_ring.ahu, &r);
	if (ret == 0) {
		printf("%s: sigsuspend in the clet went async; waiting for its "
		       "completion\n",
		       test_name);
		CHECK(clet_reap(&c), "no completion");
		r = c.result;
	}
	CHECK(ret == 1, "clet_exec returned %ld, expected 1 (no handoff)", ret);
	CHECK_EQ(r, -EINTR);
	CHECK(usr1_seen, "the SIGUSR1 handler did not run");
	CHECK(mask_now() == bit(SIGUSR1), "caller's mask %#llx, expected %#llx",
	      (unsigned long long)mask_now(), (unsigned long long)bit(SIGUSR1));
	pthread_join(waker.thread, NULL);
}

static long ppoll_clet(unsigned long arg)
{
	struct pollfd pfd = { clet_pipe[0], POLLIN, 0 };
	uint64_t m = bit(SIGUSR2);

	waker_arm(&waker);
	return raw_syscall6(__NR_ppoll, (long)&pfd, 1, 0, (long)&m, sizeof(m),
			    0);
}

static void case_ppoll(void)
{
	struct syslet_completion c = { 0 };
	int64_t r = 0;
	long ret;

	mask_set(0);
	waker_start(&waker, clet_pipe[1], 0);
	ret = clet_sys_exec(ppoll_clet, 0, clet_stack_top(), &clet_ring.ahu,
			    &r);
	CHECK(mask_now() == 0,
	      "caller's mask after clet_exec %#llx, at clet_exec 0 (ppoll's "
	      "temporary mask leaked to the caller)",
	      (unsigned long long)mask_now());
	if (ret == 0) {
		CHECK(clet_reap(&c), "no completion");
		r = c.result;
	}
	CHECK(ret == 1, "clet_exec returned %ld, expected 1 (no handoff)", ret);
	CHECK_EQ(r, 1);
	pthread_join(waker.thread, NULL);
}

int main(void)
{
	test_name = "t25_clet_sigmask";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	run_case(clet_case_setup, case_mask,
		 "mask and sigaltstack at a handoff");
	run_case(clet_case_setup, case_sigsuspend, "sigsuspend in a clet");
	run_case(clet_case_setup, case_ppoll,
		 "ppoll with a temporary mask in a clet");
	return test_done();
}
