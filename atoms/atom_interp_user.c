// SPDX-License-Identifier: MIT
/*
 * The user-space atom interpreter (see atom_interp.h).
 *
 * User memory that an atom names may be bad, and a reference interpreter
 * must answer with an errno, as the kernel does, not crash. Instead of a
 * probing syscall per access, one sigsetjmp per chain catches SIGSEGV and
 * SIGBUS; the interpreter records which phase of which atom it was in
 * (volatile, so the record is in memory when the fault hits) and resumes.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "atoms/atom_interp.h"
#include "atoms/raw_syscall.h"

enum atom_phase {
	PHASE_IDLE,
	PHASE_FETCH, /* reading the atom's fields: a fault ends the chain */
	PHASE_ARGS, /* reading arguments: a fault is the atom's result */
	PHASE_ARGS_FAULTED,
	PHASE_STORE, /* writing ret_ptr: a fault ends the chain */
};

struct atom_interp {
	const struct syslet_uatom *volatile cur;
	const struct syslet_uatom *volatile completed;
	volatile int phase;
	volatile long status;
	volatile uint64_t count;
};

static __thread sigjmp_buf *fault_env;
static uint64_t max_atoms = SYSLET_MAX_ATOMS_DEFAULT;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static struct sigaction chained_segv, chained_bus;

static void atom_fault_handler(int sig, siginfo_t *info, void *uctx)
{
	struct sigaction *prev = sig == SIGBUS ? &chained_bus : &chained_segv;

	if (fault_env)
		siglongjmp(*fault_env, 1);
	/* Not ours: behave as if we were never installed. */
	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, info, uctx);
		return;
	}
	sigaction(sig, prev, NULL);
	raise(sig);
}

static void install_fault_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = atom_fault_handler;
	/* NODEFER: we leave by siglongjmp without restoring the mask. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &chained_segv);
	sigaction(SIGBUS, &sa, &chained_bus);
}

void atom_interp_set_max_atoms(uint64_t limit)
{
	max_atoms = limit;
}

/* The kernel's allowlist, as a bitmap: one load per atom, no branches. */
static uint64_t allowed_bitmap[SYSLET_NR_TABLE_SIZE / 64 + 1];
static pthread_once_t bitmap_once = PTHREAD_ONCE_INIT;

static void build_allowlist(void)
{
	static const unsigned int allowed[] = {
		__NR_openat,	 __NR_read,    __NR_pread64,
		__NR_write,	 __NR_close,   __NR_lseek,
		__NR_newfstatat, __NR_getppid, __NR_getpid,
#ifdef __NR_open
		__NR_open,
#endif
#ifdef __NR_fstat
		__NR_fstat,
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		allowed_bitmap[allowed[i] / 64] |= 1ULL << (allowed[i] % 64);
}

int atom_nr_allowed(unsigned int nr)
{
	pthread_once(&bitmap_once, build_allowlist);
	if (nr == SYSLET_NR_UMEM_ADD)
		return 1;
	return nr < SYSLET_NR_TABLE_SIZE &&
	       (allowed_bitmap[nr / 64] >> (nr % 64)) & 1;
}

static int stop_condition(unsigned int flags, long ret)
{
	if ((flags & SYSLET_STOP_ON_NONZERO) && ret != 0)
		return 1;
	if ((flags & SYSLET_STOP_ON_ZERO) && ret == 0)
		return 1;
	if ((flags & SYSLET_STOP_ON_NEGATIVE) && ret < 0)
		return 1;
	if ((flags & SYSLET_STOP_ON_NON_POSITIVE) && ret <= 0)
		return 1;
	return 0;
}

static long atom_dispatch(unsigned int nr, const uint64_t *args,
			  struct atom_interp_stats *stats)
{
	uint64_t *target;

	if (nr < SYSLET_NR_TABLE_SIZE &&
	    (allowed_bitmap[nr / 64] >> (nr % 64)) & 1) {
		stats->syscalls++;
		return raw_syscall6(nr, (long)args[0], (long)args[1],
				    (long)args[2], (long)args[3], (long)args[4],
				    (long)args[5]);
	}
	if (nr == SYSLET_NR_UMEM_ADD) {
		target = (uint64_t *)(uintptr_t)args[0];
		*target += args[1];
		return (long)*target;
	}
	return nr >= SYSLET_NR_TABLE_SIZE ? -ENOSYS : -EPERM;
}

/*
 * Reads the fields of @cur that a chain uses, in the kernel's order: flags,
 * nr, ret_ptr, next, then each argument pointer (atom memory: a fault ends
 * the chain) and the value it points to (a fault is the atom's result), up
 * to the first zero pointer. Nothing after that pointer is read, so an
 * atom may end there in front of an unmapped page.
 */
static void atom_fetch(struct atom_interp *it, const struct syslet_uatom *cur,
		       struct syslet_uatom *atom, uint64_t *args)
{
	int i;

	it->phase = PHASE_FETCH;
	atom->flags = cur->flags;
	atom->nr = cur->nr;
	atom->ret_ptr = cur->ret_ptr;
	atom->next = cur->next;
	for (i = 0; i < SYSLET_NR_ARGS; i++) {
		atom->arg_ptr[i] = cur->arg_ptr[i];
		if (!atom->arg_ptr[i])
			break;
		it->phase = PHASE_ARGS;
		args[i] =
			*(const volatile uint64_t *)(uintptr_t)atom->arg_ptr[i];
		it->phase = PHASE_FETCH;
	}
	for (; i < SYSLET_NR_ARGS; i++)
		args[i] = 0;
}

/*
 * Runs atoms from it->cur until the chain ends. Never inlined: after a
 * fault, the caller's sigsetjmp must find the state (the volatile fields of
 * *it) in memory, not in this frame's registers. Counters in *stats are
 * exact for chains that do not fault. Unknown flag bits end the chain with
 * -EINVAL before the atom runs (after its fields and arguments were read,
 * as the kernel reads them).
 */
static __attribute__((noinline)) void
atom_chain_exec(struct atom_interp *it, struct atom_interp_stats *stats)
{
	const struct syslet_uatom *cur = it->cur;
	uint64_t count = it->count;
	struct syslet_uatom atom;
	uint64_t args[SYSLET_NR_ARGS];
	long ret;

	if (it->phase == PHASE_ARGS_FAULTED) {
		/* Its fields were readable a moment ago. */
		atom.flags = cur->flags;
		atom.ret_ptr = cur->ret_ptr;
		atom.next = cur->next;
		if (atom.flags & ~SYSLET_ALL_FLAGS) {
			it->status = -EINVAL;
			return;
		}
		ret = -EFAULT;
		goto store;
	}
	for (;;) {
		if (++count > max_atoms) {
			it->status = -ELOOP;
			return;
		}
		it->count = count;
		it->cur = cur;
		stats->atoms++;
		atom_fetch(it, cur, &atom, args);
		if (atom.flags & ~SYSLET_ALL_FLAGS) {
			it->status = -EINVAL;
			return;
		}
		/* umem_add's target faults as an argument does. */
		it->phase = PHASE_ARGS;
		ret = atom_dispatch(atom.nr, args, stats);
	store:
		it->phase = PHASE_STORE;
		if (atom.ret_ptr)
			*(volatile int64_t *)(uintptr_t)atom.ret_ptr = ret;
		it->phase = PHASE_IDLE;
		it->completed = cur;
		if (stop_condition(atom.flags, ret)) {
			if (!(atom.flags & SYSLET_SKIP_TO_NEXT_ON_STOP))
				return;
			cur = cur + 1;
		} else {
			if (!atom.next)
				return;
			cur = (const struct syslet_uatom *)(uintptr_t)atom.next;
		}
	}
}

long atom_chain_run_user(const struct syslet_uatom *first,
			 struct atom_interp_stats *stats)
{
	struct atom_interp it = { .cur = first, .phase = PHASE_IDLE };
	sigjmp_buf env, *outer = fault_env;

	pthread_once(&handler_once, install_fault_handler);
	pthread_once(&bitmap_once, build_allowlist);
	fault_env = &env;
	/* async_exec reads the first atom's flags and cookie before all. */
	it.phase = PHASE_FETCH;
	if (!sigsetjmp(env, 0)) {
		const volatile struct syslet_uatom *head = first;

		(void)head->flags;
		(void)head->private;
		it.phase = PHASE_IDLE;
	} else {
		it.status = -EFAULT;
	}
	if (sigsetjmp(env, 0)) {
		/*
		 * Faulted. Argument faults (and umem_add's target, which is
		 * read while in PHASE_ARGS too) become the atom's result.
		 */
		if (it.phase == PHASE_ARGS)
			it.phase = PHASE_ARGS_FAULTED;
		else
			it.status = -EFAULT;
	}
	if (!it.status)
		atom_chain_exec(&it, stats);
	fault_env = outer;
	return it.status ? it.status : (long)(uintptr_t)it.completed;
}
