// SPDX-License-Identifier: MIT
/*
 * Building atom chains (see atom_chain.h). The lines between the loc
 * markers are what the suite counts as the programmer's cost of the
 * workload written as an atom chain (the clet's is in clets/file_clet.c).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "atoms/atom_chain.h"

static uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

void init_atom(struct syslet_uatom *atom, unsigned int nr, void *arg0,
	       void *arg1, void *arg2, void *arg3, void *arg4, void *arg5,
	       int64_t *ret, unsigned int flags, struct syslet_uatom *next,
	       uint64_t cookie)
{
	atom->flags = flags;
	atom->nr = nr;
	atom->ret_ptr = uptr(ret);
	atom->next = uptr(next);
	atom->arg_ptr[0] = uptr(arg0);
	atom->arg_ptr[1] = uptr(arg1);
	atom->arg_ptr[2] = uptr(arg2);
	atom->arg_ptr[3] = uptr(arg3);
	atom->arg_ptr[4] = uptr(arg4);
	atom->arg_ptr[5] = uptr(arg5);
	atom->private = cookie;
}

/* loc-begin: atom-chain */
void file_chain_init(struct file_chain *fc, char *buf, size_t buf_size,
		     enum chain_shape shape, unsigned int chain_flags,
		     uint64_t cookie)
{
	memset(fc, 0, sizeof(*fc));
	fc->buf = buf;
	fc->dirfd_val = (uint64_t)(int64_t)AT_FDCWD;
	fc->open_flags_val = O_RDONLY;
	fc->buf_size_val = buf_size;
	fc->cursor_addr = uptr(&fc->cursor);

	init_atom(&fc->open_atom, __NR_openat, &fc->dirfd_val, &fc->path_val,
		  &fc->open_flags_val, NULL, NULL, NULL, &fc->fd,
		  chain_flags | SYSLET_STOP_ON_NEGATIVE, &fc->read_atom,
		  cookie);
	init_atom(&fc->read_atom, __NR_read, &fc->fd, &fc->cursor,
		  &fc->buf_size_val, NULL, NULL, NULL, &fc->read_ret,
		  SYSLET_STOP_ON_NON_POSITIVE | SYSLET_SKIP_TO_NEXT_ON_STOP,
		  shape == CHAIN_SHAPE_EMAIL ? &fc->read_atom :
					       &fc->advance_atom,
		  cookie);
	init_atom(&fc->advance_atom, SYSLET_NR_UMEM_ADD, &fc->cursor_addr,
		  &fc->buf_size_val, NULL, NULL, NULL, NULL, NULL, 0,
		  &fc->read_atom, cookie);
	init_atom(&fc->close_atom, __NR_close, &fc->fd, NULL, NULL, NULL, NULL,
		  NULL, &fc->close_ret, 0, NULL, cookie);
}

void file_chain_arm(struct file_chain *fc, const char *path)
{
	fc->path_val = uptr(path);
	fc->cursor = uptr(fc->buf);
	fc->fd = -1;
	fc->read_ret = 0;
	fc->close_ret = 0;
}

int file_chain_status(const struct file_chain *fc)
{
	if (fc->fd < 0)
		return (int)fc->fd;
	if (fc->read_ret < 0)
		return (int)fc->read_ret;
	return (int)fc->close_ret;
}
/* loc-end */
