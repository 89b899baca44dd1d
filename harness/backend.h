/* SPDX-License-Identifier: MIT */
/*
 * The one interface every backend implements, so the harness never
 * special-cases a model. A new backend is a new file in its folder plus one
 * line in harness/backends.c.
 */
#ifndef SYSLETBENCH_BACKEND_H
#define SYSLETBENCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct syslet_uatom;

/*
 * Where each read() of a file lands. CHAIN_SHAPE_CURSOR (0, so a params
 * struct zeroed by older callers keeps today's behaviour): at an advancing
 * cursor, so the whole file sits in the buffer and can be checksummed; an
 * atom chain pays one umem_add atom per block for it. CHAIN_SHAPE_EMAIL:
 * every block into the same buffer, the seed email's chain (a read atom
 * linked to itself) and clet (while (read(fd, file_buf, size) > 0);), for
 * every backend, so all do the same work with the same system calls.
 */
enum chain_shape { CHAIN_SHAPE_CURSOR, CHAIN_SHAPE_EMAIL, CHAIN_SHAPE_COUNT };

const char *chain_shape_name(enum chain_shape shape);
/* 0 and *out set, or -1 for a name that is no shape. */
int chain_shape_parse(const char *name, enum chain_shape *out);

struct backend_params {
	unsigned int concurrency; /* chains in flight (async backends) */
	size_t buf_size; /* bytes per read() */
	/*
	 * Capacity of one file buffer: the largest file of the set plus one
	 * read. It is the set's configured size, never a per-file size:
	 * backends learn a file's length only by reading to EOF.
	 */
	size_t file_buf_cap;
	enum chain_shape shape;
};

/*
 * Called once per file, on the thread that owns the run, when the backend
 * is done with it. Under CHAIN_SHAPE_CURSOR buf holds the file's bytes at
 * offset 0; under CHAIN_SHAPE_EMAIL it holds the file's last non-empty
 * block at offset 0. bytes is the count the backend saw, or BYTES_UNKNOWN
 * where its mechanism cannot know it (an atom chain overwrites its read
 * results). status is 0 or -errno. buf keeps these bytes until the backend
 * reads another file into it or is torn down: the harness checks the last
 * file's last block after run() returns, outside the timed region.
 */
#define BYTES_UNKNOWN UINT64_MAX
typedef void (*file_done_fn)(void *cookie, size_t file_index, const void *buf,
			     uint64_t bytes, int status);

/* What the backend itself issued, for the whole run(). */
struct backend_counters {
	uint64_t syscalls; /* kernel crossings it made */
	uint64_t atoms; /* atoms interpreted (atom backends) */
	uint64_t submissions; /* io_uring_enter calls / async_exec calls */
	uint64_t cachemisses; /* chains that went async (kernel backends) */
	uint64_t inline_done; /* chains completed without blocking */
	uint64_t upcalls; /* clet invocations */
};

struct backend {
	const char *name;
	const char *description;
	int is_async; /* honours concurrency */
	/*
	 * Its reads do not pass through vfs_read(), so /proc/self/io's rchar
	 * does not count them (io_uring's IORING_OP_READ in 6.1): the byte
	 * proof sums the bytes its done() calls report instead, which are
	 * the kernel's completion results.
	 */
	int reads_bypass_rchar;
	/*
	 * The floor (baseline_sync/empty.c): it makes no system call and
	 * reads nothing, so the harness checks no bytes of it, runs it hot
	 * only, and proves instead that its samples read nothing.
	 */
	int reads_nothing;
	/* 1 if it can run here; else 0 and a reason in why. */
	int (*available)(char *why, size_t why_len);
	/* Returns a context (rings, pools, spares) or NULL with errno set. */
	void *(*setup)(const struct backend_params *params);
	/*
	 * Processes every path; calls done() exactly once per file. Returns 0,
	 * or -errno if the mechanism itself failed (a file error is reported
	 * through done(), not here).
	 */
	int (*run)(void *ctx, const char *const *paths, size_t count,
		   file_done_fn done, void *cookie,
		   struct backend_counters *counters);
	void (*teardown)(void *ctx);
	/*
	 * Atom backends only (else NULL): run one chain synchronously and
	 * return the completed atom or -errno. The harness times chains of
	 * null atoms through it to price interpretation per atom.
	 */
	long (*run_chain)(const struct syslet_uatom *first);
};

extern const struct backend *const backends[];
extern const size_t backend_count;

const struct backend *backend_find(const char *name);

/*
 * available() of a backend that needs only what every Linux has. Inline:
 * kernel/profile/insn-profile.sh builds backends without the registry.
 */
static inline int backend_available_anywhere(char *why, size_t why_len)
{
	(void)why;
	(void)why_len;
	return 1;
}

#endif
