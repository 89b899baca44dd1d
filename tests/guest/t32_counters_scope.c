// SPDX-License-Identifier: MIT
/*
 * syslet_info's counters are the calling process's (issue 11 §2 item 11):
 * a child starts from zero and its chains do not move its parent's
 * counters (global ones let any process watch when another one's chains
 * run or go async), every thread of a process counts, exec keeps them.
 */
#include "child_guard.h"

#include <pthread.h>
#include <stdbool.h>

/* Runs @n synchronous chains of three atoms. */
static void run_inline_chains(int n)
{
	struct syslet_uatom at[3];
	int64_t r;
	int i;

	init_atom(&at[0], SYSLET_SYNC, __NR_getpid, &r, &at[1], NULL, NULL,
		  NULL, NULL);
	init_atom(&at[1], 0, __NR_getppid, &r, &at[2], NULL, NULL, NULL, NULL);
	init_atom(&at[2], 0, __NR_getpid, &r, NULL, NULL, NULL, NULL, NULL);
	for (i = 0; i < n; i++)
		CHECK_EQ(sys_async_exec(&at[0], NULL), ptr2l(&at[2]));
}

/* One SYSLET_ASYNC chain of one atom: a handoff and a completion. */
static void run_async_chain(void)
{
	static struct test_ring ring;
	struct syslet_uatom atom;
	struct syslet_completion c;
	int64_t r;

	ring_init(&ring, 8);
	init_atom(&atom, SYSLET_ASYNC, __NR_getpid, &r, NULL, NULL, NULL, NULL,
		  NULL);
	CHECK_EQ(sys_async_exec(&atom, &ring.ahu), 0);
	CHECK(sys_async_wait(1, &ring.ahu) == 1 && ring_pop(&ring, &c),
	      "no completion for the async chain");
}

static bool info_equal(const struct syslet_info *a, const struct syslet_info *b)
{
	return a->chains_inline == b->chains_inline &&
	       a->cachemisses == b->cachemisses &&
	       a->completions == b->completions && a->atoms_run == b->atoms_run;
}

static void print_info(const char *what, const struct syslet_info *i)
{
	printf("%s: %s: chains_inline %llu cachemisses %llu completions %llu "
	       "atoms_run %llu\n",
	       test_name, what, (unsigned long long)i->chains_inline,
	       (unsigned long long)i->cachemisses,
	       (unsigned long long)i->completions,
	       (unsigned long long)i->atoms_run);
}

/* The exec'd image: the counters are the ones the child left. */
static int check_after_exec(const char *chains, const char *atoms)
{
	struct syslet_info i = get_info();

	CHECK_EQ(i.chains_inline, strtoull(chains, NULL, 0));
	CHECK_EQ(i.atoms_run, strtoull(atoms, NULL, 0));
	return test_done();
}

/* The child: starts from zero, counts exactly its own work, execs. */
static void child(const char *self)
{
	struct syslet_info i = get_info();
	struct syslet_info zero;
	char chains[32], atoms[32];

	memset(&zero, 0, sizeof(zero));
	if (!info_equal(&i, &zero)) {
		print_info("child's counters at fork", &i);
		CHECK(0, "a new process did not start from zero");
	}
	run_inline_chains(10);
	run_async_chain();
	i = get_info();
	CHECK_EQ(i.chains_inline, 10);
	CHECK_EQ(i.atoms_run, 31);
	CHECK_EQ(i.cachemisses, 1);
	CHECK_EQ(i.completions, 1);
	if (test_failures) {
		fflush(stdout);
		_exit(1);
	}
	snprintf(chains, sizeof(chains), "%llu",
		 (unsigned long long)i.chains_inline);
	snprintf(atoms, sizeof(atoms), "%llu", (unsigned long long)i.atoms_run);
	fflush(stdout);
	execl(self, self, "--after-exec", chains, atoms, (char *)NULL);
	printf("%s: FAIL exec %s: %s\n", test_name, self, strerror(errno));
	fflush(stdout);
	_exit(1);
}

static void *thread_chains(void *arg)
{
	(void)arg;
	run_inline_chains(4);
	return NULL;
}

int main(int argc, char **argv)
{
	struct syslet_info before, after;
	pthread_t t;
	pid_t pid;

	test_name = "t32_counters_scope";
	if (argc == 4 && !strcmp(argv[1], "--after-exec")) {
		test_name = "t32_counters_scope (the child's exec'd image)";
		return check_after_exec(argv[2], argv[3]);
	}
	require_syslets(&before);

	/* The parent has counts of its own before the child runs. */
	run_inline_chains(5);
	run_async_chain();
	before = get_info();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		test_fail_now("fork: %s", strerror(errno));
	if (pid == 0)
		child("/proc/self/exe");
	expect_exit(pid, 0, "child counting its own chains");
	after = get_info();
	if (!info_equal(&before, &after)) {
		print_info("parent before the child", &before);
		print_info("parent after the child", &after);
		CHECK(0, "the child's chains moved the parent's counters");
	}

	/* Every thread of the process counts in the same counters. */
	before = get_info();
	CHECK_EQ(pthread_create(&t, NULL, thread_chains, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	after = get_info();
	CHECK_EQ(after.chains_inline - before.chains_inline, 4);
	CHECK_EQ(after.atoms_run - before.atoms_run, 12);
	return test_done();
}
