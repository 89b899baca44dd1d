// SPDX-License-Identifier: MIT
/*
 * The clets-kernel backend end to end, as t06 for atoms-kernel: 64 files
 * of assorted sizes on the ext4 disk, read hot (clets complete inline)
 * and cold after drop_caches (clets block on I/O and go async), at
 * concurrency 1, 8 and 16; every file must come back byte for byte, with
 * the right length, exactly once.
 *
 * EXTRA_SRCS: clets/clets_kernel.c clets/clet_kernel.c clets/clet_sys.c clets/file_clet.c harness/file_buf.c
 */
#include "syslet_test.h"
#include <fcntl.h>
#include <sys/stat.h>

#include "harness/backend.h"

extern const struct backend clets_kernel_backend;

#define NFILES	64
#define MAXSZ	(200 * 1024)

static char paths[NFILES][64];
static size_t sizes[NFILES];
static int seen[NFILES], bad;

static unsigned char pattern(size_t file, size_t off)
{
	return (unsigned char)(file * 31 + off * 7 + (off >> 9));
}

static void on_done(void *cookie, size_t idx, const void *buf, uint64_t bytes,
		    int status)
{
	const unsigned char *b = buf;
	size_t i;

	(void)cookie;
	if (idx >= NFILES || status || bytes != sizes[idx]) {
		printf("backend: file %zu status %d bytes %llu\n", idx, status,
		       (unsigned long long)bytes);
		bad++;
		return;
	}
	seen[idx]++;
	for (i = 0; i < sizes[idx]; i++) {
		if (b[i] != pattern(idx, i)) {
			printf("backend: file %zu differs at %zu\n", idx, i);
			bad++;
			return;
		}
	}
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		CHECK_EQ(write(fd, "3\n", 2), 2);
		close(fd);
	}
}

static void run(unsigned int conc, int cold)
{
	struct backend_params p = {
		.concurrency = conc, .buf_size = 4096, .file_buf_cap = MAXSZ + 4096,
	};
	struct backend_counters c;
	const char *pv[NFILES];
	void *ctx;
	int i, r;

	memset(&c, 0, sizeof(c));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NFILES; i++)
		pv[i] = paths[i];
	ctx = clets_kernel_backend.setup(&p);
	CHECK(ctx != NULL, "setup failed");
	if (!ctx)
		return;
	if (cold)
		drop_caches();
	r = clets_kernel_backend.run(ctx, pv, NFILES, on_done, NULL, &c);
	CHECK_EQ(r, 0);
	for (i = 0; i < NFILES; i++)
		CHECK(seen[i] == 1, "file %d seen %d times", i, seen[i]);
	printf("clets-backend: conc %u %s: upcalls %llu cachemisses %llu inline %llu syscalls %llu\n",
	       conc, cold ? "cold" : "hot",
	       (unsigned long long)c.upcalls, (unsigned long long)c.cachemisses,
	       (unsigned long long)c.inline_done, (unsigned long long)c.syscalls);
	CHECK_EQ(c.upcalls, NFILES);
	CHECK_EQ(c.cachemisses + c.inline_done, NFILES);
	if (!cold)
		CHECK_EQ(c.cachemisses, 0);
	else
		CHECK(c.cachemisses > 0, "cold run never went async");
	clets_kernel_backend.teardown(ctx);
}

int main(void)
{
	static unsigned char buf[MAXSZ];
	char why[200];
	size_t i, j;

	test_name = "clets-backend";
	if (!clets_kernel_backend.available(why, sizeof(why)))
		test_skip("%s", why);
	mkdir("/mnt/files", 0755);
	for (i = 0; i < NFILES; i++) {
		int fd;

		sizes[i] = (i * 7919) % MAXSZ;
		if (i == 0)
			sizes[i] = 0;
		if (i == 1)
			sizes[i] = 4096;
		snprintf(paths[i], sizeof(paths[i]), "/mnt/files/f%02zu", i);
		for (j = 0; j < sizes[i]; j++)
			buf[j] = pattern(i, j);
		fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0, "create %s", paths[i]);
		CHECK_EQ(write(fd, buf, sizes[i]), (long)sizes[i]);
		close(fd);
	}
	run(1, 0);
	run(8, 0);
	run(1, 1);
	run(8, 1);
	run(16, 1);
	CHECK_EQ(bad, 0);
	return test_done();
}
