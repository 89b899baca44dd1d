/* SPDX-License-Identifier: MIT */
/*
 * The user-space atom interpreter: the reference semantics of syslet.h,
 * one raw system call per atom, so its cost over plain syscalls is the cost
 * of interpretation alone.
 */
#ifndef SYSLETBENCH_ATOM_INTERP_H
#define SYSLETBENCH_ATOM_INTERP_H

#include <stdint.h>

#include "atoms/syslet.h"

struct atom_interp_stats {
	uint64_t atoms; /* atoms executed */
	uint64_t syscalls; /* of which were kernel crossings */
};

/*
 * Runs the chain at first, synchronously. Returns the address of the
 * completed atom, or -EFAULT / -ELOOP as the header describes. Faults on
 * atom memory are caught (SIGSEGV/SIGBUS) and never crash the caller.
 */
long atom_chain_run_user(const struct syslet_uatom *first,
			 struct atom_interp_stats *stats);

/* Largest chain; default SYSLET_MAX_ATOMS_DEFAULT, as the kernel's sysctl. */
void atom_interp_set_max_atoms(uint64_t max_atoms);

/* 1 if atoms may run nr (the kernel's allowlist, mirrored). */
int atom_nr_allowed(unsigned int nr);

#endif
