// SPDX-License-Identifier: MIT
/* The pthread clet pool: submission queue in, completion queue out. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clet_pool.h"

/*
 * A FIFO of records with free-running head/tail indices and a power-of-two
 * capacity that grows on demand. Both queues hold struct clet_completion:
 * a submission is a completion whose result is not known yet.
 */
struct clet_queue {
	struct clet_completion *slots;
	unsigned int cap; /* power of two, or 0 before the first grow */
	unsigned int head; /* next to pop */
	unsigned int tail; /* next to push */
};

struct clet_pool {
	/* Submission side: the submitter pushes, the workers pop. */
	pthread_mutex_t sq_lock;
	pthread_cond_t sq_nonempty;
	struct clet_queue sq; /* under sq_lock */
	unsigned int sq_sleepers; /* workers asleep, under sq_lock */
	int stopping; /* under sq_lock */

	/* Completion side: the workers push, the submitter pops. */
	pthread_mutex_t cq_lock;
	pthread_cond_t cq_nonempty;
	struct clet_queue cq; /* under cq_lock */
	int cq_sleeper; /* submitter asleep, under cq_lock */

	/* Submitted and not yet reaped; only the submitter touches it. */
	unsigned int outstanding;

	unsigned int nthreads;
	pthread_t threads[];
};

static unsigned int clet_queue_len(const struct clet_queue *q)
{
	return q->tail - q->head;
}

/* Makes room for at least want records, keeping their order. */
static int clet_queue_reserve(struct clet_queue *q, unsigned int want)
{
	struct clet_completion *slots;
	unsigned int cap, len, i;

	if (want <= q->cap)
		return 0;
	cap = q->cap ? q->cap : 16;
	while (cap < want) {
		if (cap > (~0U >> 1))
			return -ENOMEM;
		cap <<= 1;
	}
	slots = malloc((size_t)cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	len = clet_queue_len(q);
	for (i = 0; i < len; i++)
		slots[i] = q->slots[(q->head + i) & (q->cap - 1)];
	free(q->slots);
	q->slots = slots;
	q->cap = cap;
	q->head = 0;
	q->tail = len;
	return 0;
}

/* The caller has reserved room. */
static void clet_queue_push(struct clet_queue *q,
			    const struct clet_completion *c)
{
	q->slots[q->tail++ & (q->cap - 1)] = *c;
}

static void clet_queue_pop(struct clet_queue *q, struct clet_completion *c)
{
	*c = q->slots[q->head++ & (q->cap - 1)];
}

static void *clet_worker(void *data)
{
	struct clet_pool *pool = data;
	struct clet_completion c;

	for (;;) {
		pthread_mutex_lock(&pool->sq_lock);
		while (!clet_queue_len(&pool->sq) && !pool->stopping) {
			pool->sq_sleepers++;
			pthread_cond_wait(&pool->sq_nonempty, &pool->sq_lock);
			pool->sq_sleepers--;
		}
		/* Drain what was queued before stopping, as promised. */
		if (!clet_queue_len(&pool->sq)) {
			pthread_mutex_unlock(&pool->sq_lock);
			return NULL;
		}
		clet_queue_pop(&pool->sq, &c);
		pthread_mutex_unlock(&pool->sq_lock);

		c.result = c.fn(c.arg);

		/* clet_submit() reserved this slot, so the push cannot fail. */
		pthread_mutex_lock(&pool->cq_lock);
		clet_queue_push(&pool->cq, &c);
		if (pool->cq_sleeper)
			pthread_cond_signal(&pool->cq_nonempty);
		pthread_mutex_unlock(&pool->cq_lock);
	}
}

/* Stops and joins the first n workers; used by create's error path too. */
static void clet_pool_stop(struct clet_pool *pool, unsigned int n)
{
	unsigned int i;

	pthread_mutex_lock(&pool->sq_lock);
	pool->stopping = 1;
	pthread_cond_broadcast(&pool->sq_nonempty);
	pthread_mutex_unlock(&pool->sq_lock);
	for (i = 0; i < n; i++)
		pthread_join(pool->threads[i], NULL);
}

static void clet_pool_free(struct clet_pool *pool)
{
	pthread_cond_destroy(&pool->cq_nonempty);
	pthread_mutex_destroy(&pool->cq_lock);
	pthread_cond_destroy(&pool->sq_nonempty);
	pthread_mutex_destroy(&pool->sq_lock);
	free(pool->cq.slots);
	free(pool->sq.slots);
	free(pool);
}

struct clet_pool *clet_pool_create(unsigned int nthreads)
{
	struct clet_pool *pool;
	unsigned int i;
	int err;

	if (!nthreads) {
		errno = EINVAL;
		return NULL;
	}
	pool = calloc(1, sizeof(*pool) + nthreads * sizeof(pool->threads[0]));
	if (!pool)
		return NULL;
	pthread_mutex_init(&pool->sq_lock, NULL);
	pthread_cond_init(&pool->sq_nonempty, NULL);
	pthread_mutex_init(&pool->cq_lock, NULL);
	pthread_cond_init(&pool->cq_nonempty, NULL);
	pool->nthreads = nthreads;

	for (i = 0; i < nthreads; i++) {
		err = pthread_create(&pool->threads[i], NULL, clet_worker,
				     pool);
		if (err) {
			clet_pool_stop(pool, i);
			clet_pool_free(pool);
			errno = err;
			return NULL;
		}
	}
	return pool;
}

int clet_submit(struct clet_pool *pool, clet_fn fn, unsigned long arg)
{
	struct clet_completion c = { .arg = arg, .fn = fn };
	int ret;

	/*
	 * Reserve the completion slot now, on the submitter, so a worker
	 * never has to allocate (and never has a way to fail) when it posts.
	 */
	pthread_mutex_lock(&pool->cq_lock);
	ret = clet_queue_reserve(&pool->cq, pool->outstanding + 1);
	pthread_mutex_unlock(&pool->cq_lock);
	if (ret)
		return ret;

	pthread_mutex_lock(&pool->sq_lock);
	ret = clet_queue_reserve(&pool->sq, clet_queue_len(&pool->sq) + 1);
	if (!ret) {
		clet_queue_push(&pool->sq, &c);
		/* Only pay for a futex wake when a worker is really asleep. */
		if (pool->sq_sleepers)
			pthread_cond_signal(&pool->sq_nonempty);
	}
	pthread_mutex_unlock(&pool->sq_lock);
	if (!ret)
		pool->outstanding++;
	return ret;
}

int clet_wait(struct clet_pool *pool, struct clet_completion *out)
{
	if (!pool->outstanding)
		return -EAGAIN;

	pthread_mutex_lock(&pool->cq_lock);
	while (!clet_queue_len(&pool->cq)) {
		pool->cq_sleeper = 1;
		pthread_cond_wait(&pool->cq_nonempty, &pool->cq_lock);
		pool->cq_sleeper = 0;
	}
	clet_queue_pop(&pool->cq, out);
	pthread_mutex_unlock(&pool->cq_lock);
	pool->outstanding--;
	return 0;
}

unsigned int clet_pool_outstanding(const struct clet_pool *pool)
{
	return pool->outstanding;
}

void clet_pool_destroy(struct clet_pool *pool)
{
	if (!pool)
		return;
	clet_pool_stop(pool, pool->nthreads);
	clet_pool_free(pool);
}
