// SPDX-License-Identifier: MIT
/*
 * The calibration figures, printed as `sysletbench calibrate` prints them,
 * and checked for sanity only, never for speed: every figure positive, each
 * CI around its median at a real 95% level, and a getppid atom dearer than
 * half a getppid system call (each atom makes that call: a runner that
 * skipped atoms would come out at a fraction of one). How much dearer is a
 * timing on a shared machine (3 to 110 ns seen here), so it is not checked.
 */
#include <math.h>

#include "harness/backend.h"
#include "harness/calibrate.h"
#include "test_helpers.h"

#define REPS  15 /* as sysletbench calibrate: a 96.4% interval */
#define ITERS 200000

extern const struct backend atoms_user_backend;

static void check_stats(const char *what, const struct sample_stats *st,
			int positive)
{
	char label[32];

	stats_ci_label(st->ci_level, label, sizeof(label));
	printf("%s: %.1f ns (%s %.1f-%.1f, %zu samples)\n", what, st->median,
	       label, st->ci_lo, st->ci_hi, st->n);
	CHECK(st->n == REPS);
	CHECK(isfinite(st->median) && (!positive || st->median > 0));
	CHECK(st->ci_lo <= st->median && st->median <= st->ci_hi);
	CHECK(st->min <= st->ci_lo && st->ci_hi <= st->max);
	CHECK(st->ci_level >= 0.95);
}

int main(void)
{
	struct sample_stats syscall_ns;
	struct null_atom_stats atom;

	null_syscall_measure(REPS, ITERS, &syscall_ns);
	check_stats("getppid", &syscall_ns, 1);

	CHECK(null_atom_measure(atoms_user_backend.run_chain, REPS,
				ITERS / NULL_CHAIN_ATOMS, &atom) == 0);
	check_stats("atoms-user: getppid atom", &atom.per_atom, 1);
	check_stats("atoms-user: an atom after the first", &atom.marginal, 1);
	/* Differences of timings: any sign, but a CI around the median. */
	check_stats("atoms-user: atom minus getppid", &atom.overhead, 0);
	check_stats("atoms-user: a chain's fixed part", &atom.chain_fixed, 0);
	CHECK(atom.per_atom.median > syscall_ns.median / 2);

	/* The cursor shape's umem_add atom: the runner takes the chain. */
	CHECK(null_umem_atom_measure(atoms_user_backend.run_chain, REPS,
				     ITERS / NULL_CHAIN_ATOMS, &atom) == 0);
	check_stats("atoms-user: umem_add atom", &atom.per_atom, 1);
	check_stats("atoms-user: a umem_add atom after the first",
		    &atom.marginal, 0);
	return TEST_EXIT();
}
