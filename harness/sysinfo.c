// SPDX-License-Identifier: MIT
/*
 * Run metadata (see sysinfo.h). The commit comes from the environment
 * (run_all.sh sets SYSLETBENCH_GIT_COMMIT) or from the build.
 */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* Names as systemd-detect-virt gives them, so that all sources agree. */
static const struct {
	const char *signature;
	const char *name;
} cpuid_vendors[] = {
	{ "KVMKVMKVM", "kvm" },		 { "TCGTCGTCGTCG", "qemu" },
	{ "Microsoft Hv", "microsoft" }, { "VMwareVMware", "vmware" },
	{ "XenVMMXenVMM", "xen" },	 { "VBoxVBoxVBox", "oracle" },
	{ "bhyve bhyve ", "bhyve" },	 { " lrpepyh  vr", "parallels" },
	{ "ACRNACRNACRN", "acrn" },
};

/* DMI strings that only a virtual machine's firmware reports. */
static const struct {
	const char *prefix;
	const char *name;
} dmi_vendors[] = {
	{ "QEMU", "qemu" },	      { "KVM", "kvm" },
	{ "VMware", "vmware" },	      { "VirtualBox", "oracle" },
	{ "innotek GmbH", "oracle" }, { "Xen", "xen" },
	{ "Amazon EC2", "amazon" },   { "Google", "google" },
	{ "Parallels", "parallels" }, { "Bochs", "bochs" },
	{ "BHYVE", "bhyve" },	      { "OpenStack", "kvm" },
};

static const char *dmi_name(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(dmi_vendors) / sizeof(dmi_vendors[0]); i++)
		if (!strncmp(s, dmi_vendors[i].prefix,
			     strlen(dmi_vendors[i].prefix)))
			return dmi_vendors[i].name;
	return NULL;
}

/*
 * A VM by its DMI strings. Microsoft's vendor string is also on its
 * hardware: only the product "Virtual Machine" is Hyper-V. EC2's metal
 * instances keep "Amazon EC2" as vendor, with a "*.metal" product.
 */
static const char *dmi_hypervisor(const char *vendor, const char *product)
{
	const char *name;
	size_t len = product ? strlen(product) : 0;

	if (product && len >= 6 && !strcmp(product + len - 6, ".metal"))
		return NULL;
	if (vendor && !strcmp(vendor, "Microsoft Corporation"))
		return product && !strcmp(product, "Virtual Machine") ?
			       "microsoft" :
			       NULL;
	name = dmi_name(vendor);
	return name ? name : dmi_name(product);
}

static void how_add(struct hypervisor_info *out, const char *fmt,
		    const char *value)
{
	size_t used = strlen(out->how);

	if (used && used + 2 < sizeof(out->how)) {
		memcpy(out->how + used, "; ", 3);
		used += 2;
	}
	snprintf(out->how + used, sizeof(out->how) - used, fmt, value);
}

void hypervisor_identify(const struct hypervisor_evidence *ev,
			 struct hypervisor_info *out)
{
	const char *by_cpuid = NULL, *by_dmi, *by_tool = NULL;
	size_t i;
	int vm = 0;

	memset(out, 0, sizeof(*out));
	if (ev->cpuid_bit >= 0) {
		how_add(out, "cpuid leaf 1 ecx bit 31 %s",
			ev->cpuid_bit ? "set" : "clear");
		vm |= ev->cpuid_bit;
	}
	if (ev->cpuid_bit > 0 && ev->cpuid_vendor[0]) {
		for (i = 0;
		     i < sizeof(cpuid_vendors) / sizeof(cpuid_vendors[0]); i++)
			if (!strcmp(ev->cpuid_vendor,
				    cpuid_vendors[i].signature))
				by_cpuid = cpuid_vendors[i].name;
		how_add(out, "cpuid 0x40000000 '%s'", ev->cpuid_vendor);
	}
	by_dmi = dmi_hypervisor(ev->dmi_sys_vendor, ev->dmi_product_name);
	if (ev->dmi_sys_vendor)
		how_add(out, "dmi sys_vendor '%s'", ev->dmi_sys_vendor);
	if (ev->dmi_product_name)
		how_add(out, "dmi product_name '%s'", ev->dmi_product_name);
	if (ev->detect_virt) {
		how_add(out, "systemd-detect-virt --vm '%s'", ev->detect_virt);
		if (*ev->detect_virt && strcmp(ev->detect_virt, "none"))
			by_tool = ev->detect_virt;
	}
	vm |= by_cpuid || by_dmi || by_tool;
	if (!out->how[0])
		how_add(out, "%s", "no source could be read");
	if (!vm)
		return;
	out->name = by_tool  ? by_tool :
		    by_cpuid ? by_cpuid :
		    by_dmi   ? by_dmi :
			       "unknown";
}

static void cpuid_evidence(struct hypervisor_evidence *ev)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;

	__cpuid(1, eax, ebx, ecx, edx);
	ev->cpuid_bit = !!(ecx & (1U << 31));
	if (!ev->cpuid_bit)
		return;
	/* The leaf exists only under a hypervisor: read it only then. */
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(ev->cpuid_vendor, &ebx, 4);
	memcpy(ev->cpuid_vendor + 4, &ecx, 4);
	memcpy(ev->cpuid_vendor + 8, &edx, 4);
	ev->cpuid_vendor[12] = 0;
#else
	ev->cpuid_bit = -1;
#endif
}

const char *sysinfo_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *ok;

	if (!f)
		return NULL;
	ok = fgets(buf, (int)len, f);
	fclose(f);
	if (!ok)
		return NULL;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* systemd-detect-virt --vm's answer, or NULL where it is not installed. */
static const char *detect_virt(char *buf, size_t len)
{
	FILE *p;
	char *ok;

	if (access("/usr/bin/systemd-detect-virt", X_OK) &&
	    access("/bin/systemd-detect-virt", X_OK))
		return NULL;
	/* Prints "none" and exits 1 on bare metal: the output decides. */
	fflush(NULL);
	p = popen("systemd-detect-virt --vm 2>/dev/null", "r");
	if (!p)
		return NULL;
	ok = fgets(buf, (int)len, p);
	pclose(p);
	if (!ok)
		return NULL;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

const struct hypervisor_info *hypervisor_detect(void)
{
	static struct hypervisor_info info;
	static int done;
	static char vendor[128], product[128], tool[64];
	struct hypervisor_evidence ev;

	if (done)
		return &info;
	memset(&ev, 0, sizeof(ev));
	cpuid_evidence(&ev);
	ev.dmi_sys_vendor = sysinfo_first_line("/sys/class/dmi/id/sys_vendor",
					       vendor, sizeof(vendor));
	ev.dmi_product_name = sysinfo_first_line(
		"/sys/class/dmi/id/product_name", product, sizeof(product));
	ev.detect_virt = detect_virt(tool, sizeof(tool));
	hypervisor_identify(&ev, &info);
	done = 1;
	return &info;
}

const char *sysinfo_host_accel(void)
{
	return hypervisor_detect()->name ? "vm" : "native";
}

const struct pmu_info *pmu_detect(void)
{
	static struct pmu_info info;
	static int done;
	struct perf_event_attr attr;
	long fd;

	if (done)
		return &info;
	done = 1;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd >= 0) {
		close((int)fd);
		info.present = 1;
		return &info;
	}
	/* ENOENT / EOPNOTSUPP: no such event; EACCES: perf_event_paranoid. */
	snprintf(info.why, sizeof(info.why), "perf_event_open(cycles): %s%s",
		 strerror(errno),
		 errno == ENOENT || errno == EOPNOTSUPP ?
			 " (no hardware PMU, e.g. a VM without vPMU)" :
		 errno == EACCES || errno == EPERM ?
			 " (kernel.perf_event_paranoid forbids it)" :
			 "");
	return &info;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct mitigation *)a)->name,
		      ((const struct mitigation *)b)->name);
}

size_t mitigations_read(const char *dir, struct mitigation *out, size_t max)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) ||
		    !S_ISREG(st.st_mode))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s",
			 (int)sizeof(out[n].name) - 1, e->d_name);
		if (!sysinfo_first_line(path, out[n].state,
					sizeof(out[n].state)))
			snprintf(out[n].state, sizeof(out[n].state),
				 "unreadable");
		n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_name);
	return n;
}
