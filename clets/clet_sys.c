// SPDX-License-Identifier: MIT
/* The kernel clet calls and trampoline (see clet_sys.h). */
#include "clets/clet_sys.h"

#if defined(__x86_64__)
__asm__(".text\n"
	".globl clet_sys_exec\n"
	".type clet_sys_exec, @function\n"
	"clet_sys_exec:\n"
	"	movq %rcx, %r10\n"
	"	movl $603, %eax\n"
	"	syscall\n"
	"	ret\n"
	".size clet_sys_exec, .-clet_sys_exec\n"
	".globl clet_sys_return\n"
	".type clet_sys_return, @function\n"
	"clet_sys_return:\n"
	"	movl $604, %eax\n"
	"	syscall\n"
	"	ret\n"
	".size clet_sys_return, .-clet_sys_return\n"
	".globl clet_trampoline\n"
	".type clet_trampoline, @function\n"
	"clet_trampoline:\n"
	"	movq %rax, %rdi\n"
	"	movl $604, %eax\n"
	"	syscall\n"
	"	ud2\n"
	".size clet_trampoline, .-clet_trampoline\n");

_Static_assert(SYSLET_NR_CLET_EXEC == 603, "clet_exec number");
_Static_assert(SYSLET_NR_ASYNC_RETURN == 604, "async_return number");
#else
#include <errno.h>

long clet_sys_exec(clet_sys_fn fn, unsigned long arg, void *stack_top,
		   struct async_head_user *ahu, int64_t *ret)
{
	(void)fn;
	(void)arg;
	(void)stack_top;
	(void)ahu;
	(void)ret;
	return -ENOSYS;
}

long clet_sys_return(long ret)
{
	(void)ret;
	return -ENOSYS;
}

void clet_trampoline(void)
{
}
#endif
