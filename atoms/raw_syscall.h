/* SPDX-License-Identifier: MIT */
/*
 * Raw system calls that return -errno instead of touching errno: what an
 * atom's result is, and cheaper than syscall(2) in interpreter loops.
 */
#ifndef SYSLETBENCH_RAW_SYSCALL_H
#define SYSLETBENCH_RAW_SYSCALL_H

#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
static inline long raw_syscall6(long nr, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#else
static inline long raw_syscall6(long nr, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
	long ret = syscall(nr, a0, a1, a2, a3, a4, a5);

	return ret == -1 ? -errno : ret;
}
#endif

#endif
