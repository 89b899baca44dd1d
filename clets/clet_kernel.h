/* SPDX-License-Identifier: MIT */
/*
 * Kernel clets for user code: clet_kernel_exec() upcalls fn(arg) through the
 * patched kernel on a stack from a pool; a clet that blocks completes
 * later through the ring and clet_kernel_wait() hands its result back. The same
 * shape as clet_pool.h (GUASI) so backends read alike.
 *
 * One submitter thread per struct clet_kernel. Clets that went async run
 * in another thread sharing the submitter's TLS: they must use raw
 * -errno system calls (see file_clet.c).
 */
#ifndef SYSLETBENCH_CLET_KERNEL_H
#define SYSLETBENCH_CLET_KERNEL_H

#include <stddef.h>

#include "clets/clet_pool.h" /* clet_fn, struct clet_completion */

struct clet_kernel;

/*
 * 1 if this kernel runs clets (handshake, then a trial clet), else 0 with
 * the reason in why.
 */
int clet_kernel_probe(char *why, size_t why_len);

/* max_inflight stacks of stack_size bytes (0: 64 KiB). NULL + errno. */
struct clet_kernel *clet_kernel_create(unsigned int max_inflight,
				       size_t stack_size);
void clet_kernel_destroy(struct clet_kernel *ck);

/*
 * Runs fn(arg). 1: it completed synchronously, *result holds its return;
 * 0: it went async, clet_kernel_wait() will return it; -EAGAIN: max_inflight
 * clets are in flight; other -errno: the kernel refused it.
 */
long clet_kernel_exec(struct clet_kernel *ck, clet_fn fn, unsigned long arg,
		      long *result);

/*
 * Waits for one async clet and stores its completion. 0, -EAGAIN when
 * none is in flight, or -errno from async_wait.
 */
int clet_kernel_wait(struct clet_kernel *ck, struct clet_completion *out);

/* Clets in flight (went async, not yet returned by clet_wait). */
unsigned int clet_kernel_inflight(const struct clet_kernel *ck);

/* System calls made by clet_kernel_exec()/clet_kernel_wait() so far. */
unsigned long long clet_kernel_syscalls(const struct clet_kernel *ck);

#endif
