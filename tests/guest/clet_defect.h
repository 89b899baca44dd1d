/* SPDX-License-Identifier: MIT */
/*
 * What the clet defect tests (t25-t27) share: a clet stack and ring, the
 * signal mask as one word, and a waker thread that acts only once the
 * thread under test sleeps where the test wants it to.
 *
 * The waker exists because the sleep is the event under test: a byte
 * written (or a signal sent) before the clet sleeps lets it run through
 * without sleeping, and nothing would be handed off. So the clet raises a
 * flag right before its blocking call and the waker waits for the flag,
 * then for the thread to sleep (wait_task_asleep()), then acts. No time
 * is involved; the guest's per-test timeout and child_guard.h are the
 * hang guards.
 */
#ifndef CLET_DEFECT_H
#define CLET_DEFECT_H

#include "child_guard.h"

#include <pthread.h>
#include <signal.h>

#include "atoms/raw_syscall.h"
#include "clets/clet_sys.h"

#define CLET_STACK_SIZE (64 * 1024)

/*
 * In .bss, below the main thread's stack: the layout in which the kernel
 * can tell a clet that was left by longjmp() (its stack pointer above
 * the clet stack).
 */
static char clet_stack[CLET_STACK_SIZE] __attribute__((aligned(16)));
static struct test_ring clet_ring;

static inline void *clet_stack_top(void)
{
	return clet_stack + CLET_STACK_SIZE;
}

static inline void clet_ring_setup(void)
{
	ring_init(&clet_ring, 16);
	clet_ring.ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
}

/* The calling thread's signal mask (raw: usable inside a clet). */
static inline uint64_t mask_now(void)
{
	uint64_t m = 0;

	raw_syscall6(__NR_rt_sigprocmask, SIG_BLOCK, 0, (long)&m, sizeof(m), 0,
		     0);
	return m;
}

static inline uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* Sets the calling thread's mask to exactly @m. */
static inline void mask_set(uint64_t m)
{
	raw_syscall6(__NR_rt_sigprocmask, SIG_SETMASK, (long)&m, 0, sizeof(m),
		     0, 0);
}

struct waker {
	pid_t tid; /* the thread whose sleep is awaited */
	int armed; /* set by the clet right before it sleeps */
	int fd; /* write a byte here, or -1 */
	int sig; /* then send this signal to the process, or 0 */
	pthread_t thread;
};

static void *waker_main(void *arg)
{
	struct waker *w = arg;

	while (!__atomic_load_n(&w->armed, __ATOMIC_ACQUIRE))
		sched_yield();
	if (wait_task_asleep(getpid(), w->tid))
		return NULL;
	if (w->fd >= 0 && write(w->fd, "x", 1) != 1)
		return NULL;
	if (w->sig)
		kill(getpid(), w->sig);
	return NULL;
}

/* Starts a waker for the calling thread; exits the child on failure. */
static inline void waker_start(struct waker *w, int fd, int sig)
{
	w->tid = (pid_t)syscall(SYS_gettid);
	w->armed = 0;
	w->fd = fd;
	w->sig = sig;
	if (pthread_create(&w->thread, NULL, waker_main, w))
		test_fail_now("pthread_create");
}

/* Called by the clet right before its blocking call. */
static inline void waker_arm(struct waker *w)
{
	__atomic_store_n(&w->armed, 1, __ATOMIC_RELEASE);
}

/* The pipe a case's clet reads (and its waker writes). */
static int clet_pipe[2];

/* A case's child: a fresh pipe and ring (run_case()'s setup). */
static inline void clet_case_setup(void)
{
	if (pipe(clet_pipe))
		test_fail_now("pipe");
	clet_ring_setup();
}

/*
 * fork() for one case: in the child (0 returned) a failure count of its
 * own, a fresh pipe and ring.
 */
static inline pid_t clet_fork(void)
{
	pid_t pid = fork_case();

	if (pid == 0)
		clet_case_setup();
	return pid;
}

/* Reaps the completion of a clet that went async; 0 if none came. */
static inline int clet_reap(struct syslet_completion *c)
{
	for (;;) {
		long n = sys_async_wait(1, &clet_ring.ahu);

		if (ring_pop(&clet_ring, c))
			return 1;
		if (n == 0)
			return 0; /* nothing in flight any more */
		if (n < 0 && n != -EINTR)
			return 0;
	}
}

#endif /* CLET_DEFECT_H */
