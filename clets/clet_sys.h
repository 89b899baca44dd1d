/* SPDX-License-Identifier: MIT */
/*
 * The kernel clet calls (atoms/syslet.h): clet_exec and async_return as
 * real functions, and the trampoline a clet returns to.
 *
 * clet_sys_exec() is an out-of-line function on purpose: the clet runs
 * between its system call and its return, so the caller must treat it as
 * an ordinary call (SysV: xmm/ymm, rax, rcx, rdx, rsi, rdi, r8-r11
 * clobbered; MXCSR and the x87 control word preserved by the clet).
 */
#ifndef SYSLETBENCH_CLET_SYS_H
#define SYSLETBENCH_CLET_SYS_H

#include <stdint.h>

#include "atoms/syslet.h"

typedef long (*clet_sys_fn)(unsigned long arg);

/*
 * 1: fn(arg) ran to its end, *ret holds its return value;
 * 0: it blocked and goes on asynchronously (completion in ahu's ring);
 * -errno: it did not start (-ENOSYS on a kernel without clets).
 */
long clet_sys_exec(clet_sys_fn fn, unsigned long arg, void *stack_top,
		   struct async_head_user *ahu, int64_t *ret);

/* Ends the running clet; only returns (-EINVAL) when there is none. */
long clet_sys_return(long ret);

/*
 * Register in ahu->clet_trampoline: moves fn's return value (rax) to rdi
 * and calls async_return. If that fails, it executes ud2 (SIGILL): a clet
 * that returns without an active clet frame, e.g. in a forked child.
 */
void clet_trampoline(void);

#endif
