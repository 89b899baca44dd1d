// SPDX-License-Identifier: MIT
/* syslet_info counters move by exactly what a chain did. */
#include "syslet_test.h"

int main(void)
{
	struct syslet_info b, a;
	struct syslet_uatom at[3];
	int64_t r;
	int i;

	test_name = "counters";
	require_syslets(&b);
	init_atom(&at[0], SYSLET_SYNC, __NR_getpid, &r, &at[1], NULL, NULL,
		  NULL, NULL);
	init_atom(&at[1], 0, __NR_getppid, &r, &at[2], NULL, NULL, NULL, NULL);
	init_atom(&at[2], 0, __NR_getpid, &r, NULL, NULL, NULL, NULL, NULL);
	b = get_info();
	for (i = 0; i < 10; i++)
		CHECK_EQ(sys_async_exec(&at[0], NULL), ptr2l(&at[2]));
	a = get_info();
	CHECK_EQ(a.chains_inline - b.chains_inline, 10);
	CHECK_EQ(a.atoms_run - b.atoms_run, 30);
	CHECK_EQ(a.cachemisses - b.cachemisses, 0);
	CHECK_EQ(a.completions - b.completions, 0);
	/* A chain that fails to start counts nothing. */
	b = get_info();
	CHECK_EQ(sys_async_exec(NULL, NULL), -EFAULT);
	a = get_info();
	CHECK_EQ(a.chains_inline - b.chains_inline, 0);
	CHECK_EQ(a.atoms_run - b.atoms_run, 0);
	return test_done();
}
