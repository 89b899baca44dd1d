// SPDX-License-Identifier: MIT
/*
 * Every backend that can run here reads every byte of the same file sets
 * (one read per file, several reads per file, a size that is not a
 * multiple of the buffer), at several concurrencies, and hands the harness
 * bytes whose checksums match the manifest: the whole file in the cursor
 * shape, its last block in the email shape. Missing files come back as
 * errors, not as data. Synchronous backends' syscall counts are exact, in
 * both shapes; atoms-user's atom count is the email's open + (size / buf +
 * 1) reads + close, and one umem_add more per data block with a cursor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/backend.h"
#include "harness/util.h"
#include "harness/workload.h"
#include "test_helpers.h"

struct tally {
	const struct file_set *set;
	enum chain_shape shape;
	size_t done, good, errors;
	size_t *seen;
};

/* The email shape leaves the last block at the buffer's start. */
static int last_block_good(const struct file_set *set, const void *buf,
			   size_t index)
{
	size_t off, len;

	file_last_block(set->size, set->last_block_buf_size, &off, &len);
	return checksum64(buf, len) == set->last_block_sums[index];
}

static void on_done(void *cookie, size_t index, const void *buf, uint64_t bytes,
		    int status)
{
	struct tally *t = cookie;

	t->done++;
	if (index >= t->set->count)
		return;
	t->seen[index]++;
	if (status) {
		t->errors++;
		return;
	}
	if (bytes != BYTES_UNKNOWN && bytes != t->set->size)
		return;
	if (t->shape == CHAIN_SHAPE_CURSOR ?
		    checksum64(buf, t->set->size) == t->set->checksums[index] :
		    last_block_good(t->set, buf, index))
		t->good++;
}

static void check_backend(const struct backend *be, const struct file_set *set,
			  size_t buf_size, unsigned int concurrency,
			  enum chain_shape shape)
{
	struct backend_params params = {
		.concurrency = concurrency,
		.buf_size = buf_size,
		.file_buf_cap = set->size + buf_size,
		.shape = shape,
	};
	struct backend_counters bc = { 0 };
	struct tally t = { .set = set, .shape = shape };
	size_t blocks = (set->size + buf_size - 1) / buf_size;
	void *ctx = be->setup(&params);
	size_t i;

	t.seen = xcalloc(set->count, sizeof(*t.seen));
	CHECK(ctx != NULL);
	if (!ctx)
		return;
	CHECK_EQ(be->run(ctx, (const char *const *)set->paths, set->count,
			 on_done, &t, &bc),
		 0);
	be->teardown(ctx);
	for (i = 0; i < set->count; i++)
		CHECK_EQ(t.seen[i], 1);
	if (t.good != set->count)
		fprintf(stderr, "%s %s c%u size %zu buf %zu: %zu of %zu good\n",
			be->name, chain_shape_name(shape), concurrency,
			set->size, buf_size, t.good, set->count);
	CHECK_EQ(t.good, set->count);
	if (!be->is_async) {
		/* open + ceil(size / buf) data reads + EOF read + close */
		CHECK_EQ(bc.syscalls, set->count * (blocks + 1 + 2));
	}
	if (!strcmp(be->name, "atoms-user"))
		CHECK_EQ(bc.atoms,
			 set->count *
				 (1 + (blocks + 1) + 1 +
				  (shape == CHAIN_SHAPE_CURSOR ? blocks : 0)));
	free(t.seen);
}

static void check_missing_file(const struct backend *be, const char *dir,
			       unsigned int concurrency)
{
	struct backend_params params = { concurrency, 4096, 8192,
					 CHAIN_SHAPE_EMAIL };
	struct backend_counters bc = { 0 };
	char *missing = xasprintf("%s/no-such-file", dir);
	const char *paths[] = { missing };
	size_t seen = 0;
	struct file_set set = { .count = 1, .size = 4096 };
	struct tally t = { .set = &set, .seen = &seen };
	void *ctx = be->setup(&params);

	CHECK(ctx != NULL);
	if (ctx) {
		be->run(ctx, paths, 1, on_done, &t, &bc);
		be->teardown(ctx);
	}
	CHECK_EQ(t.errors, 1);
	CHECK_EQ(t.good, 0);
	free(missing);
}

int main(void)
{
	static const size_t sizes[] = { 4096, 65536, 5000 };
	static const unsigned int conc[] = { 1, 16, 64 };
	char dir[] = "/tmp/sysletbench-backendsXXXXXX";
	struct file_set sets[3];
	char why[160], *rm;
	size_t b, s, c;
	int ran = 0;

	if (!mkdtemp(dir))
		return 1;
	for (s = 0; s < 3; s++)
		if (file_set_open(&sets[s], dir, 40, sizes[s], 7) ||
		    file_set_last_blocks(&sets[s], 4096))
			return 1;
	for (b = 0; b < backend_count; b++) {
		const struct backend *be = backends[b];

		/* The floor reads nothing: tests/test_floor.sh checks it. */
		if (be->reads_nothing)
			continue;
		if (!be->available(why, sizeof(why))) {
			printf("skip %s: %s\n", be->name, why);
			continue;
		}
		ran++;
		for (s = 0; s < 3; s++)
			for (c = 0; c < (be->is_async ? 3 : 1); c++) {
				check_backend(be, &sets[s], 4096, conc[c],
					      CHAIN_SHAPE_CURSOR);
				check_backend(be, &sets[s], 4096, conc[c],
					      CHAIN_SHAPE_EMAIL);
			}
		check_missing_file(be, dir, be->is_async ? 16 : 1);
	}
	for (s = 0; s < 3; s++)
		file_set_close(&sets[s]);
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(rm);
	CHECK(ran >= 2);
	return TEST_EXIT();
}
