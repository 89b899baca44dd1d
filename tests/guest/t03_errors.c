// SPDX-License-Identifier: MIT
/*
 * Malformed chains: bad pointers give -EFAULT (never an oops), disallowed
 * system calls -EPERM, invalid numbers -ENOSYS, unknown flags -EINVAL,
 * an unstopped self-loop -ELOOP, and a long chain stays interruptible and
 * killable.
 */
#include <signal.h>
#include <sys/wait.h>
#include "syslet_test.h"
#include <fcntl.h>

#define KADDR	 ((void *)0xffff888000001000ULL)
#define NONCANON ((void *)0x8000000000000000ULL)
#define UNMAPPED ((void *)0x10)

static void test_bad_pointers(void)
{
	static void *const bad[] = { NULL, UNMAPPED, KADDR, NONCANON };
	struct syslet_uatom a[2];
	int64_t r;
	uint64_t fd_v = 0, len = 16;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t bufp = (uintptr_t)bad[i];

		/* The chain itself. */
		CHECK_EQ(sys_async_exec(bad[i], NULL), -EFAULT);
		/* ret_ptr: ends the chain with -EFAULT. */
		init_atom(&a[0], SYSLET_SYNC, __NR_getpid, NULL, NULL, NULL,
			  NULL, NULL, NULL);
		a[0].ret_ptr = (uintptr_t)bad[i];
		CHECK_EQ(sys_async_exec(&a[0], NULL),
			 bad[i] ? -EFAULT : ptr2l(&a[0]));
		/* next: ends with -EFAULT after running the first atom. */
		init_atom(&a[0], SYSLET_SYNC, __NR_getpid, &r, NULL, NULL, NULL,
			  NULL, NULL);
		a[0].next = (uintptr_t)bad[i];
		r = 0;
		CHECK_EQ(sys_async_exec(&a[0], NULL),
			 bad[i] ? -EFAULT : ptr2l(&a[0]));
		CHECK_EQ(r, getpid());
		if (!bad[i])
			continue;
		/* An argument pointer: the atom's result is -EFAULT. */
		init_atom(&a[0], SYSLET_SYNC, __NR_getpid, &r, NULL, NULL, NULL,
			  NULL, NULL);
		a[0].arg_ptr[0] = (uintptr_t)bad[i];
		CHECK_EQ(sys_async_exec(&a[0], NULL), ptr2l(&a[0]));
		CHECK_EQ(r, -EFAULT);
		/* A bad buffer inside a syscall: read(0, bad, 16) on /dev/zero.
		 */
		fd_v = open("/dev/zero", O_RDONLY);
		init_atom(&a[0], SYSLET_SYNC, __NR_read, &r, NULL, &fd_v, &bufp,
			  &len, NULL);
		CHECK_EQ(sys_async_exec(&a[0], NULL), ptr2l(&a[0]));
		CHECK_EQ(r, -EFAULT);
		close((int)fd_v);
		/* umem_add on a bad address. */
		init_atom(&a[0], SYSLET_SYNC, SYSLET_NR_UMEM_ADD, &r, NULL,
			  &bufp, &len, NULL, NULL);
		CHECK_EQ(sys_async_exec(&a[0], NULL), ptr2l(&a[0]));
		CHECK_EQ(r, -EFAULT);
	}
	/* umem_add with no arguments: address 0. */
	init_atom(&a[0], SYSLET_SYNC, SYSLET_NR_UMEM_ADD, &r, NULL, NULL, NULL,
		  NULL, NULL);
	CHECK_EQ(sys_async_exec(&a[0], NULL), ptr2l(&a[0]));
	CHECK_EQ(r, -EFAULT);
	/* Skip-to-next off the end of a mapping. */
	{
		long pg = sysconf(_SC_PAGESIZE);
		char *m = aligned_alloc(pg, 2 * pg);
		struct syslet_uatom *last;
		uint64_t bad_fd = (uint64_t)-1;

		/* Place the atom at the very end of a page followed by NULL
		 * page: use a guard via an unmapped address instead: next atom
		 * = UNMAPPED. */
		last = (struct syslet_uatom *)(m + pg - sizeof(*last));
		init_atom(last,
			  SYSLET_SYNC | SYSLET_STOP_ON_NEGATIVE |
				  SYSLET_SKIP_TO_NEXT_ON_STOP,
			  __NR_close, &r, NULL, &bad_fd, NULL, NULL, NULL);
		/* last + 1 is readable heap here; make it an invalid atom nr. */
		memset(last + 1, 0, sizeof(*last));
		(last + 1)->nr = 0xffffffffu;
		(last + 1)->ret_ptr = (uintptr_t)&r;
		CHECK_EQ(sys_async_exec(last, NULL), ptr2l(last + 1));
		CHECK_EQ(r, -ENOSYS);
		free(m);
	}
}

static void test_numbers(void)
{
	static const uint32_t denied[] = {
		__NR_fork,
		__NR_vfork,
		__NR_clone,
		__NR_execve,
		__NR_exit,
		__NR_exit_group,
		__NR_rt_sigreturn,
		__NR_rt_sigprocmask,
		__NR_arch_prctl,
		__NR_prctl,
		__NR_seccomp,
		__NR_mmap,
		__NR_kill,
		__NR_nanosleep,
		__NR_set_tid_address,
		SYSLET_NR_INFO,
		SYSLET_NR_ASYNC_EXEC,
		SYSLET_NR_ASYNC_WAIT,
		SYSLET_NR_CLET_EXEC,
		SYSLET_NR_ASYNC_RETURN,
		451,
		599,
	};
	static const uint32_t invalid[] = {
		SYSLET_NR_BASE + SYSLET_NR_COUNT,
		1000,
		0x40000000u + 1,
		0x7fffffffu,
		0xffffffffu,
		SYSLET_NR_UMEM_ADD + 1,
	};
	struct syslet_uatom a;
	int64_t r;
	size_t i;

	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		r = 0;
		init_atom(&a, SYSLET_SYNC, denied[i], &r, NULL, NULL, NULL,
			  NULL, NULL);
		CHECK(sys_async_exec(&a, NULL) == ptr2l(&a), "nr %u",
		      denied[i]);
		CHECK(r == -EPERM, "nr %u: result %lld, expected -EPERM",
		      denied[i], (long long)r);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		r = 0;
		init_atom(&a, SYSLET_SYNC, invalid[i], &r, NULL, NULL, NULL,
			  NULL, NULL);
		CHECK(sys_async_exec(&a, NULL) == ptr2l(&a), "nr %u",
		      invalid[i]);
		CHECK(r == -ENOSYS, "nr %u: result %lld, expected -ENOSYS",
		      invalid[i], (long long)r);
	}
	/* Unknown flag bits. */
	init_atom(&a, SYSLET_SYNC | 0x100, __NR_getpid, &r, NULL, NULL, NULL,
		  NULL, NULL);
	CHECK_EQ(sys_async_exec(&a, NULL), -EINVAL);
	init_atom(&a, SYSLET_SYNC | 0x80000000u, __NR_getpid, &r, NULL, NULL,
		  NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&a, NULL), -EINVAL);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * Forks a child that runs an endless chain: a write of one byte to @ready,
 * then a self-loop of getppid. Once the parent has read that byte, the
 * child is inside async_exec, running the loop.
 */
static pid_t fork_endless_chain(int exit_code_on_eintr)
{
	static struct syslet_uatom a[2];
	static uint64_t fd_v, buf_v, len = 1;
	static int64_t r;
	static const char byte = 'r';
	int ready[2];
	char got;
	pid_t pid;

	CHECK_EQ(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		long ret;

		fd_v = ready[1];
		buf_v = (uintptr_t)&byte;
		init_atom(&a[0], SYSLET_SYNC, __NR_write, &r, &a[1], &fd_v,
			  &buf_v, &len, NULL);
		init_atom(&a[1], SYSLET_SYNC, __NR_getppid, &r, &a[1], NULL,
			  NULL, NULL, NULL);
		ret = sys_async_exec(&a[0], NULL);
		_exit(ret == -EINTR ? exit_code_on_eintr : 1);
	}
	CHECK_EQ(read(ready[0], &got, 1), 1);
	close(ready[0]);
	close(ready[1]);
	return pid;
}

static void test_loops(void)
{
	struct syslet_info info = get_info();
	struct syslet_uatom a;
	int64_t r;
	int status;
	pid_t pid;

	/* An unstopped self-loop ends with -ELOOP at the bound. */
	CHECK_EQ(set_max_atoms(1000), 0);
	CHECK_EQ(get_info().max_atoms, 1000);
	init_atom(&a, SYSLET_SYNC, __NR_getppid, &r, &a, NULL, NULL, NULL,
		  NULL);
	info = get_info();
	CHECK_EQ(sys_async_exec(&a, NULL), -ELOOP);
	CHECK_EQ(get_info().atoms_run - info.atoms_run, 1000);
	/* A sysctl of 0 is refused. */
	CHECK(set_max_atoms(0) != 0, "sysctl accepted 0");
	/* The default bound, too (1M atoms). */
	CHECK_EQ(set_max_atoms(SYSLET_MAX_ATOMS_DEFAULT), 0);
	CHECK_EQ(sys_async_exec(&a, NULL), -ELOOP);

	/*
	 * Endless (4G atoms): a signal interrupts, SIGKILL kills. Each signal
	 * goes once the child is in the loop; if it does not end the loop,
	 * the guest's per-test timeout fails the test.
	 */
	CHECK_EQ(set_max_atoms(0xffffffffu), 0);
	signal(SIGUSR1, on_usr1);
	pid = fork_endless_chain(0);
	kill(pid, SIGUSR1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "self-loop not interrupted by SIGUSR1 (status %#x)", status);

	pid = fork_endless_chain(3);
	kill(pid, SIGKILL);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "self-loop not killed (status %#x)", status);
	CHECK_EQ(set_max_atoms(SYSLET_MAX_ATOMS_DEFAULT), 0);
}

int main(void)
{
	test_name = "errors";
	require_syslets(NULL);
	test_bad_pointers();
	test_numbers();
	test_loops();
	return test_done();
}
