// SPDX-License-Identifier: MIT
/*
 * One semantics for atoms in the kernel and in the user-space reference
 * interpreter (issue 11 §2 item 11): the same chain gives the same result
 * and the same stored results in both, for atoms with unknown flag bits
 * (the chain ends with -EINVAL before the atom runs) and for atoms that
 * straddle a page boundary into an unmapped page (only the fields an
 * interpreter uses must be readable: flags, nr, ret_ptr, next, the
 * argument pointers up to the first zero one, and the first atom's
 * private; anything else unreadable there is -EFAULT for the chain).
 *
 * EXTRA_SRCS: atoms/atom_interp_user.c
 */
#include "syslet_test.h"
#include <sys/mman.h>

#include "atoms/atom_interp.h"

/* Both interpreters on one chain: returns and stored results agree. */
static void compare(struct syslet_uatom *first, int64_t *r0, int64_t *r1,
		    long expected, const char *what)
{
	struct atom_interp_stats stats = { 0 };
	int64_t k0, k1;
	long kernel, user;

	*r0 = *r1 = 0x5a5a;
	kernel = sys_async_exec(first, NULL);
	k0 = *r0;
	k1 = *r1;
	*r0 = *r1 = 0x5a5a;
	user = atom_chain_run_user(first, &stats);
	CHECK(kernel == user, "%s: kernel returns %ld, user space %ld", what,
	      kernel, user);
	CHECK(kernel == expected, "%s: returns %ld, expected %ld", what, kernel,
	      expected);
	CHECK(k0 == *r0 && k1 == *r1,
	      "%s: results kernel %lld/%lld, user space %lld/%lld", what,
	      (long long)k0, (long long)k1, (long long)*r0, (long long)*r1);
}

static void test_unknown_flags(void)
{
	static struct syslet_uatom a[2];
	static int64_t r0, r1;

	init_atom(&a[0], SYSLET_SYNC, __NR_getppid, &r0, &a[1], NULL, NULL,
		  NULL, NULL);
	init_atom(&a[1], 0x100, __NR_getpid, &r1, NULL, NULL, NULL, NULL, NULL);
	compare(a, &r0, &r1, -EINVAL, "unknown flag on the second atom");
	CHECK_EQ(r0, getppid());
	CHECK_EQ(r1, 0x5a5a);

	a[0].flags = SYSLET_SYNC | 0x80000000u;
	a[1].flags = 0;
	compare(a, &r0, &r1, -EINVAL, "unknown flag on the first atom");
	CHECK_EQ(r0, 0x5a5a);
}

/*
 * The second atom (getpid, no arguments) ends @cut bytes before an
 * unmapped page: fields from offset @cut on cannot be read.
 */
static void straddle_second(char *page_end, size_t cut, long expected)
{
	static struct syslet_uatom first;
	static int64_t r0, r1;
	struct syslet_uatom full,
		*second = (struct syslet_uatom *)(page_end - cut);
	char what[64];

	init_atom(&first, SYSLET_SYNC, __NR_getppid, &r0, second, NULL, NULL,
		  NULL, NULL);
	init_atom(&full, 0, __NR_getpid, &r1, NULL, NULL, NULL, NULL, NULL);
	memcpy(second, &full, cut);
	snprintf(what, sizeof(what), "second atom cut at byte %zu", cut);
	if (expected > 0)
		expected = ptr2l(second);
	compare(&first, &r0, &r1, expected, what);
}

/* The first atom cut at byte @cut: its private is read first. */
static void straddle_first(char *page_end, size_t cut, long expected)
{
	static int64_t r0, r1;
	struct syslet_uatom full,
		*first = (struct syslet_uatom *)(page_end - cut);
	char what[64];

	init_atom(&full, SYSLET_SYNC, __NR_getppid, &r0, NULL, NULL, NULL, NULL,
		  NULL);
	memcpy(first, &full, cut);
	snprintf(what, sizeof(what), "first atom cut at byte %zu", cut);
	if (expected > 0)
		expected = ptr2l(first);
	compare(first, &r0, &r1, expected, what);
}

static void test_straddle(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end;

	if (map == MAP_FAILED)
		test_fail_now("mmap: %s", strerror(errno));
	end = map + page;
	CHECK_EQ(munmap(end, page), 0);

	/* The fields read, in order: flags nr ret_ptr next arg_ptr[0]. */
	straddle_second(end, 4, -EFAULT); /* nr */
	straddle_second(end, 16, -EFAULT); /* next */
	straddle_second(end, 24, -EFAULT); /* arg_ptr[0] */
	/* arg_ptr[0] == 0 ends the list: the rest is never read. */
	straddle_second(end, 32, 1);
	straddle_second(end, 72, 1); /* private */
	straddle_first(end, 72, -EFAULT); /* the cookie is read */
	straddle_first(end, 32, -EFAULT);
	munmap(map, page);
}

int main(void)
{
	test_name = "t18_atom_semantics";
	require_syslets(NULL);
	test_unknown_flags();
	test_straddle();
	return test_done();
}
