// SPDX-License-Identifier: MIT
/*
 * For test_counters_perf.sh: counts, with the harness's counters
 * (counters.h), an interval that faults in N fresh pages and retires a loop
 * of N iterations, and prints each counter as "name value" ("name
 * unsupported" where it did not open). Run under perf stat, two values of N
 * tell what perf counts for the same work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness/counters.h"

int main(int argc, char **argv)
{
	struct counter_sample s;
	long pages = argc == 2 ? atol(argv[1]) : -1, i;
	volatile char *mem;
	volatile long spin = 0;
	int id;

	if (pages < 0) {
		fputs("usage: counters_probe PAGES\n", stderr);
		return 2;
	}
	mem = mmap(NULL, (size_t)(pages + 1) * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* One fault per page: no huge page may serve 512 of them at once. */
	madvise((void *)mem, (size_t)(pages + 1) * 4096, MADV_NOHUGEPAGE);
	counters_init();
	counters_begin(0);
	for (i = 0; i < pages; i++) {
		mem[i * 4096] = 1;
		spin += i;
	}
	counters_end(&s);
	for (id = 0; id < CTR_COUNT; id++)
		if (s.value[id] < 0)
			printf("%s unsupported\n", counter_name(id));
		else
			printf("%s %lld\n", counter_name(id),
			       (long long)s.value[id]);
	return 0;
}
