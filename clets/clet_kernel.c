// SPDX-License-Identifier: MIT
/*
 * Kernel clets (see clet_kernel.h). Each clet_kernel_exec() takes a slot: a
 * stack (mmap'd, with a guard page below) and a record that the kernel gets as
 * the clet's argument, so a completion's cookie names the slot; a small
 * shim calls the user's fn(arg) from it. A synchronous clet frees its slot
 * at once (the hottest stack is reused next), an async one when reaped.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "atoms/syslet_sys.h"
#include "clets/clet_kernel.h"
#include "clets/clet_sys.h"

#define DEFAULT_STACK (64 * 1024)

struct ck_slot {
	clet_fn fn;
	unsigned long arg;
	char *stack; /* base of the mapping (guard page) */
	unsigned int next_free;
};

struct clet_kernel {
	struct async_head_user ahu;
	struct syslet_completion *ring;
	struct ck_slot *slots;
	unsigned int nr_slots;
	unsigned int free_head; /* nr_slots: none */
	unsigned int inflight;
	size_t stack_size;
	unsigned long long syscalls;
};

static long ck_shim(unsigned long arg)
{
	struct ck_slot *s = (struct ck_slot *)arg;

	return s->fn(s->arg);
}

static long probe_fn(unsigned long arg)
{
	return (long)arg + 1;
}

int clet_kernel_probe(char *why, size_t why_len)
{
	static char stack[8192] __attribute__((aligned(16)));
	static struct syslet_completion ring[1];
	struct async_head_user ahu;
	struct syslet_info info;
	int64_t ret = 0;
	long r;

	if (syslet_handshake(&info, why, why_len))
		return 0;
	memset(&ahu, 0, sizeof(ahu));
	ahu.ring_size = 1;
	ahu.completion_ring = (uint64_t)(uintptr_t)ring;
	ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
	r = clet_sys_exec(probe_fn, 41, stack + sizeof(stack), &ahu, &ret);
	if (r != 1 || ret != 42) {
		syslet_trial_refused(why, why_len,
				     "clet_exec refused a trial clet", r,
				     "ENOSYS: this kernel has no clets");
		return 0;
	}
	return 1;
}

void clet_kernel_destroy(struct clet_kernel *ck)
{
	unsigned int i;

	if (!ck)
		return;
	for (i = 0; ck->slots && i < ck->nr_slots; i++)
		if (ck->slots[i].stack)
			munmap(ck->slots[i].stack, ck->stack_size);
	free(ck->slots);
	free(ck->ring);
	free(ck);
}

struct clet_kernel *clet_kernel_create(unsigned int max_inflight,
				       size_t stack_size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct clet_kernel *ck = calloc(1, sizeof(*ck));
	unsigned int i, size = 8;

	if (!ck)
		return NULL;
	if (!max_inflight)
		max_inflight = 1;
	if (!stack_size)
		stack_size = DEFAULT_STACK;
	/* Whole pages, plus the guard page. */
	ck->stack_size = ((stack_size + page - 1) & ~(size_t)(page - 1)) + page;
	while (size < max_inflight)
		size <<= 1;
	ck->nr_slots = max_inflight;
	ck->slots = calloc(max_inflight, sizeof(*ck->slots));
	ck->ring = calloc(size, sizeof(*ck->ring));
	if (!ck->slots || !ck->ring)
		goto fail;
	for (i = 0; i < max_inflight; i++) {
		char *m = mmap(NULL, ck->stack_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (m == MAP_FAILED)
			goto fail;
		ck->slots[i].stack = m;
		ck->slots[i].next_free = i + 1;
		if (mprotect(m, page, PROT_NONE))
			goto fail;
	}
	ck->free_head = 0;
	ck->ahu.ring_size = size;
	ck->ahu.completion_ring = (uint64_t)(uintptr_t)ck->ring;
	ck->ahu.clet_trampoline = (uint64_t)(uintptr_t)clet_trampoline;
	return ck;
fail:
	clet_kernel_destroy(ck);
	errno = ENOMEM;
	return NULL;
}

static void slot_put(struct clet_kernel *ck, struct ck_slot *s)
{
	s->next_free = ck->free_head;
	ck->free_head = (unsigned int)(s - ck->slots);
}

long clet_kernel_exec(struct clet_kernel *ck, clet_fn fn, unsigned long arg,
		      long *result)
{
	struct ck_slot *s;
	int64_t ret = 0;
	long r;

	if (ck->free_head >= ck->nr_slots)
		return -EAGAIN;
	s = &ck->slots[ck->free_head];
	ck->free_head = s->next_free;
	s->fn = fn;
	s->arg = arg;
	r = clet_sys_exec(ck_shim, (unsigned long)s, s->stack + ck->stack_size,
			  &ck->ahu, &ret);
	ck->syscalls++;
	if (r == 0) {
		ck->inflight++;
		return 0;
	}
	slot_put(ck, s);
	if (r == 1 && result)
		*result = (long)ret;
	return r;
}

int clet_kernel_wait(struct clet_kernel *ck, struct clet_completion *out)
{
	const struct syslet_completion *c;
	uint32_t head = ck->ahu.user_ring_idx;
	struct ck_slot *s;

	for (;;) {
		uint32_t tail;
		long r;

		if (!ck->inflight)
			return -EAGAIN;
		tail = __atomic_load_n(&ck->ahu.kernel_ring_idx,
				       __ATOMIC_ACQUIRE);
		if (tail != head)
			break;
		r = async_wait_sys(1, &ck->ahu);
		ck->syscalls++;
		if (r < 0 && r != -EINTR)
			return (int)r;
	}
	c = &ck->ring[head & (ck->ahu.ring_size - 1)];
	s = (struct ck_slot *)(uintptr_t)c->cookie;
	out->fn = s->fn;
	out->arg = s->arg;
	out->result = (long)c->result;
	__atomic_store_n(&ck->ahu.user_ring_idx, head + 1, __ATOMIC_RELEASE);
	ck->inflight--;
	slot_put(ck, s);
	return 0;
}

unsigned int clet_kernel_inflight(const struct clet_kernel *ck)
{
	return ck->inflight;
}

unsigned long long clet_kernel_syscalls(const struct clet_kernel *ck)
{
	return ck->syscalls;
}
