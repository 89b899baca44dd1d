/* SPDX-License-Identifier: MIT */
/*
 * Files with known random contents for backend tests, and the done()
 * callback that checks what a backend reports for each: called once, on
 * the thread that called run(), with the right status, length and bytes.
 * The last file of a set never exists.
 */
#ifndef SYSLETBENCH_TEST_FILES_H
#define SYSLETBENCH_TEST_FILES_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_helpers.h"

struct expect {
	char path[64];
	unsigned char *data;
	size_t len;
	unsigned int seen;
	int want_status; /* 0, or the status the file must get */
	pthread_t owner;
};

/* Creates sizes[0..n) under dir, then a missing file: n + 1 entries. */
static inline void expect_files_create(const char *dir, const size_t *sizes,
				       size_t n, struct expect *ex,
				       const char **paths)
{
	size_t i, k;
	int fd;

	memset(ex, 0, (n + 1) * sizeof(*ex));
	for (i = 0; i <= n; i++) {
		snprintf(ex[i].path, sizeof(ex[i].path), "%s/f%zu", dir, i);
		paths[i] = ex[i].path;
		ex[i].owner = pthread_self();
		if (i == n) {
			ex[i].want_status = -ENOENT;
			break;
		}
		ex[i].len = sizes[i];
		ex[i].data = malloc(ex[i].len + 1);
		for (k = 0; k < ex[i].len; k++)
			ex[i].data[k] = (unsigned char)rand();
		fd = open(ex[i].path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		CHECK(fd >= 0);
		CHECK(write(fd, ex[i].data, ex[i].len) == (ssize_t)ex[i].len);
		close(fd);
	}
}

/* The done() of a run over n + 1 expect entries; cookie is the array. */
static inline void expect_check(struct expect *ex, size_t nfiles, size_t index,
				const void *buf, uint64_t bytes, int status)
{
	CHECK(index < nfiles);
	if (index >= nfiles)
		return;
	CHECK(pthread_equal(pthread_self(), ex[index].owner));
	ex[index].seen++;
	CHECK(status == ex[index].want_status);
	if (status)
		return;
	CHECK(bytes == ex[index].len);
	if (bytes == ex[index].len)
		CHECK(!memcmp(buf, ex[index].data, bytes));
}

#endif
