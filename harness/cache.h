/* SPDX-License-Identifier: MIT */
/*
 * Cache states before a sample: hot (every file pre-read), cold (page cache
 * and dentries dropped), dentry (dentry-warm, data-cold: page cache only).
 * A drop is verified without touching the files under test, through
 * sentinel files dropped in the same step; a failed drop rejects the sample.
 */
#ifndef SYSLETBENCH_CACHE_H
#define SYSLETBENCH_CACHE_H

#include "harness/workload.h"

enum cache_state { CACHE_HOT, CACHE_COLD, CACHE_DENTRY, CACHE_STATE_COUNT };

struct cache_report {
	const char *method; /* "preread", "drop_caches=3", "fadvise", ... */
	int verified; /* 1: sentinels confirm the state */
	long sentinel_pages; /* sentinel pages still resident after a drop */
	long cached_kb_before, cached_kb_after; /* /proc/meminfo Cached */
};

const char *cache_state_name(enum cache_state state);
int cache_state_parse(const char *name, enum cache_state *state);

/* Creates the sentinels under data_dir; 0 or -errno. */
int cache_init(const char *data_dir);
/* 0 when the state is in place and verified, else -errno (-EAGAIN: the
 * drop could not be verified after retries). */
int cache_prepare(enum cache_state state, const struct file_set *set,
		  struct cache_report *report);
/* How cold states are made here: "drop_caches" as root, else "fadvise". */
const char *cache_cold_method(void);

#endif
