// SPDX-License-Identifier: GPL-2.0
/* /init of build.sh --bisect --boot: proves a prefix reached user space. */
#include <errno.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "syslet.h"

/*
 * Which syslet system calls answer: a prefix of the series has the ones
 * its patches implement, and the others are COND_SYSCALL (-ENOSYS). Every
 * probe is refused before it can act: NULL pointers, no clet running.
 */
static const struct {
	const char *name;
	long nr;
} probes[] = {
	{ "syslet_info", SYSLET_NR_INFO },
	{ "async_exec", SYSLET_NR_ASYNC_EXEC },
	{ "async_wait", SYSLET_NR_ASYNC_WAIT },
	{ "clet_exec", SYSLET_NR_CLET_EXEC },
	{ "async_return", SYSLET_NR_ASYNC_RETURN },
};

int main(void)
{
	struct utsname u;
	unsigned int i;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (uname(&u) == 0)
		printf("boot-check: user space reached, kernel %s\n",
		       u.release);
	else
		printf("boot-check: user space reached, uname: errno %d\n",
		       errno);
	printf("boot-check: syscalls:");
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		long r = syscall(probes[i].nr, 0L, 0L, 0L, 0L, 0L);

		printf(" %s=%s", probes[i].name,
		       r == -1 && errno == ENOSYS ? "absent" : "present");
	}
	printf("\n");
	/* Nothing is mounted: nothing to sync. */
	reboot(RB_POWER_OFF);
	return 1;
}
