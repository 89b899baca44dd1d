// SPDX-License-Identifier: MIT
/*
 * A clet's way back to user space must not hand its caller off (the
 * "rseq" defect t20_fuzz_async found): the rseq update on that way
 * (rseq_handle_notify_resume()) that sleeps in a page fault handed the
 * caller, rseq registration included, to a spare in the middle of the
 * update, which then wrote through the moved-away area: SIGSEGV on the
 * runner, and the process died of it.
 *
 * Without a fork: the caller registers an rseq area in a file page and
 * evicts the page (its copy and the page cache's); its clet then sleeps
 * in place (ppoll with a mask never hands off) and is scheduled out, so
 * its way back asks for the rseq update, whose fault reads the page from
 * disk and sleeps. In the fuzzer it was glibc's area, copy-on-write after
 * a sibling's fork, and the fault most likely slept on mmap_lock (held by
 * the fork). The read may end before the fault waits for it (then
 * nothing sleeps): ROUNDS rounds; on the series before the fix 8 of 8,
 * 3 of 5 and 17 of 20 died.
 *
 * Cases, each in a child (a defect kills it):
 *  - exit, ROUNDS times: that clet ends synchronously (clet_exec returns
 *    1 with ppoll's 1) and the kernel filled in the area's cpu_id;
 *  - fault: the clet's own user-mode read of an evicted page is a
 *    cachemiss (documented: its page faults hand off like its system
 *    calls) when it sleeps, and glibc's rseq registration moves with the
 *    caller.
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "clet_defect.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/rseq.h>

#ifndef RSEQ_SIG
#define RSEQ_SIG 0x53053053
#endif

#define COLD_FILE "t31-cold.dat"
#define RSEQ_LEN  32 /* the registration length of this kernel */
#define ROUNDS	  8

static struct waker waker;

static int cold_fd = -1;

/*
 * A file page, mapped private: its first 32 bytes an rseq area with
 * cpu_id unset (RSEQ_CPU_ID_UNINITIALIZED), the rest 0xff. In the page
 * cache until evict().
 */
static char *file_page(void)
{
	static char page[4096];
	struct rseq init = { .cpu_id_start = (uint32_t)-1,
			     .cpu_id = (uint32_t)-1 };
	char *p;

	memset(page, 0xff, sizeof(page));
	memcpy(page, &init, sizeof(init));
	cold_fd = open(COLD_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (cold_fd < 0 || write(cold_fd, page, sizeof(page)) != sizeof(page) ||
	    fsync(cold_fd))
		test_fail_now("write %s: %s", COLD_FILE, strerror(errno));
	unlink(COLD_FILE);
	p = mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 cold_fd, 0);
	if (p == MAP_FAILED)
		test_fail_now("mmap: %s", strerror(errno));
	return p;
}

/*
 * Drops @p's private copy and the page cache's: its next access reads
 * the disk. A page still on another CPU's LRU batch may take a retry.
 */
static void evict(char *p)
{
	unsigned char in_core = 1;

	for (int i = 0; i < 100 && (in_core & 1); i++) {
		if (madvise(p, 4096, MADV_DONTNEED) ||
		    posix_fadvise(cold_fd, 0, 0, POSIX_FADV_DONTNEED) ||
		    mincore(p, 4096, &in_core))
			test_fail_now("evict: %s", strerror(errno));
	}
	if (in_core & 1)
		test_fail_now("the page stays in the page cache");
}

/* glibc's registration for this thread (the kernel's length is 32). */
static void *glibc_rseq(void)
{
	return __rseq_size ?
		       (char *)__builtin_thread_pointer() + __rseq_offset :
		       NULL;
}

static long sys_rseq(void *area, int flags)
{
	return raw(syscall(SYS_rseq, area, RSEQ_LEN, flags, RSEQ_SIG));
}

/* Runs @thread on @cpu alone. */
static void pin(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(thread, sizeof(set), &set))
		test_fail_now("cannot pin a thread to cpu %d", cpu);
}

static long ppoll_clet(unsigned long arg)
{
	struct pollfd pfd = { clet_pipe[0], POLLIN, 0 };
	uint64_t m = bit(SIGUSR2);

	(void)arg;
	waker_arm(&waker);
	return raw_syscall6(__NR_ppoll, (long)&pfd, 1, 0, (long)&m, sizeof(m),
			    0);
}

static void case_exit(void)
{
	struct rseq *area = (struct rseq *)file_page();
	int64_t r = -1;
	long ret;

	/*
	 * The waker polls on the other CPU: nothing may schedule this thread
	 * out between the eviction and the clet, or the rseq update of that
	 * way back to user space would read the page in, unarmed.
	 */
	pin(pthread_self(), 0);
	waker_start(&waker, clet_pipe[1], 0);
	pin(waker.thread, 1);
	if (glibc_rseq())
		CHECK_EQ(sys_rseq(glibc_rseq(), RSEQ_FLAG_UNREGISTER), 0);
	CHECK_EQ(sys_rseq(area, 0), 0);
	evict((char *)area);
	ret = clet_sys_exec(ppoll_clet, 0, clet_stack_top(), &clet_ring.ahu,
			    &r);
	CHECK(ret == 1,
	      "clet_exec returned %ld, expected 1 (no handoff on the way "
	      "back to user space)",
	      ret);
	if (ret == 0) {
		struct syslet_completion c = { 0 };

		/* The runner goes on with its rseq update: wait for it. */
		CHECK(clet_reap(&c), "no completion");
		r = c.result;
	}
	CHECK_EQ(r, 1);
	CHECK(area->cpu_id != (uint32_t)-1, "rseq cpu_id not written");
	CHECK_EQ(sys_rseq(area, RSEQ_FLAG_UNREGISTER), 0);
	pthread_join(waker.thread, NULL);
}

static long touch_clet(unsigned long page)
{
	return *(volatile unsigned char *)page;
}

/*
 * A fault that finds its disk read done does not sleep (and must not hand
 * off): up to ROUNDS evicted pages, until one hands off.
 */
static void case_fault(void)
{
	struct syslet_completion c = { 0 };
	int64_t r = -1;
	long ret = 1;

	for (int i = 0; i < ROUNDS && ret == 1; i++) {
		char *page = file_page();

		evict(page);
		ret = clet_sys_exec(touch_clet, (unsigned long)page + 64,
				    clet_stack_top(), &clet_ring.ahu, &r);
		CHECK(ret == 0 || (ret == 1 && r == 0xff),
		      "clet_exec %ld, result %lld", ret, (long long)r);
		if (ret == 1) { /* else the clet's runner still reads it */
			munmap(page, 4096);
			close(cold_fd);
		}
	}
	CHECK(ret == 0, "in %d rounds no page fault of a clet handed off: %ld",
	      ROUNDS, ret);
	if (ret == 0) {
		CHECK(clet_reap(&c), "no completion");
		CHECK_EQ(c.result, 0xff);
	}
	/* glibc's registration is the caller's: it moved with it. */
	if (glibc_rseq())
		CHECK_EQ(sys_rseq(glibc_rseq(), RSEQ_FLAG_UNREGISTER), 0);
}

int main(void)
{
	test_name = "t31_rseq";
	require_syslets(NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < ROUNDS; i++)
		run_case(clet_case_setup, case_exit,
			 "a clet whose rseq update sleeps on the way out");
	run_case(clet_case_setup, case_fault,
		 "a clet's page fault that sleeps");
	return test_done();
}
