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

struct backend_params {
	unsigned int concurrency; /* chains in flight (async backends) */
	size_t buf_size; /* bytes per read() */
	/*
	 * Capacity of one file buffer: the largest file of the set plus one
	 * read. It is the set's configured size, never a per-file size:
	 * backends learn a file's length only by reading to EOF.
	 */
	size_t file_buf_cap;
};

/*
 * Called once per file, on the thread that owns the run, when the backend
 * is done with it. buf holds the file's bytes at offset 0; bytes is the
 * count the backend saw, or BYTES_UNKNOWN where its mechanism cannot know it
 * (an atom chain overwrites its read results). status is 0 or -errno. buf
 * stays valid only during the call.
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

#endif
