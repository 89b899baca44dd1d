/* SPDX-License-Identifier: MIT */
/*
 * The results directory, results/<timestamp>-<host>/:
 *   results.csv   one row per sample (schema in README.md)
 *   summary.csv   one row per configuration, what plots/ reads
 *   results.json  every sample and all metadata (schema in README.md)
 *   summary.md    the summary as a Markdown table
 * Every file is replaced atomically (write a temporary, rename) after each
 * configuration, and results.json says "complete": false until the run
 * ends, so an interrupted run leaves a consistent, marked directory.
 */
#ifndef SYSLETBENCH_RESULTS_H
#define SYSLETBENCH_RESULTS_H

#include "harness/bench.h"

#define RESULTS_SCHEMA "sysletbench-results/1"

/* Creates the directory; 0 or -errno. */
int results_open(struct run_state *run);
/* Fills the derived figures of configs[first .. first + n). */
void results_summarise(struct run_state *run, size_t first, size_t n);
/* Rewrites every file from the run state; 0 or -errno. */
int results_write(struct run_state *run);

#endif
