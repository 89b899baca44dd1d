/* SPDX-License-Identifier: MIT */
/*
 * Command line of the sysletbench binary. Bad input is a message on stderr
 * and exit status 2, before anything runs.
 */
#ifndef SYSLETBENCH_CLI_H
#define SYSLETBENCH_CLI_H

#include "harness/bench.h"

enum cli_command { CLI_RUN, CLI_LIST, CLI_CALIBRATE, CLI_HELP };

/* Returns the command, or exits 2 with a message. */
enum cli_command cli_parse(int argc, char **argv, struct bench_options *opt);

#endif
