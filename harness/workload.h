/* SPDX-License-Identifier: MIT */
/*
 * File sets: COUNT files of SIZE pseudo-random bytes each, in a directory
 * tree on a real filesystem, created once and reused through a manifest
 * that records each file's expected checksum. Backends only ever see paths.
 */
#ifndef SYSLETBENCH_WORKLOAD_H
#define SYSLETBENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

struct file_set {
	char *dir;
	size_t count;
	size_t size;
	uint64_t seed;
	char **paths; /* absolute, count entries */
	uint64_t *checksums; /* expected, count entries */
	/*
	 * Expected checksum of each file's last block as read buf_size at a
	 * time (file_set_last_blocks()), for the email shape's one buffer.
	 */
	uint64_t *last_block_sums;
	size_t last_block_buf_size;
};

/*
 * Opens the set under data_dir, creating it (atomically, via a temporary
 * directory and rename) when its manifest is absent or does not match.
 * Returns 0 or -errno, with a message on stderr.
 */
int file_set_open(struct file_set *set, const char *data_dir, size_t count,
		  size_t size, uint64_t seed);
void file_set_close(struct file_set *set);

/* The bytes of file index in a set with this seed. */
void file_content_fill(void *buf, size_t len, uint64_t seed, size_t index);

/*
 * Where a file of size bytes read buf_size at a time has its last
 * non-empty block: *off (a multiple of buf_size) and *len (0 if empty).
 */
void file_last_block(size_t size, size_t buf_size, size_t *off, size_t *len);

/*
 * Fills set->last_block_sums for reads of buf_size, from the content
 * generator (whose whole-file checksums the manifest holds): no file is
 * read. Returns 0 or -ENOMEM.
 */
int file_set_last_blocks(struct file_set *set, size_t buf_size);

/* A fast 64-bit checksum of a byte range (not cryptographic). */
uint64_t checksum64(const void *buf, size_t len);

#endif
