// SPDX-License-Identifier: MIT
/*
 * sysletbench: entry point. Parses the command line, calibrates the null
 * syscall, runs the matrix and leaves a results directory behind.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/calibrate.h"
#include "harness/cli.h"
#include "harness/matrix.h"
#include "harness/results.h"

#define NULL_REPS  15
#define NULL_ITERS 200000 /* per batch, at most: null_calib_calls() */

static void on_signal(int sig)
{
	(void)sig;
	matrix_stop_requested = 1;
}

static int list_backends(void)
{
	char why[160];
	size_t i;

	for (i = 0; i < backend_count; i++) {
		why[0] = 0;
		if (backends[i]->available(why, sizeof(why)))
			printf("%-14s available    %s\n", backends[i]->name,
			       backends[i]->description);
		else
			printf("%-14s unavailable  %s\n", backends[i]->name,
			       why);
	}
	return 0;
}

static int calibrate(void)
{
	struct sample_stats st;
	struct null_atom_stats atom;
	char why[160], label[32];
	unsigned long calls;
	size_t i;

	calls = null_calib_calls(NULL_ITERS);
	null_syscall_measure(NULL_REPS, calls, &st);
	stats_ci_label(st.ci_level, label, sizeof(label));
	printf("getppid: %.1f ns median (%s %.1f-%.1f, %zu batches of "
	       "%lu)\n",
	       st.median, label, st.ci_lo, st.ci_hi, st.n, calls);
	for (i = 0; i < backend_count; i++) {
		if (!backends[i]->run_chain ||
		    !backends[i]->available(why, sizeof(why)) ||
		    null_atom_measure(backends[i]->run_chain, NULL_REPS,
				      calls / NULL_CHAIN_ATOMS, &atom))
			continue;
		stats_ci_label(atom.overhead.ci_level, label, sizeof(label));
		printf("%s: %.1f ns per getppid atom (chains of %d), "
		       "%.1f ns [%s %.1f-%.1f] = %.2f null syscalls over "
		       "the raw syscall; a chain: %.1f ns fixed + %.1f ns per "
		       "atom\n",
		       backends[i]->name, atom.per_atom.median,
		       NULL_CHAIN_ATOMS, atom.overhead.median, label,
		       atom.overhead.ci_lo, atom.overhead.ci_hi,
		       atom.overhead.median / st.median,
		       atom.chain_fixed.median, atom.marginal.median);
	}
	return 0;
}

/* Keeps only the requested (or all) backends that can run here. */
static void select_available(struct bench_options *opt)
{
	const struct backend *wanted[MAX_LIST];
	size_t i, n = 0, nwanted = opt->nbackends;
	char why[160];

	if (!nwanted) {
		for (i = 0; i < backend_count && i < MAX_LIST; i++)
			wanted[i] = backends[i];
		nwanted = i;
	} else {
		memcpy(wanted, opt->backends, nwanted * sizeof(*wanted));
	}
	for (i = 0; i < nwanted; i++) {
		why[0] = 0;
		if (wanted[i]->available(why, sizeof(why)))
			opt->backends[n++] = wanted[i];
		else if (!opt->quiet)
			fprintf(stderr, "sysletbench: skipping %s: %s\n",
				wanted[i]->name, why);
	}
	opt->nbackends = n;
}

/*
 * Interpretation cost per atom (getppid and umem_add), for every atom
 * backend in the run.
 */
static void measure_null_atoms(struct run_state *run)
{
	const struct bench_options *opt = &run->opt;
	size_t i;
	int ret;

	for (i = 0; i < opt->nbackends; i++) {
		run->null_atom[i].per_atom.n = 0;
		run->null_umem_atom[i].per_atom.n = 0;
		if (!opt->backends[i]->run_chain)
			continue;
		ret = null_atom_measure(opt->backends[i]->run_chain, NULL_REPS,
					run->calib_calls / NULL_CHAIN_ATOMS,
					&run->null_atom[i]);
		if (ret)
			fprintf(stderr,
				"sysletbench: %s refused a null-atom chain: "
				"%s\n",
				opt->backends[i]->name, strerror(-ret));
		ret = null_umem_atom_measure(
			opt->backends[i]->run_chain, NULL_REPS,
			run->calib_calls / NULL_CHAIN_ATOMS,
			&run->null_umem_atom[i]);
		if (ret)
			fprintf(stderr,
				"sysletbench: %s refused a umem_add chain: "
				"%s\n",
				opt->backends[i]->name, strerror(-ret));
	}
}

static int run_matrix(struct run_state *run)
{
	struct sigaction sa;
	int failed;

	select_available(&run->opt);
	if (!run->opt.nbackends) {
		fputs("sysletbench: no backend can run here\n", stderr);
		return 1;
	}
	if (mkdir(run->opt.data_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "sysletbench: data dir %s: %s\n",
			run->opt.data_dir, strerror(errno));
		return 1;
	}
	if (cache_init(run->opt.data_dir))
		return 1;
	counters_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	run->calib_calls = null_calib_calls(NULL_ITERS);
	null_syscall_measure(NULL_REPS, run->calib_calls,
			     &run->null_syscall_ns);
	measure_null_atoms(run);
	if (results_open(run))
		return 1;
	failed = matrix_run(run);
	run->interrupted = matrix_stop_requested;
	run->complete = !run->interrupted && !run->aborted;
	if (results_write(run))
		return 1;
	printf("%s\n", run->dir);
	if (run->interrupted)
		fprintf(stderr,
			"sysletbench: interrupted; %s is marked incomplete\n",
			run->dir);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct run_state run;

	switch (cli_parse(argc, argv, &run.opt)) {
	case CLI_HELP:
		return 0;
	case CLI_LIST:
		return list_backends();
	case CLI_CALIBRATE:
		return calibrate();
	case CLI_RUN:
		break;
	}
	return run_matrix(&run);
}
