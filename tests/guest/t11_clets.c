// SPDX-License-Identifier: MIT
/*
 * Clets through the raw calls: fn runs in
 * user mode on the supplied stack; the sync path returns 1 and stores the
 * result; a clet blocked on an empty pipe lets the caller go on (one
 * cachemiss, one SYSLET_COMPLETION_CLET record after the write); many in
 * flight; faults, exit and never-returning clets in children; nesting;
 * async_return misuse; bad arguments and a fuzz of them.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "syslet_test.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "atoms/raw_syscall.h"
#include "clets/clet_sys.h"

#define STACK_SIZE (64 * 1024)
#define NPIPES	   8

static struct test_ring ring;
static char stacks[NPIPES + 1][STACK_SIZE] __attribute__((aligned(16)));
static int pipes[NPIPES][2];

static void ring_setup(void)
{
	ring_init(&ring, 16);
	ring.ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
}

static void *top(int i)
{
	return stacks[i] + STACK_SIZE;
}

/* Records where it ran. */
static uintptr_t seen_local;
static unsigned int seen_cs;

static long probe_clet(unsigned long arg)
{
	volatile int local = 1;
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	seen_cs = cs;
	seen_local = (uintptr_t)&local;
	return (long)(arg * 2 + 1) + local - 1;
}

static void test_sync(void)
{
	struct syslet_info b, a;
	int64_t r = 0;
	long ret;
	int i;

	b = get_info();
	ret = clet_sys_exec(probe_clet, 20, top(0), &ring.ahu, &r);
	CHECK_EQ(ret, 1);
	CHECK_EQ(r, 41);
	CHECK(seen_local >= (uintptr_t)stacks[0] &&
		      seen_local < (uintptr_t)top(0),
	      "local at %#lx not on the clet stack %p..%p",
	      (unsigned long)seen_local, (void *)stacks[0], top(0));
	CHECK_EQ(seen_cs & 3, 3);
	/* NULL ret: runs, stores nothing. */
	CHECK_EQ(clet_sys_exec(probe_clet, 5, top(0), &ring.ahu, NULL), 1);
	/* Unaligned stack top is rounded down. */
	r = 0;
	CHECK_EQ(
		clet_sys_exec(probe_clet, 7, (char *)top(0) - 5, &ring.ahu, &r),
		1);
	CHECK_EQ(r, 15);
	for (i = 0; i < 1000; i++) {
		r = -1;
		ret = clet_sys_exec(probe_clet, i, top(0), &ring.ahu, &r);
		if (ret != 1 || r != 2 * i + 1) {
			CHECK(0, "iteration %d: ret %ld r %lld", i, ret,
			      (long long)r);
			break;
		}
	}
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 0);
	CHECK_EQ(a.completions - b.completions, 0);
	CHECK_EQ(ring_ready(&ring), 0);
}

/* Reads the pipe of index arg (raw: errno is not ours after a handoff). */
static long pipe_clet(unsigned long arg)
{
	char buf[16];
	long n = raw_syscall6(__NR_read, pipes[arg][0], (long)buf, sizeof(buf),
			      0, 0, 0);

	return n < 0 ? n : n * 100 + (long)arg;
}

static int wait_one(struct syslet_completion *c)
{
	if (sys_async_wait(1, &ring.ahu) < 1)
		return 0;
	return ring_pop(&ring, c);
}

static void test_pipe(void)
{
	struct syslet_info b, a;
	struct syslet_completion c = { 0 };
	int64_t r = 0x5555;
	long ret;

	CHECK_EQ(pipe(pipes[0]), 0);
	b = get_info();
	ret = clet_sys_exec(pipe_clet, 0, top(0), &ring.ahu, &r);
	CHECK(ret == 0, "blocking clet did not go async: %ld", ret);
	CHECK_EQ(r, 0x5555);
	CHECK_EQ(ring_ready(&ring), 0);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	CHECK_EQ(write(pipes[0][1], "hello", 5), 5);
	CHECK(wait_one(&c), "no completion");
	CHECK_EQ(c.cookie, 0);
	CHECK_EQ(c.atom, (uintptr_t)pipe_clet);
	CHECK_EQ(c.result, 500);
	CHECK_EQ(c.kind, SYSLET_COMPLETION_CLET);
	/* Returns once nothing is in flight: no second record can follow. */
	CHECK_EQ(sys_async_wait(1, &ring.ahu), 0);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	CHECK_EQ(a.completions - b.completions, 1);
	CHECK_EQ(r, 0x5555);
	printf("clets: pipe: went async, completion result %lld\n",
	       (long long)c.result);
	/* Data already there: the same clet completes synchronously. */
	CHECK_EQ(write(pipes[0][1], "abc", 3), 3);
	CHECK_EQ(clet_sys_exec(pipe_clet, 0, top(0), &ring.ahu, &r), 1);
	CHECK_EQ(r, 300);
	close(pipes[0][0]);
	close(pipes[0][1]);
}

static void test_many(void)
{
	struct syslet_completion c = { 0 };
	int64_t r;
	unsigned int seen = 0;
	int i;

	for (i = 0; i < NPIPES; i++) {
		CHECK_EQ(pipe(pipes[i]), 0);
		CHECK_EQ(clet_sys_exec(pipe_clet, i, top(i), &ring.ahu, &r), 0);
	}
	for (i = NPIPES - 1; i >= 0; i--)
		CHECK_EQ(write(pipes[i][1], "xy", 2), 2);
	for (i = 0; i < NPIPES; i++) {
		if (!wait_one(&c)) {
			CHECK(0, "completion %d missing", i);
			break;
		}
		CHECK(c.cookie < NPIPES, "cookie %llu",
		      (unsigned long long)c.cookie);
		CHECK_EQ(c.result, 200 + (long long)c.cookie);
		CHECK_EQ(c.kind, SYSLET_COMPLETION_CLET);
		seen |= 1u << c.cookie;
	}
	CHECK_EQ(seen, (1u << NPIPES) - 1);
	for (i = 0; i < NPIPES; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
}

static long null_clet(unsigned long arg)
{
	return *(volatile long *)arg;
}

static long block_then_fault_clet(unsigned long arg)
{
	char buf[4];

	raw_syscall6(__NR_read, pipes[0][0], (long)buf, 1, 0, 0, 0);
	return *(volatile long *)0;
}

static long exit_clet(unsigned long arg)
{
	raw_syscall6(__NR_exit_group, (long)arg, 0, 0, 0, 0, 0);
	return 0;
}

/* Writes one byte to the pipe of index arg, then never returns. */
static long loop_clet(unsigned long arg)
{
	raw_syscall6(__NR_write, pipes[arg][1], (long)"l", 1, 0, 0, 0);
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 0;
}

static long nest_clet(unsigned long arg)
{
	int64_t r;
	struct syslet_uatom atom;

	if (arg == 0)
		return clet_sys_exec(probe_clet, 1, top(1), &ring.ahu, &r);
	init_atom(&atom, SYSLET_SYNC, __NR_getppid, &r, NULL, NULL, NULL, NULL,
		  NULL);
	return raw_syscall6(SYSLET_NR_ASYNC_EXEC, (long)&atom, 0, 0, 0, 0, 0);
}

/*
 * Runs fn in a child; returns its wait status. With @write_byte, a clet
 * that went async (blocked on pipes[0]) gets a byte and the child waits
 * for what the clet then does to it (a hang ends at the guest's per-test
 * timeout).
 */
static int in_child(clet_sys_fn fn, unsigned long arg, int write_byte)
{
	int64_t r;
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		long ret = clet_sys_exec(fn, arg, top(0), &ring.ahu, &r);

		if (ret == 0 && write_byte) {
			(void)!write(pipes[0][1], "z", 1);
			for (;;)
				pause();
		}
		_exit(100 + (int)ret);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

static void test_safety(void)
{
	char byte;
	int64_t r = 0;
	int st;
	pid_t pid;

	/* async_return without a clet. */
	CHECK_EQ(raw_syscall6(SYSLET_NR_ASYNC_RETURN, 5, 0, 0, 0, 0, 0),
		 -EINVAL);
	CHECK_EQ(clet_sys_return(0), -EINVAL);

	st = in_child(null_clet, 0, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "NULL clet: status %#x", st);
	CHECK_EQ(pipe(pipes[0]), 0);
	st = in_child(block_then_fault_clet, 0, 1);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "fault after cachemiss: status %#x", st);
	close(pipes[0][0]);
	close(pipes[0][1]);
	st = in_child(exit_clet, 7, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit clet: status %#x",
	      st);

	/* SIGKILL once the clet runs (its byte arrived). */
	CHECK_EQ(pipe(pipes[0]), 0);
	pid = fork();
	if (pid == 0) {
		clet_sys_exec(loop_clet, 0, top(0), &ring.ahu, &r);
		_exit(0);
	}
	CHECK_EQ(read(pipes[0][0], &byte, 1), 1);
	kill(pid, SIGKILL);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	close(pipes[0][0]);
	close(pipes[0][1]);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "loop clet: status %#x", st);

	/* Nesting is refused inside the clet. */
	CHECK_EQ(clet_sys_exec(nest_clet, 0, top(0), &ring.ahu, &r), 1);
	CHECK_EQ(r, -EBUSY);
	CHECK_EQ(clet_sys_exec(nest_clet, 1, top(0), &ring.ahu, &r), 1);
	CHECK_EQ(r, -EBUSY);
	/* And everything works again afterwards. */
	CHECK_EQ(clet_sys_exec(probe_clet, 3, top(0), &ring.ahu, &r), 1);
	CHECK_EQ(r, 7);
}

static const unsigned long kernel_addr = 0xffffffff81000000UL;
static const unsigned long noncanon = 0x8000000000000000UL;

static void test_bad_args(void)
{
	struct test_ring bad;
	int64_t r = 0;
	void *unmapped;

	unmapped = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			0);
	CHECK(unmapped != MAP_FAILED, "mmap");

	CHECK_EQ(clet_sys_exec(NULL, 0, top(0), &ring.ahu, &r), -EINVAL);
	CHECK_EQ(clet_sys_exec((clet_sys_fn)noncanon, 0, top(0), &ring.ahu, &r),
		 -EINVAL);
	CHECK_EQ(clet_sys_exec((clet_sys_fn)kernel_addr, 0, top(0), &ring.ahu,
			       &r),
		 -EINVAL);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, NULL, &ring.ahu, &r), -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, (void *)8, &ring.ahu, &r),
		 -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, (char *)unmapped + 65536,
			       &ring.ahu, &r),
		 -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, (void *)kernel_addr, &ring.ahu,
			       &r),
		 -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, (void *)noncanon, &ring.ahu, &r),
		 -EFAULT);
	CHECK_EQ(
		clet_sys_exec(probe_clet, 0, (void *)probe_clet, &ring.ahu, &r),
		-EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), NULL, &r), -EINVAL);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), unmapped, &r), -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), (void *)kernel_addr, &r),
		 -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &ring.ahu,
			       (int64_t *)kernel_addr),
		 -EFAULT);
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &ring.ahu,
			       (int64_t *)noncanon),
		 -EFAULT);
	bad = ring;
	bad.ahu.clet_trampoline = 0;
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &bad.ahu, &r), -EINVAL);
	bad.ahu.clet_trampoline = kernel_addr;
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &bad.ahu, &r), -EINVAL);
	bad = ring;
	bad.ahu.ring_size = 3;
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &bad.ahu, &r), -EINVAL);
	bad = ring;
	bad.ahu.reserved[0] = 1;
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &bad.ahu, &r), -EINVAL);
	/* A fault storing the sync result: the clet ran, -EFAULT. */
	CHECK_EQ(clet_sys_exec(probe_clet, 0, top(0), &ring.ahu, unmapped),
		 -EFAULT);
	munmap(unmapped, 65536);
}

/* xorshift64 */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random address that is not usable user memory. */
static unsigned long bad_addr(void *unmapped)
{
	switch (rnd() % 4) {
	case 0:
		return 0xffff800000000000UL | rnd(); /* kernel half */
	case 1:
		return (rnd() | 0x0000800000000000UL) &
		       0x7fffffffffffffffUL; /* non-canonical */
	case 2:
		return (unsigned long)unmapped + (rnd() % 65536);
	default:
		return rnd() % 4096; /* NULL page */
	}
}

static void test_fuzz(void)
{
	void *unmapped = mmap(NULL, 65536, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct test_ring bad;
	unsigned long n[5] = { 0 }, bad_ret[5] = { 0 };
	int64_t r = 0;
	int cls, i;
	long ret;

	for (cls = 0; cls < 5; cls++) {
		for (i = 0; i < 1000; i++) {
			unsigned long a = bad_addr(unmapped);

			switch (cls) {
			case 0: /* fn: kernel or non-canonical */
				if (a < 0x0000800000000000UL)
					a |= 0xffff800000000000UL;
				ret = clet_sys_exec((clet_sys_fn)a, rnd(),
						    top(0), &ring.ahu, &r);
				break;
			case 1: /* stack */
				ret = clet_sys_exec(probe_clet, 0, (void *)a,
						    &ring.ahu, &r);
				break;
			case 2: /* ahu */
				ret = clet_sys_exec(probe_clet, 0, top(0),
						    (void *)a, &r);
				break;
			case 3: /* ret */
				if (a < 0x0000800000000000UL)
					a |= 0xffff800000000000UL;
				ret = clet_sys_exec(probe_clet, 0, top(0),
						    &ring.ahu, (int64_t *)a);
				break;
			default: /* ring header */
				bad = ring;
				bad.ahu.clet_trampoline =
					(rnd() & 1) ? a | 0xffff800000000000UL :
						      0;
				bad.ahu.ring_size = (uint32_t)rnd();
				bad.ahu.flags = (uint32_t)rnd() | 1;
				ret = clet_sys_exec(probe_clet, 0, top(0),
						    &bad.ahu, &r);
				break;
			}
			n[cls]++;
			if (ret >= 0)
				bad_ret[cls]++;
		}
		CHECK(bad_ret[cls] == 0, "class %d: %lu of %lu accepted", cls,
		      bad_ret[cls], n[cls]);
	}
	printf("clets: fuzz: %lu+%lu+%lu+%lu+%lu bad calls refused\n", n[0],
	       n[1], n[2], n[3], n[4]);
	munmap(unmapped, 65536);
	/* Still healthy. */
	CHECK_EQ(clet_sys_exec(probe_clet, 4, top(0), &ring.ahu, &r), 1);
	CHECK_EQ(r, 9);
}

int main(void)
{
	test_name = "clets";
	require_syslets(NULL);
	ring_setup();
	if (clet_sys_return(0) == -ENOSYS)
		test_fail_now("async_return is not implemented on this kernel");
	test_sync();
	test_pipe();
	test_many();
	test_safety();
	test_bad_args();
	test_fuzz();
	return test_done();
}
