// SPDX-License-Identifier: MIT
/*
 * Guarded file buffers (see file_buf.h).
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/file_buf.h"

static size_t page_round(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (len + page - 1) & ~(page - 1);
}

/* The buffer ends exactly at the guard page, wherever cap falls. */
char *file_buf_alloc(size_t cap)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = page_round(cap);
	char *base;

	base = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base + span, page, PROT_NONE)) {
		munmap(base, span + page);
		return NULL;
	}
	return base + span - cap;
}

void file_buf_free(char *buf, size_t cap)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = page_round(cap);

	if (buf)
		munmap(buf + cap - span, span + page);
}
