// SPDX-License-Identifier: MIT
/*
 * exec from a clet (issue 11 §2 item 6) ends the clet with the exec: no
 * sleep of execve hands the caller off, and the new image starts with the
 * caller's signal mask, not the runner's (every signal but SIGKILL and
 * SIGSTOP blocked).
 *
 * The exec'd image (this program with --mask M) exits 0 if its mask is M.
 * Cases, each in a child with SIGUSR2 blocked:
 *  - exec in a clet that never blocked before: execve sleeps (de_thread()
 *    waits for the spare to die, at least), which used to hand the caller
 *    off; ROUNDS times;
 *  - exec from a clet's runner (the clet went async first): the caller
 *    dies with the spare in de_thread(), the new image runs in the runner;
 *  - a failed exec leaves the clet as it was: it goes async afterwards.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "clet_defect.h"

#define ROUNDS 20

static struct waker waker;
static char mask_arg[32];

static long exec_self(void)
{
	char *argv[] = { "t26_clet_exec", "--mask", mask_arg, NULL };

	return raw_syscall6(__NR_execve, (long)"/proc/self/exe", (long)argv,
			    (long)environ, 0, 0, 0);
}

static long exec_clet(unsigned long arg)
{
	return exec_self();
}

static long block_then_exec_clet(unsigned long arg)
{
	char c;

	waker_arm(&waker);
	if (raw_syscall6(__NR_read, clet_pipe[0], (long)&c, 1, 0, 0, 0) != 1)
		return -1;
	return exec_self();
}

static long failed_exec_then_block_clet(unsigned long arg)
{
	char *argv[] = { "none", NULL };
	long err = raw_syscall6(__NR_execve, (long)"/nonexistent/t26",
				(long)argv, (long)environ, 0, 0, 0);
	char c;

	if (err != -ENOENT)
		return err;
	waker_arm(&waker);
	if (raw_syscall6(__NR_read, clet_pipe[0], (long)&c, 1, 0, 0, 0) != 1)
		return -2;
	return 0;
}

/* Child: runs @fn as a clet; only returns to exit if exec failed. */
static void child(clet_sys_fn fn, int wake)
{
	int64_t r = 0;
	long ret;

	mask_set(bit(SIGUSR2));
	snprintf(mask_arg, sizeof(mask_arg), "%#llx",
		 (unsigned long long)bit(SIGUSR2));
	if (wake)
		waker_start(&waker, clet_pipe[1], 0);
	ret = clet_sys_exec(fn, 0, clet_stack_top(), &clet_ring.ahu, &r);
	if (ret == 0) {
		struct syslet_completion c = { 0 };

		/* The exec kills this thread, unless it failed. */
		clet_reap(&c);
		r = c.result;
	}
	printf("%s: the exec in the clet failed: clet_exec %ld, result %lld\n",
	       test_name, ret, (long long)r);
	_exit(101);
}

static int run_child(clet_sys_fn fn, int wake)
{
	pid_t pid = clet_fork();
	int status;

	if (pid == 0)
		child(fn, wake);
	status = wait_child_guarded(pid);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void case_failed_exec(void)
{
	struct syslet_completion c = { 0 };
	int64_t r = 0;
	long ret;
	pid_t pid = clet_fork();

	if (pid == 0) {
		waker_start(&waker, clet_pipe[1], 0);
		ret = clet_sys_exec(failed_exec_then_block_clet, 0,
				    clet_stack_top(), &clet_ring.ahu, &r);
		CHECK(ret == 0,
		      "after a failed exec the clet's read did not go async "
		      "(clet_exec %ld, result %lld)",
		      ret, (long long)r);
		if (ret == 0) {
			CHECK(clet_reap(&c), "no completion");
			CHECK_EQ(c.result, 0);
		}
		_exit(test_failures ? 1 : 0);
	}
	expect_exit(pid, 0, "a failed exec in a clet");
}

static int check_mask(const char *want)
{
	unsigned long long m = strtoull(want, NULL, 0);

	if (mask_now() != m) {
		printf("%s: exec'd image: mask %#llx, expected %#llx\n",
		       test_name, (unsigned long long)mask_now(), m);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0, st;

	test_name = "t26_clet_exec";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--mask"))
		return check_mask(argv[2]);
	require_syslets(NULL);

	for (i = 0; i < ROUNDS; i++) {
		st = run_child(exec_clet, 0);
		if (st != 0) {
			printf("%s: exec in a clet, round %d: exit %d\n",
			       test_name, i, st);
			bad++;
		}
	}
	CHECK(bad == 0, "exec in a clet: %d of %d rounds wrong", bad, ROUNDS);

	st = run_child(block_then_exec_clet, 1);
	CHECK(st == 0, "exec from a clet's runner: exit %d", st);

	case_failed_exec();
	return test_done();
}
