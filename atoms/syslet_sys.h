/* SPDX-License-Identifier: MIT */
/*
 * The syslet system calls of our patched kernel (kernel/patches), raw:
 * they return -errno and never touch errno. Numbers and structures come
 * from atoms/syslet.h. On any other kernel these numbers may be unused
 * (-ENOSYS) or mean something else, so call syslet_handshake() first.
 */
#ifndef SYSLETBENCH_SYSLET_SYS_H
#define SYSLETBENCH_SYSLET_SYS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atoms/raw_syscall.h"
#include "atoms/syslet.h"

static inline long syslet_info_sys(struct syslet_info *info, unsigned int size)
{
	return raw_syscall6(SYSLET_NR_INFO, (long)info, size, 0, 0, 0, 0);
}

/* The completed atom's address (synchronous), 0 (went async) or -errno. */
static inline long async_exec_sys(const struct syslet_uatom *atom,
				  struct async_head_user *ahu)
{
	return raw_syscall6(SYSLET_NR_ASYNC_EXEC, (long)atom, (long)ahu, 0, 0,
			    0, 0);
}

/* Completions ready in the ring (at least min_events unless none are in
 * flight), or -errno. */
static inline long async_wait_sys(unsigned int min_events,
				  struct async_head_user *ahu)
{
	return raw_syscall6(SYSLET_NR_ASYNC_WAIT, min_events, (long)ahu, 0, 0,
			    0, 0);
}

/*
 * 0 if this kernel answers the syslet handshake (magic and ABI version),
 * filling *info; else -errno with the reason written to why.
 */
static inline int syslet_handshake(struct syslet_info *info, char *why,
				   size_t why_len)
{
	long ret;

	memset(info, 0, sizeof(*info));
	ret = syslet_info_sys(info, sizeof(*info));
	if (ret < 0) {
		snprintf(
			why, why_len,
			"syscall %d is not syslet_info on this kernel (errno %s)",
			SYSLET_NR_INFO,
			ret == -ENOSYS ? "ENOSYS" : strerror((int)-ret));
		return (int)ret;
	}
	if (info->magic != SYSLET_MAGIC) {
		snprintf(
			why, why_len,
			"syscall %d is not syslet_info on this kernel (magic %#llx)",
			SYSLET_NR_INFO, (unsigned long long)info->magic);
		return -ENOSYS;
	}
	if (info->abi_version != SYSLET_ABI_VERSION) {
		snprintf(why, why_len,
			 "kernel syslet ABI version %u, this build speaks %u",
			 info->abi_version, SYSLET_ABI_VERSION);
		return -EPROTO;
	}
	return 0;
}

/*
 * Write to why how a trial call (async_exec or clet_exec) that answered
 * ret was refused: "<refusal> (<reason>)<hint>". enosys names what
 * -ENOSYS means for that call; the reason is strerror() otherwise, and
 * "bad return" for an answer that is not an error but not the expected
 * one either.
 */
static inline void syslet_trial_refused(char *why, size_t why_len,
					const char *refusal, long ret,
					const char *enosys)
{
	const char *reason = "bad return", *hint = "";

	if (ret == -ENOSYS && enosys)
		reason = enosys;
	else if (ret < 0)
		reason = strerror((int)-ret);
	if (ret == -EPERM)
		hint = ": the process is ptraced or seccomp-filtered";
	snprintf(why, why_len, "%s (%s)%s", refusal, reason, hint);
}

#endif
