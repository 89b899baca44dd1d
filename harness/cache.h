/* SPDX-License-Identifier: MIT */
/*
 * Cache states before a sample: hot (every file pre-read), cold (page cache
 * and dentries dropped), dentry (dentry-warm, data-cold: page cache only).
 * A drop is verified without touching the files under test, through
 * sentinel files dropped in the same step; a failed drop rejects the sample.
 * What decides a cold (or dentry) sample, though, is the block device that
 * holds the data: it must have read at least the set's bytes during the
 * sample (cache_proof_end), or the sample is invalid with the reason.
 */
#ifndef SYSLETBENCH_CACHE_H
#define SYSLETBENCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "harness/workload.h"

enum cache_state { CACHE_HOT, CACHE_COLD, CACHE_DENTRY, CACHE_STATE_COUNT };

/* Read counters of a block device (fields 1 and 3 of its stat file). */
struct block_reads {
	uint64_t ios; /* reads completed */
	uint64_t sectors; /* 512-byte sectors read */
};

struct cache_report {
	const char *method; /* "preread", "drop_caches=3", "fadvise", ... */
	int verified; /* 1: the state is proven (sentinels, then device) */
	long sentinel_pages; /* sentinel pages still resident after a drop */
	long cached_kb_before, cached_kb_after; /* /proc/meminfo Cached */
	/* The data's block device over the timed sample (cold, dentry). */
	int device_counted; /* 1: both counter reads worked */
	struct block_reads device_before;
	struct block_reads device; /* what the sample read: after - before */
	char why[160]; /* why the state is not proven; "" when it is */
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
/*
 * The state a request gets here, as every output names it: "fadvise" for
 * cold without root (data dropped by posix_fadvise, dentries still warm),
 * else the requested state's own name.
 */
const char *cache_state_label(enum cache_state requested);

/* The block device under the last cache_init()'s data dir, or why none. */
const char *cache_device_stat_path(void);
const char *cache_device_missing(void);
/* Parses the text of a block device stat file; 0 or -EINVAL. */
int block_stat_parse(const char *text, struct block_reads *out);
/*
 * The cold rule: 1 when delta (what the device read during a sample of
 * files files of file_size bytes each) proves the data came from it, else
 * 0 with the reason in why.
 */
int cache_cold_rule(const struct block_reads *delta, size_t files,
		    size_t file_size, char *why, size_t why_len);
/* Around a cold or dentry sample: counters before, then after + the rule
 * (report->verified and report->why say the verdict). */
void cache_proof_begin(struct cache_report *report);
void cache_proof_end(struct cache_report *report, const struct file_set *set);

#endif
