// SPDX-License-Identifier: MIT
/* clets-threads: the open/read/close clet run on a pthread pool. */
/*
 * The threadlet/GUASI model on a stock kernel. A clet is the plain
 * synchronous loop from Davide's reply (main_sync_loop): open, read into
 * the file buffer (every block at its start, or at an advancing cursor:
 * enum chain_shape) until a 0-byte read, close, with raw system calls.
 * Here it runs on one of params->concurrency pool threads (made at setup)
 * instead of being upcalled by the kernel on a cachemiss, so every clet
 * pays a thread handoff whether it would have blocked or not: the cost the
 * kernel clets are meant to avoid.
 *
 * The thread that calls run() is the submitter: it keeps up to concurrency
 * clets queued or running, one per file slot (a slot owns one file buffer),
 * reaps completions from the pool and calls done() itself.
 *
 * Counting: counters->syscalls adds the open, every read and the close each
 * clet issued (what the workload costs). The pool's own futex waits and
 * wakes are not counted here: they depend on scheduling, not on the
 * workload, and the harness's raw_syscalls tracepoint count sees them, so
 * the difference between the two numbers is the pool's overhead.
 * counters->upcalls counts clet invocations (one per file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/backend.h"
#include "harness/file_buf.h"
#include "clets/clet_pool.h"
#include "clets/file_clet.h"

struct clets_threads_ctx {
	struct clet_pool *pool;
	unsigned int nslots;
	size_t buf_cap;
	size_t read_size;
	struct clet_file *files; /* nslots */
};

static int clets_threads_available(char *why, size_t why_len)
{
	/* Plain pthreads and libc: runs wherever the harness does. */
	(void)why;
	(void)why_len;
	return 1;
}

static void clets_threads_teardown(void *data)
{
	struct clets_threads_ctx *ctx = data;

	if (!ctx)
		return;
	clet_pool_destroy(ctx->pool);
	clet_files_free(ctx->files, ctx->nslots, ctx->buf_cap);
	free(ctx);
}

static void *clets_threads_setup(const struct backend_params *params)
{
	struct clets_threads_ctx *ctx;
	int err;

	if (!params->concurrency || !params->buf_size ||
	    params->file_buf_cap < params->buf_size) {
		errno = EINVAL;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->nslots = params->concurrency;
	ctx->buf_cap = params->file_buf_cap;
	ctx->read_size = params->buf_size;
	ctx->files =
		clet_files_alloc(ctx->nslots, ctx->buf_cap, ctx->read_size);
	if (!ctx->files)
		goto fail;
	clet_files_set_shape(ctx->files, ctx->nslots, params->shape);
	/* One worker per slot: concurrency clets can block at once. */
	ctx->pool = clet_pool_create(ctx->nslots);
	if (!ctx->pool)
		goto fail;
	return ctx;
fail:
	err = errno ? errno : ENOMEM;
	clets_threads_teardown(ctx);
	errno = err;
	return NULL;
}

static int clets_threads_run(void *data, const char *const *paths, size_t count,
			     file_done_fn done, void *cookie,
			     struct backend_counters *counters)
{
	struct clets_threads_ctx *ctx = data;
	struct clet_completion c;
	struct clet_file *f;
	size_t next = 0;
	unsigned int i;
	int ret;

	/* Fill every slot; each completion then frees one for the next file. */
	for (i = 0; i < ctx->nslots && next < count; i++, next++) {
		f = &ctx->files[i];
		f->path = paths[next];
		f->file_index = next;
		ret = clet_submit(ctx->pool, file_clet, (unsigned long)f);
		if (ret)
			goto drain;
	}

	while (clet_pool_outstanding(ctx->pool)) {
		ret = clet_wait(ctx->pool, &c);
		if (ret)
			return ret;
		f = (struct clet_file *)c.arg;
		counters->syscalls += f->syscalls;
		counters->upcalls++;
		done(cookie, f->file_index, f->buf, f->bytes, f->status);

		if (next < count) {
			f->path = paths[next];
			f->file_index = next++;
			ret = clet_submit(ctx->pool, file_clet,
					  (unsigned long)f);
			if (ret)
				goto drain;
		}
	}
	return 0;

drain:
	/* The mechanism failed: still hand back what already ran. */
	while (!clet_wait(ctx->pool, &c)) {
		f = (struct clet_file *)c.arg;
		counters->syscalls += f->syscalls;
		counters->upcalls++;
		done(cookie, f->file_index, f->buf, f->bytes, f->status);
	}
	return ret;
}

const struct backend clets_threads_backend = {
	.name = "clets-threads",
	.description = "clets (plain C open/read/close) on a pthread pool with "
		       "a completion queue",
	.is_async = 1,
	.available = clets_threads_available,
	.setup = clets_threads_setup,
	.run = clets_threads_run,
	.teardown = clets_threads_teardown,
};
