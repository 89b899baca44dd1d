// SPDX-License-Identifier: MIT
/*
 * longjmp out of a clet (issue 11 §2 item 7): the thread is the caller
 * again, but the clet stayed armed. Its next sleep must not hand the
 * stale caller frame to a spare (which would return from the old
 * clet_exec a second time, while this thread went on as a runner with
 * every signal blocked and no rseq or robust list), and its next
 * clet_exec must run (it was -EBUSY).
 *
 * In a child: the clet longjmps to its caller, which then reads an empty
 * pipe (a waker writes once it sleeps). clet_exec here is a wrapper that
 * exits the process with STALE_EXIT at once if it returns 0: the stale
 * frame resumed, on a stack this thread is using again.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "clet_defect.h"

#include <setjmp.h>

#define STALE_EXIT 3

/* clet_sys_exec(), but a return of 0 is exit_group(STALE_EXIT), stackless. */
long clet_exec_no_async(clet_sys_fn fn, unsigned long arg, void *stack_top,
			struct async_head_user *ahu, int64_t *ret);
__asm__(".text\n"
	".globl clet_exec_no_async\n"
	".type clet_exec_no_async, @function\n"
	"clet_exec_no_async:\n"
	"	movq %rcx, %r10\n"
	"	movl $603, %eax\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jnz 1f\n"
	"	movl $231, %eax\n"
	"	movl $3, %edi\n"
	"	syscall\n"
	"1:	ret\n"
	".size clet_exec_no_async, .-clet_exec_no_async\n");
_Static_assert(SYSLET_NR_CLET_EXEC == 603, "clet_exec number");
_Static_assert(__NR_exit_group == 231 && STALE_EXIT == 3, "exit_group(3)");

static struct waker waker;
static jmp_buf back;

static long jump_clet(unsigned long arg)
{
	longjmp(back, 1);
}

static long plain_clet(unsigned long arg)
{
	return (long)arg + 1;
}

static void child(void)
{
	struct syslet_info before, after;
	int64_t r = 0;
	char c;

	mask_set(0);
	waker_start(&waker, clet_pipe[1], 0);
	if (!setjmp(back)) {
		clet_exec_no_async(jump_clet, 0, clet_stack_top(),
				   &clet_ring.ahu, &r);
		CHECK(0, "the clet returned instead of jumping");
		_exit(1);
	}
	before = get_info();
	waker_arm(&waker);
	CHECK_EQ(read(clet_pipe[0], &c, 1), 1);
	after = get_info();
	CHECK(after.cachemisses == before.cachemisses,
	      "the caller's read after the longjmp was handed off (%llu "
	      "cachemisses)",
	      (unsigned long long)(after.cachemisses - before.cachemisses));
	CHECK(mask_now() == 0, "mask after the read %#llx, expected 0",
	      (unsigned long long)mask_now());
	CHECK_EQ(clet_exec_no_async(plain_clet, 41, clet_stack_top(),
				    &clet_ring.ahu, &r),
		 1);
	CHECK_EQ(r, 42);
	pthread_join(waker.thread, NULL);
	_exit(test_failures ? 1 : 0);
}

int main(void)
{
	int status;
	pid_t pid;

	test_name = "t27_clet_longjmp";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	pid = clet_fork();
	if (pid == 0)
		child();
	status = wait_child_guarded(pid);
	CHECK(status != -1, "the child did not end within %d s", CHILD_GUARD_S);
	if (status != -1)
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "wait status %#x%s", status,
		      WIFEXITED(status) && WEXITSTATUS(status) == STALE_EXIT ?
			      ": clet_exec returned 0 again (the stale clet "
			      "frame was handed to a spare)" :
			      "");
	return test_done();
}
