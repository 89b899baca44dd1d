/* SPDX-License-Identifier: MIT */
/*
 * The unit of kernel crossings: one null system call (getppid, as
 * lmbench's lat_syscall), measured in the same run as everything else.
 */
#ifndef SYSLETBENCH_CALIBRATE_H
#define SYSLETBENCH_CALIBRATE_H

#include "atoms/syslet.h"
#include "harness/stats.h"

/* Runs one atom chain synchronously; returns the completed atom or -errno. */
typedef long (*atom_chain_runner)(const struct syslet_uatom *first);

#define NULL_CHAIN_ATOMS 64

/*
 * Calls per calibration batch: max_calls, or fewer where a null syscall is
 * dear enough that a batch of max_calls would last over CALIB_BATCH_NS
 * (the fastest of three probes of CALIB_PROBE_CALLS prices it). The median of a
 * few 50 ms batches is as good as of 0.6 s ones, and under a simulated crossing
 * of 4,096 instructions (harness/guest/sweep.sh) the fixed count made the
 * calibration, not the matrix, most of each point's time. At QEMU's
 * native price (~145 ns) the count stays max_calls.
 */
#define CALIB_BATCH_NS	  50000000.0
#define CALIB_PROBE_CALLS 2000
unsigned long null_calib_calls(unsigned long max_calls);

/* ns per getppid over reps batches of iters calls each. */
void null_syscall_measure(unsigned int reps, unsigned long iters,
			  struct sample_stats *out);

/*
 * ns per atom of a chain of NULL_CHAIN_ATOMS getppid atoms, run reps x
 * iters times by runner, and the same minus a getppid timed right after
 * each batch: the price of interpreting one atom. One-atom chains timed
 * in the same batches split a chain's cost into a fixed part and a part
 * per atom, which is what the harness's hot-file model needs (the chains
 * are built as the backends build theirs: without SYSLET_SYNC). Returns
 * -errno if the runner refuses the chain.
 */
struct null_atom_stats {
	struct sample_stats per_atom; /* ns per null atom */
	struct sample_stats overhead; /* minus a paired null syscall */
	struct sample_stats marginal; /* ns per atom after the first */
	struct sample_stats chain_fixed; /* a chain's ns beyond its atoms */
};

int null_atom_measure(atom_chain_runner runner, unsigned int reps,
		      unsigned long iters, struct null_atom_stats *out);

/*
 * The same for a chain of NULL_CHAIN_ATOMS umem_add atoms (the cursor
 * shape's extra atom, one per block read): per_atom and marginal price one
 * umem_add atom; overhead is it minus a getppid, as for the null atom.
 */
int null_umem_atom_measure(atom_chain_runner runner, unsigned int reps,
			   unsigned long iters, struct null_atom_stats *out);

#endif
