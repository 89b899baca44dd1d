// SPDX-License-Identifier: MIT
/*
 * Guest /init for kernel/profile/insn-profile.sh: one hot 4 KiB file read
 * the synchronous way (openat, read, read, close), then by the backends'
 * atom chain (atoms/atom_chain.c, as atoms-kernel runs it), then by the
 * file clet (clets/file_clet.c, through clet_kernel_exec() as
 * clets-kernel runs it), each bracketed by getppid markers that the gdb
 * script single-steps between. Earlier rounds warm the caches, so the
 * profiled round is all hot.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atoms/atom_chain.h"
#include "atoms/raw_syscall.h"
#include "atoms/syslet_sys.h"
#include "clets/clet_kernel.h"
#include "clets/file_clet.h"

#define ROUNDS	  4
#define FILE_SIZE 4096

static void marker(void)
{
	raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
}

int main(void)
{
	static char data[FILE_SIZE], buf[2 * FILE_SIZE];
	static struct syslet_completion ring[8];
	static struct async_head_user ahu = { .ring_size = 8 };
	static struct file_chain fc;
	static const char path[] = "/profile-4k";
	struct clet_kernel *ck = clet_kernel_create(1, 0);
	struct clet_file *cf = clet_files_alloc(1, 2 * FILE_SIZE, FILE_SIZE);
	long fd, done, ret;
	int i, fails = !ck || !cf;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
		fails++;
	close(fd);
	ahu.completion_ring = (uint64_t)(uintptr_t)ring;
	file_chain_init(&fc, buf, FILE_SIZE, CHAIN_SHAPE_CURSOR, 0, 1);
	for (i = 0; i < ROUNDS; i++) {
		if (i == ROUNDS - 1)
			marker();
		fd = raw_syscall6(__NR_openat, AT_FDCWD, (long)path, O_RDONLY,
				  0, 0, 0);
		fails += raw_syscall6(__NR_read, fd, (long)buf, FILE_SIZE, 0, 0,
				      0) != FILE_SIZE;
		fails += raw_syscall6(__NR_read, fd, (long)buf + FILE_SIZE,
				      FILE_SIZE, 0, 0, 0) != 0;
		fails += raw_syscall6(__NR_close, fd, 0, 0, 0, 0, 0) != 0;
		if (i == ROUNDS - 1)
			marker();
		file_chain_arm(&fc, path);
		done = async_exec_sys(&fc.open_atom, &ahu);
		if (i == ROUNDS - 1)
			marker();
		fails += done != (long)(uintptr_t)&fc.close_atom ||
			 file_chain_status(&fc) != 0;
		if (fails)
			break;
		cf->path = path;
		done = clet_kernel_exec(ck, file_clet, (unsigned long)cf, &ret);
		if (i == ROUNDS - 1)
			marker();
		fails += done != 1 || ret != 0 || cf->bytes != FILE_SIZE;
	}
	printf("insn-profile: guest done, %d failures\n", fails);
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
