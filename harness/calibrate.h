/* SPDX-License-Identifier: MIT */
/*
 * The unit of kernel crossings: one null system call (getppid, as
 * lmbench's lat_syscall), measured in the same run as everything else.
 */
#ifndef SYSLETBENCH_CALIBRATE_H
#define SYSLETBENCH_CALIBRATE_H

#include "harness/stats.h"

/* ns per getppid over reps batches of iters calls each. */
void null_syscall_measure(unsigned int reps, unsigned long iters,
			  struct sample_stats *out);

#endif
