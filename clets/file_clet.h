/* SPDX-License-Identifier: MIT */
/*
 * The workload as a clet: Davide's main_sync_loop for one file, plain C.
 * Every clet backend runs this one function, however it gets called (a
 * pool thread, or a kernel upcall).
 */
#ifndef SYSLETBENCH_FILE_CLET_H
#define SYSLETBENCH_FILE_CLET_H

#include <stddef.h>
#include <stdint.h>

#include "harness/backend.h"

/* One file: the clet's argument and its result record. */
struct clet_file {
	/* Set by the caller before the clet runs. */
	const char *path;
	size_t file_index;
	char *buf; /* buf_cap bytes, guard page behind */
	size_t buf_cap;
	size_t read_size;
	/* Every read at buf (email) or at buf + bytes (cursor). */
	enum chain_shape shape;
	/* Set by the clet. */
	uint64_t bytes;
	uint64_t syscalls;
	int status;
};

/* arg is a struct clet_file *; returns 0 or -errno (also in ->status). */
long file_clet(unsigned long arg);

/*
 * n file slots for a clet backend, each with its own guarded buffer of
 * cap bytes read read_size at a time; NULL (errno set) on failure.
 */
struct clet_file *clet_files_alloc(unsigned int n, size_t cap,
				   size_t read_size);
void clet_files_free(struct clet_file *files, unsigned int n, size_t cap);
/* Where the n slots' clets land their reads (cursor after alloc). */
void clet_files_set_shape(struct clet_file *files, unsigned int n,
			  enum chain_shape shape);

#endif
