// SPDX-License-Identifier: MIT
/*
 * Fuzz the cachemiss paths that t08 cannot reach: worker processes of
 * several threads run chains and clets that block (pipes whose writer is
 * late, O_DIRECT and evicted reads of a file on the guest disk, page
 * faults on it), fork children that exit, exec, get killed or misuse clets
 * with chains in flight, while the supervisor (this process, which must
 * survive) sends SIGUSR1, SIGSTOP/SIGCONT and SIGKILL to the workers at
 * random points of their progress.
 *
 * Fails on an unexpected result or errno class, an unexpected death, an op
 * that outlives the hang guard, or no cachemiss handoff at all (the
 * kernel-log scan of guest_init and run.sh catches oops, WARN, BUG, lockdep
 * and KASAN reports). The seed is printed; operation sequences and signal
 * points follow from it, thread interleavings do not.
 * Settings: t20_fuzz_async.h (t20_seed, t20_count, t20_long, t20_guard,
 * t20_defects, t20_hold in the environment, or the matching options).
 * t20_hold=1 freezes the supervisor after its first hang report, with the
 * hung processes as they are, for a debugger on QEMU's gdbstub
 * (tests/guest/hang-debug.sh).
 *
 * EXTRA_SRCS: clets/clet_sys.c
 */
#include "t20_fuzz_async.h"
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "atoms/raw_syscall.h"
#include "clets/clet_sys.h"

#define COLD_FILE  "t20-cold.dat"
#define COLD_PAGES 256
#define PAGE	   4096
#define NSLOTS	   3 /* chains/clets in flight per op */
#define STACK_SIZE (32 * 1024)
#define MAX_ATOMS  1024 /* kernel.syslet_max_atoms while we run */

/* Items: one chain or clet call, possibly left in flight until fed. */
enum item {
	I_PIPE_CHAIN,
	I_COLD_CHAIN,
	I_SYNC_CHAIN,
	I_LOOP_CHAIN,
	I_NO_COMPLETE,
	I_CLET_PIPE,
	I_CLET_COLD,
	I_CLET_FAULT,
	I_CLET_SYNC,
	NR_ITEMS,
};

/* Child ops: the child does it, the op thread checks how it ended. */
enum child_op {
	C_EXIT,
	C_EXEC,
	C_KILL,
	C_CLET_SEGV,
	C_CLET_EXIT,
	C_STOP_KILL, /* defect 1 */
	C_CLET_PPOLL, /* 5 */
	C_CLET_EXEC, /* 6 */
	C_CLET_LONGJMP, /* 7 */
	C_LOOP_STOP, /* 9 */
	C_THREADS_EXIT, /* 10 */
	NR_CHILD_OPS,
};

static const int child_family[NR_CHILD_OPS] = {
	[C_EXIT] = NO_FAMILY,
	[C_EXEC] = NO_FAMILY,
	[C_KILL] = NO_FAMILY,
	[C_CLET_SEGV] = NO_FAMILY,
	[C_CLET_EXIT] = NO_FAMILY,
	[C_STOP_KILL] = F_STOP,
	[C_CLET_PPOLL] = F_PPOLL,
	[C_CLET_EXEC] = F_EXEC,
	[C_CLET_LONGJMP] = F_LONGJMP,
	[C_LOOP_STOP] = F_LOOP,
	[C_THREADS_EXIT] = F_THREADS_EXIT,
};

static const char *const op_names[1 + NR_CHILD_OPS] = {
	"items",	   "child:exit",
	"child:exec",	   "child:kill",
	"child:clet-segv", "child:clet-exit",
	"child:stop-kill", "child:clet-ppoll",
	"child:clet-exec", "child:clet-longjmp",
	"child:loop-stop", "child:threads-exit",
};

enum phase { P_START, P_FEED, P_COLLECT, P_CHILD_WAIT, P_CHILD_STOP };

struct slot {
	struct syslet_uatom atoms[4];
	uint64_t v[8];
	int64_t r[4];
	int p[2], q[2];
	enum item item;
	long want;
	int file_fd;
	unsigned char *buf; /* two pages, page aligned */
	char *stack;
};

struct thread {
	int w, t;
	uint64_t rng;
	int ack[2]; /* the feeder writes one byte per fed pipe */
	int direct_fd, file_fd;
	struct test_ring ring;
	struct slot slot[NSLOTS];
	struct syslet_uatom nc_atom[2]; /* NO_COMPLETE: never change */
	uint64_t nc_v[4];
};

struct feed {
	pid_t tid;
	int fd, ack, len;
};

static struct fuzz_config cfg;
static struct fuzz_shared *sh;
static int feeder_fd, progress_fd;
static uint64_t worker_calls;

static void report(struct thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report(struct thread *t, const char *fmt, ...)
{
	char line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("fuzz-async: FAIL worker %d (seed %#llx) thread %d op %d: %s\n",
	       t->w, (unsigned long long)sh->worker_seed[t->w], t->t,
	       sh->thr[t->w][t->t].seq, line);
	add(&sh->fails, 1);
}

static void defect_hit(struct thread *t, int f, const char *symptom, int status)
{
	report(t, "defect %s (%s) hit: %s, status %#x", defect_families[f].id,
	       defect_families[f].what, symptom, status);
	add(&sh->hits[f], 1);
}

static void set_phase(struct thread *t, int op, int phase)
{
	struct thread_status *s = &sh->thr[t->w][t->t];

	if (op >= 0) {
		s->op = op;
		s->op_start_ms = now_ms();
	}
	s->phase = phase;
}

static void progress(void)
{
	char b = 1;

	if (write(progress_fd, &b, 1) < 0) {
		/* A full pipe only delays the supervisor's next signal. */
	}
}

static uint8_t pattern(long off)
{
	return (uint8_t)((off / PAGE) * 7 + 1);
}

/* Clets: raw calls only (errno and TLS are shared with the spare). */
static long clet_pipe(unsigned long arg)
{
	struct slot *s = (struct slot *)arg;

	return raw_syscall6(__NR_read, s->p[0], (long)s->buf, PAGE, 0, 0, 0);
}

static long clet_cold(unsigned long arg)
{
	struct slot *s = (struct slot *)arg;
	long fd = raw_syscall6(__NR_openat, AT_FDCWD, (long)COLD_FILE,
			       O_RDONLY | O_DIRECT, 0, 0, 0);
	long n;

	if (fd < 0)
		return fd;
	n = raw_syscall6(__NR_pread64, fd, (long)s->buf, PAGE, (long)s->v[0], 0,
			 0);
	raw_syscall6(__NR_close, fd, 0, 0, 0, 0, 0);
	return n;
}

/* A major fault inside the clet: its page was evicted just before. */
static long clet_fault(unsigned long arg)
{
	struct slot *s = (struct slot *)arg;
	long off = (long)s->v[0], p, v;

	raw_syscall6(__NR_fadvise64, s->file_fd, off, PAGE, POSIX_FADV_DONTNEED,
		     0, 0);
	p = raw_syscall6(__NR_mmap, 0, PAGE, PROT_READ, MAP_SHARED, s->file_fd,
			 off);
	if (p < 0 && p > -4096)
		return p;
	v = *(volatile uint8_t *)p;
	raw_syscall6(__NR_munmap, p, PAGE, 0, 0, 0, 0);
	return v;
}

static long clet_sync(unsigned long arg)
{
	struct slot *s = (struct slot *)arg;

	return raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0) > 0 ? s->want : -1;
}

/* Asks the feeder to write @len bytes to @fd once this thread sleeps. */
static void request_feed(struct thread *t, int fd, int len)
{
	struct feed f = { (pid_t)raw_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0),
			  fd, t->ack[1], len };

	if (write(feeder_fd, &f, sizeof(f)) != sizeof(f))
		report(t, "feeder request: %s", strerror(errno));
}

static void *feeder_main(void *arg)
{
	int rd = (int)(intptr_t)arg;
	static const char data[PAGE];
	struct feed f;

	for (;;) {
		ssize_t n = read(rd, &f, sizeof(f));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(f))
			return NULL;
		/* Late: after the reader went to sleep (in its read or later). */
		wait_task_asleep(getpid(), f.tid);
		while (write(f.fd, data, f.len) < 0 && errno == EINTR)
			;
		while (write(f.ack, "a", 1) < 0 && errno == EINTR)
			;
	}
}

static void chain_atom(struct slot *s, int i, uint32_t flags, uint32_t nr,
		       int next, uint64_t *a0, uint64_t *a1, uint64_t *a2,
		       uint64_t *a3)
{
	init_atom(&s->atoms[i], flags, nr, &s->r[i],
		  next >= 0 ? &s->atoms[next] : NULL, a0, a1, a2, a3);
}

/* Fills slot @s for @item; returns the atom to run (NULL for clets). */
static void build_item(struct thread *t, struct slot *s, int first_flags)
{
	uint32_t stop = SYSLET_STOP_ON_NEGATIVE;
	int i, n;

	memset(s->r, 0, sizeof(s->r));
	s->v[0] = (uint64_t)rnd_below(&t->rng, COLD_PAGES) * PAGE;
	switch (s->item) {
	case I_PIPE_CHAIN: /* read p, write what came to q, read it back */
		s->v[1] = s->p[0], s->v[2] = (uintptr_t)s->buf, s->v[3] = PAGE;
		s->v[4] = s->q[1], s->v[5] = s->q[0];
		s->v[6] = (uintptr_t)s->buf + PAGE;
		chain_atom(s, 0, first_flags | SYSLET_STOP_ON_NON_POSITIVE,
			   __NR_read, 1, &s->v[1], &s->v[2], &s->v[3], NULL);
		chain_atom(s, 1, stop, __NR_write, 2, &s->v[4], &s->v[2],
			   (uint64_t *)&s->r[0], NULL);
		chain_atom(s, 2, stop, __NR_read, -1, &s->v[5], &s->v[6],
			   &s->v[3], NULL);
		break;
	case I_COLD_CHAIN: /* open, pread one page, close */
		s->v[1] = (uint64_t)AT_FDCWD, s->v[2] = (uintptr_t)COLD_FILE;
		s->v[3] = O_RDONLY | O_DIRECT, s->v[5] = (uintptr_t)s->buf;
		s->v[6] = PAGE;
		if (rnd_below(&t->rng, 2)) { /* buffered, evicted first */
			s->v[3] = O_RDONLY;
			posix_fadvise(t->file_fd, (off_t)s->v[0], PAGE,
				      POSIX_FADV_DONTNEED);
		}
		chain_atom(s, 0, first_flags | stop, __NR_openat, 1, &s->v[1],
			   &s->v[2], &s->v[3], NULL);
		chain_atom(s, 1, 0, __NR_pread64, 2, (uint64_t *)&s->r[0],
			   &s->v[5], &s->v[6], &s->v[0]);
		chain_atom(s, 2, 0, __NR_close, -1, (uint64_t *)&s->r[0], NULL,
			   NULL, NULL);
		break;
	case I_SYNC_CHAIN:
		n = 1 + rnd_below(&t->rng, 4);
		s->v[1] = (uint64_t)t->direct_fd, s->v[2] = (uintptr_t)s->buf;
		s->v[3] = 64, s->v[4] = 0, s->v[5] = SEEK_CUR;
		for (i = 0; i < n; i++) {
			static const uint32_t nrs[] = { __NR_getpid,
							__NR_getppid,
							__NR_lseek,
							__NR_fstat };
			uint32_t nr = nrs[rnd_below(&t->rng, 4)];

			chain_atom(s, i, i ? stop : first_flags | stop, nr,
				   i + 1 < n ? i + 1 : -1, &s->v[1],
				   nr == __NR_lseek ? &s->v[4] : &s->v[2],
				   &s->v[5], NULL);
		}
		s->want = n - 1;
		break;
	case I_LOOP_CHAIN:
		chain_atom(s, 0, first_flags, __NR_getppid, 0, NULL, NULL, NULL,
			   NULL);
		break;
	default: /* clets */
		s->want = (long)rnd_below(&t->rng, 1000);
		s->file_fd = t->file_fd;
		break;
	}
	if (s->item == I_PIPE_CHAIN || s->item == I_CLET_PIPE)
		s->want = 1 + rnd_below(&t->rng, 512);
}

/* Checks a finished item: @atom is the completed one (chains). */
static void check_item(struct thread *t, struct slot *s, uint64_t atom,
		       int64_t res)
{
	int64_t want = s->want;
	int last = 2;

	if (res == -EINTR &&
	    (s->item == I_PIPE_CHAIN || s->item == I_CLET_PIPE ||
	     s->item == I_LOOP_CHAIN)) {
		add(&sh->eintr, 1);
		return;
	}
	switch (s->item) {
	case I_COLD_CHAIN:
		want = 0;
		if (s->r[1] != PAGE || s->buf[0] != pattern((long)s->v[0]))
			report(t, "cold chain read %lld, byte %u at %llu",
			       (long long)s->r[1], s->buf[0],
			       (unsigned long long)s->v[0]);
		break;
	case I_SYNC_CHAIN:
		last = (int)s->want;
		want = res < 0 ? 0 : res;
		break;
	case I_LOOP_CHAIN:
		last = 0;
		want = -ELOOP;
		break;
	case I_CLET_COLD:
	case I_CLET_FAULT:
		want = s->item == I_CLET_COLD ? PAGE : pattern((long)s->v[0]);
		break;
	default:
		break;
	}
	if (s->item < I_CLET_PIPE && atom != (uintptr_t)&s->atoms[last])
		report(t, "item %d completed atom %#llx, not atom %d", s->item,
		       (unsigned long long)atom, last);
	if (res != want)
		report(t, "item %d result %lld, expected %lld", s->item,
		       (long long)res, (long long)want);
}

/* Starts one item; returns 1 if it is in flight (a completion follows). */
static int start_item(struct thread *t, struct slot *s)
{
	static const clet_sys_fn fns[] = { clet_pipe, clet_cold, clet_fault,
					   clet_sync };
	int flags = 0, r = rnd_below(&t->rng, 8);
	int64_t res = 0;
	long ret;

	if (r == 0 && s->item < I_CLET_PIPE)
		flags = SYSLET_ASYNC;
	else if (r == 1 && s->item == I_SYNC_CHAIN)
		flags = SYSLET_SYNC;
	build_item(t, s, flags);
	if (s->item == I_PIPE_CHAIN || s->item == I_CLET_PIPE)
		request_feed(t, s->p[1], (int)s->want);
	add(&sh->calls, 1);
	add(&worker_calls, 1);
	if (s->item >= I_CLET_PIPE) {
		add(&sh->clets, 1);
		ret = clet_sys_exec(fns[s->item - I_CLET_PIPE], (uintptr_t)s,
				    s->stack + STACK_SIZE, &t->ring.ahu, &res);
		if (ret == 1)
			check_item(t, s, 0, res);
		else if (ret == -EINTR)
			add(&sh->eintr, 1);
		else if (ret != 0)
			report(t, "clet_exec of item %d: %ld", s->item, ret);
	} else {
		add(&sh->chains, 1);
		s->atoms[0].private = (uint64_t)(s - t->slot);
		ret = sys_async_exec(&s->atoms[0], &t->ring.ahu);
		if (ret > 0 && (uintptr_t)ret >= (uintptr_t)s->atoms &&
		    (uintptr_t)ret < (uintptr_t)(s->atoms + 4))
			check_item(
				t, s, (uint64_t)ret,
				s->r[((struct syslet_uatom *)ret - s->atoms)]);
		else if (ret == -ELOOP && s->item == I_LOOP_CHAIN)
			check_item(t, s, (uintptr_t)s->atoms, ret);
		else if (ret == -EINTR) /* ended by a signal between atoms */
			add(&sh->eintr, 1);
		else if (ret != 0)
			report(t, "async_exec of item %d: %ld", s->item, ret);
	}
	if (ret != 0) {
		add(&sh->inline_done, 1);
		return 0;
	}
	add(flags & SYSLET_ASYNC ? &sh->async_handoffs : &sh->hook_handoffs, 1);
	return 1;
}

static void collect(struct thread *t, int outstanding)
{
	struct syslet_completion c;

	while (outstanding > 0) {
		long n = sys_async_wait(1, &t->ring.ahu);

		if (n == -EINTR)
			continue;
		if (n < 1) {
			report(t, "async_wait: %ld with %d in flight", n,
			       outstanding);
			return;
		}
		while (ring_pop(&t->ring, &c)) {
			struct slot *s = c.kind == SYSLET_COMPLETION_CLET ?
						 (struct slot *)c.cookie :
						 &t->slot[c.cookie % NSLOTS];

			add(&sh->completions, 1);
			check_item(t, s, c.atom, c.result);
			outstanding--;
		}
	}
}

static void new_pipes(struct thread *t, struct slot *s, int first)
{
	if (!first) {
		close(s->p[0]), close(s->p[1]), close(s->q[0]), close(s->q[1]);
	}
	if (pipe2(s->p, O_CLOEXEC) || pipe2(s->q, O_CLOEXEC))
		report(t, "pipe: %s", strerror(errno));
}

/* 1-3 items, fed late, collected: nothing stays in flight after it. */
static void op_items(struct thread *t)
{
	int i, n = 1 + rnd_below(&t->rng, NSLOTS), outstanding = 0, fed = 0;
	char acks[NSLOTS];

	set_phase(t, 0, P_START);
	if (rnd_below(&t->rng, 8) == 0) { /* a NO_COMPLETE cold read */
		struct syslet_uatom *a = &t->nc_atom[rnd_below(&t->rng, 2)];

		add(&sh->calls, 1);
		add(&sh->chains, 1);
		add(&worker_calls, 1);
		long ret = sys_async_exec(a, &t->ring.ahu);

		if (ret == 0)
			add(a->flags & SYSLET_ASYNC ? &sh->async_handoffs :
						      &sh->hook_handoffs,
			    1);
		else if (ret < 0 && ret != -EINTR)
			report(t, "NO_COMPLETE chain: %ld", ret);
	}
	for (i = 0; i < n; i++) {
		struct slot *s = &t->slot[i];

		do
			s->item = (enum item)rnd_below(&t->rng, NR_ITEMS);
		while (s->item == I_NO_COMPLETE ||
		       (s->item == I_LOOP_CHAIN && cfg.defect[F_LOOP]));
		fed += s->item == I_PIPE_CHAIN || s->item == I_CLET_PIPE;
		outstanding += start_item(t, s);
		progress();
	}
	set_phase(t, -1, P_COLLECT);
	collect(t, outstanding);
	set_phase(t, -1, P_FEED);
	for (i = 0; i < fed;) { /* every fed pipe is written: reusable */
		ssize_t r = read(t->ack[0], acks, (size_t)(fed - i));

		if (r > 0)
			i += (int)r;
		else if (errno != EINTR)
			break;
	}
	for (i = 0; i < n; i++)
		new_pipes(t, &t->slot[i], 0);
}

static struct test_ring child_ring;
static jmp_buf child_jmp;
static long *volatile null_page; /* what a faulting clet reads */

/* Starts a chain reading an empty pipe that nobody will write. */
static void child_blocked_chain(struct slot *s)
{
	static int p[2];
	long r;

	if (pipe(p))
		_exit(120);
	s->v[1] = p[0], s->v[2] = (uintptr_t)s->buf, s->v[3] = 64;
	chain_atom(s, 0, 0, __NR_read, -1, &s->v[1], &s->v[2], &s->v[3], NULL);
	s->r[0] = 0x5eed;
	r = sys_async_exec(&s->atoms[0], &child_ring.ahu);
	if (r != 0) {
		/* What the report cannot say from an exit status. */
		dprintf(1,
			"fuzz-async: child %d: async_exec of a read of an empty "
			"pipe returned %ld, the read %lld (fd %d)\n",
			(int)getpid(), r, (long long)s->r[0], p[0]);
		_exit(121);
	}
}

static long clet_child(unsigned long arg)
{
	struct slot *s = (struct slot *)arg;
	char *argv[] = { "t20", "--check-mask", NULL };
	struct pollfd pfd = { s->p[0], POLLIN, 0 };
	struct timespec ts = { 0, 1000000 };
	uint64_t mask = 1ULL << (SIGUSR2 - 1);

	if (s->v[7]) /* block on the disk first: the clet goes async */
		clet_cold(arg);
	switch (s->want) {
	case C_CLET_SEGV:
		return *null_page;
	case C_CLET_EXIT:
		raw_syscall6(__NR_exit_group, 9, 0, 0, 0, 0, 0);
		break;
	case C_CLET_EXEC:
		raw_syscall6(__NR_execve, (long)"/proc/self/exe", (long)argv,
			     (long)environ, 0, 0, 0);
		return -1;
	case C_CLET_PPOLL: /* sleeps with SIGUSR2 blocked meanwhile */
		return raw_syscall6(__NR_ppoll, (long)&pfd, 1, (long)&ts,
				    (long)&mask, 8, 0);
	case C_CLET_LONGJMP:
		longjmp(child_jmp, 1);
	}
	return 0;
}

/* Exit 0 unless the signal mask holds something (exec'd child). */
static int mask_is_empty(void)
{
	sigset_t cur;
	int sig;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	for (sig = 1; sig < 32; sig++) {
		if (sigismember(&cur, sig))
			return 0;
	}
	return 1;
}

static void on_expected_fault(int sig)
{
	raw_syscall6(__NR_exit_group, 128 + sig, 0, 0, 0, 0, 0);
}

static void child_main(struct thread *t, enum child_op op, int ready)
{
	static char stack[STACK_SIZE] __attribute__((aligned(16)));
	struct slot *s = &t->slot[0];
	char *argv[] = { "t20", "--exit-7", NULL };
	int i, n = 1 + rnd_below(&t->rng, 3);
	int64_t r;

	close(progress_fd);
	close(feeder_fd);
	/* An expected fault leaves quietly (no fatal-signal dump). */
	signal(SIGSEGV, op == C_CLET_SEGV ? on_expected_fault : SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	ring_init(&child_ring, 16);
	child_ring.ahu.clet_trampoline = (uintptr_t)clet_trampoline;
	s->want = op;
	s->v[7] = rnd_below(&t->rng, 2) && op != C_CLET_LONGJMP &&
		  op != C_CLET_PPOLL;
	switch (op) {
	case C_EXIT:
	case C_EXEC:
	case C_KILL:
		for (i = 0; i < n; i++)
			child_blocked_chain(&t->slot[i]);
		if (op == C_KILL && write(ready, "r", 1) != 1)
			_exit(122);
		if (op == C_EXEC)
			execv("/proc/self/exe", argv);
		if (op == C_EXIT || op == C_EXEC)
			raw_syscall6(__NR_exit_group, 7, 0, 0, 0, 0, 0);
		break;
	case C_STOP_KILL: /* keeps handing off until the SIGKILL */
		s->item = I_COLD_CHAIN;
		for (;;) {
			build_item(t, s, 0);
			if (sys_async_exec(&s->atoms[0], &child_ring.ahu) == 0)
				sys_async_wait(1, &child_ring.ahu);
			while (ring_pop(&child_ring,
					&(struct syslet_completion){ 0 }))
				;
			if (ready >= 0 && write(ready, "r", 1) == 1)
				ready = -1;
		}
	case C_LOOP_STOP:
		chain_atom(s, 0, rnd_below(&t->rng, 2) ? SYSLET_ASYNC : 0,
			   __NR_getppid, 0, NULL, NULL, NULL, NULL);
		if (write(ready, "r", 1) != 1)
			_exit(122);
		sys_async_exec(&s->atoms[0], &child_ring.ahu);
		break;
	case C_THREADS_EXIT: /* a spare parks, then the only user thread goes */
		chain_atom(s, 0, SYSLET_ASYNC, __NR_getpid, -1, NULL, NULL,
			   NULL, NULL);
		if (sys_async_exec(&s->atoms[0], &child_ring.ahu) == 0)
			sys_async_wait(1, &child_ring.ahu);
		raw_syscall6(__NR_exit, 5, 0, 0, 0, 0, 0);
		break;
	case C_CLET_LONGJMP:
		if (!setjmp(child_jmp))
			clet_sys_exec(clet_child, (uintptr_t)s,
				      stack + STACK_SIZE, &child_ring.ahu, &r);
		/* A plain clet must run; a sleep must not hand anything off. */
		i = clet_sys_exec(clet_sync, (uintptr_t)s, stack + STACK_SIZE,
				  &child_ring.ahu, &r) == 1 ?
			    0 :
			    4;
		nanosleep(&(struct timespec){ 0, 1000 }, NULL);
		_exit(i | (mask_is_empty() ? 0 : 8));
	default: /* clets in a child: only ppoll's comes back */
		if (pipe(s->p))
			_exit(120);
		i = (int)clet_sys_exec(clet_child, (uintptr_t)s,
				       stack + STACK_SIZE, &child_ring.ahu, &r);
		if (op == C_CLET_PPOLL && !mask_is_empty())
			_exit(5);
		if (i == 0)
			sys_async_wait(1, &child_ring.ahu);
		_exit(op == C_CLET_PPOLL ? 0 : 6);
	}
	for (;;)
		pause();
}

/* Waits for @pid to end, at most the guard; 1 if it did. */
static int wait_child(struct thread *t, pid_t pid, int *status)
{
	int pfd = (int)raw_syscall6(__NR_pidfd_open, pid, 0, 0, 0, 0, 0);
	struct pollfd p = { pfd, POLLIN, 0 };
	double end = now_ms() + cfg.guard_s * 1e3;

	while (pfd >= 0) {
		double left = end - now_ms();
		int r = poll(&p, 1, left > 0 ? (int)left : 0);

		if (r > 0)
			break;
		if (r == 0 || now_ms() >= end) {
			close(pfd);
			return 0;
		}
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			report(t, "waitpid %d: %s", pid, strerror(errno));
			return 1;
		}
	}
	return 1;
}

static void op_child(struct thread *t)
{
	enum child_op op;
	int ready[2], status = 0, want_sig = 0, want_code = 0, reaped = 0;
	char b;
	pid_t pid;

	do
		op = (enum child_op)rnd_below(&t->rng, NR_CHILD_OPS);
	while (child_family[op] != NO_FAMILY && !cfg.defect[child_family[op]]);
	set_phase(t, 1 + op, P_START);
	if (pipe2(ready, O_CLOEXEC))
		return report(t, "pipe: %s", strerror(errno));
	add(&sh->children, 1);
	add(&sh->calls, 1);
	add(&worker_calls, 1);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		child_main(t, op, ready[1]);
	}
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		return report(t, "fork: %s", strerror(errno));
	}
	sh->thr[t->w][t->t].child = pid;
	if (op == C_KILL || op == C_STOP_KILL || op == C_LOOP_STOP) {
		while (read(ready[0], &b, 1) < 0 && errno == EINTR)
			;
		if (op != C_KILL) {
			set_phase(t, -1, P_CHILD_STOP);
			kill(pid, SIGSTOP);
			while (waitpid(pid, &status, WUNTRACED) < 0 &&
			       errno == EINTR)
				;
			reaped = !WIFSTOPPED(status);
		}
		kill(pid, SIGKILL);
		want_sig = SIGKILL;
	}
	close(ready[0]);
	set_phase(t, -1, P_CHILD_WAIT);
	if (!reaped && !wait_child(t, pid, &status)) {
		int f = child_family[op];

		if (f != NO_FAMILY)
			defect_hit(t, f, "child never ended", -1);
		else
			report(t, "%s: child never ended", op_names[1 + op]);
		kill(pid, SIGKILL);
		if (!wait_child(t, pid, &status))
			report(t, "%s: child %d survives SIGKILL",
			       op_names[1 + op], pid);
		sh->thr[t->w][t->t].child = 0;
		return;
	}
	sh->thr[t->w][t->t].child = 0;
	switch (op) {
	case C_EXIT:
	case C_EXEC:
		want_code = 7;
		break;
	case C_CLET_SEGV:
		want_sig = SIGSEGV;
		break;
	case C_CLET_EXIT:
		want_code = 9;
		break;
	case C_THREADS_EXIT:
		want_code = 5;
		break;
	default:
		break;
	}
	if (want_sig ? WIFSIGNALED(status) && WTERMSIG(status) == want_sig :
		       WIFEXITED(status) && WEXITSTATUS(status) == want_code)
		return;
	/* A runner's fault kills at once: its signals are blocked. */
	if (op == C_CLET_SEGV && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 128 + SIGSEGV)
		return;
	if (child_family[op] != NO_FAMILY)
		defect_hit(t, child_family[op], op_names[1 + op], status);
	else
		report(t, "%s: status %#x, expected %s %d", op_names[1 + op],
		       status, want_sig ? "signal" : "exit",
		       want_sig ? want_sig : want_code);
}

static void *op_thread(void *arg)
{
	struct thread *t = arg;
	int i;

	if (pipe2(t->ack, O_CLOEXEC))
		report(t, "pipe: %s", strerror(errno));
	ring_init(&t->ring, 16);
	t->ring.ahu.clet_trampoline = (uintptr_t)clet_trampoline;
	t->direct_fd = open(COLD_FILE, O_RDONLY | O_DIRECT | O_CLOEXEC);
	t->file_fd = open(COLD_FILE, O_RDONLY | O_CLOEXEC);
	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &t->slot[i];

		s->buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		s->stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		new_pipes(t, s, 1);
	}
	/* NO_COMPLETE chain: its memory stays valid and unchanged. */
	t->nc_v[0] = (uint64_t)t->direct_fd;
	t->nc_v[1] = (uintptr_t)mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t->nc_v[2] = PAGE, t->nc_v[3] = 5 * PAGE;
	for (i = 0; i < 2; i++)
		init_atom(&t->nc_atom[i], SYSLET_NO_COMPLETE | i * SYSLET_ASYNC,
			  __NR_pread64, NULL, NULL, &t->nc_v[0], &t->nc_v[1],
			  &t->nc_v[2], &t->nc_v[3]);
	while (__atomic_load_n(&sh->calls, __ATOMIC_RELAXED) < cfg.count &&
	       __atomic_load_n(&worker_calls, __ATOMIC_RELAXED) <
		       WORKER_CALLS) {
		if (rnd_below(&t->rng, 16) == 0)
			op_child(t);
		else
			op_items(t);
		sh->thr[t->w][t->t].seq++;
		add(&sh->ops, 1);
		progress();
	}
	sh->thr[t->w][t->t].op_start_ms = 0; /* out of the guard's sight */
	return NULL;
}

static void on_usr1(int sig)
{
	add(&sh->usr1, 1);
}

/* A worker's fault: where, for the report (then it dies of it). */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	const greg_t *r = ((ucontext_t *)uc)->uc_mcontext.gregs;
	char line[200];
	int n = snprintf(line, sizeof(line),
			 "fuzz-async: worker pid %d tid %ld: signal %d at "
			 "%p, rip %#llx rsp %#llx\n",
			 getpid(), raw_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0),
			 sig, si->si_addr, (unsigned long long)r[REG_RIP],
			 (unsigned long long)r[REG_RSP]);

	if (write(1, line, (size_t)n) < 0) {
		/* Dying anyway. */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A worker process: NTHREADS op threads and the feeder. */
static void worker_main(int w, uint64_t seed)
{
	static struct thread threads[NTHREADS];
	pthread_t tids[NTHREADS], feeder;
	struct sigaction sa = { .sa_handler = on_usr1 };
	uint64_t rng = seed;
	int fp[2], i;

	if (rnd_below(&rng, 2))
		sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(fp, O_CLOEXEC))
		_exit(1);
	feeder_fd = fp[1];
	pthread_create(&feeder, NULL, feeder_main, (void *)(intptr_t)fp[0]);
	for (i = 0; i < NTHREADS; i++) {
		threads[i].w = w, threads[i].t = i;
		threads[i].rng = rnd_next(&rng);
		pthread_create(&tids[i], NULL, op_thread, &threads[i]);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(tids[i], NULL);
	close(feeder_fd);
	pthread_join(feeder, NULL);
	_exit(0);
}

/* The supervisor's view of one worker process. */
struct worker {
	pid_t pid; /* 0: slot free */
	int fd; /* progress pipe, read end */
	int stopping, killing, ever_stopped;
	uint64_t progress, next_signal;
	double since; /* when the pending SIGSTOP or SIGKILL was sent */
};

static struct worker workers[NWORKERS];
static uint64_t sup_rng;
static double t_start;
static unsigned long sent_usr1, sent_stop, sent_kill, hangs, foreign_cont;

static void spawn(int w)
{
	struct worker *k = &workers[w];
	uint64_t seed = rnd_next(&sup_rng);
	int p[2], i;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		test_fail_now("pipe: %s", strerror(errno));
	sh->worker_seed[w] = seed;
	memset(sh->thr[w], 0, sizeof(sh->thr[w]));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		test_fail_now("fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0); /* a process group of its own: see main() */
		for (i = 0; i < NWORKERS; i++) {
			if (workers[i].pid)
				close(workers[i].fd);
		}
		close(p[0]);
		progress_fd = p[1];
		worker_main(w, seed);
	}
	/* Here too: no window in which it is still in ours. */
	setpgid(pid, pid);
	close(p[1]);
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->fd = p[0];
	k->next_signal = 1 + rnd_below(&sup_rng, 48);
}

/* A /proc file's first line, without its newline ("" if unreadable). */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)size, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/*
 * The signal lines of a /proc/<pid>/task/<tid>/status file, one line:
 * what is pending for the thread and for the process, and what the
 * thread blocks (a thread that should stop and does not).
 */
static void read_signal_state(const char *path, char *buf, size_t size)
{
	static const char *const keys[] = { "SigPnd:", "ShdPnd:", "SigBlk:" };
	char line[128];
	size_t used = 0, k;
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t len = strlen(keys[k]);

			if (strncmp(line, keys[k], len) || used >= size)
				continue;
			line[strcspn(line, "\n")] = '\0';
			used += (size_t)snprintf(buf + used, size - used,
						 " %.*s %s", (int)len - 1, line,
						 line + len + 1);
		}
	}
	fclose(f);
}

/*
 * Utime and stime (fields 14 and 15 of a stat line), in clock ticks: a
 * thread in state R whose stime grows loops in the kernel.
 */
static void stat_times(const char *stat, unsigned long *utime,
		       unsigned long *stime)
{
	const char *p = strrchr(stat, ')');

	*utime = *stime = 0;
	/* After ")": state is field 3; skip to field 14. */
	for (int field = 2; p && field < 14; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, " %lu %lu", utime, stime);
}

/*
 * Every thread of @pid as the kernel sees it: its state, the system call
 * it is in ("running", or the number and arguments), its CPU times and its
 * signal state, so that a hang report names the thread that holds it up
 * (a runner or a spare too) and says whether a signal reached it.
 */
static void describe_tasks(pid_t pid)
{
	char path[96], stat[512], call[160], sigs[160], state;
	unsigned long utime, stime;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
			 tid);
		read_line(path, stat, sizeof(stat));
		snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall",
			 (int)pid, tid);
		read_line(path, call, sizeof(call));
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status",
			 (int)pid, tid);
		read_signal_state(path, sigs, sizeof(sigs));
		state = proc_stat_state(stat);
		stat_times(stat, &utime, &stime);
		printf("fuzz-async:   task %d of %d: state %c, syscall %s, "
		       "utime %lu stime %lu,%s\n",
		       tid, (int)pid, state ? state : '?', call, utime, stime,
		       sigs);
	}
	closedir(dir);
}

/* The state letter of process @pid, or 0 once it is gone. */
static char proc_state(int pid, char *stat, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	read_line(path, stat, size);
	return proc_stat_state(stat);
}

/*
 * Processes the fuzz made that are still alive once every worker was
 * reaped (orphans whose worker was killed): described, then SIGKILLed.
 * One that survives SIGKILL for the guard is a failure.
 */
static void end_leftovers(void)
{
	char stat[256];
	int pids[64], i, n = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc");
	double end;

	if (!dir)
		return;
	while ((d = readdir(dir)) && n < 64) {
		int pid = atoi(d->d_name);

		if (pid <= 1 || pid == getpid())
			continue;
		if (proc_state(pid, stat, sizeof(stat)) == 'Z' ||
		    !strstr(stat, "(t20_fuzz_async)"))
			continue;
		if (n < 8) {
			printf("fuzz-async: left over: %s\n", stat);
			describe_tasks(pid);
		}
		pids[n++] = pid;
	}
	closedir(dir);
	printf("fuzz-async: %d processes left over\n", n);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	end = now_ms() + cfg.guard_s * 1e3;
	for (i = 0; i < n; i++) {
		char c;

		while ((c = proc_state(pids[i], stat, sizeof(stat))) &&
		       c != 'Z' && now_ms() < end)
			sched_yield();
		if (c && c != 'Z') {
			printf("fuzz-async: FAIL left-over process %d survives "
			       "SIGKILL for %d s\n",
			       pids[i], cfg.guard_s);
			describe_tasks(pids[i]);
			add(&sh->fails, 1);
		}
	}
}

static void describe_threads(int w)
{
	static const char *const phases[] = { "start", "feed", "collect",
					      "child-wait", "child-stop" };
	int t;

	for (t = 0; t < NTHREADS; t++) {
		struct thread_status *s = &sh->thr[w][t];

		if (s->op_start_ms > 0)
			printf("fuzz-async:   thread %d: op %d %s, %s, child %d, "
			       "%.0f ms in it\n",
			       t, s->seq, op_names[s->op], phases[s->phase],
			       s->child, now_ms() - s->op_start_ms);
	}
	if (workers[w].pid > 0)
		describe_tasks(workers[w].pid);
	for (t = 0; t < NTHREADS; t++)
		if (sh->thr[w][t].child > 0)
			describe_tasks(sh->thr[w][t].child);
}

/*
 * The worker first: killed after its children, a worker thread could see
 * its child die of that SIGKILL and report it as a failure before its own
 * SIGKILL arrived (seen once in 100,000 calls).
 */
static void kill_worker(int w)
{
	kill(workers[w].pid, SIGKILL);
	/* Then its children: its process group, the worker still in it. */
	kill(-workers[w].pid, SIGKILL);
	workers[w].killing = 1;
	workers[w].since = now_ms();
	sent_kill++;
}

/* A signal at a random point of the worker's progress. */
static void signal_worker(int w)
{
	struct worker *k = &workers[w];
	unsigned int r = rnd_below(&sup_rng, 16);

	k->next_signal = k->progress + 1 + rnd_below(&sup_rng, 48);
	if (k->stopping || k->killing)
		return;
	if (r == 0 && (!k->ever_stopped || cfg.defect[F_STOP])) {
		kill_worker(w);
	} else if (r < 5 && cfg.defect[F_STOP]) {
		kill(k->pid, SIGSTOP);
		k->stopping = 1;
		k->ever_stopped = 1;
		k->since = now_ms();
		sent_stop++;
	} else {
		kill(k->pid, SIGUSR1);
		sent_usr1++;
	}
}

/*
 * The kernel's report of the last fatal signal (kernel.print-fatal-signals
 * is on while we run): which thread died where, even a runner whose
 * signals are blocked and so never reach a handler.
 */
static void print_fatal_signal(void)
{
	static char buf[1 << 17];
	char *last = NULL, *p, *end;
	int len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	int lines = 0;

	if (len <= 0)
		return;
	buf[len] = '\0';
	for (p = strstr(buf, "unexpected fatal signal"); p;
	     p = strstr(p + 1, "unexpected fatal signal"))
		last = p;
	if (!last)
		return;
	while (last > buf && last[-1] != '\n')
		last--;
	for (p = last; *p && lines < 24; p = end + 1, lines++) {
		end = strchr(p, '\n');
		if (!end)
			break;
		*end = '\0';
		printf("fuzz-async:   kernel: %s\n", p);
	}
}

static void worker_event(pid_t pid, int status)
{
	struct worker *k = NULL;
	int w;

	for (w = 0; w < NWORKERS; w++) {
		if (workers[w].pid == pid)
			k = &workers[w];
	}
	if (!k)
		return; /* a worker given up on earlier */
	w = (int)(k - workers);
	if (WIFSTOPPED(status)) {
		if (!k->stopping)
			return;
		k->stopping = 0;
		/* Killed while stopped only when defect 1 is fuzzed. */
		if (cfg.defect[F_STOP] && rnd_below(&sup_rng, 4) == 0)
			kill_worker(w);
		else
			kill(pid, SIGCONT);
		return;
	}
	if (WIFCONTINUED(status)) {
		/*
		 * We continue a worker only once we saw it stop, and no
		 * job control SIGCONT reaches its group (main()).
		 */
		if (k->stopping) {
			printf("fuzz-async: FAIL worker %d continued while "
			       "stopping, by a SIGCONT the supervisor did not "
			       "send\n",
			       w);
			foreign_cont++;
			add(&sh->fails, 1);
		}
		return;
	}
	if (!(k->killing && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL) &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		printf("fuzz-async: FAIL worker %d (seed %#llx, pid %d) ended "
		       "with status %#x\n",
		       w, (unsigned long long)sh->worker_seed[w], pid, status);
		describe_threads(w);
		print_fatal_signal();
		add(&sh->fails, 1);
	}
	/*
	 * Its orphans: its process group, whose id stays theirs while one
	 * lives (no other process can have been given it yet).
	 */
	kill(-pid, SIGKILL);
	close(k->fd);
	k->pid = 0;
}

/*
 * After a hang report: with t20_hold, the supervisor stops for good (no
 * SIGKILL for the hung processes, no more signals or workers) until the
 * guest's timeout, so that a debugger attached to QEMU's gdbstub sees
 * them as they are.
 */
static void hold_for_debugger(void)
{
	if (!cfg.hold)
		return;
	printf("fuzz-async: HOLD: frozen for a debugger (t20_hold=1)\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* The hang guard: an op, a stop or a kill that takes longer than it. */
static void guard(int w)
{
	struct worker *k = &workers[w];
	double now = now_ms(), limit = cfg.guard_s * 1e3;
	int t;

	if (k->killing) {
		if (now - k->since < limit)
			return;
		printf("fuzz-async: FAIL worker %d (seed %#llx) survives "
		       "SIGKILL for %d s%s; given up\n",
		       w, (unsigned long long)sh->worker_seed[w], cfg.guard_s,
		       k->ever_stopped ? " (it was stopped before)" : "");
		describe_threads(w);
		hold_for_debugger();
		add(&sh->fails, 1);
		if (k->ever_stopped)
			add(&sh->hits[F_STOP], 1);
		close(k->fd);
		k->pid = 0;
		return;
	}
	if (k->stopping && now - k->since >= limit) {
		printf("fuzz-async: FAIL worker %d (seed %#llx) does not stop "
		       "within %d s of SIGSTOP\n",
		       w, (unsigned long long)sh->worker_seed[w], cfg.guard_s);
		describe_threads(w);
		hold_for_debugger();
		add(&sh->fails, 1);
		add(&sh->hits[F_STOP], 1); /* only SIGSTOPped when fuzzed */
		hangs++;
		kill_worker(w);
		return;
	}
	for (t = 0; t < NTHREADS && !k->stopping; t++) {
		struct thread_status *s = &sh->thr[w][t];

		/* A child op guards its own waits: twice, before and after
		 * its SIGKILL. This catches what it cannot. */
		if (s->op_start_ms <= 0 || now - s->op_start_ms < 3 * limit)
			continue;
		printf("fuzz-async: FAIL worker %d (seed %#llx) thread %d hangs "
		       "in op %d (%s)\n",
		       w, (unsigned long long)sh->worker_seed[w], t, s->seq,
		       op_names[s->op]);
		describe_threads(w);
		hold_for_debugger();
		add(&sh->fails, 1);
		if (s->op > 0 && child_family[s->op - 1] != NO_FAMILY)
			add(&sh->hits[child_family[s->op - 1]], 1);
		hangs++;
		kill_worker(w);
		return;
	}
}

/* A /proc/meminfo field in KiB, or -1. */
static long meminfo_kib(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			kib = atol(line + len + 1);
			break;
		}
	fclose(f);
	return kib;
}

/*
 * Long runs say how far they got, every tenth of the count, with the
 * kernel's unreclaimable slab, free memory and number of threads
 * (/proc/loadavg's "running/total"): a leak per call shows as a steady
 * rise across the lines.
 */
static void report_progress(void)
{
	static uint64_t next;
	uint64_t calls = __atomic_load_n(&sh->calls, __ATOMIC_RELAXED);

	if (cfg.count < 100000 || calls < next)
		return;
	if (next) {
		char load[96], *threads;

		read_line("/proc/loadavg", load, sizeof(load));
		threads = strchr(load, '/');
		printf("fuzz-async: %llu calls, %llu hook handoffs, %llu "
		       "failures, %.0f s, SUnreclaim %ld KiB, MemAvailable "
		       "%ld KiB, threads %ld\n",
		       (unsigned long long)calls,
		       (unsigned long long)sh->hook_handoffs,
		       (unsigned long long)sh->fails,
		       (now_ms() - t_start) / 1e3, meminfo_kib("SUnreclaim"),
		       meminfo_kib("MemAvailable"),
		       threads ? atol(threads + 1) : -1L);
	}
	next = (calls / (cfg.count / 10) + 1) * (cfg.count / 10);
}

static void supervise(void)
{
	struct pollfd pfd[NWORKERS];
	int who[NWORKERS], status;
	char buf[256];
	pid_t pid;

	for (;;) {
		int w, n = 0;

		for (w = 0; w < NWORKERS; w++) {
			if (!workers[w].pid &&
			    __atomic_load_n(&sh->calls, __ATOMIC_RELAXED) <
				    cfg.count)
				spawn(w);
			if (workers[w].pid) {
				pfd[n] = (struct pollfd){ workers[w].fd, POLLIN,
							  0 };
				who[n++] = w;
			}
		}
		if (!n)
			return;
		/* Wakes on progress; the timeout only paces the guard. */
		poll(pfd, (nfds_t)n, 100);
		for (w = 0; w < n; w++) {
			struct worker *k = &workers[who[w]];
			ssize_t r = read(k->fd, buf, sizeof(buf));

			if (r <= 0)
				continue;
			k->progress += (uint64_t)r;
			if (k->progress >= k->next_signal)
				signal_worker(who[w]);
		}
		while ((pid = waitpid(-1, &status,
				      WNOHANG | WUNTRACED | WCONTINUED)) > 0)
			worker_event(pid, status);
		report_progress();
		for (w = 0; w < NWORKERS; w++) {
			if (workers[w].pid)
				guard(w);
		}
	}
}

static void write_sysctl(const char *path, int value)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fprintf(f, "%d\n", value);
		fclose(f);
	}
}

/* The file the cold reads and faults hit, one pattern byte per page. */
static void make_cold_file(void)
{
	static uint8_t page[PAGE];
	int fd = open(COLD_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600), i;

	if (fd < 0)
		test_fail_now("cannot create %s: %s", COLD_FILE,
			      strerror(errno));
	for (i = 0; i < COLD_PAGES; i++) {
		memset(page, pattern((long)i * PAGE), sizeof(page));
		if (write(fd, page, PAGE) != PAGE)
			test_fail_now("write %s: %s", COLD_FILE,
				      strerror(errno));
	}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

int main(int argc, char **argv)
{
	double t0;
	int f;

	if (argc == 2 && !strcmp(argv[1], "--exit-7"))
		return 7;
	if (argc == 2 && !strcmp(argv[1], "--check-mask"))
		return mask_is_empty() ? 0 : 3;
	test_name = "fuzz-async";
	parse_config(&cfg, argc, argv);
	/* Read at start-up by glibc: so the fuzzer runs itself again. */
	if (!cfg.defect[F_RSEQ] && !getenv("GLIBC_TUNABLES")) {
		setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
		execv("/proc/self/exe", argv);
		test_fail_now("cannot run itself again: %s", strerror(errno));
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * POSIX job control: when a process whose parent is outside its
	 * process group exits (an orphan of a killed worker: its parent is
	 * now pid 1), and the group is orphaned (no member has a parent in
	 * another group of the session; pid 1 does not count) and has a
	 * stopped member, the kernel sends the whole group SIGHUP and
	 * SIGCONT. In one group for everything, that SIGCONT cancelled
	 * SIGSTOPs in flight elsewhere: a worker or a child that never
	 * stopped, and a worker thread waiting for its child's stop for
	 * ever. And the SIGHUP, queued because the receiver's leader was a
	 * runner that blocks every signal, ended another thread's atom with
	 * -EINTR (a kernel defect, fixed since: t36_ignored_signals; both
	 * in kernel/README.md, the fuzzer's findings). So each
	 * worker leads a group of its own, with its children: its parent,
	 * this process, is in another group of the session, so the group
	 * is not orphaned while the worker lives. SIGHUP stays ignored,
	 * here and in every child, for the groups of killed workers.
	 */
	signal(SIGHUP, SIG_IGN);
	require_syslets(NULL);
	printf("fuzz-async: seed %#llx, %llu chains and clet calls, guard "
	       "%d s (t20_seed=%#llx t20_count=%llu reproduces the ops)\n",
	       (unsigned long long)cfg.seed, (unsigned long long)cfg.count,
	       cfg.guard_s, (unsigned long long)cfg.seed,
	       (unsigned long long)cfg.count);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		test_fail_now("mmap: %s", strerror(errno));
	make_cold_file();
	/* Loop chains stay short, unless defect 9's loops are fuzzed. */
	if (set_max_atoms(cfg.defect[F_LOOP] ? 1U << 30 : MAX_ATOMS))
		test_fail_now("cannot set kernel.syslet_max_atoms");
	write_sysctl("/proc/sys/kernel/print-fatal-signals", 1);
	sup_rng = cfg.seed;
	t0 = t_start = now_ms();
	supervise();
	set_max_atoms(SYSLET_MAX_ATOMS_DEFAULT);
	write_sysctl("/proc/sys/kernel/print-fatal-signals", 0);
	printf("fuzz-async: %llu calls (%llu chains, %llu clet calls) in %llu "
	       "ops, %llu child processes, %.1f s in the guest\n",
	       (unsigned long long)sh->calls, (unsigned long long)sh->chains,
	       (unsigned long long)sh->clets, (unsigned long long)sh->ops,
	       (unsigned long long)sh->children, (now_ms() - t0) / 1e3);
	printf("fuzz-async: cachemiss handoffs through the sleep hook %llu, "
	       "SYSLET_ASYNC %llu; completions %llu; inline %llu; -EINTR "
	       "%llu\n",
	       (unsigned long long)sh->hook_handoffs,
	       (unsigned long long)sh->async_handoffs,
	       (unsigned long long)sh->completions,
	       (unsigned long long)sh->inline_done,
	       (unsigned long long)sh->eintr);
	printf("fuzz-async: signals sent: SIGUSR1 %lu (%llu handled), "
	       "SIGSTOP %lu, SIGKILL %lu; hangs %lu; stops cancelled by "
	       "another SIGCONT %lu\n",
	       sent_usr1, (unsigned long long)sh->usr1, sent_stop, sent_kill,
	       hangs, foreign_cont);
	end_leftovers();
	for (f = 0; f < NR_FAMILIES; f++) {
		const struct defect_family *d = &defect_families[f];

		printf("fuzz-async: defect %s (%s, %s): %s, %llu hit(s)\n",
		       d->id, d->what, d->open ? "open" : "fixed",
		       cfg.defect[f] ? "fuzzed" : "left out",
		       (unsigned long long)sh->hits[f]);
	}
	CHECK(sh->calls >= cfg.count, "only %llu calls",
	      (unsigned long long)sh->calls);
	CHECK(sh->hook_handoffs > 0, "no handoff went through the hook");
	CHECK(sh->fails == 0, "%llu failure(s) above, seed %#llx",
	      (unsigned long long)sh->fails, (unsigned long long)cfg.seed);
	return test_done();
}
