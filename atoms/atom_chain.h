/* SPDX-License-Identifier: MIT */
/*
 * Building atom chains: init_atom() in the shape of the 2007 email, and the
 * email's open -> read-until-EOF -> close chain that every atom backend
 * runs, in the email's shape or with a cursor (enum chain_shape).
 */
#ifndef SYSLETBENCH_ATOM_CHAIN_H
#define SYSLETBENCH_ATOM_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "atoms/syslet.h"
#include "harness/backend.h"

/*
 * Fill one atom. Arguments are pointers to 64-bit values; pass NULL after
 * the last one. ret may be NULL.
 */
void init_atom(struct syslet_uatom *atom, unsigned int nr, void *arg0,
	       void *arg1, void *arg2, void *arg3, void *arg4, void *arg5,
	       int64_t *ret, unsigned int flags, struct syslet_uatom *next,
	       uint64_t cookie);

/*
 * The email's chain. CHAIN_SHAPE_EMAIL is the email's exactly: the read
 * atom is linked to itself and reads every block into the same buffer:
 *
 *   open (STOP_ON_NEGATIVE) -> read (STOP_ON_NON_POSITIVE |
 *   SKIP_TO_NEXT_ON_STOP) -> read ...; close sits right after read in
 *   memory, so EOF or an error skips to it. Atoms per file: open +
 *   (size / buf + 1) reads + close.
 *
 * CHAIN_SHAPE_CURSOR makes one change: the read atom's buffer argument is a
 * cursor that an umem_add atom advances by one buffer after every read
 * (read -> umem_add(cursor) -> read ...), so the whole file lands in the
 * buffer and the harness can checksum every byte, for one more atom per
 * block.
 *
 * The atoms and the values they point to live in this struct, so a chain
 * is position-dependent: never copy an initialised file_chain.
 */
struct file_chain {
	struct syslet_uatom open_atom;
	struct syslet_uatom read_atom;
	struct syslet_uatom close_atom; /* must follow read_atom */
	struct syslet_uatom advance_atom; /* cursor shape only */

	int64_t fd;
	int64_t read_ret;
	int64_t close_ret;

	uint64_t dirfd_val;
	uint64_t path_val;
	uint64_t open_flags_val;
	uint64_t buf_size_val;
	uint64_t cursor; /* where the next read lands */
	uint64_t cursor_addr; /* &cursor, umem_add's first argument */

	char *buf;
};

void file_chain_init(struct file_chain *fc, char *buf, size_t buf_size,
		     enum chain_shape shape, unsigned int chain_flags,
		     uint64_t cookie);
/* Point the chain at a file and reset its results and cursor. */
void file_chain_arm(struct file_chain *fc, const char *path);
/* 0 when open, every read and close succeeded, else the first -errno. */
int file_chain_status(const struct file_chain *fc);

#endif
