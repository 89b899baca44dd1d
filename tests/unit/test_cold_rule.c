// SPDX-License-Identifier: MIT
/*
 * The cold rule on fake block device counters: a stat file's text parses to
 * reads and sectors, and the rule accepts what a cold read of a set looks
 * like (merged requests included) and rejects what a cached one does.
 */
#include <string.h>

#include "harness/cache.h"
#include "test_helpers.h"

/* Fields as in Documentation/block/stat.rst: reads, merges, sectors, ... */
static const char stat_text[] =
	"   37592    10832  3658458    31630    44004   228125  8812592    "
	"44917        1    28940    90488    73824       41  2283232    "
	"13797     2144      142\n";

static int rule(uint64_t ios, uint64_t sectors, size_t files, size_t size,
		char *why, size_t len)
{
	struct block_reads d = { .ios = ios, .sectors = sectors };

	why[0] = 0;
	return cache_cold_rule(&d, files, size, why, len);
}

int main(void)
{
	struct block_reads r;
	char why[160];

	CHECK_EQ(block_stat_parse(stat_text, &r), 0);
	CHECK_EQ(r.ios, 37592);
	CHECK_EQ(r.sectors, 3658458);
	CHECK(block_stat_parse("", &r) < 0);
	CHECK(block_stat_parse("12 abc", &r) < 0);

	/* 100 x 4 KiB cold: one read and 4.1 KiB per file. */
	CHECK_EQ(rule(100, 100 * 82 / 10, 100, 4096, why, sizeof(why)), 1);
	CHECK_EQ(why[0], 0);
	/* Merged requests (0.94 per file) are still cold. */
	CHECK_EQ(rule(94, 800, 100, 4096, why, sizeof(why)), 1);
	/* 64 KiB files: 64.3 KiB per file in few requests. */
	CHECK_EQ(rule(10, 10 * 129, 10, 65536, why, sizeof(why)), 1);
	/* Exactly the data, the least a cold sample can read. */
	CHECK_EQ(rule(1, 8, 1, 4096, why, sizeof(why)), 1);
	/* Other readers only add: a busy device still passes. */
	CHECK_EQ(rule(5000, 900000, 100, 4096, why, sizeof(why)), 1);

	/* Nothing read: the set was cached. */
	CHECK_EQ(rule(0, 0, 100, 4096, why, sizeof(why)), 0);
	CHECK(strstr(why, "device read 0 B for 409600 B") != NULL);
	/* Metadata only (an inode block per few files): not the data. */
	CHECK_EQ(rule(30, 240, 100, 4096, why, sizeof(why)), 0);
	CHECK(strstr(why, "not cold") != NULL);
	/* One sector short of the data. */
	CHECK_EQ(rule(1, 7, 1, 4096, why, sizeof(why)), 0);
	/* Enough bytes in too few requests: one big readahead of another
	 * file cannot stand for 100 files. */
	CHECK_EQ(rule(10, 1000, 100, 4096, why, sizeof(why)), 0);
	CHECK(strstr(why, "10 reads for 100 files") != NULL);
	return TEST_EXIT();
}
