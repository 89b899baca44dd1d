// SPDX-License-Identifier: MIT
/*
 * baseline_sync: the synchronous reference, the email's main_sync_loop as a
 * plain loop: open, read until a 0-byte read, close, one file at a time.
 * Under CHAIN_SHAPE_EMAIL every read lands at the start of the buffer, as
 * in the email; under CHAIN_SHAPE_CURSOR at an advancing cursor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/backend.h"
#include "harness/file_buf.h"
#include "harness/inject.h"

struct sync_ctx {
	size_t buf_size;
	size_t cursor_step; /* 0 (email) or 1 (cursor): buf + step * bytes */
	size_t cap;
	char *buf;
};

static void *sync_setup(const struct backend_params *params)
{
	struct sync_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->buf_size = params->buf_size;
	ctx->cursor_step = params->shape == CHAIN_SHAPE_CURSOR;
	ctx->cap = params->file_buf_cap;
	ctx->buf = file_buf_alloc(ctx->cap);
	if (!ctx->buf) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

/* Returns bytes read or -errno; *syscalls counts every crossing. */
static long sync_read_file(struct sync_ctx *ctx, const char *path,
			   uint64_t *syscalls)
{
	size_t off = 0;
	long ret = 0;
	ssize_t n;
	int fd;

	(*syscalls)++;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	for (;;) {
		(*syscalls)++;
		n = read(fd, ctx->buf + ctx->cursor_step * off, ctx->buf_size);
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	(*syscalls)++;
	close(fd);
	test_inject_syscall();
	return ret < 0 ? ret : (long)off;
}

static int sync_run(void *opaque, const char *const *paths, size_t count,
		    file_done_fn done, void *cookie,
		    struct backend_counters *counters)
{
	struct sync_ctx *ctx = opaque;
	size_t i;

	for (i = 0; i < count; i++) {
		long ret = sync_read_file(ctx, paths[i], &counters->syscalls);

		if (ret < 0)
			done(cookie, i, ctx->buf, 0, (int)ret);
		else
			done(cookie, i, ctx->buf, (uint64_t)ret, 0);
	}
	return 0;
}

static void sync_teardown(void *opaque)
{
	struct sync_ctx *ctx = opaque;

	file_buf_free(ctx->buf, ctx->cap);
	free(ctx);
}

const struct backend baseline_sync_backend = {
	.name = "baseline_sync",
	.description = "open, read until EOF, close: one file at a time",
	.is_async = 0,
	.available = backend_available_anywhere,
	.setup = sync_setup,
	.run = sync_run,
	.teardown = sync_teardown,
};
