// SPDX-License-Identifier: MIT
/*
 * Stress: several pthreads, each with its own ring, submit chains that
 * read from pipes fed by a writer thread with small delays (some block
 * and go async, some complete inline), while a signal thread keeps
 * sending SIGUSR1 to the process. Every chain must complete exactly once
 * with the right bytes, FPU values must survive the handoffs, and the
 * threads, whose kernel thread changes under them, must still be
 * joinable (clear_child_tid moves with the user context).
 */
#include "syslet_test.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#define THREADS 4
#define CHAINS	150

static int pipes[THREADS][2];
static volatile int stop_signals;
static volatile long sigs;
static long went_async[THREADS], inline_done[THREADS], errors[THREADS];

static void on_usr1(int sig)
{
	(void)sig;
	sigs++;
}

static void *writer(void *arg)
{
	int i, t;

	(void)arg;
	for (i = 0; i < CHAINS; i++) {
		for (t = 0; t < THREADS; t++) {
			char b = (char)('a' + (i + t) % 26);

			if (write(pipes[t][1], &b, 1) != 1)
				return NULL;
		}
		if (i % 3 == 0)
			usleep(200);
	}
	return NULL;
}

static void *signaller(void *arg)
{
	(void)arg;
	while (!stop_signals) {
		kill(getpid(), SIGUSR1);
		usleep(500);
	}
	return NULL;
}

static void *worker(void *arg)
{
	long t = (long)arg;
	struct test_ring *ring = calloc(1, sizeof(*ring));
	struct syslet_uatom atom;
	struct syslet_completion c;
	volatile double acc = 1.0;
	char buf[1];
	int64_t r;
	uint64_t fd_v = pipes[t][0], buf_v = (uintptr_t)buf, len = 1;
	int i, pending = 0;

	ring_init(ring, 4);
	for (i = 0; i < CHAINS; i++) {
		long ret;

		init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len,
			  NULL);
		atom.private = i;
		r = 0;
		acc = acc * 1.5 + 0.25;
		ret = sys_async_exec(&atom, &ring->ahu);
		if (ret == 0) {
			went_async[t]++;
			pending = 1;
			while (pending) {
				long n = sys_async_wait(1, &ring->ahu);

				if (n == -EINTR)
					continue;
				if (n < 1 || !ring_pop(ring, &c)) {
					errors[t]++;
					break;
				}
				if (c.cookie != (uint64_t)i || c.result != 1)
					errors[t]++;
				pending = 0;
			}
		} else if (ret == ptr2l(&atom) && r == -EINTR) {
			/* A signal hit the read before it blocked: no restart
			 * for atoms. */
			acc = (acc - 0.25) / 1.5;
			i--;
			continue;
		} else if (ret == ptr2l(&atom)) {
			inline_done[t]++;
			if (r != 1)
				errors[t]++;
		} else if (ret == -EINTR) {
			/* The signal came between atoms: the atom never ran. */
			acc = (acc - 0.25) / 1.5;
			i--;
			continue;
		} else {
			errors[t]++;
		}
		if (buf[0] != (char)('a' + (i + t) % 26))
			errors[t]++;
		acc = (acc - 0.25) / 1.5;
		if (acc != 1.0)
			errors[t]++;
	}
	free(ring);
	return NULL;
}

int main(void)
{
	pthread_t w[THREADS], wr, sg;
	struct sigaction sa;
	struct syslet_info b, a;
	long total_async = 0, total_inline = 0;
	long t;

	test_name = "stress";
	require_syslets(&b);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	for (t = 0; t < THREADS; t++)
		CHECK_EQ(pipe(pipes[t]), 0);
	pthread_create(&sg, NULL, signaller, NULL);
	for (t = 0; t < THREADS; t++)
		pthread_create(&w[t], NULL, worker, (void *)t);
	pthread_create(&wr, NULL, writer, NULL);
	for (t = 0; t < THREADS; t++) {
		CHECK_EQ(pthread_join(w[t], NULL), 0);
		CHECK(errors[t] == 0, "thread %ld: %ld errors", t, errors[t]);
		CHECK_EQ(went_async[t] + inline_done[t], CHAINS);
		total_async += went_async[t];
		total_inline += inline_done[t];
	}
	pthread_join(wr, NULL);
	stop_signals = 1;
	pthread_join(sg, NULL);
	a = get_info();
	printf("stress: %ld chains went async, %ld inline, %ld signals; kernel: +%llu cachemisses +%llu completions\n",
	       total_async, total_inline, sigs,
	       (unsigned long long)(a.cachemisses - b.cachemisses),
	       (unsigned long long)(a.completions - b.completions));
	CHECK(total_async > 0, "nothing went async");
	CHECK_EQ(a.completions - b.completions, total_async);
	CHECK_EQ(a.cachemisses - b.cachemisses, total_async);
	return test_done();
}
