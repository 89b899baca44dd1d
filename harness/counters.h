/* SPDX-License-Identifier: MIT */
/*
 * Per-sample counters, taken around one backend run: getrusage figures,
 * perf_event_open groups whose events libpfm4 resolves by name (scaled by
 * time enabled / running), and an independent syscall count from the
 * raw_syscalls:sys_enter tracepoint (in untimed passes only). Counters that
 * cannot be opened are
 * recorded as unsupported, never as zero.
 */
#ifndef SYSLETBENCH_COUNTERS_H
#define SYSLETBENCH_COUNTERS_H

#include <stdint.h>

enum counter_id {
	CTR_INSTRUCTIONS,
	CTR_CYCLES,
	CTR_TASK_CLOCK,
	CTR_CONTEXT_SWITCHES,
	CTR_PAGE_FAULTS,
	CTR_SYSCALLS, /* raw_syscalls:sys_enter */
	CTR_COUNT
};

struct counter_sample {
	int64_t value[CTR_COUNT]; /* -1: unsupported */
	int64_t utime_ns, stime_ns;
	int64_t vcsw, ivcsw, minflt, majflt;
};

/* Opens what it can; counter_unsupported_reason() says what not and why. */
void counters_init(void);
/*
 * In a forked child: the counters it inherited count the parent (an
 * inherited event adds up into its parent's only when the child exits);
 * closes them and opens the child's own.
 */
void counters_reopen(void);
/*
 * Starts an interval. The syscall tracepoint is enabled only when
 * trace_syscalls is set: while enabled, every syscall of the machine takes
 * the slow tracing path, so timed samples leave it off (value -1) and the
 * harness counts syscalls in a separate, untimed pass.
 */
void counters_begin(int trace_syscalls);
void counters_end(struct counter_sample *out);
const char *counter_name(enum counter_id id);
/* NULL when supported, else the reason (for the results metadata). */
const char *counter_unsupported_reason(enum counter_id id);

#endif
