// SPDX-License-Identifier: MIT
/* syslet_info: magic, abi version, bound, size and pointer checks. */
#include "syslet_test.h"

int main(void)
{
	struct syslet_info info;
	unsigned int max = 0;
	FILE *f;

	test_name = "handshake";
	require_syslets(&info);
	CHECK_EQ(info.magic, SYSLET_MAGIC);
	CHECK_EQ(info.abi_version, SYSLET_ABI_VERSION);
	CHECK(info.max_atoms >= 1, "max_atoms %u", info.max_atoms);

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
	CHECK_EQ(info.magic, SYSLET_MAGIC);
	CHECK_EQ(info.chains_inline, 0xaaaaaaaaaaaaaaaaULL);
	return test_done();
}
