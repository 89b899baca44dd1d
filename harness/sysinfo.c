// SPDX-License-Identifier: MIT
/*
 * Run metadata (see sysinfo.h). The commit comes from the environment
 * (run_all.sh sets SYSLETBENCH_GIT_COMMIT) or from the build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/sysinfo.h"

#ifndef SYSLETBENCH_GIT_COMMIT
#define SYSLETBENCH_GIT_COMMIT "unknown"
#endif

static void cpu_model(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *colon;

	snprintf(out, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (colon) {
			snprintf(out, len, "%s", colon + 2);
			out[strcspn(out, "\n")] = 0;
		}
		break;
	}
	fclose(f);
}

void sysinfo_read(struct sysinfo_meta *meta)
{
	struct utsname u;
	const char *env = getenv("SYSLETBENCH_GIT_COMMIT");

	memset(meta, 0, sizeof(*meta));
	if (gethostname(meta->hostname, sizeof(meta->hostname) - 1))
		snprintf(meta->hostname, sizeof(meta->hostname), "unknown");
	if (!uname(&u)) {
		snprintf(meta->kernel_release, sizeof(meta->kernel_release),
			 "%s", u.release);
		snprintf(meta->kernel_version, sizeof(meta->kernel_version),
			 "%s", u.version);
		snprintf(meta->machine, sizeof(meta->machine), "%s", u.machine);
	}
	cpu_model(meta->cpu_model, sizeof(meta->cpu_model));
	meta->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	meta->compiler = "gcc-compatible " __VERSION__;
	meta->git_commit = env && *env ? env : SYSLETBENCH_GIT_COMMIT;
}
