// SPDX-License-Identifier: MIT
/*
 * Fuzz the syslet system calls with random and malformed chains: at
 * least FUZZ_PER_CLASS chains in each class below (FUZZ_TOTAL overall),
 * from a fixed seed (FUZZ_SEED in the environment overrides it). The
 * kernel must answer every one with a result or -errno: an oops, BUG or
 * WARNING fails the test through the kernel-log scan of guest_init, and a
 * hang through its timeout.
 *
 * Everything a chain may write (ret_ptr, umem_add targets, read buffers)
 * lies in one scratch arena, and the process has only harmless files
 * open (0-2 on /dev/null, /dev/zero, a tmpfs file, a pipe), so random
 * write atoms cannot reach the console or the disk.
 */
#include "syslet_test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define ARENA_SIZE     (64 * 1024)
#define NATOMS	       64
#define FUZZ_PER_CLASS 2000
#define FUZZ_ASYNC     1000 /* the async classes hand off: costlier */

enum fuzz_class {
	FZ_FLAGS,
	FZ_NR,
	FZ_ATOM_PTR,
	FZ_RET_PTR,
	FZ_ARG_PTR,
	FZ_LINKS,
	FZ_RANDOM_BYTES,
	FZ_UMEM_ADD,
	FZ_FILES,
	FZ_INFO,
	FZ_WAIT,
	FZ_BAD_RING,
	FZ_ASYNC,
	FZ_ASYNC_RANDOM,
	FZ_NR_CLASSES,
};

static const char *const class_names[FZ_NR_CLASSES] = {
	"flags", "nr",		 "atom-ptr", "ret-ptr",	     "arg-ptr",
	"links", "random-bytes", "umem-add", "files",	     "info",
	"wait",	 "bad-ring",	 "async",    "async-random",
};

static uint64_t rng_state;
static unsigned char *arena;
static struct syslet_uatom *atoms; /* NATOMS atoms inside the arena */
static uint64_t *vals; /* argument values inside the arena */
static struct test_ring *ring;
static long counts[FZ_NR_CLASSES], errnos[FZ_NR_CLASSES];
static int fds[4];

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

/* A pointer: valid in the arena, or one of the classic bad ones. */
static uint64_t rnd_ptr(int allow_bad)
{
	static const uint64_t bad[] = {
		0,
		8,
		0xfff,
		0x1000,
		0x7ffffffff000ULL,
		0x7fffffffffffULL,
		0x800000000000ULL,
		0xffff800000000000ULL,
		0xffff888000000000ULL,
		0xffffffff81000000ULL,
		0xfffffffffffff000ULL,
		0xffffffffffffffffULL,
	};

	if (allow_bad && rnd() % 4 == 0)
		return pick(bad, sizeof(bad) / sizeof(bad[0]));
	return (uint64_t)(uintptr_t)arena + (rnd() % (ARENA_SIZE - 64)) / 8 * 8;
}

static uint64_t rnd_val(void)
{
	static const uint64_t interesting[] = {
		0,
		1,
		2,
		3,
		4,
		5,
		7,
		8,
		16,
		64,
		4096,
		65536,
		0x7fffffff,
		0x80000000ULL,
		0xffffffffULL,
		(uint64_t)-1,
		(uint64_t)-100,
		(uint64_t)AT_FDCWD,
		O_RDONLY,
		O_RDWR | O_CREAT,
		O_WRONLY | O_TRUNC,
	};

	switch (rnd() % 4) {
	case 0:
		return rnd();
	case 1:
		return rnd_ptr(1);
	default:
		return pick(interesting,
			    sizeof(interesting) / sizeof(interesting[0]));
	}
}

static uint32_t rnd_nr(void)
{
	static const uint32_t nrs[] = {
		__NR_read,    __NR_write,  __NR_open,	    __NR_close,
		__NR_fstat,   __NR_lseek,  __NR_pread64,    __NR_getpid,
		__NR_getppid, __NR_openat, __NR_newfstatat, SYSLET_NR_UMEM_ADD,
	};

	switch (rnd() % 8) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return rnd() % 700;
	default:
		return nrs[rnd() % (sizeof(nrs) / sizeof(nrs[0]))];
	}
}

static uint32_t rnd_flags(int chain_flags_ok)
{
	uint32_t f = (uint32_t)rnd() & SYSLET_ALL_FLAGS;

	if (rnd() % 16 == 0)
		f |= 1u << (8 + rnd() % 24); /* unknown bits */
	if (!chain_flags_ok)
		f = (f & ~SYSLET_CHAIN_FLAGS) | SYSLET_SYNC;
	return f;
}

/* A well-formed linear chain of @n getppid/getpid atoms. */
static void make_chain(int n, uint32_t first_flags)
{
	int i;

	for (i = 0; i < n; i++) {
		init_atom(&atoms[i], i ? 0 : first_flags,
			  i & 1 ? __NR_getpid : __NR_getppid,
			  (int64_t *)&vals[i], i + 1 < n ? &atoms[i + 1] : NULL,
			  NULL, NULL, NULL, NULL);
	}
}

/* Arguments pointing at values: files, sizes, arena buffers. */
static void rnd_args(struct syslet_uatom *a)
{
	int i, nargs = rnd() % 7;

	memset(a->arg_ptr, 0, sizeof(a->arg_ptr));
	for (i = 0; i < nargs; i++) {
		uint64_t *slot = &vals[NATOMS + (rnd() % 64)];

		switch (rnd() % 4) {
		case 0:
			*slot = fds[rnd() % 4];
			break;
		case 1:
			*slot = rnd_ptr(1);
			break;
		default:
			*slot = rnd_val();
		}
		a->arg_ptr[i] = (uintptr_t)slot;
	}
}

static void fuzz_one(enum fuzz_class cls)
{
	int n = 1 + rnd() % 8, i;
	long ret = 0;

	switch (cls) {
	case FZ_FLAGS:
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++)
			atoms[i].flags = rnd_flags(0);
		atoms[0].flags |= SYSLET_SYNC;
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_NR:
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++) {
			atoms[i].nr = rnd_nr();
			if (atoms[i].nr == __NR_write)
				atoms[i].nr = __NR_getpid;
		}
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_ATOM_PTR:
		make_chain(n, SYSLET_SYNC);
		atoms[rnd() % n].next = rnd_ptr(1);
		ret = sys_async_exec(rnd() % 4 ? atoms :
						 (void *)(uintptr_t)rnd_ptr(1),
				     NULL);
		break;
	case FZ_RET_PTR:
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++)
			atoms[i].ret_ptr = rnd() % 2 ? rnd_ptr(1) : 0;
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_ARG_PTR:
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++) {
			int j;

			for (j = 0; j < SYSLET_NR_ARGS; j++)
				atoms[i].arg_ptr[j] = rnd() % 3 ? rnd_ptr(1) :
								  0;
			atoms[i].nr = rnd() % 2 ? __NR_lseek : __NR_fstat;
		}
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_LINKS:
		/* Random graph inside the atom array: loops, skips off the end.
		 */
		make_chain(NATOMS, SYSLET_SYNC);
		for (i = 0; i < NATOMS; i++) {
			atoms[i].next =
				rnd() % 8 ? (uintptr_t)&atoms[rnd() % NATOMS] :
					    0;
			/* Known flags only: an unknown bit ends it at once. */
			atoms[i].flags = (uint32_t)rnd() & SYSLET_ALL_FLAGS &
					 ~SYSLET_CHAIN_FLAGS;
		}
		i = rnd() % NATOMS;
		atoms[i].flags |= SYSLET_SYNC;
		ret = sys_async_exec(&atoms[i], NULL);
		break;
	case FZ_RANDOM_BYTES:
		for (i = 0; i < n * (int)sizeof(*atoms); i++)
			((unsigned char *)atoms)[i] = (unsigned char)rnd();
		for (i = 0; i < n; i++) {
			if (atoms[i].nr == __NR_write ||
			    atoms[i].nr == __NR_open ||
			    atoms[i].nr == __NR_openat)
				atoms[i].nr = __NR_getpid;
			/* Mostly known flags, so the atoms actually run. */
			if (rnd() % 8)
				atoms[i].flags &= SYSLET_ALL_FLAGS;
			/* Mostly allowed syscalls with random everything else. */
			if (rnd() % 2)
				atoms[i].nr = rnd_nr();
			if (atoms[i].nr == __NR_write ||
			    atoms[i].nr == __NR_open ||
			    atoms[i].nr == __NR_openat)
				atoms[i].nr = __NR_getppid;
		}
		atoms[0].flags = (atoms[0].flags & ~SYSLET_CHAIN_FLAGS) |
				 SYSLET_SYNC;
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_UMEM_ADD:
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++) {
			atoms[i].nr = SYSLET_NR_UMEM_ADD;
			vals[NATOMS + 2 * i] = rnd_ptr(1);
			vals[NATOMS + 2 * i + 1] = rnd_val();
			atoms[i].arg_ptr[0] = (uintptr_t)&vals[NATOMS + 2 * i];
			atoms[i].arg_ptr[1] =
				rnd() % 8 ?
					(uintptr_t)&vals[NATOMS + 2 * i + 1] :
					0;
		}
		ret = sys_async_exec(atoms, NULL);
		break;
	case FZ_FILES:
		/* Allowed file syscalls with random arguments on harmless fds. */
		make_chain(n, SYSLET_SYNC);
		for (i = 0; i < n; i++) {
			static const uint32_t nrs[] = {
				__NR_read,  __NR_write, __NR_pread64,
				__NR_lseek, __NR_fstat, __NR_close,
			};

			atoms[i].nr = nrs[rnd() % 6];
			rnd_args(&atoms[i]);
			atoms[i].flags = i ? rnd_flags(0) &
							 ~SYSLET_CHAIN_FLAGS :
					     SYSLET_SYNC;
		}
		ret = sys_async_exec(atoms, NULL);
		/* Random close atoms may close our fds: reopen them. */
		for (i = 0; i < 4; i++) {
			if (fcntl(fds[i], F_GETFD) < 0) {
				int nfd = open("/dev/zero", O_RDONLY);

				dup2(nfd, fds[i]);
				close(nfd);
			}
		}
		break;
	case FZ_INFO:
		ret = sys_syslet_info(rnd() % 2 ?
					      (void *)(uintptr_t)rnd_ptr(1) :
					      (void *)vals,
				      (unsigned int)rnd_val());
		break;
	case FZ_WAIT:
		ret = sys_async_wait((unsigned int)rnd() % 4,
				     rnd() % 2 ? (void *)(uintptr_t)rnd_ptr(1) :
						 &ring->ahu);
		break;
	case FZ_BAD_RING: {
		struct async_head_user *ahu =
			(void *)(arena + ARENA_SIZE - 4096);

		/*
		 * Field by field, so that completion_ring can only point into
		 * the arena or at an invalid address, never at our own data.
		 */
		memset(ahu, 0, sizeof(*ahu));
		ahu->kernel_ring_idx = rnd() % 2 ? 0 : (uint32_t)rnd();
		ahu->user_ring_idx = rnd() % 2 ? ahu->kernel_ring_idx :
						 (uint32_t)rnd();
		ahu->ring_size = rnd() % 2 ? 1u << (rnd() % 32) :
					     (uint32_t)rnd_val();
		ahu->flags = rnd() % 4 ? 0 : (uint32_t)rnd();
		ahu->completion_ring = rnd_ptr(1);
		if (ahu->completion_ring >= (uintptr_t)arena &&
		    ahu->completion_ring < (uintptr_t)arena + ARENA_SIZE &&
		    ahu->ring_size <= 16)
			ahu->completion_ring =
				(uintptr_t)arena + ARENA_SIZE / 2;
		ahu->clet_trampoline = rnd_val();
		if (rnd() % 4 == 0)
			ahu->reserved[rnd() % 4] = rnd();
		make_chain(n, rnd() % 2 ? SYSLET_ASYNC : 0);
		ret = sys_async_exec(
			atoms, rnd() % 8 ? ahu : (void *)(uintptr_t)rnd_ptr(1));
		if (ret == 0) /* a valid ring after all: drain it */
			sys_async_wait(0, ahu);
		break;
	}
	case FZ_ASYNC:
	case FZ_ASYNC_RANDOM: {
		struct syslet_completion c;

		make_chain(n,
			   SYSLET_ASYNC | (rnd() % 4 ? 0 : SYSLET_NO_COMPLETE));
		if (cls == FZ_ASYNC_RANDOM) {
			for (i = 0; i < n; i++) {
				atoms[i].nr = rnd_nr();
				if (atoms[i].nr == __NR_write ||
				    atoms[i].nr == __NR_open ||
				    atoms[i].nr == __NR_openat)
					atoms[i].nr = __NR_getppid;
				if (rnd() % 2)
					rnd_args(&atoms[i]);
				if (rnd() % 8 == 0)
					atoms[i].ret_ptr = rnd_ptr(1);
				if (i && rnd() % 4 == 0)
					atoms[i].flags = rnd_flags(0) &
							 ~SYSLET_CHAIN_FLAGS;
			}
			if (rnd() % 8 == 0)
				atoms[rnd() % n].next = rnd_ptr(1);
		}
		ret = sys_async_exec(atoms, &ring->ahu);
		if (ret == 0 && !(atoms[0].flags & SYSLET_NO_COMPLETE)) {
			if (sys_async_wait(1, &ring->ahu) >= 1)
				ring_pop(ring, &c);
		}
		while (ring_pop(ring, &c))
			;
		break;
	}
	default:
		break;
	}
	counts[cls]++;
	if (ret < 0)
		errnos[cls]++;
}

static void setup(void)
{
	int p[2], nul = open("/dev/null", O_RDWR);

	dup2(nul, 0);
	dup2(nul, 1);
	dup2(nul, 2);
	/*
	 * A completion ring in the arena may be declared far larger than
	 * the arena: keep 4 MiB of PROT_NONE after it, so such posts fault.
	 */
	arena = mmap(NULL, ARENA_SIZE + (4 << 20), PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(arena, ARENA_SIZE, PROT_READ | PROT_WRITE);
	atoms = (struct syslet_uatom *)arena;
	vals = (uint64_t *)(arena + NATOMS * sizeof(*atoms));
	/* Outside the arena: random writes must not redirect completions. */
	ring = mmap(NULL, sizeof(*ring), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ring_init(ring, 64);
	fds[0] = open("/dev/zero", O_RDONLY);
	fds[1] = open("/tmp/fuzz-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (pipe(p) == 0) {
		fds[2] = p[0];
		fds[3] = p[1];
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		fcntl(p[1], F_SETFL, O_NONBLOCK);
	}
}

/* The fuzzer itself runs in a child, so that nothing it does reaches us. */
int main(void)
{
	struct shared {
		long counts[FZ_NR_CLASSES], errnos[FZ_NR_CLASSES];
		int finished;
	} * sh;
	FILE *f;
	const char *seed_env = getenv("FUZZ_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x5eed5eedULL;
	long total = 0;
	int status, c;
	pid_t pid;

	test_name = "fuzz";
	require_syslets(NULL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* Bound loops: random links build cycles. */
	f = fopen("/proc/sys/kernel/syslet_max_atoms", "w");
	if (f) {
		fprintf(f, "256\n");
		fclose(f);
	}
	pid = fork();
	if (pid == 0) {
		rng_state = seed | 1;
		setup();
		for (c = 0; c < FZ_NR_CLASSES; c++) {
			long n = (c == FZ_ASYNC || c == FZ_ASYNC_RANDOM ||
				  c == FZ_BAD_RING) ?
					 FUZZ_ASYNC :
					 FUZZ_PER_CLASS;

			if (c == FZ_NR || c == FZ_LINKS ||
			    c == FZ_RANDOM_BYTES || c == FZ_FLAGS ||
			    c == FZ_FILES || c == FZ_UMEM_ADD ||
			    c == FZ_ARG_PTR)
				n *= 8; /* the cheap synchronous classes */
			while (counts[c] < n)
				fuzz_one(c);
		}
		memcpy(sh->counts, counts, sizeof(counts));
		memcpy(sh->errnos, errnos, sizeof(errnos));
		sh->finished = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	f = fopen("/proc/sys/kernel/syslet_max_atoms", "w");
	if (f) {
		fprintf(f, "%u\n", SYSLET_MAX_ATOMS_DEFAULT);
		fclose(f);
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && sh->finished,
	      "fuzzer child died (status %#x)", status);
	for (c = 0; c < FZ_NR_CLASSES; c++) {
		printf("fuzz: %-13s %7ld chains, %7ld -errno\n", class_names[c],
		       sh->counts[c], sh->errnos[c]);
		total += sh->counts[c];
		CHECK(sh->counts[c] >= 1000, "class %s ran %ld", class_names[c],
		      sh->counts[c]);
	}
	printf("fuzz: %ld chains in all, seed %#llx\n", total,
	       (unsigned long long)seed);
	CHECK(total >= 100000, "only %ld chains", total);
	return test_done();
}
