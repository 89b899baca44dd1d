// SPDX-License-Identifier: MIT
/* atoms-uring: the open/read/close atom chain compiled to io_uring links. */
/*
 * The syslet chain from the email is
 *
 *	open  (STOP_ON_NEGATIVE)			-> read
 *	read  (STOP_ON_NON_POSITIVE | SKIP_TO_NEXT_ON_STOP) -> read (itself)
 *	close						(atom after read)
 *
 * and each piece has an io_uring counterpart:
 *
 *  - open is IORING_OP_OPENAT into a direct descriptor: the chain's own
 *    fixed-file slot (one per chain in flight, registered sparse at setup),
 *    so no fd is installed in the process table and the reads can name the
 *    file before it exists. IOSQE_IO_LINK on it is STOP_ON_NEGATIVE: a
 *    failed open cancels the reads (they complete with -ECANCELED).
 *  - each read is IORING_OP_READ with IOSQE_FIXED_FILE at the file position
 *    (offset -1), into the chain's file buffer: at its start for every
 *    read under CHAIN_SHAPE_EMAIL (the email's one buffer; the reads of a
 *    link run in order, so the buffer ends with the last block), at the
 *    cursor under CHAIN_SHAPE_CURSOR. io_uring
 *    treats a read that returns less than asked for (a short read, and the
 *    0-byte EOF read is one) as a failed link member, so IOSQE_IO_LINK
 *    between reads is STOP_ON_NON_POSITIVE for free: once a read comes back
 *    short, the reads queued behind it are cancelled and never touch the
 *    file position or the buffer.
 *  - close is IORING_OP_CLOSE on the slot (close_direct). Put behind a read
 *    with plain IOSQE_IO_LINK, the EOF read would cancel it and leak the
 *    slot; that read would need IOSQE_IO_HARDLINK, which is the
 *    SKIP_TO_NEXT_ON_STOP edge. But a link round cannot know it holds the
 *    last read (see below), so the close is not put behind the reads at
 *    all: it rides at the head of the next file's link in the same slot,
 *    close --HARDLINK--> open --LINK--> read --LINK--> read ..., where the
 *    hard link lets the next file open even if the close reported an error
 *    (the open replaces whatever the slot holds). Slots still open when the
 *    paths run out get a close of their own at the end of run().
 *
 * Multi-read files: a link cannot loop and cannot feed a result forward, so
 * the read loop is unrolled into rounds. A round is a link of N reads; when
 * all of its completions are in, the backend walks them in order: a 0-byte
 * read is EOF (the file is done), a short read ends the round early (the
 * rest were cancelled), a full read moves the cursor on. If no read
 * returned 0, the next round is linked and submitted from the cursor. The
 * first round has 2 reads, so a file of one buffer (full read, then the
 * 0-byte read) needs one round; each further round doubles N like the
 * kernel's readahead window (up to READS_PER_ROUND_MAX and the room left in
 * the buffer), so a 64 KiB file read 4 KiB at a time takes 4 rounds, not 17.
 * The cost is speculation: a round may end in reads that are cancelled
 * after EOF. They are not system calls, but they are counted as atoms.
 * The file length is never asked for: every file ends on a 0-byte read.
 *
 * Counting (struct backend_counters, added to):
 *  - submissions and syscalls: every io_uring_enter(2) run() makes, and
 *    run() makes no other system call. One enter both submits the queued
 *    rounds of all chains and waits for the next completion. An extra enter
 *    without waiting happens only when the submission ring is too full to
 *    hold a whole link (links must not span two submits); those are counted
 *    like any other, as are the enters that submit and wait for the closes
 *    of the last files.
 *  - atoms: SQEs submitted (open, each read, close), cancelled ones too:
 *    each stands for one atom the syslet interpreter would run.
 *  - cachemisses, inline_done: left alone, io_uring does not tell which
 *    requests were punted to io-wq.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "harness/backend.h"
#include "harness/file_buf.h"

#define FIRST_ROUND_READS   2
#define READS_PER_ROUND_MAX 32

/* user_data = chain index << 8 | tag; tags below 0x80 are read numbers. */
#define TAG_BITS  8
#define TAG_OPEN  0x80
#define TAG_CLOSE 0x81

enum chain_state {
	CHAIN_IDLE, /* no file; its slot may hold the last one */
	CHAIN_READING, /* a round of its file is in flight */
	CHAIN_CLOSING, /* only the last close_direct in flight */
};

struct uring_chain {
	enum chain_state state;
	char *buf; /* file_buf_cap bytes, guard page behind */
	size_t file_index;
	size_t cursor; /* file bytes read so far: its CQE results summed */
	size_t cursor_base; /* the cursor when this round was queued */
	int slot_open; /* the fixed slot holds a file to close */
	int round_has_open; /* this round starts the file */
	int open_res;
	unsigned int nreads; /* reads in this round */
	unsigned int pending; /* completions of this round not reaped */
	int read_res[READS_PER_ROUND_MAX];
};

struct atoms_uring_ctx {
	struct io_uring ring;
	unsigned int nchains;
	size_t buf_cap;
	size_t read_size;
	enum chain_shape shape;
	struct uring_chain *chains;
	unsigned int *idle; /* stack of CHAIN_IDLE chain indices */
	unsigned int nidle;
	unsigned int busy; /* chains READING or CLOSING */
	int close_err; /* first close_direct error of this run */
	int broken; /* a run() failed midway: ring unusable */

	/* Valid during run() only. */
	struct backend_counters *counters;
	file_done_fn done;
	void *cookie;
};

/*
 * Sets up a ring. COOP_TASKRUN: completions are run when we enter the
 * kernel anyway, no interrupting IPIs. SUBMIT_ALL: an SQE that fails to
 * prep does not stop the rest of the batch, so every SQE gets its CQE and
 * the pending counts stay exact. (DEFER_TASKRUN would tie the ring to the
 * thread that made it, and setup() and run() may run on different threads.)
 * Falls back to a plain ring on kernels that refuse the flags.
 */
static int uring_init(struct io_uring *ring, unsigned int sq_entries,
		      unsigned int cq_entries)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
		  IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL;
	p.cq_entries = cq_entries;
	ret = io_uring_queue_init_params(sq_entries, ring, &p);
	if (ret != -EINVAL)
		return ret;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
	p.cq_entries = cq_entries;
	return io_uring_queue_init_params(sq_entries, ring, &p);
}

static int atoms_uring_available(char *why, size_t why_len)
{
	static const struct {
		int op;
		const char *name;
	} needed_ops[] = {
		{ IORING_OP_OPENAT, "IORING_OP_OPENAT" },
		{ IORING_OP_READ, "IORING_OP_READ" },
		{ IORING_OP_CLOSE, "IORING_OP_CLOSE" },
	};
	struct io_uring_probe *probe;
	struct io_uring ring;
	unsigned int i;
	FILE *sysctl;
	int ret, disabled = -1;

	ret = uring_init(&ring, 8, 16);
	if (ret == -ENOSYS) {
		snprintf(why, why_len,
			 "io_uring_setup: ENOSYS (kernel without "
			 "CONFIG_IO_URING)");
		return 0;
	}
	if (ret == -EPERM) {
		sysctl = fopen("/proc/sys/kernel/io_uring_disabled", "r");
		if (sysctl) {
			if (fscanf(sysctl, "%d", &disabled) != 1)
				disabled = -1;
			fclose(sysctl);
		}
		if (disabled > 0)
			snprintf(why, why_len,
				 "io_uring_setup: EPERM (sysctl "
				 "kernel.io_uring_disabled=%d)",
				 disabled);
		else
			snprintf(why, why_len,
				 "io_uring_setup: EPERM (seccomp or LSM "
				 "policy)");
		return 0;
	}
	if (ret < 0) {
		snprintf(why, why_len, "io_uring_queue_init: %s",
			 strerror(-ret));
		return 0;
	}

	/* Reads at the file position (offset -1) need 5.6's RW_CUR_POS. */
	if (!(ring.features & IORING_FEAT_RW_CUR_POS)) {
		snprintf(why, why_len, "io_uring lacks IORING_FEAT_RW_CUR_POS");
		goto unavailable;
	}
	probe = io_uring_get_probe_ring(&ring);
	if (!probe) {
		snprintf(why, why_len,
			 "io_uring opcode probe refused (kernel before 5.6, or "
			 "filtered)");
		goto unavailable;
	}
	for (i = 0; i < sizeof(needed_ops) / sizeof(needed_ops[0]); i++) {
		if (!io_uring_opcode_supported(probe, needed_ops[i].op)) {
			snprintf(why, why_len, "io_uring lacks %s",
				 needed_ops[i].name);
			io_uring_free_probe(probe);
			goto unavailable;
		}
	}
	io_uring_free_probe(probe);

	/* Direct descriptors: opening into a sparse fixed-file table. */
	ret = io_uring_register_files_sparse(&ring, 1);
	if (ret < 0) {
		snprintf(why, why_len,
			 "io_uring sparse fixed files: %s (direct descriptors "
			 "need 5.19)",
			 strerror(-ret));
		goto unavailable;
	}
	io_uring_queue_exit(&ring);
	return 1;

unavailable:
	io_uring_queue_exit(&ring);
	return 0;
}

static void atoms_uring_teardown(void *data)
{
	struct atoms_uring_ctx *ctx = data;
	unsigned int i;

	if (!ctx)
		return;
	/* Exiting the ring cancels and waits for anything still in flight. */
	if (ctx->ring.ring_fd > 0)
		io_uring_queue_exit(&ctx->ring);
	if (ctx->chains) {
		for (i = 0; i < ctx->nchains; i++)
			file_buf_free(ctx->chains[i].buf, ctx->buf_cap);
	}
	free(ctx->idle);
	free(ctx->chains);
	free(ctx);
}

static void *atoms_uring_setup(const struct backend_params *params)
{
	struct atoms_uring_ctx *ctx;
	unsigned int i, sq_entries, cq_entries;
	int ret;

	/* A CQE result is an int, so one read must fit in one. */
	if (!params->concurrency || !params->buf_size ||
	    params->buf_size > INT_MAX ||
	    params->file_buf_cap < params->buf_size) {
		errno = EINVAL;
		return NULL;
	}
	if (params->concurrency > (UINT_MAX >> TAG_BITS)) {
		errno = ENOMEM;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->ring.ring_fd = -1;
	ctx->nchains = params->concurrency;
	ctx->buf_cap = params->file_buf_cap;
	ctx->read_size = params->buf_size;
	ctx->shape = params->shape;

	/*
	 * The SQ holds every chain's first round at once when it can (the
	 * kernel caps it at 32768); it only has to hold one whole link.
	 * The CQ holds every completion the chains can have in flight, so
	 * it never spills into the kernel's overflow list.
	 */
	sq_entries = ctx->nchains > 4096 ? 4096 * 4 : ctx->nchains * 4;
	if (sq_entries < 2 * (READS_PER_ROUND_MAX + 2))
		sq_entries = 2 * (READS_PER_ROUND_MAX + 2);
	cq_entries = ctx->nchains > 1024 ?
			     1024 * 64 :
			     ctx->nchains * (READS_PER_ROUND_MAX + 2);
	if (cq_entries < 2 * sq_entries)
		cq_entries = 2 * sq_entries;
	ret = uring_init(&ctx->ring, sq_entries, cq_entries);
	if (ret < 0) {
		ctx->ring.ring_fd = -1;
		goto fail;
	}
	/* One direct-descriptor slot per chain; slot i belongs to chain i. */
	ret = io_uring_register_files_sparse(&ctx->ring, ctx->nchains);
	if (ret < 0)
		goto fail;

	ret = -ENOMEM;
	ctx->chains = calloc(ctx->nchains, sizeof(*ctx->chains));
	ctx->idle = calloc(ctx->nchains, sizeof(*ctx->idle));
	if (!ctx->chains || !ctx->idle)
		goto fail;
	for (i = 0; i < ctx->nchains; i++) {
		ctx->chains[i].buf = file_buf_alloc(ctx->buf_cap);
		if (!ctx->chains[i].buf)
			goto fail;
		/* Popped from the top: chain 0 goes first. */
		ctx->idle[i] = ctx->nchains - 1 - i;
	}
	ctx->nidle = ctx->nchains;
	return ctx;

fail:
	atoms_uring_teardown(ctx);
	errno = -ret;
	return NULL;
}

/* The single place run() enters the kernel, so the counts stay honest. */
static int uring_enter(struct atoms_uring_ctx *ctx, unsigned int wait_nr)
{
	int ret;

	ret = io_uring_submit_and_wait(&ctx->ring, wait_nr);
	ctx->counters->submissions++;
	ctx->counters->syscalls++;
	/* A signal, or a transient shortage: the caller just comes back. */
	if (ret == -EINTR || ret == -EAGAIN || ret == -EBUSY)
		return 0;
	return ret < 0 ? ret : 0;
}

/* Gets n consecutive SQEs, flushing the SQ first if a link would not fit. */
static int uring_reserve(struct atoms_uring_ctx *ctx, unsigned int n)
{
	int ret;

	while (io_uring_sq_space_left(&ctx->ring) < n) {
		ret = uring_enter(ctx, 0);
		if (ret)
			return ret;
	}
	return 0;
}

static uint64_t chain_user_data(const struct atoms_uring_ctx *ctx,
				const struct uring_chain *c, unsigned int tag)
{
	return (uint64_t)(c - ctx->chains) << TAG_BITS | tag;
}

/* Where read i of c's round lands: the cursor's place, or the start. */
static char *read_landing(const struct atoms_uring_ctx *ctx,
			  const struct uring_chain *c, unsigned int i)
{
	if (ctx->shape != CHAIN_SHAPE_CURSOR)
		return c->buf;
	return c->buf + c->cursor + i * ctx->read_size;
}

/*
 * Queues one link round for chain c: [close_direct -HARDLINK->]
 * [openat_direct -LINK->] read -LINK-> ... read, with c->nreads reads at
 * the cursor. Nothing is submitted until the next enter.
 */
static int chain_queue_round(struct atoms_uring_ctx *ctx, struct uring_chain *c,
			     const char *path)
{
	unsigned int slot = c - ctx->chains;
	struct io_uring_sqe *sqe;
	unsigned int i, n;
	int ret;

	n = c->nreads + !!path + (path && c->slot_open);
	ret = uring_reserve(ctx, n);
	if (ret)
		return ret;
	c->pending = n;
	c->state = CHAIN_READING;
	c->round_has_open = !!path;
	c->cursor_base = c->cursor;
	ctx->counters->atoms += n;

	if (path) {
		if (c->slot_open) {
			sqe = io_uring_get_sqe(&ctx->ring);
			io_uring_prep_close_direct(sqe, slot);
			sqe->flags |= IOSQE_IO_HARDLINK;
			sqe->user_data = chain_user_data(ctx, c, TAG_CLOSE);
			c->slot_open = 0;
		}
		sqe = io_uring_get_sqe(&ctx->ring);
		io_uring_prep_openat_direct(sqe, AT_FDCWD, path, O_RDONLY, 0,
					    slot);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = chain_user_data(ctx, c, TAG_OPEN);
	}
	for (i = 0; i < c->nreads; i++) {
		sqe = io_uring_get_sqe(&ctx->ring);
		io_uring_prep_read(sqe, slot, read_landing(ctx, c, i),
				   ctx->read_size, (uint64_t)-1);
		sqe->flags |= IOSQE_FIXED_FILE;
		if (i + 1 < c->nreads)
			sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = chain_user_data(ctx, c, i);
	}
	return 0;
}

/* Reads of the next round: double the last, within the buffer's room. */
static unsigned int chain_round_reads(const struct atoms_uring_ctx *ctx,
				      const struct uring_chain *c,
				      unsigned int want)
{
	/*
	 * The bytes read so far, whatever the shape: in the email's one
	 * buffer too, the set's size bounds the reads a round speculates, so
	 * both shapes submit the same reads.
	 */
	size_t room = (ctx->buf_cap - c->cursor) / ctx->read_size;

	if (want > READS_PER_ROUND_MAX)
		want = READS_PER_ROUND_MAX;
	return room < want ? (unsigned int)room : want;
}

static int chain_start_file(struct atoms_uring_ctx *ctx, struct uring_chain *c,
			    size_t file_index, const char *path)
{
	c->file_index = file_index;
	c->cursor = 0;
	c->open_res = 0;
	c->nreads = chain_round_reads(ctx, c, FIRST_ROUND_READS);
	/* Set before queueing, so a failure still reports this file. */
	c->state = CHAIN_READING;
	ctx->busy++;
	return chain_queue_round(ctx, c, path);
}

static void chain_finish_file(struct atoms_uring_ctx *ctx,
			      struct uring_chain *c, int status)
{
	ctx->done(ctx->cookie, c->file_index, c->buf, c->cursor, status);
	c->state = CHAIN_IDLE;
	ctx->busy--;
	ctx->idle[ctx->nidle++] = c - ctx->chains;
}

/* All completions of c's round are in: EOF, error, or one more round. */
static int chain_round_done(struct atoms_uring_ctx *ctx, struct uring_chain *c)
{
	unsigned int i, full = 0;
	int res, short_seen = 0;
	size_t landed;

	if (c->state == CHAIN_CLOSING) {
		c->state = CHAIN_IDLE;
		ctx->busy--;
		return 0;
	}
	if (c->round_has_open) {
		if (c->open_res < 0) {
			/* The reads were cancelled; the slot stayed empty. */
			chain_finish_file(ctx, c, c->open_res);
			return 0;
		}
		c->slot_open = 1;
	}
	for (i = 0; i < c->nreads; i++) {
		res = c->read_res[i];
		/* A short read cancels the reads linked behind it. */
		if (res == -ECANCELED && short_seen)
			continue;
		if (res < 0) {
			chain_finish_file(ctx, c, res);
			return 0;
		}
		if (!res) {
			chain_finish_file(ctx, c, 0);
			return 0;
		}
		/*
		 * Only if a kernel ran reads behind a short one did this one
		 * land past the cursor: close the gap, the position is right.
		 */
		landed = c->cursor_base + i * ctx->read_size;
		if (ctx->shape == CHAIN_SHAPE_CURSOR && landed != c->cursor)
			memmove(c->buf + c->cursor, c->buf + landed, res);
		c->cursor += res;
		if ((size_t)res < ctx->read_size)
			short_seen = 1;
		else
			full++;
	}

	/* No 0-byte read yet: go on from the cursor. */
	c->nreads = chain_round_reads(
		ctx, c, full == c->nreads ? 2 * c->nreads : c->nreads);
	if (!c->nreads) {
		/* Bigger than the set's largest file: the buffer is full. */
		chain_finish_file(ctx, c, -EFBIG);
		return 0;
	}
	return chain_queue_round(ctx, c, NULL);
}

/* Handles every CQE already posted; enters the kernel only to flush the SQ. */
static int uring_reap(struct atoms_uring_ctx *ctx)
{
	struct io_uring_cqe *cqe;
	struct uring_chain *c;
	unsigned int head, seen = 0, tag;
	int ret = 0;

	io_uring_for_each_cqe(&ctx->ring, head, cqe)
	{
		seen++;
		c = &ctx->chains[cqe->user_data >> TAG_BITS];
		tag = cqe->user_data & ((1U << TAG_BITS) - 1);
		if (tag == TAG_OPEN)
			c->open_res = cqe->res;
		else if (tag == TAG_CLOSE) {
			if (cqe->res < 0 && !ctx->close_err)
				ctx->close_err = cqe->res;
		} else {
			c->read_res[tag] = cqe->res;
		}
		if (!--c->pending) {
			ret = chain_round_done(ctx, c);
			if (ret)
				break;
		}
	}
	io_uring_cq_advance(&ctx->ring, seen);
	return ret;
}

/* Closes the slots the last files left open, and waits for the closes. */
static int uring_close_slots(struct atoms_uring_ctx *ctx)
{
	struct io_uring_sqe *sqe;
	struct uring_chain *c;
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->nchains; i++) {
		c = &ctx->chains[i];
		if (!c->slot_open)
			continue;
		ret = uring_reserve(ctx, 1);
		if (ret)
			return ret;
		sqe = io_uring_get_sqe(&ctx->ring);
		io_uring_prep_close_direct(sqe, i);
		sqe->user_data = chain_user_data(ctx, c, TAG_CLOSE);
		c->slot_open = 0;
		c->pending = 1;
		c->state = CHAIN_CLOSING;
		ctx->busy++;
		ctx->counters->atoms++;
	}
	while (ctx->busy) {
		ret = uring_enter(ctx, 1);
		if (!ret)
			ret = uring_reap(ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/* The ring broke midway: report every file not yet reported, then give up. */
static void uring_abandon(struct atoms_uring_ctx *ctx, size_t next,
			  size_t count, int err)
{
	struct uring_chain *c;
	unsigned int i;

	for (i = 0; i < ctx->nchains; i++) {
		c = &ctx->chains[i];
		if (c->state == CHAIN_READING)
			ctx->done(ctx->cookie, c->file_index, c->buf, 0, err);
	}
	for (; next < count; next++)
		ctx->done(ctx->cookie, next, ctx->chains[0].buf, 0, err);
	ctx->broken = err;
}

static int atoms_uring_run(void *data, const char *const *paths, size_t count,
			   file_done_fn done, void *cookie,
			   struct backend_counters *counters)
{
	struct atoms_uring_ctx *ctx = data;
	struct uring_chain *c;
	size_t next = 0;
	int ret = 0;

	if (ctx->broken)
		return ctx->broken;
	ctx->counters = counters;
	ctx->done = done;
	ctx->cookie = cookie;
	ctx->close_err = 0;

	for (;;) {
		/* Each idle chain takes a path (and closes its last file). */
		while (ctx->nidle && next < count) {
			c = &ctx->chains[ctx->idle[--ctx->nidle]];
			ret = chain_start_file(ctx, c, next, paths[next]);
			next++;
			if (ret)
				goto broken;
		}
		if (!ctx->busy)
			break;
		/* Submit all queued rounds and sleep until one completes. */
		ret = uring_enter(ctx, 1);
		if (!ret)
			ret = uring_reap(ctx);
		if (ret)
			goto broken;
	}
	ret = uring_close_slots(ctx);
	if (ret)
		goto broken;
	/* A failed close_direct means the slot bookkeeping is wrong. */
	return ctx->close_err;

broken:
	uring_abandon(ctx, next, count, ret);
	return ret;
}

const struct backend atoms_uring_backend = {
	.name = "atoms-uring",
	.description = "the atom chain as io_uring links: openat direct, "
		       "fixed-file reads, close_direct",
	.is_async = 1,
	.reads_bypass_rchar = 1,
	.available = atoms_uring_available,
	.setup = atoms_uring_setup,
	.run = atoms_uring_run,
	.teardown = atoms_uring_teardown,
};
