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
	PHASE_FETCH,	/* reading the atom: a fault ends the chain */
	PHASE_ARGS,	/* reading arguments: a fault is the atom's result */
	PHASE_ARGS_FAULTED,
	PHASE_STORE,	/* writing ret_ptr: a fault ends the chain */
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

int atom_nr_allowed(unsigned int nr)
{
	switch (nr) {
	case __NR_openat:
	case __NR_read:
	case __NR_pread64:
	case __NR_write:
	case __NR_close:
	case __NR_lseek:
	case __NR_newfstatat:
	case __NR_getppid:
	case __NR_getpid:
#ifdef __NR_open
	case __NR_open:
#endif
#ifdef __NR_fstat
	case __NR_fstat:
#endif
	case SYSLET_NR_UMEM_ADD:
		return 1;
	default:
		return 0;
	}
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

	if (nr == SYSLET_NR_UMEM_ADD) {
		target = (uint64_t *)(uintptr_t)args[0];
		*target += args[1];
		return (long)*target;
	}
	if (!atom_nr_allowed(nr))
		return nr >= SYSLET_NR_TABLE_SIZE ? -ENOSYS : -EPERM;
	stats->syscalls++;
	return raw_syscall6(nr, (long)args[0], (long)args[1], (long)args[2],
			    (long)args[3], (long)args[4], (long)args[5]);
}

/*
 * Returns 1 to go on with it->cur, 0 when the chain is over. Never inlined:
 * the caller's sigsetjmp must find the state in memory, not registers.
 */
static __attribute__((noinline)) int atom_step(struct atom_interp *it, struct atom_interp_stats *stats)
{
	struct syslet_uatom atom;
	uint64_t args[SYSLET_NR_ARGS] = { 0 };
	long ret;
	int i;

	if (it->phase == PHASE_ARGS_FAULTED) {
		memcpy(&atom, (const void *)it->cur, sizeof(atom));
		ret = -EFAULT;
		goto store;
	}
	if (++it->count > max_atoms) {
		it->status = -ELOOP;
		return 0;
	}
	it->phase = PHASE_FETCH;
	memcpy(&atom, (const void *)it->cur, sizeof(atom));
	stats->atoms++;
	it->phase = PHASE_ARGS;
	for (i = 0; i < SYSLET_NR_ARGS && atom.arg_ptr[i]; i++)
		args[i] = *(const volatile uint64_t *)(uintptr_t)atom.arg_ptr[i];
	ret = atom_dispatch(atom.nr, args, stats);
store:
	it->phase = PHASE_STORE;
	if (atom.ret_ptr)
		*(volatile int64_t *)(uintptr_t)atom.ret_ptr = ret;
	it->phase = PHASE_IDLE;
	it->completed = it->cur;
	if (stop_condition(atom.flags, ret)) {
		if (!(atom.flags & SYSLET_SKIP_TO_NEXT_ON_STOP))
			return 0;
		it->cur = it->cur + 1;
		return 1;
	}
	if (!atom.next)
		return 0;
	it->cur = (const struct syslet_uatom *)(uintptr_t)atom.next;
	return 1;
}

long atom_chain_run_user(const struct syslet_uatom *first,
			 struct atom_interp_stats *stats)
{
	struct atom_interp it = { .cur = first, .phase = PHASE_IDLE };
	sigjmp_buf env, *outer = fault_env;

	pthread_once(&handler_once, install_fault_handler);
	fault_env = &env;
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
	while (!it.status && atom_step(&it, stats))
		;
	fault_env = outer;
	return it.status ? it.status : (long)(uintptr_t)it.completed;
}
