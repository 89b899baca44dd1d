// SPDX-License-Identifier: MIT
/*
 * PKRU moves with the user context (issue 11 §2 item 2): the protection
 * key rights the program set with WRPKRU (no system call, so the kernel's
 * copy is stale until a context switch) are the ones it finds after a
 * handoff, also when the runner keeps running (SYSLET_ASYNC: the runner
 * was never switched out before the spare took the context over).
 *
 * QEMU_CPU: max (QEMU's default model has no PKU; run.sh boots this test
 * with -cpu max, where TCG offers it).
 */
#include "syslet_test.h"

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	asm volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void wrpkru(uint32_t pkru)
{
	asm volatile(".byte 0x0f,0x01,0xef" : : "a"(pkru), "c"(0), "d"(0));
}

/* Whether /proc/cpuinfo lists @flag for the first CPU. */
static int cpu_has(const char *flag)
{
	char line[4096], pat[32];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(pat, sizeof(pat), " %s", flag);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		p = strstr(line, pat);
		found = p && p[strlen(pat)] == ' ';
		break;
	}
	fclose(f);
	return found;
}

/*
 * SYSLET_ASYNC chain: 100000 umem_add atoms (a countdown to 0), so the
 * runner goes on running while the spare takes the context over.
 */
static void test_async_handoff(int pkey)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static uint64_t countdown, countdown_addr, one = 1;
	/* Access and write disabled for pkey: bits 2*pkey and 2*pkey + 1. */
	uint32_t closed = rdpkru() | (3u << (2 * pkey));
	struct syslet_completion c;
	uint32_t seen;
	long ret;

	ring_init(&ring, 8);
	countdown = -100000ULL;
	countdown_addr = (uintptr_t)&countdown;
	init_atom(&atom, SYSLET_ASYNC | SYSLET_STOP_ON_ZERO, SYSLET_NR_UMEM_ADD,
		  NULL, &atom, &countdown_addr, &one, NULL, NULL);
	/* A spare exists before the key is closed. */
	ret = sys_async_exec(&atom, &ring.ahu);
	CHECK(ret == 0, "SYSLET_ASYNC chain did not go async: %ld", ret);
	CHECK(sys_async_wait(1, &ring.ahu) == 1 && ring_pop(&ring, &c),
	      "no completion");

	countdown = -100000ULL;
	wrpkru(closed);
	ret = sys_async_exec(&atom, &ring.ahu);
	seen = rdpkru();
	CHECK(ret == 0, "SYSLET_ASYNC chain did not go async: %ld", ret);
	CHECK(seen == closed, "PKRU after the handoff %#x, set before %#x",
	      seen, closed);
	wrpkru(closed & ~(3u << (2 * pkey)));
	CHECK(sys_async_wait(1, &ring.ahu) == 1 && ring_pop(&ring, &c),
	      "no completion");
	CHECK_EQ(c.result, 0);
}

int main(void)
{
	int pkey;

	test_name = "t24_pkru";
	require_syslets(NULL);
	if (!cpu_has("pku") || !cpu_has("ospke"))
		test_fail_now("no PKU in this guest (run.sh boots this test "
			      "with QEMU -cpu max)");
	pkey = syscall(SYS_pkey_alloc, 0, 0);
	if (pkey < 0)
		test_fail_now("pkey_alloc: %s", strerror(errno));
	test_async_handoff(pkey);
	return test_done();
}
