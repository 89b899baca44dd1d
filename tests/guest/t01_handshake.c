// SPDX-License-Identifier: MIT
/* syslet_info: magic, abi version, layout, bound, size and pointer checks. */
#include <stddef.h>
#include "syslet_test.h"

/*
 * ABI version 1 as it was frozen, spelled out here rather than taken from
 * syslet.h: the kernel and user space both build from that header (and
 * check-uapi.sh keeps the two copies equal), so comparing the kernel's
 * answer with the header's macros would pass for any value both sides
 * changed together.
 */
#define ABI1_MAGIC   0x73796c6574617473ULL
#define ABI1_VERSION 1u

_Static_assert(offsetof(struct syslet_info, magic) == 0, "ABI 1 layout");
_Static_assert(offsetof(struct syslet_info, abi_version) == 8, "ABI 1 layout");
_Static_assert(offsetof(struct syslet_info, max_atoms) == 12, "ABI 1 layout");
_Static_assert(offsetof(struct syslet_info, chains_inline) == 16,
	       "ABI 1 layout");
_Static_assert(offsetof(struct syslet_info, atoms_run) == 40, "ABI 1 layout");
_Static_assert(sizeof(struct syslet_info) == 80, "ABI 1 layout");

int main(void)
{
	struct syslet_info info;
	unsigned int max = 0;
	long r;
	FILE *f;

	test_name = "handshake";
	/*
	 * Not require_syslets(): it stops at the first mismatch, and this
	 * test reports every field that is wrong.
	 */
	memset(&info, 0, sizeof(info));
	r = sys_syslet_info(&info, sizeof(info));
	if (r < 0)
		test_fail_now(
			"syscall %d is not syslet_info on this kernel (%s)",
			SYSLET_NR_INFO, strerror((int)-r));
	CHECK_EQ(r, 0);
	CHECK(info.magic == ABI1_MAGIC, "magic %#llx, expected %#llx",
	      (unsigned long long)info.magic, ABI1_MAGIC);
	CHECK_EQ(info.abi_version, ABI1_VERSION);
	CHECK(SYSLET_MAGIC == ABI1_MAGIC && SYSLET_ABI_VERSION == ABI1_VERSION,
	      "syslet.h defines a different ABI than version 1 (magic %#llx "
	      "version %u): update this test with the new version",
	      SYSLET_MAGIC, SYSLET_ABI_VERSION);
	CHECK(info.max_atoms >= 1, "max_atoms %u", info.max_atoms);
	CHECK(info.reserved[0] == 0 && info.reserved[1] == 0 &&
		      info.reserved[2] == 0 && info.reserved[3] == 0,
	      "reserved fields not zero");

	f = fopen("/proc/sys/kernel/syslet_max_atoms", "r");
	CHECK(f != NULL, "no kernel.syslet_max_atoms sysctl");
	if (f) {
		CHECK(fscanf(f, "%u", &max) == 1, "unreadable sysctl");
		CHECK_EQ(max, info.max_atoms);
		fclose(f);
	}

	/* Too small a size, a bad pointer. */
	CHECK_EQ(sys_syslet_info(&info, 4), -EINVAL);
	CHECK_EQ(sys_syslet_info(NULL, sizeof(info)), -EFAULT);
	CHECK_EQ(sys_syslet_info((void *)0xffff888000000000ULL, sizeof(info)),
		 -EFAULT);
	/* A shorter (older) struct gets the prefix only. */
	memset(&info, 0xaa, sizeof(info));
	CHECK_EQ(sys_syslet_info(&info, 16), 0);
	CHECK(info.magic == ABI1_MAGIC, "prefix: magic %#llx",
	      (unsigned long long)info.magic);
	CHECK_EQ(info.abi_version, ABI1_VERSION);
	CHECK(info.chains_inline == 0xaaaaaaaaaaaaaaaaULL,
	      "prefix: bytes past 16 written (%#llx)",
	      (unsigned long long)info.chains_inline);
	return test_done();
}
