// SPDX-License-Identifier: MIT
/*
 * Counters around a backend run (see counters.h).
 *
 * Every event is opened with inherit, before any backend creates threads,
 * so a thread pool's work is counted too; reading the parent fd sums the
 * children. Hardware events form one group, so that they count the same
 * instructions; software events are opened alone: they never multiplex,
 * and an inherited software event in a group loses counts (measured on
 * 6.18: a grouped page-fault counter saw 337-783 of 2,000 faults, running a
 * fraction of its enabled time, where a lone one saw 2,000;
 * tests/test_counters_perf.sh). Alone, an absent PMU (as in most VMs)
 * cannot take them down either. The tracepoint stays disabled except in
 * counted passes; its read() is one syscall inside such an interval, an
 * overhead measured on an empty interval at init and subtracted.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/counters.h"

struct counter_def {
	const char *name; /* as recorded in results */
	const char *pfm_name; /* as libpfm4 resolves it */
	int group; /* 0 hardware, 1 software, 2 tracepoint */
};

static const struct counter_def defs[CTR_COUNT] = {
	[CTR_INSTRUCTIONS] = { "instructions", "instructions", 0 },
	[CTR_CYCLES] = { "cycles", "cycles", 0 },
	[CTR_TASK_CLOCK] = { "task-clock", "perf::task-clock", 1 },
	[CTR_CONTEXT_SWITCHES] = { "context-switches", "perf::context-switches",
				   1 },
	[CTR_PAGE_FAULTS] = { "page-faults", "perf::page-faults", 1 },
	[CTR_SYSCALLS] = { "syscalls", NULL, 2 },
};

struct counter_state {
	int fd;
	char why[160];
	uint64_t value, enabled, running; /* at counters_begin */
};

static struct counter_state state[CTR_COUNT];
static struct rusage ru_begin;
static int64_t syscall_overhead;
static int tracing;

static long perf_open(struct perf_event_attr *attr, int group_fd)
{
	return syscall(__NR_perf_event_open, attr, 0, -1, group_fd, 0);
}

static int tracepoint_id(char *why, size_t len)
{
	static const char *const roots[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	char path[128];
	FILE *f;
	int id, i, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path),
				 "%s/events/raw_syscalls/sys_enter/id",
				 roots[i]);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fscanf(f, "%d", &id) != 1)
				id = -1;
			fclose(f);
			if (id >= 0)
				return id;
		}
		/* tracefs is often just not mounted; as root, mount it. */
		if (attempt ||
		    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
			break;
	}
	snprintf(why, len, "no tracefs raw_syscalls:sys_enter (%s)",
		 geteuid() ? "not root" : "not in this kernel");
	return -1;
}

static int resolve(enum counter_id id, struct perf_event_attr *attr)
{
	struct counter_state *st = &state[id];
	pfm_perf_encode_arg_t arg;
	int ret, tp;

	memset(attr, 0, sizeof(*attr));
	if (defs[id].group == 2) {
		tp = tracepoint_id(st->why, sizeof(st->why));
		if (tp < 0)
			return -1;
		attr->type = PERF_TYPE_TRACEPOINT;
		attr->config = (uint64_t)tp;
		attr->size = sizeof(*attr);
		return 0;
	}
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	ret = pfm_get_os_event_encoding(defs[id].pfm_name, PFM_PLM0 | PFM_PLM3,
					PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(st->why, sizeof(st->why), "libpfm4: %s",
			 pfm_strerror(ret));
		return -1;
	}
	attr->size = sizeof(*attr);
	return 0;
}

void counters_init(void)
{
	struct perf_event_attr attr;
	int hw_leader = -1, pfm_ok, id, g;
	struct counter_sample probe;

	pfm_ok = pfm_initialize() == PFM_SUCCESS;
	for (id = 0; id < CTR_COUNT; id++) {
		state[id].fd = -1;
		g = defs[id].group;
		if (g != 2 && !pfm_ok) {
			snprintf(state[id].why, sizeof(state[id].why),
				 "libpfm4 failed to initialise");
			continue;
		}
		if (resolve(id, &attr))
			continue;
		attr.inherit = 1;
		attr.disabled = g == 2;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				   PERF_FORMAT_TOTAL_TIME_RUNNING;
		state[id].fd = (int)perf_open(&attr, g == 0 ? hw_leader : -1);
		if (state[id].fd < 0) {
			snprintf(state[id].why, sizeof(state[id].why),
				 "perf_event_open: %s%s", strerror(errno),
				 errno == ENOENT || errno == EOPNOTSUPP ?
					 " (no PMU here, e.g. a VM)" :
					 "");
			continue;
		}
		if (g == 0 && hw_leader < 0)
			hw_leader = state[id].fd;
	}
	/* counters_end() subtracts it: none yet (after a fork, the parent's). */
	syscall_overhead = 0;
	counters_begin(1);
	counters_end(&probe);
	syscall_overhead =
		probe.value[CTR_SYSCALLS] > 0 ? probe.value[CTR_SYSCALLS] : 0;
}

void counters_reopen(void)
{
	int id;

	for (id = 0; id < CTR_COUNT; id++)
		if (state[id].fd >= 0)
			close(state[id].fd);
	counters_init();
}

static int read_counter(int fd, uint64_t *value, uint64_t *enabled,
			uint64_t *running)
{
	uint64_t buf[3];

	if (read(fd, buf, sizeof(buf)) != sizeof(buf))
		return -1;
	*value = buf[0];
	*enabled = buf[1];
	*running = buf[2];
	return 0;
}

void counters_begin(int trace_syscalls)
{
	int id;

	tracing = trace_syscalls && state[CTR_SYSCALLS].fd >= 0;
	/* Enabled first, so its own ioctl is not in the interval. */
	if (tracing)
		ioctl(state[CTR_SYSCALLS].fd, PERF_EVENT_IOC_ENABLE, 0);
	getrusage(RUSAGE_SELF, &ru_begin);
	/*
	 * The syscall counter is read last here and first in counters_end,
	 * so the interval holds only the run and that one read().
	 */
	for (id = 0; id < CTR_COUNT; id++)
		if (state[id].fd >= 0)
			read_counter(state[id].fd, &state[id].value,
				     &state[id].enabled, &state[id].running);
}

static int64_t tv_ns(const struct timeval *a, const struct timeval *b)
{
	return ((int64_t)b->tv_sec - a->tv_sec) * 1000000000LL +
	       ((int64_t)b->tv_usec - a->tv_usec) * 1000LL;
}

void counters_end(struct counter_sample *out)
{
	uint64_t v, e, r, dv, de, dr;
	struct rusage ru;
	int id;

	for (id = CTR_COUNT - 1; id >= 0; id--) {
		out->value[id] = -1;
		if (state[id].fd < 0 || (id == CTR_SYSCALLS && !tracing) ||
		    read_counter(state[id].fd, &v, &e, &r))
			continue;
		dv = v - state[id].value;
		de = e - state[id].enabled;
		dr = r - state[id].running;
		/* Multiplexed: scale up; never scheduled: unknown, not 0. */
		if (dr == 0 && de != 0)
			continue;
		out->value[id] =
			(int64_t)(dr && dr != de ? (double)dv * de / dr : dv);
	}
	if (tracing) {
		ioctl(state[CTR_SYSCALLS].fd, PERF_EVENT_IOC_DISABLE, 0);
		if (out->value[CTR_SYSCALLS] >= 0)
			out->value[CTR_SYSCALLS] -= syscall_overhead;
	}
	getrusage(RUSAGE_SELF, &ru);
	out->utime_ns = tv_ns(&ru_begin.ru_utime, &ru.ru_utime);
	out->stime_ns = tv_ns(&ru_begin.ru_stime, &ru.ru_stime);
	out->vcsw = ru.ru_nvcsw - ru_begin.ru_nvcsw;
	out->ivcsw = ru.ru_nivcsw - ru_begin.ru_nivcsw;
	out->minflt = ru.ru_minflt - ru_begin.ru_minflt;
	out->majflt = ru.ru_majflt - ru_begin.ru_majflt;
}

const char *counter_name(enum counter_id id)
{
	return defs[id].name;
}

const char *counter_unsupported_reason(enum counter_id id)
{
	return state[id].fd >= 0 ? NULL : state[id].why;
}
