// SPDX-License-Identifier: MIT
/*
 * clets-kernel: the open/read/close clet (file_clet) upcalled by the
 * patched kernel (kernel/patches, clet_exec), up to params->concurrency
 * clets in flight, each on its own pooled stack with its own file buffer.
 * A clet that never blocks (cached files) completes inside clet_exec, on
 * the submitter's thread and CPU, without a thread switch; one that blocks
 * lets the submitter go on at once (cachemiss) and posts a
 * SYSLET_COMPLETION_CLET record to the ring, reaped with async_wait.
 *
 * Counting: syscalls = the clet_exec and async_wait calls run() makes,
 * plus every open, read and close the clets issue (clet_file.syscalls);
 * upcalls = clets run; cachemisses = clets that went async; inline_done =
 * clets that completed synchronously. The async_return at the end of each
 * clet is part of the upcall and not counted.
 *
 * Caveat, as for atoms-kernel: after a cachemiss the submitter's user
 * context continues in another thread (gettid() changes).
 *
 * On any other kernel available() explains why it cannot run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "clets/clet_kernel.h"
#include "clets/file_clet.h"
#include "harness/backend.h"
#include "harness/file_buf.h"

struct clets_kernel_ctx {
	struct clet_kernel *ck;
	unsigned int nslots;
	size_t buf_cap;
	struct clet_file *files; /* nslots */
	unsigned char *busy; /* nslots */
};

static int clets_kernel_available(char *why, size_t why_len)
{
	return clet_kernel_probe(why, why_len);
}

static void clets_kernel_teardown(void *data)
{
	struct clets_kernel_ctx *ctx = data;

	if (!ctx)
		return;
	clet_kernel_destroy(ctx->ck);
	clet_files_free(ctx->files, ctx->nslots, ctx->buf_cap);
	free(ctx->busy);
	free(ctx);
}

static void *clets_kernel_setup(const struct backend_params *params)
{
	struct clets_kernel_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->nslots = params->concurrency ? params->concurrency : 1;
	ctx->buf_cap = params->file_buf_cap;
	ctx->files =
		clet_files_alloc(ctx->nslots, ctx->buf_cap, params->buf_size);
	ctx->busy = calloc(ctx->nslots, 1);
	ctx->ck = clet_kernel_create(ctx->nslots, 0);
	if (!ctx->files || !ctx->busy || !ctx->ck)
		goto fail;
	clet_files_set_shape(ctx->files, ctx->nslots, params->shape);
	return ctx;
fail:
	clets_kernel_teardown(ctx);
	errno = ENOMEM;
	return NULL;
}

static void finish(struct clets_kernel_ctx *ctx, struct clet_file *f,
		   long result, file_done_fn done, void *cookie,
		   struct backend_counters *counters)
{
	int status = f->status;

	if (!status && result < 0)
		status = (int)result;
	counters->syscalls += f->syscalls;
	ctx->busy[f - ctx->files] = 0;
	done(cookie, f->file_index, f->buf, f->bytes, status);
}

static int clets_kernel_run(void *opaque, const char *const *paths,
			    size_t count, file_done_fn done, void *cookie,
			    struct backend_counters *counters)
{
	struct clets_kernel_ctx *ctx = opaque;
	unsigned long long sys0 = clet_kernel_syscalls(ctx->ck);
	size_t next = 0;
	unsigned int i;
	int err = 0;

	while (next < count || clet_kernel_inflight(ctx->ck)) {
		struct clet_completion c;
		int r;

		for (i = 0; i < ctx->nslots && next < count; i++) {
			struct clet_file *f = &ctx->files[i];
			long ret = 0, x;

			if (ctx->busy[i])
				continue;
			f->path = paths[next];
			f->file_index = next++;
			f->bytes = 0;
			f->syscalls = 0;
			f->status = 0;
			ctx->busy[i] = 1;
			x = clet_kernel_exec(ctx->ck, file_clet,
					     (unsigned long)f, &ret);
			counters->upcalls++;
			if (x == 0) {
				counters->cachemisses++;
			} else if (x == 1) {
				counters->inline_done++;
				finish(ctx, f, ret, done, cookie, counters);
				i--; /* reuse this slot at once */
			} else {
				/* The mechanism itself failed. */
				counters->upcalls--;
				ctx->busy[i] = 0;
				done(cookie, f->file_index, f->buf,
				     BYTES_UNKNOWN, (int)x);
				err = (int)x;
				next = count;
				break;
			}
		}
		if (!clet_kernel_inflight(ctx->ck))
			continue;
		r = clet_kernel_wait(ctx->ck, &c);
		if (r < 0) {
			err = r;
			break;
		}
		finish(ctx, (struct clet_file *)c.arg, c.result, done, cookie,
		       counters);
	}
	counters->syscalls += clet_kernel_syscalls(ctx->ck) - sys0;
	return err;
}

const struct backend clets_kernel_backend = {
	.name = "clets-kernel",
	.description =
		"file clet upcalled by the patched kernel (clet_exec), async on cachemiss",
	.is_async = 1,
	.available = clets_kernel_available,
	.setup = clets_kernel_setup,
	.run = clets_kernel_run,
	.teardown = clets_kernel_teardown,
	.run_chain = NULL,
};
