// SPDX-License-Identifier: MIT
/*
 * Hypervisor detection on made-up machines: bare metal stays "native"
 * (NULL), every source alone can tell a VM, names follow
 * systemd-detect-virt, and vendors that also sell hardware are not VMs.
 */
#include <string.h>

#include "harness/sysinfo.h"
#include "test_helpers.h"

static const char *identify(int bit, const char *vendor, const char *dmi_vendor,
			    const char *dmi_product, const char *tool,
			    struct hypervisor_info *info)
{
	struct hypervisor_evidence ev = {
		.cpuid_bit = bit,
		.dmi_sys_vendor = dmi_vendor,
		.dmi_product_name = dmi_product,
		.detect_virt = tool,
	};

	strncpy(ev.cpuid_vendor, vendor, sizeof(ev.cpuid_vendor) - 1);
	hypervisor_identify(&ev, info);
	return info->name ? info->name : "(bare metal)";
}

#define CHECK_NAME(want, ...)                                              \
	do {                                                               \
		const char *_got = identify(__VA_ARGS__, &info);           \
		if (strcmp(_got, want)) {                                  \
			fprintf(stderr, "%s:%d: got %s, want %s (%s)\n",   \
				__FILE__, __LINE__, _got, want, info.how); \
			test_failures++;                                   \
		}                                                          \
	} while (0)

int main(void)
{
	struct hypervisor_info info;

	/* Bare metal, with and without systemd-detect-virt. */
	CHECK_NAME("(bare metal)", 0, "", "Dell Inc.", "PowerEdge R640",
		   "none");
	CHECK(strstr(info.how, "bit 31 clear"));
	CHECK(strstr(info.how, "systemd-detect-virt --vm 'none'"));
	CHECK_NAME("(bare metal)", 0, "", "LENOVO", "20XW", NULL);

	/* A KVM guest: every source agrees; the tool's name wins. */
	CHECK_NAME("kvm", 1, "KVMKVMKVM", "QEMU", "Standard PC (Q35)", "kvm");
	CHECK(strstr(info.how, "cpuid 0x40000000 'KVMKVMKVM'"));
	/* No systemd (the benchmark guest): CPUID names it. */
	CHECK_NAME("kvm", 1, "KVMKVMKVM", NULL, NULL, NULL);
	CHECK_NAME("qemu", 1, "TCGTCGTCGTCG", "QEMU", "Standard PC", NULL);
	/* The hypervisor bit hidden (kvm hidden=on): DMI still tells. */
	CHECK_NAME("qemu", 0, "", "QEMU", "Standard PC (i440FX)", NULL);
	CHECK_NAME("oracle", 0, "", "innotek GmbH", "VirtualBox", NULL);
	/* Only systemd-detect-virt knows (another arch, no DMI). */
	CHECK_NAME("kvm", -1, "", NULL, NULL, "kvm");
	/* A bit set with a signature nobody knows is still a VM. */
	CHECK_NAME("unknown", 1, "NewVisorNewV", NULL, NULL, NULL);
	CHECK_NAME("unknown", 1, "", NULL, NULL, NULL);

	/* Vendors of both hardware and hypervisors. */
	CHECK_NAME("microsoft", 1, "Microsoft Hv", "Microsoft Corporation",
		   "Virtual Machine", NULL);
	CHECK_NAME("(bare metal)", 0, "", "Microsoft Corporation",
		   "Surface Laptop 4", NULL);
	CHECK_NAME("(bare metal)", 0, "", "Amazon EC2", "m5.metal", "none");
	CHECK_NAME("amazon", 1, "KVMKVMKVM", "Amazon EC2", "m5.large",
		   "amazon");
	CHECK_NAME("amazon", 0, "", "Amazon EC2", "m5.large", NULL);

	/* Nothing readable at all: not a VM as far as anyone can tell. */
	CHECK_NAME("(bare metal)", -1, "", NULL, NULL, NULL);
	CHECK(!strcmp(info.how, "no source could be read"));

	/* This machine: whatever it is, it says how it knows. */
	CHECK(hypervisor_detect()->how[0]);
	CHECK(!strcmp(sysinfo_host_accel(),
		      hypervisor_detect()->name ? "vm" : "native"));
	return TEST_EXIT();
}
