/* SPDX-License-Identifier: MIT */
/*
 * The per-sample read proof: that a timed sample read every byte of every
 * file, checked outside the timed region without adding atoms or copies.
 *
 * The rule. A sample is valid only if (1) every file's status is 0, which
 * means its open succeeded, its last read returned 0 (EOF: the loops and
 * chains stop only on a non-positive read, and a negative one is the
 * status) and its close returned 0; (2) the bytes the kernel counted as
 * read by the whole thread group during the sample (/proc/self/io rchar,
 * which sums every thread, spares and pool threads included, and counts
 * reads that pass through vfs_read(): plain read(2), syslet read atoms,
 * clets' reads) equal files x size x passes; io_uring's reads do not pass
 * through vfs_read(), so for backends that say so (reads_bypass_rchar) the
 * sum of their completion results stands in; and (3) the last file's last
 * block, still in its buffer after the run, matches the checksum the
 * content generator gives for it. Every byte's content is checked once per
 * configuration by the untimed verification pass in the cursor shape.
 */
#ifndef SYSLETBENCH_READ_PROOF_H
#define SYSLETBENCH_READ_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "harness/workload.h"

/*
 * A mark: rchar of this thread group before the mark's own read (.before)
 * and after it (.after), so that a closing mark's .before minus an opening
 * mark's .after is what was read between them; -1 in both where
 * /proc/self/io is missing (CONFIG_TASK_IO_ACCOUNTING off).
 */
struct read_mark {
	int64_t before, after;
};

struct read_mark read_proof_mark(void);
/* Bytes read between two marks, or -1 where there is no count. */
int64_t read_proof_between(struct read_mark open, struct read_mark close);

/*
 * What the harness's own bracket around a sample reads (the counters'
 * read() calls between the two marks), measured once per process.
 */
int64_t read_proof_bracket_bytes(void (*bracket)(void));

/*
 * Tests only (--test-short-file): a copy of the set's last file one byte
 * short, written under dir, that timed samples read in its place. Returns
 * 0 or -errno.
 */
int read_proof_short_file(const struct file_set *set, const char *dir);
/* The paths a timed sample reads: the set's, or with the short file. */
const char *const *read_proof_sample_paths(const struct file_set *set);
void read_proof_short_file_remove(void);

#endif
