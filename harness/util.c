// SPDX-License-Identifier: MIT
/*
 * Allocation and string helpers (see util.h). Running out of memory in a
 * benchmark harness is not recoverable: say so and exit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util.h"

static void *check(void *p)
{
	if (!p) {
		fputs("sysletbench: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void *xmalloc(size_t len)
{
	return check(malloc(len ? len : 1));
}

void *xcalloc(size_t n, size_t len)
{
	return check(calloc(n ? n : 1, len ? len : 1));
}

void *xrealloc(void *p, size_t len)
{
	return check(realloc(p, len ? len : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return check(n < 0 ? NULL : s);
}
