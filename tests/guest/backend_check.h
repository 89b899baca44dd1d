/* SPDX-License-Identifier: MIT */
/*
 * The shared body of the end-to-end backend tests (t06 atoms-kernel, t13
 * clets-kernel): one set of files of assorted sizes with a known byte
 * pattern on the ext4 disk, and a pass of a backend over all of them, hot
 * or cold after drop_caches. A pass checks what any backend must do:
 * every file back byte for byte exactly once, and the inline/cachemiss
 * split matching the page cache. What only one backend counts
 * (submissions, upcalls) the test checks in its report hook, so the two
 * tests cannot drift apart on the common part.
 */
#ifndef BACKEND_CHECK_H
#define BACKEND_CHECK_H

#include "syslet_test.h"
#include <fcntl.h>
#include <sys/stat.h>

#include "harness/backend.h"

#define BC_NFILES 64
#define BC_MAXSZ  (200 * 1024)

/* One pass over the files: at this concurrency, hot or after drop_caches. */
struct bc_pass {
	unsigned int conc;
	int cold;
};

struct backend_check {
	const struct backend *be;
	const struct bc_pass *passes;
	size_t npasses;
	/*
	 * The completion's byte count must equal the file's length; 0 for a
	 * backend that reports BYTES_UNKNOWN (an atom chain overwrites its
	 * read results).
	 */
	int check_bytes;
	/* Prints a pass's counters and checks the backend's own ones. */
	void (*report)(unsigned int conc, int cold,
		       const struct backend_counters *c);
};

static char bc_paths[BC_NFILES][64];
static size_t bc_sizes[BC_NFILES];
static int bc_seen[BC_NFILES], bc_bad;

static unsigned char bc_pattern(size_t file, size_t off)
{
	return (unsigned char)(file * 31 + off * 7 + (off >> 9));
}

/* Sizes spread over [0, BC_MAXSZ), with an empty file and a one-page one. */
static void bc_make_files(void)
{
	static unsigned char buf[BC_MAXSZ];
	size_t i, j;

	mkdir("/mnt/files", 0755);
	for (i = 0; i < BC_NFILES; i++) {
		int fd;

		bc_sizes[i] = (i * 7919) % BC_MAXSZ;
		if (i == 0)
			bc_sizes[i] = 0;
		if (i == 1)
			bc_sizes[i] = 4096;
		snprintf(bc_paths[i], sizeof(bc_paths[i]), "/mnt/files/f%02zu",
			 i);
		for (j = 0; j < bc_sizes[i]; j++)
			buf[j] = bc_pattern(i, j);
		fd = open(bc_paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0, "create %s", bc_paths[i]);
		CHECK_EQ(write(fd, buf, bc_sizes[i]), (long)bc_sizes[i]);
		close(fd);
	}
}

/* on_done of the backend; @cookie is the struct backend_check. */
static void bc_on_done(void *cookie, size_t idx, const void *buf,
		       uint64_t bytes, int status)
{
	const struct backend_check *bc = cookie;
	const unsigned char *b = buf;
	size_t i;

	if (idx >= BC_NFILES || status ||
	    (bc->check_bytes && bytes != bc_sizes[idx])) {
		printf("backend: file %zu status %d bytes %llu\n", idx, status,
		       (unsigned long long)bytes);
		bc_bad++;
		return;
	}
	bc_seen[idx]++;
	for (i = 0; i < bc_sizes[idx]; i++) {
		if (b[i] != bc_pattern(idx, i)) {
			printf("backend: file %zu differs at %zu\n", idx, i);
			bc_bad++;
			return;
		}
	}
}

static void bc_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		CHECK_EQ(write(fd, "3\n", 2), 2);
		close(fd);
	}
}

/* One pass of @bc->be over all the files at concurrency @conc. */
static void bc_run(const struct backend_check *bc, unsigned int conc, int cold)
{
	struct backend_params p = {
		.concurrency = conc,
		.buf_size = 4096,
		.file_buf_cap = BC_MAXSZ + 4096,
	};
	struct backend_counters c;
	const char *pv[BC_NFILES];
	void *ctx;
	int i, r;

	memset(&c, 0, sizeof(c));
	memset(bc_seen, 0, sizeof(bc_seen));
	for (i = 0; i < BC_NFILES; i++)
		pv[i] = bc_paths[i];
	ctx = bc->be->setup(&p);
	CHECK(ctx != NULL, "setup failed");
	if (!ctx)
		return;
	if (cold)
		bc_drop_caches();
	r = bc->be->run(ctx, pv, BC_NFILES, bc_on_done, (void *)bc, &c);
	CHECK_EQ(r, 0);
	for (i = 0; i < BC_NFILES; i++)
		CHECK(bc_seen[i] == 1, "file %d seen %d times", i, bc_seen[i]);
	bc->report(conc, cold, &c);
	CHECK_EQ(c.cachemisses + c.inline_done, BC_NFILES);
	if (!cold)
		CHECK_EQ(c.cachemisses, 0);
	else
		CHECK(c.cachemisses > 0, "cold run never went async");
	bc->be->teardown(ctx);
}

/*
 * Fails where the backend cannot run (in the patched guest it always can),
 * else writes the files, runs every pass and checks that no completion was
 * bad; the test adds its own checks and calls test_done().
 */
static void bc_main_passes(const struct backend_check *bc)
{
	char why[200];
	size_t i;

	if (!bc->be->available(why, sizeof(why)))
		test_fail_now("%s", why);
	bc_make_files();
	for (i = 0; i < bc->npasses; i++)
		bc_run(bc, bc->passes[i].conc, bc->passes[i].cold);
	CHECK_EQ(bc_bad, 0);
}

#endif /* BACKEND_CHECK_H */
