/* SPDX-License-Identifier: MIT */
/*
 * A pool of threads that runs clets (plain C functions) asynchronously and
 * hands their results back through a completion queue: the GUASI model.
 *
 * The shape follows the clet ABI in atoms/syslet.h so that a kernel-backed
 * implementation (clet_exec/async_wait) can offer the same calls: a clet is
 * long fn(unsigned long arg), and a completion carries what
 * struct syslet_completion carries for a clet (cookie = arg, atom = fn,
 * result = fn's return value).
 *
 * Threading rules: clet_submit() and clet_wait() are meant to be called
 * from one submitter thread; clets run on the pool's worker threads, in no
 * particular order and possibly concurrently with each other.
 */
#ifndef SYSLETBENCH_CLET_POOL_H
#define SYSLETBENCH_CLET_POOL_H

typedef long (*clet_fn)(unsigned long arg);

struct clet_completion {
	unsigned long arg; /* as submitted (syslet_completion.cookie) */
	clet_fn fn; /* the clet (syslet_completion.atom) */
	long result; /* its return (syslet_completion.result) */
};

struct clet_pool;

/* Starts nthreads (>= 1) workers. NULL with errno set on failure. */
struct clet_pool *clet_pool_create(unsigned int nthreads);

/*
 * Queues fn(arg) for a worker. Never blocks on the clet itself. Returns 0,
 * or -ENOMEM if the queue could not grow.
 */
int clet_submit(struct clet_pool *pool, clet_fn fn, unsigned long arg);

/*
 * Waits for one clet to finish and stores its completion in *out.
 * Returns 0, or -EAGAIN when nothing is queued, running or unreaped (the
 * wait could never end).
 */
int clet_wait(struct clet_pool *pool, struct clet_completion *out);

/* Clets submitted and not yet returned by clet_wait(). */
unsigned int clet_pool_outstanding(const struct clet_pool *pool);

/*
 * Lets queued clets finish, stops the workers and frees the pool.
 * Unreaped completions are dropped.
 */
void clet_pool_destroy(struct clet_pool *pool);

#endif
