/* SPDX-License-Identifier: MIT */
/*
 * The matrix runner: for every file size, file count and cache state, runs
 * every backend variant rep by rep, interleaved (A B C A B C ...) so drift
 * hits all variants alike, and hands each finished configuration to the
 * result writers at once, so an interrupted run keeps what it measured.
 */
#ifndef SYSLETBENCH_MATRIX_H
#define SYSLETBENCH_MATRIX_H

#include "harness/bench.h"

/* Set from a signal handler: finish the current sample, then stop. */
extern volatile int matrix_stop_requested;

/*
 * 0 when every configuration ran, 1 when some failed or were cut short
 * (run->interrupted or run->aborted says which).
 */
int matrix_run(struct run_state *run);

#endif
