/* SPDX-License-Identifier: MIT */
/*
 * Where a number was measured: host name, kernel, CPU, compiler, commit.
 */
#ifndef SYSLETBENCH_SYSINFO_H
#define SYSLETBENCH_SYSINFO_H

struct sysinfo_meta {
	char hostname[64];
	char kernel_release[65];
	char kernel_version[65];
	char machine[65];
	char cpu_model[128];
	long cpus;
	const char *compiler;
	const char *git_commit;
};

void sysinfo_read(struct sysinfo_meta *meta);

#endif
