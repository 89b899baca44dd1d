/* SPDX-License-Identifier: MIT */
/*
 * Where a number was measured: host name, kernel, CPU, compiler, commit,
 * whether the machine is a VM (the hypervisor, and how it showed), whether
 * it has a PMU, its speculative-execution mitigations and its kernel
 * command line.
 */
#ifndef SYSLETBENCH_SYSINFO_H
#define SYSLETBENCH_SYSINFO_H

#include <stddef.h>

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

/*
 * What the machine says about a hypervisor. Each source may be missing
 * (cpuid_bit -1 off x86, a NULL string where the file or tool is absent).
 */
struct hypervisor_evidence {
	int cpuid_bit; /* CPUID leaf 1 ECX bit 31: 1, 0, or -1 unknown */
	char cpuid_vendor[13]; /* leaf 0x40000000 signature; "" without */
	const char *dmi_sys_vendor; /* /sys/class/dmi/id/sys_vendor */
	const char *dmi_product_name; /* /sys/class/dmi/id/product_name */
	const char *detect_virt; /* systemd-detect-virt --vm: "none", "kvm" */
};

struct hypervisor_info {
	/* systemd-detect-virt's names; NULL: bare metal. May point into ev. */
	const char *name;
	char how[256]; /* every source consulted and what it said */
};

/*
 * A VM when any source says so: the CPU's hypervisor bit, a known 0x40000000
 * signature, a virtual machine's DMI vendor or product, or
 * systemd-detect-virt. The name is systemd-detect-virt's where it gave one,
 * else the signature's, else the DMI's, else "unknown".
 */
void hypervisor_identify(const struct hypervisor_evidence *ev,
			 struct hypervisor_info *out);

/* This machine's, gathered once (it runs systemd-detect-virt if present). */
const struct hypervisor_info *hypervisor_detect(void);

/* The host run's accelerator: "vm" under a hypervisor, else "native". */
const char *sysinfo_host_accel(void);

/*
 * Whether a hardware cycle counter opens here (perf_event_open of
 * PERF_COUNT_HW_CPU_CYCLES on this task, user and kernel): most VMs have
 * none. why says what failed ("" when present).
 */
struct pmu_info {
	int present;
	char why[160];
};

/* This machine's, probed once. */
const struct pmu_info *pmu_detect(void);

#define MAX_MITIGATIONS 32

/* One file of /sys/devices/system/cpu/vulnerabilities: its name, its line. */
struct mitigation {
	char name[48];
	char state[160];
};

/*
 * Every regular file of dir (the vulnerabilities directory, or a test's),
 * sorted by name, at most max; returns the count, 0 where dir is absent.
 */
size_t mitigations_read(const char *dir, struct mitigation *out, size_t max);

#define VULNERABILITIES_DIR "/sys/devices/system/cpu/vulnerabilities"

/* The first line of path (e.g. /proc/cmdline) into buf, or NULL. */
const char *sysinfo_first_line(const char *path, char *buf, size_t len);

#endif
