// SPDX-License-Identifier: MIT
/*
 * The workload clet (see file_clet.h).
 *
 * Raw syscalls returning -errno, not libc's: a clet that blocked in the
 * kernel finishes on a thread that shares its TLS (and so errno) with the
 * thread that took over the caller's context, so errno is not the clet's
 * to use. The lines between the loc markers are what the suite counts as
 * the programmer's cost of the workload written as a clet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "atoms/raw_syscall.h"
#include "clets/file_clet.h"
#include "harness/file_buf.h"

/* loc-begin: clet */
long file_clet(unsigned long arg)
{
	struct clet_file *f = (struct clet_file *)arg;
	long fd, n = 0;
	size_t at;

	f->bytes = 0;
	f->syscalls = 1;
	fd = raw_syscall6(__NR_openat, AT_FDCWD, (long)f->path, O_RDONLY, 0, 0,
			  0);
	if (fd < 0)
		return f->status = (int)fd;
	do {
		at = f->shape == CHAIN_SHAPE_CURSOR ? f->bytes : 0;
		/* A file larger than the set says: an error, not an overflow. */
		if (f->buf_cap - at < f->read_size) {
			n = -EFBIG;
			break;
		}
		n = raw_syscall6(__NR_read, fd, (long)(f->buf + at),
				 (long)f->read_size, 0, 0, 0);
		f->syscalls++;
		if (n > 0)
			f->bytes += (uint64_t)n;
	} while (n > 0 || n == -EINTR);
	raw_syscall6(__NR_close, fd, 0, 0, 0, 0, 0);
	f->syscalls++;
	return f->status = (int)(n < 0 ? n : 0);
}
/* loc-end */

struct clet_file *clet_files_alloc(unsigned int n, size_t cap, size_t read_size)
{
	struct clet_file *files = calloc(n, sizeof(*files));
	unsigned int i;

	if (!files)
		return NULL;
	for (i = 0; i < n; i++) {
		files[i].buf = file_buf_alloc(cap);
		if (!files[i].buf) {
			clet_files_free(files, n, cap);
			errno = ENOMEM;
			return NULL;
		}
		files[i].buf_cap = cap;
		files[i].read_size = read_size;
	}
	return files;
}

void clet_files_free(struct clet_file *files, unsigned int n, size_t cap)
{
	unsigned int i;

	for (i = 0; files && i < n; i++)
		file_buf_free(files[i].buf, cap);
	free(files);
}

void clet_files_set_shape(struct clet_file *files, unsigned int n,
			  enum chain_shape shape)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		files[i].shape = shape;
}
