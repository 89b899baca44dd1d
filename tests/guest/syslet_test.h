/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the in-guest syslet tests: raw system calls with the numbers
 * from atoms/syslet.h, atom builders and pass/fail reporting.
 * Exit status: 0 pass, 1 fail. There is no skip: these tests only run in
 * the guest, whose kernel is always the patched one, so whatever a test
 * needs and does not find there is a broken kernel (a failure with its
 * reason), never an absent feature.
 */
#ifndef SYSLET_TEST_H
#define SYSLET_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syslet.h"

static const char *test_name = "test";
static int test_failures;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			printf("%s: FAIL %s:%d: %s: ", test_name, __FILE__, \
			       __LINE__, #cond);                            \
			printf(__VA_ARGS__);                                \
			printf("\n");                                       \
			test_failures++;                                    \
		}                                                           \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long _a = (long long)(a), _b = (long long)(b);      \
		CHECK(_a == _b, "%s = %lld, expected %lld", #a, _a, _b); \
	} while (0)

/* Fails the whole test at once: what follows cannot run without it. */
static inline void test_fail_now(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static inline void test_fail_now(const char *fmt, ...)
{
	va_list ap;

	printf("%s: FAIL: ", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static inline int test_done(void)
{
	printf("%s: %s (%d failure%s)\n", test_name,
	       test_failures ? "FAIL" : "PASS", test_failures,
	       test_failures == 1 ? "" : "s");
	return test_failures ? 1 : 0;
}

/* Raw calls: return the kernel's value, -errno on failure. */
static inline long raw(long r)
{
	return r == -1 ? -errno : r;
}

static inline long sys_syslet_info(struct syslet_info *info, unsigned int size)
{
	return raw(syscall(SYSLET_NR_INFO, info, size));
}

static inline long sys_async_exec(struct syslet_uatom *atom,
				  struct async_head_user *ahu)
{
	return raw(syscall(SYSLET_NR_ASYNC_EXEC, atom, ahu));
}

static inline long sys_async_wait(unsigned int min, struct async_head_user *ahu)
{
	return raw(syscall(SYSLET_NR_ASYNC_WAIT, min, ahu));
}

/* Fail unless this kernel answers the syslet handshake. */
static inline void require_syslets(struct syslet_info *info)
{
	struct syslet_info tmp;
	long r;

	if (!info)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	r = sys_syslet_info(info, sizeof(*info));
	if (r < 0)
		test_fail_now(
			"syscall %d is not syslet_info on this kernel (%s)",
			SYSLET_NR_INFO, strerror((int)-r));
	if (info->magic != SYSLET_MAGIC ||
	    info->abi_version != SYSLET_ABI_VERSION)
		test_fail_now(
			"syslet_info handshake mismatch (magic %llx abi %u)",
			(unsigned long long)info->magic, info->abi_version);
}

/* Write the kernel.syslet_max_atoms sysctl; 0 or -1. */
static inline int set_max_atoms(unsigned long long v)
{
	FILE *f = fopen("/proc/sys/kernel/syslet_max_atoms", "w");

	if (!f)
		return -1;
	fprintf(f, "%llu\n", v);
	return fclose(f);
}

/*
 * The state letter of a /proc/.../stat line, or 0: "pid (comm) S ...",
 * where comm may hold spaces and parentheses.
 */
static inline char proc_stat_state(const char *line)
{
	const char *state = strrchr(line, ')');

	return state && state[1] ? state[2] : 0;
}

/*
 * Waits until thread @tid of process @pid is in one of @states (letters of
 * /proc/<pid>/task/<tid>/stat's state field); returns that state, or -1
 * when the thread is gone. Only for an event that nothing but the
 * thread's state marks. No time limit here: the guest's per-test timeout
 * is the hang guard.
 */
static inline int wait_task_state(pid_t pid, pid_t tid, const char *states)
{
	char path[64], buf[512], state;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
		 (int)tid);
	for (;;) {
		int fd = open(path, O_RDONLY);
		ssize_t n;

		if (fd < 0)
			return -1;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		state = proc_stat_state(buf);
		if (state && strchr(states, state))
			return state;
		sched_yield();
	}
}

/*
 * Waits until thread @tid of process @pid sleeps (state S or D): a thread
 * blocked inside a system call that tells nobody it got there (a
 * SYSLET_SYNC atom's read). The caller makes sure the thread can sleep
 * nowhere else by then.
 */
static inline int wait_task_asleep(pid_t pid, pid_t tid)
{
	return wait_task_state(pid, tid, "SD") < 0 ? -1 : 0;
}

/*
 * The parent's side of a child one of whose threads will sleep reading a
 * pipe (a blocking atom): the child writes that thread's id to @ready_fd
 * first. Once the thread sleeps, one byte goes to @feed_fd. EOF on
 * @ready_fd (the child ended before) or a thread that is gone feeds
 * nothing: the child's wait status tells why.
 */
static inline void feed_when_asleep(pid_t pid, int ready_fd, int feed_fd)
{
	pid_t tid;

	if (read(ready_fd, &tid, sizeof(tid)) != sizeof(tid) ||
	    wait_task_asleep(pid, tid))
		return;
	CHECK(write(feed_fd, "x", 1) == 1, "write to the fed pipe: %s",
	      strerror(errno));
}

static inline struct syslet_info get_info(void)
{
	struct syslet_info info;

	memset(&info, 0, sizeof(info));
	sys_syslet_info(&info, sizeof(info));
	return info;
}

/* Build an atom; args are pointers to u64 values, NULL-terminated. */
static inline void init_atom(struct syslet_uatom *a, uint32_t flags,
			     uint32_t nr, int64_t *ret,
			     struct syslet_uatom *next, uint64_t *a0,
			     uint64_t *a1, uint64_t *a2, uint64_t *a3)
{
	memset(a, 0, sizeof(*a));
	a->flags = flags;
	a->nr = nr;
	a->ret_ptr = (uint64_t)(uintptr_t)ret;
	a->next = (uint64_t)(uintptr_t)next;
	a->arg_ptr[0] = (uint64_t)(uintptr_t)a0;
	a->arg_ptr[1] = (uint64_t)(uintptr_t)a1;
	a->arg_ptr[2] = (uint64_t)(uintptr_t)a2;
	a->arg_ptr[3] = (uint64_t)(uintptr_t)a3;
}

static inline long ptr2l(const void *p)
{
	return (long)(uintptr_t)p;
}

/* A completion ring of @size entries (power of two). */
struct test_ring {
	struct async_head_user ahu;
	struct syslet_completion comp[64];
};

static inline void ring_init(struct test_ring *r, unsigned int size)
{
	memset(r, 0, sizeof(*r));
	r->ahu.ring_size = size;
	r->ahu.completion_ring = (uint64_t)(uintptr_t)r->comp;
}

static inline unsigned int ring_ready(struct test_ring *r)
{
	return __atomic_load_n(&r->ahu.kernel_ring_idx, __ATOMIC_ACQUIRE) -
	       r->ahu.user_ring_idx;
}

static inline int ring_pop(struct test_ring *r, struct syslet_completion *c)
{
	if (!ring_ready(r))
		return 0;
	*c = r->comp[r->ahu.user_ring_idx & (r->ahu.ring_size - 1)];
	__atomic_store_n(&r->ahu.user_ring_idx, r->ahu.user_ring_idx + 1,
			 __ATOMIC_RELEASE);
	return 1;
}

#endif /* SYSLET_TEST_H */
