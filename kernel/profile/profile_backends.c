// SPDX-License-Identifier: MIT
/*
 * Guest /init for `kernel/profile/insn-profile.sh --backends`: the
 * harness's own backends (baseline_sync, atoms-kernel, clets-kernel), each
 * through its run() on one hot file (4 KiB unless --size), read 4 KiB at a
 * time, then on two, each run bracketed
 * by getppid markers. The gdb script takes the difference of the two runs
 * as the cost of one file: what the benchmark's per-file figure holds,
 * without the per-run() work (setup checks, the syslet_info handshakes)
 * that a 1000-file run spreads thin. Earlier rounds warm the caches.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atoms/raw_syscall.h"
#include "harness/backend.h"

#define ROUNDS 4
/* insn-profile.sh --size and --email set these. */
#ifndef FILE_SIZE
#define FILE_SIZE 4096
#endif
#ifndef PROFILE_SHAPE
#define PROFILE_SHAPE CHAIN_SHAPE_CURSOR
#endif
/*
 * --private-files: before the profiled round this thread takes a file
 * table of its own, as it would if the syslet spares (which share it from
 * their creation on) held none while parked; hot files only, since a
 * spare that took over a context would then see a stale table.
 */
#ifndef PROFILE_PRIVATE_FILES
#define PROFILE_PRIVATE_FILES 0
#endif
#define READ_SIZE 4096

extern const struct backend baseline_sync_backend, atoms_kernel_backend,
	clets_kernel_backend;

static void marker(void)
{
	raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
}

static void file_done(void *cookie, size_t file_index, const void *buf,
		      uint64_t bytes, int status)
{
	int *fails = cookie;

	(void)file_index;
	(void)buf;
	*fails += status != 0 || (bytes != FILE_SIZE && bytes != BYTES_UNKNOWN);
}

int main(void)
{
	static const char *const paths[] = { "/profile-a", "/profile-b" };
	static const struct backend *const backends[] = {
		&baseline_sync_backend,
		&atoms_kernel_backend,
		&clets_kernel_backend,
	};
	static char data[FILE_SIZE];
	const struct backend_params params = {
		.concurrency = 1,
		.buf_size = READ_SIZE,
		.file_buf_cap = FILE_SIZE + READ_SIZE,
		.shape = PROFILE_SHAPE,
	};
	struct backend_counters counters = { 0 };
	void *ctx[3];
	int fails = 0;
	size_t b, i, n;
	long fd;

	for (i = 0; i < 2; i++) {
		fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
			fails++;
		close(fd);
	}
	for (b = 0; b < 3; b++) {
		ctx[b] = backends[b]->setup(&params);
		fails += !ctx[b];
	}
	for (i = 0; i < ROUNDS && !fails; i++) {
		if (i == ROUNDS - 1 && PROFILE_PRIVATE_FILES)
			fails += unshare(CLONE_FILES) != 0;
		if (i == ROUNDS - 1)
			marker();
		for (b = 0; b < 3; b++) {
			for (n = 1; n <= 2; n++) {
				fails += backends[b]->run(ctx[b], paths, n,
							  file_done, &fails,
							  &counters) != 0;
				if (i == ROUNDS - 1)
					marker();
			}
		}
	}
	printf("insn-profile: guest done, %d failures\n", fails);
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
