// SPDX-License-Identifier: MIT
/*
 * Null-syscall and null-atom calibration (see calibrate.h). Raw syscall
 * instructions, so neither libc nor errno handling is in the figure.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "atoms/atom_chain.h"
#include "atoms/raw_syscall.h"
#include "harness/calibrate.h"
#include "harness/util.h"

static double time_null_syscalls(unsigned long calls)
{
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < calls; i++)
		raw_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0);
	return (double)(now_ns() - t0) / (double)calls;
}

unsigned long null_calib_calls(unsigned long max_calls)
{
	double per_call = time_null_syscalls(CALIB_PROBE_CALLS), calls;
	int probe;

	/* The fastest of three probes: a burst of noise must not price it. */
	for (probe = 1; probe < 3; probe++)
		per_call =
			fmin(per_call, time_null_syscalls(CALIB_PROBE_CALLS));
	calls = CALIB_BATCH_NS / (per_call > 0 ? per_call : 1);

	if (calls >= (double)max_calls)
		return max_calls;
	return calls < CALIB_PROBE_CALLS ? CALIB_PROBE_CALLS :
					   (unsigned long)calls;
}

void null_syscall_measure(unsigned int reps, unsigned long iters,
			  struct sample_stats *out)
{
	double *ns = xcalloc(reps, sizeof(*ns));
	unsigned int r;

	time_null_syscalls(iters / 10 + 1); /* warm-up, untimed */
	for (r = 0; r < reps; r++)
		ns[r] = time_null_syscalls(iters);
	stats_compute(ns, reps, out);
	free(ns);
}

/* ns per run of chain, iters runs. */
static double time_chains(atom_chain_runner runner,
			  const struct syslet_uatom *chain, unsigned long iters)
{
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < iters; i++)
		runner(chain);
	return (double)(now_ns() - t0) / (double)iters;
}

/*
 * Times chains of NULL_CHAIN_ATOMS copies of one atom (nr with arguments
 * arg0, arg1; its result stored when store_result, as file_chain's system
 * call atoms do and its umem_add atom does not) against one-atom chains
 * and, paired, as many getppid calls.
 */
static int chain_measure(atom_chain_runner runner, unsigned int nr, void *arg0,
			 void *arg1, int store_result, unsigned int reps,
			 unsigned long iters, struct null_atom_stats *out)
{
	struct syslet_uatom chain[NULL_CHAIN_ATOMS], one;
	double *atom_ns = xcalloc(reps, sizeof(*atom_ns));
	double *diff_ns = xcalloc(reps, sizeof(*diff_ns));
	double *marginal_ns = xcalloc(reps, sizeof(*marginal_ns));
	double *fixed_ns = xcalloc(reps, sizeof(*fixed_ns));
	double long_ns, one_ns;
	int64_t ret, *ret_ptr = store_result ? &ret : NULL;
	unsigned int r;
	long done;
	int a, err = 0;

	for (a = 0; a < NULL_CHAIN_ATOMS; a++)
		init_atom(&chain[a], nr, arg0, arg1, NULL, NULL, NULL, NULL,
			  ret_ptr, 0,
			  a + 1 < NULL_CHAIN_ATOMS ? &chain[a + 1] : NULL, 0);
	init_atom(&one, nr, arg0, arg1, NULL, NULL, NULL, NULL, ret_ptr, 0,
		  NULL, 0);
	done = runner(chain);
	if (done != (long)(uintptr_t)&chain[NULL_CHAIN_ATOMS - 1])
		err = done < 0 ? (int)done : -EINVAL;
	else if (runner(&one) != (long)(uintptr_t)&one)
		err = -EINVAL;
	/*
	 * Alternate batches of chains and of as many plain syscalls, and
	 * keep the paired differences: drift on a shared machine then hits
	 * both sides of each difference alike.
	 */
	for (r = 0; !err && r < reps; r++) {
		long_ns = time_chains(runner, chain, iters);
		one_ns =
			time_chains(runner, &one, iters * NULL_CHAIN_ATOMS / 8);
		atom_ns[r] = long_ns / NULL_CHAIN_ATOMS;
		diff_ns[r] = atom_ns[r] -
			     time_null_syscalls(iters * NULL_CHAIN_ATOMS);
		marginal_ns[r] = (long_ns - one_ns) / (NULL_CHAIN_ATOMS - 1);
		fixed_ns[r] = one_ns - marginal_ns[r];
	}
	if (!err) {
		stats_compute(atom_ns, reps, &out->per_atom);
		stats_compute(diff_ns, reps, &out->overhead);
		stats_compute(marginal_ns, reps, &out->marginal);
		stats_compute(fixed_ns, reps, &out->chain_fixed);
	}
	free(atom_ns);
	free(diff_ns);
	free(marginal_ns);
	free(fixed_ns);
	return err;
}

int null_atom_measure(atom_chain_runner runner, unsigned int reps,
		      unsigned long iters, struct null_atom_stats *out)
{
	return chain_measure(runner, __NR_getppid, NULL, NULL, 1, reps, iters,
			     out);
}

int null_umem_atom_measure(atom_chain_runner runner, unsigned int reps,
			   unsigned long iters, struct null_atom_stats *out)
{
	/*
	 * A cursor as file_chain's: its address, moved by 0 every atom, and
	 * no result pointer, as its advance atom (a stored result is 7 of
	 * the 103 instructions per atom of atoms-kernel in the guest under
	 * icount: the cursor shape's atoms cost 96).
	 */
	uint64_t cursor = 0, cursor_addr = (uint64_t)(uintptr_t)&cursor;
	uint64_t step = 0;

	return chain_measure(runner, SYSLET_NR_UMEM_ADD, &cursor_addr, &step, 0,
			     reps, iters, out);
}
