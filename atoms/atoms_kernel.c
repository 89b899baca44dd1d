// SPDX-License-Identifier: MIT
/*
 * atoms-kernel: the email's atom chain (open -> self-linked read -> close,
 * or with a umem_add cursor after every read: atom_chain.h) run by the
 * interpreter in our patched kernel (kernel/patches),
 * one async_exec per file, up to `concurrency` chains in flight. A chain
 * that blocks goes async (cachemiss): async_exec returns 0 and the chain
 * completes through the ring, reaped with async_wait. A chain that never
 * blocks (cached files) completes inside async_exec.
 *
 * Caveat for the harness: after a cachemiss the user context continues
 * in another kernel thread, so gettid() changes and per-thread counters
 * (RUSAGE_THREAD, perf events bound to the tid) no longer follow it; use
 * process-wide ones.
 *
 * On any other kernel available() explains why it cannot run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atoms/atom_chain.h"
#include "atoms/syslet_sys.h"
#include "harness/backend.h"
#include "harness/file_buf.h"
#include "harness/inject.h"

struct ak_slot {
	struct file_chain chain; /* position-dependent: never copied */
	size_t file_index;
	int busy;
};

struct atoms_kernel_ctx {
	struct ak_slot *slots;
	unsigned int nr_slots;
	size_t cap;
	struct async_head_user ahu;
	struct syslet_completion *ring;
};

static int atoms_kernel_available(char *why, size_t why_len)
{
	struct syslet_info info;
	struct syslet_uatom atom;
	int64_t ret = 0;
	long r;

	if (syslet_handshake(&info, why, why_len))
		return 0;
	/* Traced or seccomp-filtered callers are refused (-EPERM). */
	init_atom(&atom, __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, &ret,
		  SYSLET_SYNC, NULL, 0);
	r = async_exec_sys(&atom, NULL);
	if (r != (long)(uintptr_t)&atom) {
		syslet_trial_refused(why, why_len,
				     "async_exec refused a trial chain", r,
				     NULL);
		return 0;
	}
	return 1;
}

static unsigned int ring_size_for(unsigned int n)
{
	unsigned int size = 8;

	while (size < n)
		size <<= 1;
	return size;
}

static void atoms_kernel_teardown(void *opaque)
{
	struct atoms_kernel_ctx *ctx = opaque;
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; ctx->slots && i < ctx->nr_slots; i++)
		if (ctx->slots[i].chain.buf)
			file_buf_free(ctx->slots[i].chain.buf, ctx->cap);
	free(ctx->slots);
	free(ctx->ring);
	free(ctx);
}

static void *atoms_kernel_setup(const struct backend_params *params)
{
	struct atoms_kernel_ctx *ctx = calloc(1, sizeof(*ctx));
	unsigned int i, size;

	if (!ctx)
		return NULL;
	ctx->nr_slots = params->concurrency ? params->concurrency : 1;
	ctx->cap = params->file_buf_cap;
	size = ring_size_for(ctx->nr_slots);
	ctx->slots = calloc(ctx->nr_slots, sizeof(*ctx->slots));
	ctx->ring = calloc(size, sizeof(*ctx->ring));
	if (!ctx->slots || !ctx->ring)
		goto fail;
	for (i = 0; i < ctx->nr_slots; i++) {
		char *buf = file_buf_alloc(ctx->cap);

		if (!buf)
			goto fail;
		/* Not SYSLET_SYNC: a chain that blocks may go async. */
		file_chain_init(&ctx->slots[i].chain, buf, params->buf_size,
				params->shape, 0, i);
	}
	ctx->ahu.ring_size = size;
	ctx->ahu.completion_ring = (uint64_t)(uintptr_t)ctx->ring;
	return ctx;
fail:
	atoms_kernel_teardown(ctx);
	errno = ENOMEM;
	return NULL;
}

/* Status of a finished chain; err is a chain-level error (or 0). */
static int slot_status(const struct ak_slot *s, int64_t err)
{
	const struct file_chain *fc = &s->chain;
	int status = file_chain_status(fc);

	if (!status && err < 0)
		return (int)err;
	return status;
}

static void slot_finish(struct ak_slot *s, int status, file_done_fn done,
			void *cookie)
{
	s->busy = 0;
	done(cookie, s->file_index, s->chain.buf, BYTES_UNKNOWN, status);
}

/*
 * The chain-level error a completion reports: atom-level results live in
 * the chain, c->result only adds errors that ended it early (-EFAULT,
 * -ELOOP), which a chain that reached its close atom cannot have had.
 */
static int64_t chain_error(const struct ak_slot *s,
			   const struct syslet_completion *c)
{
	if (c->atom == (uint64_t)(uintptr_t)&s->chain.close_atom)
		return 0;
	return c->result < 0 ? c->result : 0;
}

/* Reap everything in the ring; returns how many chains it finished. */
static unsigned int reap(struct atoms_kernel_ctx *ctx, file_done_fn done,
			 void *cookie)
{
	unsigned int n = 0;
	uint32_t head = ctx->ahu.user_ring_idx;
	uint32_t tail =
		__atomic_load_n(&ctx->ahu.kernel_ring_idx, __ATOMIC_ACQUIRE);

	while (head != tail) {
		const struct syslet_completion *c =
			&ctx->ring[head & (ctx->ahu.ring_size - 1)];
		struct ak_slot *s;

		head++;
		if (c->cookie >= ctx->nr_slots)
			continue;
		s = &ctx->slots[c->cookie];
		slot_finish(s, slot_status(s, chain_error(s, c)), done, cookie);
		n++;
	}
	__atomic_store_n(&ctx->ahu.user_ring_idx, head, __ATOMIC_RELEASE);
	return n;
}

static int atoms_kernel_run(void *opaque, const char *const *paths,
			    size_t count, file_done_fn done, void *cookie,
			    struct backend_counters *counters)
{
	struct atoms_kernel_ctx *ctx = opaque;
	struct syslet_info before, after;
	unsigned int inflight = 0, i;
	size_t next = 0;
	char why[160];
	int err = 0;

	if (syslet_handshake(&before, why, sizeof(why)))
		return -ENOSYS;

	while (next < count || inflight) {
		/* Fill every free slot. */
		for (i = 0; i < ctx->nr_slots && next < count; i++) {
			struct ak_slot *s = &ctx->slots[i];
			long r;

			if (s->busy)
				continue;
			s->file_index = next++;
			s->busy = 1;
			test_inject_spin();
			file_chain_arm(&s->chain, paths[s->file_index]);
			r = async_exec_sys(&s->chain.open_atom, &ctx->ahu);
			counters->submissions++;
			counters->syscalls++;
			if (r == 0) {
				counters->cachemisses++;
				inflight++;
			} else if (r > 0) {
				counters->inline_done++;
				slot_finish(s, slot_status(s, 0), done, cookie);
				i--; /* reuse this slot at once */
			} else if (r == -ELOOP || r == -EINTR) {
				/* The chain ran but could not finish. */
				slot_finish(s, slot_status(s, r), done, cookie);
			} else {
				/* The mechanism itself failed. */
				s->busy = 0;
				done(cookie, s->file_index, s->chain.buf,
				     BYTES_UNKNOWN, (int)r);
				err = (int)r;
				next = count;
				break;
			}
		}
		if (!inflight)
			continue;
		/* Wait for at least one chain, then reap all that are done. */
		for (;;) {
			long r = async_wait_sys(1, &ctx->ahu);

			counters->syscalls++;
			if (r >= 0)
				break;
			if (r != -EINTR)
				return (int)r;
		}
		inflight -= reap(ctx, done, cookie);
	}

	if (!syslet_handshake(&after, why, sizeof(why)))
		counters->atoms += after.atoms_run - before.atoms_run;
	return err;
}

/*
 * One chain, for the harness's per-atom pricing. Chains built without
 * SYSLET_SYNC need a ring; if one goes async, wait for its completion.
 */
static long atoms_kernel_run_chain(const struct syslet_uatom *first)
{
	static struct syslet_completion ring[8];
	static struct async_head_user ahu = {
		.ring_size = 8,
	};
	const struct syslet_completion *c;
	long r;

	ahu.completion_ring = (uint64_t)(uintptr_t)ring;
	r = async_exec_sys(first, &ahu);
	if (r != 0)
		return r;
	do {
		r = async_wait_sys(1, &ahu);
	} while (r == -EINTR);
	if (r < 1)
		return r < 0 ? r : -EIO;
	c = &ring[ahu.user_ring_idx & (ahu.ring_size - 1)];
	r = c->result < 0 && c->atom == 0 ? c->result : (long)c->atom;
	__atomic_store_n(&ahu.user_ring_idx, ahu.user_ring_idx + 1,
			 __ATOMIC_RELEASE);
	return r;
}

const struct backend atoms_kernel_backend = {
	.name = "atoms-kernel",
	.description =
		"atom chain run by the patched kernel's interpreter, async on cachemiss",
	.is_async = 1,
	.available = atoms_kernel_available,
	.setup = atoms_kernel_setup,
	.run = atoms_kernel_run,
	.teardown = atoms_kernel_teardown,
	.run_chain = atoms_kernel_run_chain,
};
