// SPDX-License-Identifier: MIT
/*
 * The user-space atom interpreter against the semantics in syslet.h: every
 * flag, loops, skip-to-next, the completed atom, bad pointers (an errno,
 * never a crash), unknown flag bits, which fields of an atom are read,
 * disallowed and invalid syscalls, the loop bound, and the email's open ->
 * read loop -> close chain.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atoms/atom_chain.h"
#include "atoms/atom_interp.h"
#include "test_helpers.h"

static struct atom_interp_stats stats;

static long run(struct syslet_uatom *a)
{
	return atom_chain_run_user(a, &stats);
}

static long completed(struct syslet_uatom *a)
{
	return (long)(uintptr_t)a;
}

/* getppid returns > 0, lseek on a bad fd < 0, so each stop flag has a
 * "holds" and a "does not hold" case with real syscalls. */
static void test_stop_flags(void)
{
	static const struct {
		unsigned int flag;
		int stops_on_positive, stops_on_negative, stops_on_zero;
	} cases[] = {
		{ SYSLET_STOP_ON_NONZERO, 1, 1, 0 },
		{ SYSLET_STOP_ON_ZERO, 0, 0, 1 },
		{ SYSLET_STOP_ON_NEGATIVE, 0, 1, 0 },
		{ SYSLET_STOP_ON_NON_POSITIVE, 0, 1, 1 },
	};
	struct syslet_uatom a[2];
	uint64_t bad_fd = (uint64_t)-1, zero = 0, seek_cur = SEEK_CUR;
	int64_t r0, r1;
	size_t i;
	int fd = open("/dev/null", O_RDONLY);
	uint64_t null_fd = (uint64_t)fd;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* positive result */
		init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL,
			  NULL, &r0, cases[i].flag, &a[1], 0);
		init_atom(&a[1], __NR_getpid, NULL, NULL, NULL, NULL, NULL,
			  NULL, &r1, 0, NULL, 0);
		r1 = 0;
		CHECK_EQ(run(a),
			 completed(cases[i].stops_on_positive ? &a[0] : &a[1]));
		CHECK_EQ(r0, getppid());
		/* negative result: lseek(-1) = -EBADF */
		init_atom(&a[0], __NR_lseek, &bad_fd, &zero, &seek_cur, NULL,
			  NULL, NULL, &r0, cases[i].flag, &a[1], 0);
		CHECK_EQ(run(a),
			 completed(cases[i].stops_on_negative ? &a[0] : &a[1]));
		CHECK_EQ(r0, -EBADF);
		/* zero result: lseek(/dev/null, 0, SEEK_CUR) = 0 */
		init_atom(&a[0], __NR_lseek, &null_fd, &zero, &seek_cur, NULL,
			  NULL, NULL, &r0, cases[i].flag, &a[1], 0);
		CHECK_EQ(run(a),
			 completed(cases[i].stops_on_zero ? &a[0] : &a[1]));
		CHECK_EQ(r0, 0);
	}
	close(fd);
}

/* On stop with SKIP_TO_NEXT_ON_STOP, the atom after it in memory runs,
 * not ->next; without a stop, ->next runs and atom + 1 does not. */
static void test_skip_to_next(void)
{
	struct syslet_uatom a[3];
	int64_t r[3];

	init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL,
		  &r[0], SYSLET_STOP_ON_NONZERO | SYSLET_SKIP_TO_NEXT_ON_STOP,
		  &a[2], 0);
	init_atom(&a[1], __NR_getpid, NULL, NULL, NULL, NULL, NULL, NULL, &r[1],
		  0, NULL, 0);
	init_atom(&a[2], __NR_getpid, NULL, NULL, NULL, NULL, NULL, NULL, &r[2],
		  0, NULL, 0);
	r[1] = r[2] = 0;
	CHECK_EQ(run(a), completed(&a[1]));
	CHECK_EQ(r[1], getpid());
	CHECK_EQ(r[2], 0);

	a[0].flags = SYSLET_STOP_ON_ZERO | SYSLET_SKIP_TO_NEXT_ON_STOP;
	r[1] = r[2] = 0;
	CHECK_EQ(run(a), completed(&a[2]));
	CHECK_EQ(r[1], 0);
	CHECK_EQ(r[2], getpid());
}

/* A self-linked atom loops until its stop condition: count down with
 * umem_add until it reaches zero. */
static void test_loop(void)
{
	struct syslet_uatom a[2];
	uint64_t counter = 5, counter_addr = (uint64_t)(uintptr_t)&counter;
	uint64_t minus_one = (uint64_t)-1;
	int64_t r;

	init_atom(&a[0], SYSLET_NR_UMEM_ADD, &counter_addr, &minus_one, NULL,
		  NULL, NULL, NULL, &r,
		  SYSLET_STOP_ON_ZERO | SYSLET_SKIP_TO_NEXT_ON_STOP, &a[0], 0);
	init_atom(&a[1], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		  0, NULL, 0);
	memset(&stats, 0, sizeof(stats));
	CHECK_EQ(run(a), completed(&a[1]));
	CHECK_EQ(counter, 0);
	CHECK_EQ(stats.atoms, 6);
	CHECK_EQ(stats.syscalls, 1);
}

static void test_loop_bound(void)
{
	struct syslet_uatom a;

	init_atom(&a, __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
		  &a, 0);
	atom_interp_set_max_atoms(1000);
	memset(&stats, 0, sizeof(stats));
	CHECK_EQ(run(&a), -ELOOP);
	CHECK_EQ(stats.atoms, 1000);
	atom_interp_set_max_atoms(SYSLET_MAX_ATOMS_DEFAULT);
}

static void test_arguments_end_at_null(void)
{
	struct syslet_uatom a;
	uint64_t fd, len = 3;
	int64_t r;
	char buf[8] = "xyz";
	uint64_t bufp = (uint64_t)(uintptr_t)buf;
	int p[2];

	CHECK(pipe(p) == 0);
	fd = (uint64_t)p[1];
	/* arg 2 NULL: the count is 0, whatever arg 3 points to. */
	init_atom(&a, __NR_write, &fd, &bufp, NULL, &len, NULL, NULL, &r, 0,
		  NULL, 0);
	CHECK_EQ(run(&a), completed(&a));
	CHECK_EQ(r, 0);
	init_atom(&a, __NR_write, &fd, &bufp, &len, NULL, NULL, NULL, &r, 0,
		  NULL, 0);
	run(&a);
	CHECK_EQ(r, 3);
	close(p[0]);
	close(p[1]);
}

static void test_bad_pointers(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *hole =
		mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct syslet_uatom a[2];
	int64_t r;

	CHECK(hole != MAP_FAILED);
	/* The chain itself unreadable. */
	CHECK_EQ(run((struct syslet_uatom *)hole), -EFAULT);
	CHECK_EQ(run(NULL), -EFAULT);
	/* An argument pointer: the atom's result, tested by its flags. */
	init_atom(&a[0], __NR_getppid, hole, NULL, NULL, NULL, NULL, NULL, &r,
		  SYSLET_STOP_ON_NEGATIVE | SYSLET_SKIP_TO_NEXT_ON_STOP, NULL,
		  0);
	init_atom(&a[1], __NR_getpid, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		  0, NULL, 0);
	CHECK_EQ(run(a), completed(&a[1]));
	CHECK_EQ(r, -EFAULT);
	/* ret_ptr: ends the chain. */
	init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL,
		  (int64_t *)hole, 0, &a[1], 0);
	CHECK_EQ(run(a), -EFAULT);
	/* next. */
	init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		  0, (struct syslet_uatom *)hole, 0);
	CHECK_EQ(run(a), -EFAULT);
	/* umem_add on a bad target is an argument fault. */
	{
		uint64_t target = (uint64_t)(uintptr_t)hole, one = 1;

		init_atom(&a[0], SYSLET_NR_UMEM_ADD, &target, &one, NULL, NULL,
			  NULL, NULL, &r, 0, NULL, 0);
		CHECK_EQ(run(a), completed(&a[0]));
		CHECK_EQ(r, -EFAULT);
	}
	/* The interpreter still works after all that. */
	init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, &r,
		  0, NULL, 0);
	CHECK_EQ(run(a), completed(&a[0]));
	CHECK_EQ(r, getppid());
	munmap(hole, page);
}

/* Unknown flag bits end the chain with -EINVAL before the atom runs; the
 * atom before it has stored its result (as in the kernel). */
static void test_unknown_flags(void)
{
	struct syslet_uatom a[2];
	int64_t r0 = 0, r1 = 7;

	init_atom(&a[0], __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL, &r0,
		  0, &a[1], 0);
	init_atom(&a[1], __NR_getpid, NULL, NULL, NULL, NULL, NULL, NULL, &r1,
		  0x100, NULL, 0);
	CHECK_EQ(run(a), -EINVAL);
	CHECK_EQ(r0, getppid());
	CHECK_EQ(r1, 7);
}

/* Only the fields a chain uses must be readable: an atom may end in front
 * of an unmapped page after its first zero argument pointer. */
static void test_atom_before_hole(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct syslet_uatom first, full, *cut;
	int64_t r = 0;

	CHECK(map != MAP_FAILED);
	CHECK_EQ(munmap(map + page, page), 0);
	/* Cut after arg_ptr[0] (zero): arg_ptr[1..5] and private unmapped. */
	cut = (struct syslet_uatom *)(map + page - 32);
	init_atom(&full, __NR_getpid, NULL, NULL, NULL, NULL, NULL, NULL, &r, 0,
		  NULL, 0);
	memcpy(cut, &full, 32);
	init_atom(&first, __NR_getppid, NULL, NULL, NULL, NULL, NULL, NULL,
		  NULL, 0, cut, 0);
	CHECK_EQ(run(&first), completed(cut));
	CHECK_EQ(r, getpid());
	/* Cut inside the fields read (next): the chain faults. */
	cut = (struct syslet_uatom *)(map + page - 16);
	memcpy(cut, &full, 16);
	first.next = (uint64_t)(uintptr_t)cut;
	CHECK_EQ(run(&first), -EFAULT);
	munmap(map, page);
}

static void test_refused_syscalls(void)
{
	static const unsigned int refused[] = {
		__NR_clone,	 __NR_fork,	      __NR_execve,
		__NR_exit,	 __NR_exit_group,     __NR_rt_sigreturn,
		__NR_arch_prctl, __NR_rt_sigprocmask, SYSLET_NR_ASYNC_EXEC,
	};
	struct syslet_uatom a;
	int64_t r;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		init_atom(&a, refused[i], NULL, NULL, NULL, NULL, NULL, NULL,
			  &r, 0, NULL, 0);
		CHECK_EQ(run(&a), completed(&a));
		CHECK_EQ(r, -EPERM);
	}
	init_atom(&a, SYSLET_NR_TABLE_SIZE + 100, NULL, NULL, NULL, NULL, NULL,
		  NULL, &r, 0, NULL, 0);
	run(&a);
	CHECK_EQ(r, -ENOSYS);
	init_atom(&a, 0xffffffffu, NULL, NULL, NULL, NULL, NULL, NULL, &r, 0,
		  NULL, 0);
	run(&a);
	CHECK_EQ(r, -ENOSYS);
}

/* The cursor-shaped chain reads a multi-block file whole, and reports a
 * missing file through the open atom. */
static void test_cursor_chain(void)
{
	char path[] = "/tmp/sysletbench-atomXXXXXX";
	static char data[3 * 4096 + 100], buf[4 * 4096 + 4096];
	struct file_chain fc;
	size_t i;
	int fd = mkstemp(path);

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	CHECK(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	close(fd);

	file_chain_init(&fc, buf, 4096, CHAIN_SHAPE_CURSOR, 0, 42);
	file_chain_arm(&fc, path);
	memset(&stats, 0, sizeof(stats));
	CHECK_EQ(run(&fc.open_atom), completed(&fc.close_atom));
	CHECK_EQ(file_chain_status(&fc), 0);
	CHECK(memcmp(buf, data, sizeof(data)) == 0);
	/* open, 4 data reads + EOF read, 4 advances, close */
	CHECK_EQ(stats.syscalls, 7);
	CHECK_EQ(stats.atoms, 11);
	CHECK_EQ(fc.read_ret, 0);

	unlink(path);
	file_chain_arm(&fc, path);
	CHECK_EQ(run(&fc.open_atom), completed(&fc.open_atom));
	CHECK_EQ(file_chain_status(&fc), -ENOENT);
}

/*
 * The email's chain exactly: the read atom linked to itself, every block
 * into the buffer's start, so a file of size bytes costs open + (size /
 * buf + 1) reads + close atoms, and the buffer ends with the last block.
 */
static void test_email_chain(void)
{
	static const size_t blocks[] = { 1, 4, 16, 64 };
	static char data[64 * 4096], buf[2 * 4096];
	char path[] = "/tmp/sysletbench-atomXXXXXX";
	struct file_chain fc;
	size_t i, b, size;
	int fd = mkstemp(path);

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 13 + i / 4096);
	file_chain_init(&fc, buf, 4096, CHAIN_SHAPE_EMAIL, 0, 42);
	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		size = blocks[b] * 4096;
		CHECK(ftruncate(fd, 0) == 0);
		CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
		memset(buf, 0, sizeof(buf));
		file_chain_arm(&fc, path);
		memset(&stats, 0, sizeof(stats));
		CHECK_EQ(run(&fc.open_atom), completed(&fc.close_atom));
		CHECK_EQ(file_chain_status(&fc), 0);
		CHECK_EQ(fc.read_ret, 0);
		CHECK_EQ(stats.atoms, 1 + (size / 4096 + 1) + 1);
		CHECK_EQ(stats.syscalls, stats.atoms);
		CHECK(memcmp(buf, data + size - 4096, 4096) == 0);
		/* Nothing landed past the one buffer. */
		CHECK_EQ(buf[4096], 0);
	}
	close(fd);
	unlink(path);
}

int main(void)
{
	test_stop_flags();
	test_skip_to_next();
	test_loop();
	test_loop_bound();
	test_arguments_end_at_null();
	test_bad_pointers();
	test_unknown_flags();
	test_atom_before_hole();
	test_refused_syscalls();
	test_cursor_chain();
	test_email_chain();
	return TEST_EXIT();
}
