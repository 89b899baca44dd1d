// SPDX-License-Identifier: MIT
/*
 * atoms-user: the email's atom chain (in either shape, atom_chain.h) run by
 * the user-space reference interpreter, one file at a time. Against
 * baseline_sync it isolates the cost of interpreting atoms; against
 * atoms-kernel, the crossings saved.
 */
#include <errno.h>
#include <stdlib.h>

#include "atoms/atom_chain.h"
#include "atoms/atom_interp.h"
#include "harness/backend.h"
#include "harness/file_buf.h"

struct atoms_user_ctx {
	struct file_chain chain;
	size_t cap;
};

static void *atoms_user_setup(const struct backend_params *params)
{
	struct atoms_user_ctx *ctx = calloc(1, sizeof(*ctx));
	char *buf;

	if (!ctx)
		return NULL;
	buf = file_buf_alloc(params->file_buf_cap);
	if (!buf) {
		free(ctx);
		return NULL;
	}
	ctx->cap = params->file_buf_cap;
	file_chain_init(&ctx->chain, buf, params->buf_size, params->shape,
			SYSLET_SYNC, 0);
	return ctx;
}

static int atoms_user_run(void *opaque, const char *const *paths, size_t count,
			  file_done_fn done, void *cookie,
			  struct backend_counters *counters)
{
	struct atoms_user_ctx *ctx = opaque;
	struct atom_interp_stats stats = { 0 };
	size_t i;
	long ret;

	for (i = 0; i < count; i++) {
		file_chain_arm(&ctx->chain, paths[i]);
		ret = atom_chain_run_user(&ctx->chain.open_atom, &stats);
		done(cookie, i, ctx->chain.buf, BYTES_UNKNOWN,
		     ret < 0 ? (int)ret : file_chain_status(&ctx->chain));
	}
	counters->syscalls += stats.syscalls;
	counters->atoms += stats.atoms;
	return 0;
}

static void atoms_user_teardown(void *opaque)
{
	struct atoms_user_ctx *ctx = opaque;

	file_buf_free(ctx->chain.buf, ctx->cap);
	free(ctx);
}

static long atoms_user_run_chain(const struct syslet_uatom *first)
{
	struct atom_interp_stats stats;

	return atom_chain_run_user(first, &stats);
}

const struct backend atoms_user_backend = {
	.name = "atoms-user",
	.description =
		"atom chain, user-space interpreter, one syscall per atom",
	.is_async = 0,
	.available = backend_available_anywhere,
	.setup = atoms_user_setup,
	.run = atoms_user_run,
	.teardown = atoms_user_teardown,
	.run_chain = atoms_user_run_chain,
};
