/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Syslet atoms and clets: the user/kernel ABI.
 *
 * This file is shared byte for byte between sysletbench (atoms/syslet.h)
 * and the kernel patch series (include/uapi/linux/syslet.h); a test fails
 * if the two copies ever differ. It must therefore build both in user space
 * and in the kernel, with nothing but <linux/types.h>.
 *
 * An atom is one system call whose arguments are passed by pointer, so a
 * chain can feed one atom's result into a later atom's argument. A chain is
 * a list of atoms linked through ->next; the kernel (or a user-space
 * reference interpreter) runs the whole chain in one entry.
 *
 * Chain-wide rules:
 *  - The first atom's SYSLET_SYNC, SYSLET_ASYNC and SYSLET_NO_COMPLETE flags
 *    govern the whole chain; those bits are ignored on later atoms.
 *  - For each atom: read the argument values through arg_ptr[] (the first
 *    zero pointer ends the list, missing arguments are 0), run syscall nr,
 *    store the result as a __s64 at ret_ptr (when non-zero), then apply the
 *    STOP_ON_* flags to that result. If a stop condition holds, the chain
 *    ends, unless SYSLET_SKIP_TO_NEXT_ON_STOP is set, in which case it goes
 *    on with the atom that follows this one in memory (atom + 1). If no stop
 *    condition holds, it goes on with ->next; a zero ->next ends the chain.
 *  - "The completed atom" is the last atom executed.
 *  - Of each atom, an interpreter reads flags, nr, ret_ptr, next and the
 *    argument pointers up to the first zero one, in that order (of the first
 *    atom also private); nothing else of an atom need be readable. A fault
 *    reading those fields or writing ret_ptr ends the chain with -EFAULT. An
 *    argument pointer that faults makes that atom's result -EFAULT (stored
 *    and tested like any result).
 *  - An atom with a flag bit outside SYSLET_ALL_FLAGS does not run: the
 *    chain ends with -EINVAL (the atom before it has stored its result).
 *  - nr outside the syscall table (nr >= SYSLET_NR_TABLE_SIZE, the patched
 *    x86_64 table's size) gives -ENOSYS; any other syscall that is not on
 *    the atom allowlist gives -EPERM (both stored like results).
 *  - A chain that runs more than SYSLET_MAX_ATOMS_DEFAULT atoms (the kernel
 *    makes the bound a sysctl) ends with -ELOOP.
 *  - SYSLET_NR_UMEM_ADD is not a system call: the interpreter adds
 *    *arg_ptr[1] to the __u64 at user address *arg_ptr[0] and returns the
 *    new value (the v3 umem_add). Chains use it to move a buffer cursor.
 *
 * Completion: a chain or clet that went asynchronous posts one
 * struct syslet_completion to the ring in struct async_head_user unless the
 * first atom has SYSLET_NO_COMPLETE. A chain that finishes synchronously
 * posts nothing; async_exec returns the completed atom instead.
 *
 * Thread identity, a limit of the model: after a handoff the user context
 * runs on in another thread (registers, FPU state, fs/gs bases, signal
 * mask, sigaltstack, robust list, clear_child_tid and rseq move with it),
 * but the thread id does not: gettid() changes and what is tied to the
 * old id stays with the old thread. Such uses fail cleanly: io_uring_enter
 * on a ring made with IORING_SETUP_SINGLE_ISSUER before the handoff gives
 * -EEXIST, FUTEX_UNLOCK_PI of a PI futex locked before it -EPERM.
 *
 * Signals after a handoff: the thread that finishes the work, and a parked
 * spare, carry no user context; they block every signal but SIGKILL and
 * SIGSTOP. Any other signal directed at such a thread goes to the thread
 * that now carries the user context it had, following later handoffs of
 * that context, as if the thread id had moved with it: a signal sent to
 * the old thread id (tgkill, pthread_kill with glibc's cached id, glibc's
 * set*id() broadcast, a SIGEV_THREAD_ID timer) and the SIGPIPE or SIGXFSZ
 * of a write atom that runs after the handoff reach the submitter's
 * context. If that context's thread has exited, the process takes the
 * signal, as from kill(). A signal pending for the old thread at the
 * handoff moves with the user context, as its mask does. None stays
 * queued on a thread without a user context. Once a parked spare takes
 * over another context, its own id is that context's thread's again.
 *
 * Per-thread attributes do not change in a handoff: the user context only
 * moves to a spare whose credentials, personality, no_new_privs and
 * speculation controls, seccomp filter, fs (cwd, root, umask), file table,
 * namespaces, cgroup, CPU affinity, scheduling policy, priority and nice,
 * I/O priority, timer slack, I/O permissions (ioperm, iopl), NUMA policy
 * and utilization clamps equal the caller's. If no parked spare fits, the
 * atom blocks in place and the chain goes on synchronously; the thread's
 * next chain or clet that may go async first makes a spare from the
 * thread, which fits it (unless the thread has SCHED_RESET_ON_FORK).
 *
 * Credentials: work that went async runs on with the credentials of the
 * thread that submitted it, while it reads its atoms from memory that the
 * process can rewrite. So once any thread of the process commits new
 * credentials (setuid, setresuid, capset and the like), every chain that
 * went async before ends with -EPERM at the next atom it reads (the atom in
 * flight finishes); chains submitted after the change run with the
 * submitter's new credentials (spares with the old ones no longer fit). A
 * chain that did not go async runs in the thread that submitted it, with
 * that thread's credentials. A clet that went async is user code running on
 * in its thread, with that thread's credentials: nothing ends it, so drop
 * privileges only once the clets that went async have posted their
 * completions. glibc's setuid() and the like signal every thread glibc
 * knows, by its thread id, and wait for its handler: the signal follows a
 * context that was handed off (see above), so the call returns with every
 * context changed, unless such a context's old thread has since taken
 * over another context (the call then never returns): drop privileges
 * with the raw system calls, thread by thread, in such a program.
 */
#ifndef _UAPI_LINUX_SYSLET_H
#define _UAPI_LINUX_SYSLET_H

#include <linux/types.h>

/* Flags of struct syslet_uatom, values as published in syslets v1. */
#define SYSLET_ASYNC			0x00000001 /* go async at once */
#define SYSLET_SYNC			0x00000002 /* never go async */
#define SYSLET_NO_COMPLETE		0x00000004 /* post no completion */
#define SYSLET_STOP_ON_NONZERO		0x00000008 /* stop if ret != 0 */
#define SYSLET_STOP_ON_ZERO		0x00000010 /* stop if ret == 0 */
#define SYSLET_STOP_ON_NEGATIVE		0x00000020 /* stop if ret < 0 */
#define SYSLET_STOP_ON_NON_POSITIVE	0x00000040 /* stop if ret <= 0 */
#define SYSLET_SKIP_TO_NEXT_ON_STOP	0x00000080 /* on stop, run atom + 1 */

#define SYSLET_CHAIN_FLAGS	(SYSLET_ASYNC | SYSLET_SYNC | SYSLET_NO_COMPLETE)
#define SYSLET_STOP_FLAGS	(SYSLET_STOP_ON_NONZERO | SYSLET_STOP_ON_ZERO | \
				 SYSLET_STOP_ON_NEGATIVE | \
				 SYSLET_STOP_ON_NON_POSITIVE)
#define SYSLET_ALL_FLAGS	(SYSLET_CHAIN_FLAGS | SYSLET_STOP_FLAGS | \
				 SYSLET_SKIP_TO_NEXT_ON_STOP)

#define SYSLET_NR_ARGS		6

/* One atom: 80 bytes, the same layout for 32-bit and 64-bit callers. */
struct syslet_uatom {
	__u32	flags;
	__u32	nr;			/* syscall number */
	__u64	ret_ptr;		/* __s64 *: where the result goes, or 0 */
	__u64	next;			/* struct syslet_uatom *: next atom, or 0 */
	__u64	arg_ptr[SYSLET_NR_ARGS];	/* __u64 *: argument values */
	__u64	private;		/* user cookie, copied to the completion */
};

/* One completion record; atoms and clets post the same record. */
struct syslet_completion {
	__u64	cookie;		/* first atom's private, or the clet's arg */
	__u64	atom;		/* completed atom (atoms) or the clet fn */
	__s64	result;		/* completed atom's result, or clet's return */
	__u32	kind;		/* SYSLET_COMPLETION_* */
	__u32	pad;
};

#define SYSLET_COMPLETION_ATOM	1
#define SYSLET_COMPLETION_CLET	2

/*
 * The completion ring, in plain user memory. ring_size is a power of two
 * and completion_ring is not 0; entry i lives at
 * completion_ring[i & (ring_size - 1)]. The kernel writes
 * entries, then (after a write barrier) kernel_ring_idx; user space consumes
 * entries and then advances user_ring_idx. Both indices run freely and wrap
 * at 2^32. A full ring makes the poster wait (killably) for user space.
 */
struct async_head_user {
	__u32	kernel_ring_idx;	/* written by the kernel */
	__u32	user_ring_idx;		/* written by user space */
	__u32	ring_size;		/* entries, power of two */
	__u32	flags;			/* must be 0 */
	__u64	completion_ring;	/* struct syslet_completion * */
	__u64	clet_trampoline;	/* clets return here: calls async_return */
	__u64	reserved[4];		/* must be 0 */
};

/*
 * System calls (the table names them syslet_info, async_exec, async_wait,
 * clet_exec and async_return), x86_64 abi "64", one block no mainline kernel uses (6.1 ends
 * at 450, later kernels take 451 and up, x32 owns 512-547). User space must
 * call syslet_info first and check magic and abi_version: on any other
 * kernel these numbers may mean nothing, or something else.
 *
 *   long syslet_info(struct syslet_info *info, unsigned int size)
 *	fills info (size = sizeof(*info)), returns 0. The counters are the
 *	calling process's (all its threads; a new process starts from 0).
 *   long async_exec(struct syslet_uatom *atom, struct async_head_user *ahu)
 *	runs the chain; returns the completed atom's address when the chain
 *	finished synchronously, 0 when it went async (it completes later
 *	through the ring of ahu), or -errno if it could not start.
 *   long async_wait(unsigned int min_events, struct async_head_user *ahu)
 *	sleeps until at least min(min_events, ring_size) completions are in
 *	ahu's ring (kernel_ring_idx - user_ring_idx), or until no chain or
 *	clet in flight will post to that ring (work in flight for other rings
 *	does not count); returns that count or -errno.
 *   long clet_exec(long (*fn)(unsigned long), unsigned long arg,
 *		    void *stack_top, struct async_head_user *ahu, __s64 *ret)
 *	upcalls fn(arg) in user mode on the stack below stack_top; returns 1
 *	and stores fn's return value at ret when the clet completed
 *	synchronously, 0 when it went async (the completion carries it).
 *   long async_return(long ret)
 *	ends the running clet; -EINVAL without one.
 */
#define SYSLET_NR_BASE		600
#define SYSLET_NR_INFO		(SYSLET_NR_BASE + 0)
#define SYSLET_NR_ASYNC_EXEC	(SYSLET_NR_BASE + 1)
#define SYSLET_NR_ASYNC_WAIT	(SYSLET_NR_BASE + 2)
#define SYSLET_NR_CLET_EXEC	(SYSLET_NR_BASE + 3)
#define SYSLET_NR_ASYNC_RETURN	(SYSLET_NR_BASE + 4)
#define SYSLET_NR_COUNT		5
#define SYSLET_NR_TABLE_SIZE	(SYSLET_NR_BASE + SYSLET_NR_COUNT)

/* Interpreter-native atom: not a system call (see above). */
#define SYSLET_NR_UMEM_ADD	(SYSLET_NR_BASE + 63)

#define SYSLET_MAGIC		0x73796c6574617473ULL /* "systatel" */
#define SYSLET_ABI_VERSION	1
#define SYSLET_MAX_ATOMS_DEFAULT	(1U << 20)

struct syslet_info {
	__u64	magic;			/* SYSLET_MAGIC */
	__u32	abi_version;		/* SYSLET_ABI_VERSION */
	__u32	max_atoms;		/* current chain length bound */
	__u64	chains_inline;		/* chains that completed synchronously */
	__u64	cachemisses;		/* handoffs to a spare thread */
	__u64	completions;		/* records posted to rings */
	__u64	atoms_run;		/* atoms executed */
	__u64	reserved[4];
};

#endif /* _UAPI_LINUX_SYSLET_H */
