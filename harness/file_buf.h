/* SPDX-License-Identifier: MIT */
/*
 * File buffers for backends: params->file_buf_cap bytes followed by an
 * inaccessible guard page, so a read past the end of a buffer (a file
 * larger than the set says) fails with -EFAULT instead of corrupting the
 * neighbouring buffer. Atom chains cannot bounds-check their cursor; the
 * guard page does it for them.
 */
#ifndef SYSLETBENCH_FILE_BUF_H
#define SYSLETBENCH_FILE_BUF_H

#include <stddef.h>

char *file_buf_alloc(size_t cap);
void file_buf_free(char *buf, size_t cap);

#endif
