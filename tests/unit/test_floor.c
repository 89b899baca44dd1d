// SPDX-License-Identifier: MIT
/*
 * The floor (baseline_sync/empty.c) makes no system call: its run() goes
 * through a seccomp filter that kills the process at any system call but
 * exit_group, in both chain shapes, and reports every file as read whole.
 * baseline_sync under the same filter is killed, so the filter bites.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/backend.h"
#include "test_helpers.h"

#define FILE_SIZE 16384
#define READ_SIZE 4096
#define NFILES	  3

extern const struct backend empty_backend, baseline_sync_backend;

struct tally {
	size_t files;
	int bad;
};

static void on_done(void *cookie, size_t index, const void *buf, uint64_t bytes,
		    int status)
{
	struct tally *t = cookie;

	t->bad |= index != t->files || !buf || bytes != FILE_SIZE || status;
	t->files++;
}

/* From here on, any system call but exit_group kills the process. */
static int forbid_syscalls(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
				   .filter = code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
}

/*
 * Runs be over paths that do not exist, in a child under the filter.
 * Returns the child's wait status; exit 0 = every file reported right,
 * 1 = a wrong report, 2 = no setup, 77 = no seccomp here.
 */
static int run_filtered(const struct backend *be, enum chain_shape shape)
{
	static const char *const paths[NFILES] = { "/nonexistent/floor-a",
						   "/nonexistent/floor-b",
						   "/nonexistent/floor-c" };
	const struct backend_params params = {
		.concurrency = 1,
		.buf_size = READ_SIZE,
		.file_buf_cap = FILE_SIZE + READ_SIZE,
		.shape = shape,
	};
	struct backend_counters counters;
	struct tally t = { 0 };
	int status, ok;
	void *ctx;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		ctx = be->setup(&params);
		if (!ctx)
			_exit(2);
		memset(&counters, 0, sizeof(counters));
		if (forbid_syscalls())
			_exit(77);
		ok = !be->run(ctx, paths, NFILES, on_done, &t, &counters) &&
		     t.files == NFILES && !t.bad &&
		     !memcmp(&counters, &(struct backend_counters){ 0 },
			     sizeof(counters));
		/* exit_group, the one call the filter allows. */
		syscall(SYS_exit_group, ok ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int main(void)
{
	static const enum chain_shape shapes[] = { CHAIN_SHAPE_EMAIL,
						   CHAIN_SHAPE_CURSOR };
	size_t i;
	int st;

	CHECK(empty_backend.reads_nothing && !empty_backend.is_async);
	for (i = 0; i < 2; i++) {
		st = run_filtered(&empty_backend, shapes[i]);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
			printf("SKIP: no seccomp filters here\n");
			return 77;
		}
		printf("empty, %s shape: %s %d\n", chain_shape_name(shapes[i]),
		       WIFSIGNALED(st) ? "killed by signal" : "exit",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* The filter bites: the loop with its system calls dies of it. */
	st = run_filtered(&baseline_sync_backend, CHAIN_SHAPE_EMAIL);
	printf("baseline_sync: %s %d\n",
	       WIFSIGNALED(st) ? "killed by signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	return TEST_EXIT();
}
