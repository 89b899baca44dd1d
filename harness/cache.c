// SPDX-License-Identifier: MIT
/*
 * Making and verifying cache states (see cache.h).
 *
 * Checking a file under test with mincore() would need an open(), which
 * warms its dentry and so spoils the very state being checked. Sentinels
 * (untimed files beside the sets) are read in, dropped in the same step as
 * the set, and then checked: if the drop left their pages, it did not work.
 *
 * The sentinels are a proxy, though: a file under test may still be cached
 * where they are not, and under QEMU a read can finish without the reader
 * ever sleeping, so neither a context switch nor a cachemiss shows it. The
 * block device's own read counters, before and after the timed sample, are
 * what proves a cold sample (cache_cold_rule).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness/cache.h"
#include "harness/util.h"

#define SENTINELS     4
#define SENTINEL_SIZE (64 * 1024)
#define DROP_ATTEMPTS 3
#define SECTOR_BYTES  512ULL

/* Test-only: cold and dentry samples skip the drop and keep files hot. */
#define NO_DROP_ENV "SYSLETBENCH_TEST_NO_DROP"

/* SENTINELS checked files, then one filler (see drop_once). */
static char *sentinel_paths[SENTINELS + 1];
/* The data dir's block device stat file, or why there is none. */
static char device_stat_path[64];
static char device_missing[160];

static const char *const state_names[CACHE_STATE_COUNT] = {
	[CACHE_HOT] = "hot",
	[CACHE_COLD] = "cold",
	[CACHE_DENTRY] = "dentry",
};

const char *cache_state_name(enum cache_state state)
{
	return state_names[state];
}

int cache_state_parse(const char *name, enum cache_state *state)
{
	int i;

	for (i = 0; i < CACHE_STATE_COUNT; i++)
		if (!strcmp(name, state_names[i])) {
			*state = (enum cache_state)i;
			return 0;
		}
	return -EINVAL;
}

static int can_drop_caches(void)
{
	return access("/proc/sys/vm/drop_caches", W_OK) == 0;
}

const char *cache_cold_method(void)
{
	return can_drop_caches() ? "drop_caches" : "fadvise";
}

const char *cache_state_label(enum cache_state requested)
{
	if (requested == CACHE_COLD && !can_drop_caches())
		return "fadvise";
	return cache_state_name(requested);
}

const char *cache_device_stat_path(void)
{
	return device_stat_path[0] ? device_stat_path : NULL;
}

const char *cache_device_missing(void)
{
	return device_missing;
}

/* Finds the stat file of the block device (or partition) under dir. */
static void find_device(const char *dir)
{
	struct stat st;

	device_stat_path[0] = 0;
	device_missing[0] = 0;
	if (stat(dir, &st)) {
		snprintf(device_missing, sizeof(device_missing),
			 "data dir %s: %s", dir, strerror(errno));
		return;
	}
	snprintf(device_stat_path, sizeof(device_stat_path),
		 "/sys/dev/block/%u:%u/stat", major(st.st_dev),
		 minor(st.st_dev));
	/* Major 0: tmpfs, overlayfs, btrfs subvolumes... no device of its own. */
	if (major(st.st_dev) == 0 || access(device_stat_path, R_OK)) {
		snprintf(device_missing, sizeof(device_missing),
			 "no block device holds %s (device %u:%u): cold "
			 "cannot be proven there",
			 dir, major(st.st_dev), minor(st.st_dev));
		device_stat_path[0] = 0;
	}
}

int block_stat_parse(const char *text, struct block_reads *out)
{
	unsigned long long ios, merges, sectors;

	if (sscanf(text, "%llu %llu %llu", &ios, &merges, &sectors) != 3)
		return -EINVAL;
	out->ios = ios;
	out->sectors = sectors;
	return 0;
}

static int device_reads(struct block_reads *out)
{
	char text[256];
	size_t n;
	FILE *f;

	if (!device_stat_path[0])
		return -ENODEV;
	f = fopen(device_stat_path, "r");
	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	return block_stat_parse(text, out);
}

/*
 * Every file's data must have come from the device: at least the set's
 * bytes read, in sectors, since the block layer merges adjacent requests
 * (0.94-1.04 requests per 4 KiB file seen on a fresh guest disk) but never
 * reads less than the data (4.0-4.2 KiB per 4 KiB file). The request rule
 * is looser on purpose: one read per two files still catches a set served
 * from memory whose few bytes came from metadata or readahead of others.
 *
 * The rule is one-sided: other readers of the same device (other processes,
 * kernel threads, metadata of this very sample) can only add to the
 * counters, so they can make a cached sample pass, never a cold one fail.
 * A sample that fails did not read its data from the device.
 */
int cache_cold_rule(const struct block_reads *delta, size_t files,
		    size_t file_size, char *why, size_t why_len)
{
	unsigned long long need = (unsigned long long)files * file_size;
	unsigned long long got = delta->sectors * SECTOR_BYTES;
	unsigned long long min_ios = (files + 1) / 2;

	if (got < need) {
		snprintf(why, why_len,
			 "device read %llu B for %llu B of data: not cold", got,
			 need);
		return 0;
	}
	if (delta->ios < min_ios) {
		snprintf(why, why_len,
			 "device completed %llu reads for %zu files (under "
			 "one per two): not cold",
			 (unsigned long long)delta->ios, files);
		return 0;
	}
	return 1;
}

void cache_proof_begin(struct cache_report *report)
{
	report->device_counted = !device_reads(&report->device_before);
}

void cache_proof_end(struct cache_report *report, const struct file_set *set)
{
	struct block_reads after;

	if (!device_stat_path[0]) {
		report->device_counted = 0;
		report->verified = 0;
		snprintf(report->why, sizeof(report->why), "%s",
			 device_missing);
		return;
	}
	if (!report->device_counted || device_reads(&after)) {
		report->device_counted = 0;
		report->verified = 0;
		snprintf(report->why, sizeof(report->why), "%s unreadable",
			 device_stat_path);
		return;
	}
	report->device.ios = after.ios - report->device_before.ios;
	report->device.sectors = after.sectors - report->device_before.sectors;
	report->verified = cache_cold_rule(&report->device, set->count,
					   set->size, report->why,
					   sizeof(report->why));
}

int cache_init(const char *data_dir)
{
	char *dir = xasprintf("%s/sentinels", data_dir);
	char *buf = xmalloc(SENTINEL_SIZE);
	int i, fd, ret = 0;

	find_device(data_dir);

	if (mkdir(dir, 0755) && errno != EEXIST)
		ret = -errno;
	memset(buf, 0x5a, SENTINEL_SIZE);
	for (i = 0; i < SENTINELS + 1 && !ret; i++) {
		sentinel_paths[i] = xasprintf("%s/s%d", dir, i);
		fd = open(sentinel_paths[i], O_WRONLY | O_CREAT | O_TRUNC,
			  0644);
		if (fd < 0 || write(fd, buf, SENTINEL_SIZE) != SENTINEL_SIZE)
			ret = -errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
	}
	if (ret)
		fprintf(stderr, "sysletbench: sentinels in %s: %s\n", dir,
			strerror(-ret));
	free(buf);
	free(dir);
	return ret;
}

static long meminfo_cached_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Cached: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void read_whole(const char *path)
{
	char buf[16384];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void fadvise_dontneed(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/* Resident pages of path, or -1. */
static long resident_pages(const char *path)
{
	long page = sysconf(_SC_PAGESIZE), pages, i, n = 0;
	unsigned char vec[SENTINEL_SIZE / 4096 + 1];
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size == 0 || st.st_size > SENTINEL_SIZE) {
		close(fd);
		return -1;
	}
	pages = (st.st_size + page - 1) / page;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	if (mincore(map, (size_t)st.st_size, vec))
		n = -1;
	for (i = 0; n >= 0 && i < pages; i++)
		n += vec[i] & 1;
	munmap(map, (size_t)st.st_size);
	return n;
}

static int write_drop_caches(const char *what)
{
	int fd, ret = 0;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Pins the calling thread to its current CPU; 1 when *was must be restored. */
static int pin_to_this_cpu(cpu_set_t *was)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(*was), was))
		return 0;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return !sched_setaffinity(0, sizeof(one), &one);
}

static int drop_once(enum cache_state state, const struct file_set *set,
		     struct cache_report *report)
{
	cpu_set_t allowed;
	long pages = 0, n;
	size_t i;
	int ret = 0, pinned;

	/*
	 * Freshly read pages wait in per-CPU LRU batches (up to 15 each),
	 * where no drop can evict them: the last sentinel pages read would
	 * look like a failed drop (seen under QEMU with 2 vCPUs). Reading the
	 * filler after the sentinels pushes theirs out of the batches; the
	 * filler itself is never checked.
	 */
	/*
	 * The files read last by another CPU (an async backend's threads)
	 * wait in that CPU's batch, which the filler here cannot reach: 3 of
	 * 50 files were still cached in a c16 guest sample. As root,
	 * POSIX_FADV_DONTNEED drains every CPU's batch when a page will not
	 * go (mm/fadvise.c); the drop below takes the dentries and inodes
	 * that these opens bring back.
	 */
	if (can_drop_caches())
		for (i = 0; i < set->count; i++)
			fadvise_dontneed(set->paths[i]);
	/* On one CPU, so that the filler pushes out the sentinels' batch. */
	pinned = pin_to_this_cpu(&allowed);
	for (i = 0; i < SENTINELS + 1; i++)
		read_whole(sentinel_paths[i]);
	if (pinned)
		sched_setaffinity(0, sizeof(allowed), &allowed);
	report->cached_kb_before = meminfo_cached_kb();
	if (can_drop_caches()) {
		report->method = state == CACHE_COLD ? "drop_caches=3" :
						       "drop_caches=1";
		ret = write_drop_caches(state == CACHE_COLD ? "3" : "1");
	} else {
		/* Dentries stay warm this way: cold degrades to dentry. */
		report->method = "fadvise";
		sync();
		for (i = 0; i < set->count; i++)
			fadvise_dontneed(set->paths[i]);
		for (i = 0; i < SENTINELS + 1; i++)
			fadvise_dontneed(sentinel_paths[i]);
	}
	report->cached_kb_after = meminfo_cached_kb();
	if (ret)
		return ret;
	for (i = 0; i < SENTINELS; i++) {
		n = resident_pages(sentinel_paths[i]);
		if (n < 0)
			return -EIO;
		pages += n;
	}
	report->sentinel_pages = pages;
	report->verified = pages == 0;
	return 0;
}

int cache_prepare(enum cache_state state, const struct file_set *set,
		  struct cache_report *report)
{
	int attempt, ret;
	size_t i;

	memset(report, 0, sizeof(*report));
	if (state == CACHE_HOT || getenv(NO_DROP_ENV)) {
		report->method = state == CACHE_HOT ? "preread" :
						      "no drop (" NO_DROP_ENV
						      ")";
		for (i = 0; i < set->count; i++)
			read_whole(set->paths[i]);
		report->verified = 1;
		return 0;
	}
	/* Without a device nothing proves a drop (and a tmpfs keeps all). */
	if (!device_stat_path[0]) {
		snprintf(report->why, sizeof(report->why), "%s",
			 device_missing);
		return -ENODEV;
	}
	for (attempt = 0; attempt < DROP_ATTEMPTS; attempt++) {
		/*
		 * Pages still under writeback (files just written, e.g. the
		 * sentinels of a fresh data dir) survive a drop: give the
		 * writeback time before trying again.
		 */
		if (attempt)
			usleep(100000U * (unsigned int)attempt);
		ret = drop_once(state, set, report);
		if (ret) {
			snprintf(report->why, sizeof(report->why),
				 "drop failed: %s", strerror(-ret));
			return ret;
		}
		if (report->verified)
			return 0;
	}
	snprintf(report->why, sizeof(report->why),
		 "drop not verified: %ld sentinel pages resident after %d "
		 "tries",
		 report->sentinel_pages, DROP_ATTEMPTS);
	return -EAGAIN;
}
