// SPDX-License-Identifier: MIT
/*
 * Cachemiss: a chain that blocks goes async (async_exec returns 0 in a
 * spare thread that carries the user context on) and completes through
 * the ring; SYSLET_SYNC never goes async, SYSLET_ASYNC goes async at once,
 * SYSLET_NO_COMPLETE posts nothing; exit, exec and SIGKILL with chains in
 * flight.
 */
#include "syslet_test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

static __thread int tls_value = 1234;

/* async_exec with a value held in xmm7 across it (FPU state must move). */
static long async_exec_xmm(struct syslet_uatom *a, struct async_head_user *ahu,
			   uint64_t val, uint64_t *out)
{
	long ret;
	uint64_t o;

	asm volatile("movq %[v], %%xmm7\n\t"
		     "syscall\n\t"
		     "movq %%xmm7, %[o]"
		     : "=a"(ret), [o] "=r"(o)
		     : "a"((long)SYSLET_NR_ASYNC_EXEC), "D"(a),
		       "S"(ahu), [v] "r"(val)
		     : "rcx", "r11", "memory", "xmm7");
	*out = o;
	return ret;
}

static int wait_one(struct test_ring *r, struct syslet_completion *c)
{
	long n = sys_async_wait(1, &r->ahu);

	if (n < 1)
		return 0;
	return ring_pop(r, c);
}

static void test_pipe(void)
{
	static struct test_ring ring;
	struct syslet_info b, a;
	struct syslet_uatom atom;
	struct syslet_completion c;
	char buf[16] = "";
	int64_t r = 0x5555;
	uint64_t fd_v, buf_v = (uintptr_t)buf, len = sizeof(buf), xmm = 0;
	pid_t tid0 = gettid();
	int p[2];
	long ret;

	ring_init(&ring, 8);
	CHECK_EQ(pipe(p), 0);
	fd_v = p[0];
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	atom.private = 0xc0ffee;
	tls_value = 777;
	b = get_info();
	ret = async_exec_xmm(&atom, &ring.ahu, 0x1122334455667788ULL, &xmm);
	CHECK(ret == 0, "blocking read did not go async: ret %ld", ret);
	CHECK_EQ(xmm, 0x1122334455667788ULL);
	CHECK_EQ(tls_value, 777);
	CHECK_EQ(r, 0x5555);
	CHECK_EQ(ring_ready(&ring), 0);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	printf("pipe: went async (tid %d -> %d)\n", tid0, (int)gettid());

	CHECK_EQ(write(p[1], "hello", 5), 5);
	CHECK(wait_one(&ring, &c), "no completion");
	CHECK_EQ(c.cookie, 0xc0ffee);
	CHECK_EQ(c.atom, (uintptr_t)&atom);
	CHECK_EQ(c.result, 5);
	CHECK_EQ(c.kind, SYSLET_COMPLETION_ATOM);
	CHECK_EQ(r, 5);
	CHECK(memcmp(buf, "hello", 5) == 0, "buffer");
	/* Returns once nothing is in flight: no second record can follow. */
	CHECK_EQ(sys_async_wait(1, &ring.ahu), 0);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	CHECK_EQ(a.completions - b.completions, 1);
	CHECK_EQ(a.chains_inline - b.chains_inline, 0);
	close(p[0]);
	close(p[1]);
}

/*
 * A SYSLET_SYNC read that blocks stays in the caller: the first atom tells
 * a child that the chain runs, the child waits until the caller sleeps in
 * the second atom's read (its state: nothing else marks that) and only
 * then writes the data.
 */
static void test_sync_blocks(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atoms[2];
	static const char byte = 'r';
	struct syslet_info b, a;
	char buf[8], got;
	int64_t wr = 0, r = 0;
	uint64_t ready_v, byte_v = (uintptr_t)&byte, one = 1;
	uint64_t fd_v, buf_v = (uintptr_t)buf, len = sizeof(buf);
	int p[2], ready[2], status;
	pid_t pid, tid = gettid();

	ring_init(&ring, 8);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		if (read(ready[0], &got, 1) != 1 ||
		    wait_task_asleep(getppid(), tid))
			_exit(2);
		_exit(write(p[1], "abc", 3) == 3 ? 0 : 1);
	}
	ready_v = ready[1];
	fd_v = p[0];
	init_atom(&atoms[0], SYSLET_SYNC, __NR_write, &wr, &atoms[1], &ready_v,
		  &byte_v, &one, NULL);
	init_atom(&atoms[1], SYSLET_SYNC, __NR_read, &r, NULL, &fd_v, &buf_v,
		  &len, NULL);
	b = get_info();
	CHECK_EQ(sys_async_exec(&atoms[0], &ring.ahu), ptr2l(&atoms[1]));
	a = get_info();
	CHECK_EQ(wr, 1);
	CHECK_EQ(r, 3);
	CHECK_EQ(a.cachemisses - b.cachemisses, 0);
	CHECK_EQ(a.chains_inline - b.chains_inline, 1);
	CHECK_EQ(ring_ready(&ring), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer child: status %#x", status);
	close(p[0]);
	close(p[1]);
	close(ready[0]);
	close(ready[1]);
}

static void test_flags(void)
{
	static struct test_ring ring;
	struct syslet_info b, a;
	struct syslet_uatom atom;
	struct syslet_completion c;
	int64_t r = 0;

	ring_init(&ring, 8);
	/* Non-blocking, no flag: completes inline, posts nothing. */
	init_atom(&atom, 0, __NR_getppid, &r, NULL, NULL, NULL, NULL, NULL);
	b = get_info();
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), ptr2l(&atom));
	a = get_info();
	CHECK_EQ(r, getppid());
	CHECK_EQ(a.chains_inline - b.chains_inline, 1);
	CHECK_EQ(a.cachemisses - b.cachemisses, 0);
	CHECK_EQ(ring_ready(&ring), 0);

	/* SYSLET_ASYNC: async at once, even though nothing blocks. */
	init_atom(&atom, SYSLET_ASYNC, __NR_getpid, &r, NULL, NULL, NULL, NULL,
		  NULL);
	atom.private = 42;
	b = get_info();
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), 0);
	CHECK(wait_one(&ring, &c), "no completion for SYSLET_ASYNC");
	CHECK_EQ(c.cookie, 42);
	CHECK_EQ(c.result, getpid());
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	CHECK_EQ(a.completions - b.completions, 1);

	/* SYSLET_ASYNC | SYSLET_NO_COMPLETE: async, nothing posted. */
	init_atom(&atom, SYSLET_ASYNC | SYSLET_NO_COMPLETE, __NR_getpid, &r,
		  NULL, NULL, NULL, NULL, NULL);
	b = get_info();
	r = 0;
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), 0);
	/*
	 * async_wait returns what there is once nothing is in flight: here,
	 * after the chain ended, and that must be nothing.
	 */
	CHECK_EQ(sys_async_wait(1, &ring.ahu), 0);
	CHECK_EQ(r, getpid());
	CHECK_EQ(ring_ready(&ring), 0);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, 1);
	CHECK_EQ(a.completions - b.completions, 0);

	/* SYSLET_SYNC | SYSLET_ASYNC: SYNC wins. */
	init_atom(&atom, SYSLET_SYNC | SYSLET_ASYNC, __NR_getpid, &r, NULL,
		  NULL, NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), ptr2l(&atom));
}

/* NREADERS chains, each one read() of an empty pipe of its own. */
enum { NREADERS = 4 };

struct readers {
	struct syslet_uatom atom[NREADERS];
	char buf[NREADERS][8];
	int64_t r[NREADERS];
	uint64_t fd_v[NREADERS], buf_v[NREADERS], len;
	int p[NREADERS][2];
};

/* Every read blocks, so each chain must go async; reader i has cookie i. */
static void readers_start(struct readers *rd, struct test_ring *ring)
{
	int i;

	rd->len = sizeof(rd->buf[0]);
	for (i = 0; i < NREADERS; i++) {
		CHECK_EQ(pipe(rd->p[i]), 0);
		rd->fd_v[i] = rd->p[i][0];
		rd->buf_v[i] = (uintptr_t)rd->buf[i];
		init_atom(&rd->atom[i], 0, __NR_read, &rd->r[i], NULL,
			  &rd->fd_v[i], &rd->buf_v[i], &rd->len, NULL);
		rd->atom[i].private = i;
		CHECK_EQ(sys_async_exec(&rd->atom[i], &ring->ahu), 0);
	}
}

/* Wakes every reader with @len bytes of @s. */
static void readers_feed(struct readers *rd, const char *s, long len)
{
	int i;

	for (i = 0; i < NREADERS; i++)
		CHECK_EQ(write(rd->p[i][1], s, len), len);
}

static void readers_close(struct readers *rd)
{
	int i;

	for (i = 0; i < NREADERS; i++) {
		close(rd->p[i][0]);
		close(rd->p[i][1]);
	}
}

static void test_many(void)
{
	static struct test_ring ring;
	static struct readers rd;
	struct syslet_completion c;
	struct syslet_info b, a;
	int i, seen = 0;

	ring_init(&ring, 4);
	b = get_info();
	readers_start(&rd, &ring);
	readers_feed(&rd, "xy", 2);
	for (i = 0; i < NREADERS; i++) {
		if (!wait_one(&ring, &c)) {
			CHECK(0, "completion %d missing", i);
			break;
		}
		CHECK(c.cookie < NREADERS, "cookie %llu",
		      (unsigned long long)c.cookie);
		seen |= 1 << c.cookie;
		CHECK_EQ(c.result, 2);
	}
	CHECK_EQ(seen, (1 << NREADERS) - 1);
	a = get_info();
	CHECK_EQ(a.cachemisses - b.cachemisses, NREADERS);
	CHECK_EQ(a.completions - b.completions, NREADERS);
	readers_close(&rd);
}

/* A ring of 2 and 4 completions: runners 3 and 4 wait for room. */
static void test_full_ring(void)
{
	static struct test_ring ring;
	static struct readers rd;
	struct syslet_completion c;
	int got = 0, seen = 0;

	ring_init(&ring, 2);
	readers_start(&rd, &ring);
	readers_feed(&rd, "q", 1);
	/* Returns once the ring is full: the other two wait for room. */
	CHECK_EQ(sys_async_wait(2, &ring.ahu), 2);
	CHECK_EQ(ring_ready(&ring), 2);
	while (got < NREADERS) {
		long n = sys_async_wait(1, &ring.ahu);

		if (n < 1) {
			CHECK(0, "async_wait returned %ld after %d", n, got);
			break;
		}
		while (ring_pop(&ring, &c)) {
			CHECK_EQ(c.result, 1);
			seen |= 1 << c.cookie;
			got++;
		}
	}
	CHECK_EQ(seen, (1 << NREADERS) - 1);
	readers_close(&rd);
}

static void test_bad_rings(void)
{
	static struct test_ring ring;
	struct syslet_uatom atom;
	int64_t r;

	init_atom(&atom, 0, __NR_getpid, &r, NULL, NULL, NULL, NULL, NULL);
	CHECK_EQ(sys_async_exec(&atom, NULL), -EINVAL);
	CHECK_EQ(sys_async_exec(&atom, (void *)0x10), -EFAULT);
	ring_init(&ring, 3);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EINVAL);
	ring_init(&ring, 0);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EINVAL);
	ring_init(&ring, 8);
	ring.ahu.flags = 1;
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EINVAL);
	ring_init(&ring, 8);
	ring.ahu.reserved[3] = 1;
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EINVAL);
	ring_init(&ring, 8);
	ring.ahu.completion_ring = 0xffff888000000000ULL;
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), -EFAULT);
	CHECK_EQ(sys_async_wait(1, NULL), -EINVAL);
	CHECK_EQ(sys_async_wait(1, (void *)0x10), -EFAULT);
}

/* A chain blocked on an empty pipe, in a child that then does @what. */
static void child_with_chain_in_flight(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static char buf[8];
	static int64_t r;
	static uint64_t fd_v, buf_v, len = 8;
	int p[2];

	ring_init(&ring, 8);
	if (pipe(p))
		_exit(2);
	fd_v = p[0];
	buf_v = (uintptr_t)buf;
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	if (sys_async_exec(&atom, &ring.ahu) != 0)
		_exit(3);
}

/* A process exits, or execs, with a chain blocked in flight. */
static void test_exit_exec(int exec)
{
	int status;
	pid_t pid;

	/* If the exit or exec hangs, the guest's per-test timeout fails us. */
	pid = fork();
	if (pid == 0) {
		child_with_chain_in_flight();
		if (exec) {
			char *argv[] = { "t05", "--exit-7", NULL };

			execv("/proc/self/exe", argv);
			_exit(4);
		}
		exit(7);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "%s with a chain in flight: status %#x", exec ? "exec" : "exit",
	      status);
}

/* SIGKILL with a chain in flight and spares parked. */
static void test_kill(void)
{
	int ready[2], status;
	char got;
	pid_t pid;

	CHECK_EQ(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		child_with_chain_in_flight();
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	/* async_exec returned 0 in the child: its chain is in flight. */
	CHECK_EQ(read(ready[0], &got, 1), 1);
	kill(pid, SIGKILL);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	close(ready[1]);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x",
	      status);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit-7"))
		return 7;
	test_name = "cachemiss";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_bad_rings();
	test_flags();
	test_pipe();
	test_sync_blocks();
	test_many();
	test_full_ring();
	test_exit_exec(0);
	test_exit_exec(1);
	test_kill();
	return test_done();
}
