// SPDX-License-Identifier: MIT
/*
 * The per-sample read proof (see read_proof.h): the kernel's byte count
 * and the test switch that must make it fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/read_proof.h"
#include "harness/util.h"

struct read_mark read_proof_mark(void)
{
	struct read_mark m = { -1, -1 };
	char text[512], *p;
	ssize_t n;
	int fd = open("/proc/self/io", O_RDONLY);

	if (fd < 0)
		return m;
	/* One read: the file is far smaller than text. */
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return m;
	text[n] = 0;
	p = strstr(text, "rchar: ");
	if (!p)
		return m;
	/* The value was printed before this read's own bytes were added. */
	m.before = (int64_t)strtoull(p + 7, NULL, 10);
	m.after = m.before + n;
	return m;
}

int64_t read_proof_between(struct read_mark open, struct read_mark close)
{
	if (open.after < 0 || close.before < 0)
		return -1;
	return close.before - open.after;
}

int64_t read_proof_bracket_bytes(void (*bracket)(void))
{
	static pid_t measured_in;
	static int64_t bytes;
	struct read_mark open;

	/* A worker inherits the parent's value but opens its own counters. */
	if (measured_in != getpid()) {
		open = read_proof_mark();
		bracket();
		bytes = read_proof_between(open, read_proof_mark());
		if (bytes < 0)
			bytes = 0;
		measured_in = getpid();
	}
	return bytes;
}

static char **short_paths;
static char *short_path;
static size_t short_count;

int read_proof_short_file(const struct file_set *set, const char *dir)
{
	size_t last = set->count - 1;
	char *buf = xmalloc(set->size ? set->size : 1);
	size_t i, len = set->size ? set->size - 1 : 0;
	int fd, ret = 0;

	read_proof_short_file_remove();
	short_path =
		xasprintf("%s/short-file-%zux%zu", dir, set->count, set->size);
	file_content_fill(buf, set->size, set->seed, last);
	fd = open(short_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	free(buf);
	if (ret) {
		read_proof_short_file_remove();
		return ret;
	}
	short_count = set->count;
	short_paths = xcalloc(set->count, sizeof(*short_paths));
	for (i = 0; i < set->count; i++)
		short_paths[i] = i == last ? short_path : set->paths[i];
	return 0;
}

const char *const *read_proof_sample_paths(const struct file_set *set)
{
	if (short_paths && short_count == set->count)
		return (const char *const *)short_paths;
	return (const char *const *)set->paths;
}

void read_proof_short_file_remove(void)
{
	if (short_path)
		unlink(short_path);
	free(short_path);
	free(short_paths);
	short_path = NULL;
	short_paths = NULL;
	short_count = 0;
}
