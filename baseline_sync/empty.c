// SPDX-License-Identifier: MIT
/*
 * empty: the floor, what the harness itself costs per file. baseline_sync's
 * loop with its open, read and close taken out: it walks the same paths,
 * goes round the read loop as often as baseline_sync does for a file of
 * the set's size (each block, then the 0-byte read), calls the same
 * per-file hooks and reports every file through done() as baseline_sync
 * does, but makes no system call and reads nothing. The harness knows
 * (reads_nothing): it checks no bytes and proves instead that the sample
 * read nothing.
 */
#include <stdlib.h>

#include "harness/backend.h"
#include "harness/file_buf.h"
#include "harness/inject.h"

struct empty_ctx {
	size_t buf_size;
	size_t cursor_step; /* 0 (email) or 1 (cursor), as baseline_sync */
	size_t file_size; /* the set's size: what each read loop "reads" */
	size_t cap;
	char *buf;
};

/*
 * Where baseline_sync makes a system call: the compiler must assume the
 * call reads the argument and memory, so the loop around it is kept.
 */
static inline void no_syscall(const void *arg)
{
	__asm__ __volatile__("" : : "r"(arg) : "memory");
}

static void *empty_setup(const struct backend_params *params)
{
	struct empty_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->buf_size = params->buf_size;
	ctx->cursor_step = params->shape == CHAIN_SHAPE_CURSOR;
	ctx->file_size = params->file_buf_cap - params->buf_size;
	ctx->cap = params->file_buf_cap;
	ctx->buf = file_buf_alloc(ctx->cap);
	if (!ctx->buf) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

/* baseline_sync's sync_read_file() without the system calls. */
static long empty_read_file(struct empty_ctx *ctx, const char *path)
{
	size_t off = 0, n;

	no_syscall(path);
	for (;;) {
		no_syscall(ctx->buf + ctx->cursor_step * off);
		n = ctx->file_size - off < ctx->buf_size ?
			    ctx->file_size - off :
			    ctx->buf_size;
		if (n == 0)
			break;
		off += n;
	}
	/* The gate's test-only injection (a getppid), as in every backend. */
	test_inject_syscall();
	return (long)off;
}

static int empty_run(void *opaque, const char *const *paths, size_t count,
		     file_done_fn done, void *cookie,
		     struct backend_counters *counters)
{
	struct empty_ctx *ctx = opaque;
	size_t i;

	(void)counters; /* no crossings, no atoms, no upcalls */
	for (i = 0; i < count; i++)
		done(cookie, i, ctx->buf,
		     (uint64_t)empty_read_file(ctx, paths[i]), 0);
	return 0;
}

static void empty_teardown(void *opaque)
{
	struct empty_ctx *ctx = opaque;

	file_buf_free(ctx->buf, ctx->cap);
	free(ctx);
}

const struct backend empty_backend = {
	.name = "empty",
	.description = "the floor: baseline_sync's loop and per-file "
		       "bookkeeping, no system calls, reads nothing",
	.is_async = 0,
	.reads_nothing = 1,
	.available = backend_available_anywhere,
	.setup = empty_setup,
	.run = empty_run,
	.teardown = empty_teardown,
};
