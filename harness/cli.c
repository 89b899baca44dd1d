// SPDX-License-Identifier: MIT
/*
 * Command-line parsing (see cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/inject.h"
#include "harness/sysinfo.h"
#include "harness/util.h"

#define MAX_FILES	100000
#define MAX_FILE_SIZE	(64UL << 20)
#define MAX_BUF_SIZE	(16UL << 20)
#define MAX_CONCURRENCY 1024

static const char usage[] =
	"usage: sysletbench [run] [options]\n"
	"       sysletbench list        backends and whether they run here\n"
	"       sysletbench calibrate   time one null syscall (getppid)\n"
	"\n"
	"Times open / read-until-EOF / close over file sets, for each backend\n"
	"(syslet atoms, clets, a synchronous baseline), interleaving the\n"
	"backends rep by rep, and writes results/<timestamp>-<host>/.\n"
	"\n"
	"options (lists are comma-separated):\n"
	"  -b, --backends LIST     backends (default: every available one)\n"
	"  -n, --files LIST        file counts, 1..100000, k = 1000\n"
	"                          (default 1,10,100,1k,10k)\n"
	"  -s, --sizes LIST        file sizes in bytes, K = 1024, M = 1048576\n"
	"                          (default 4K)\n"
	"  -B, --buf-size N        bytes per read() (default 4K)\n"
	"  -c, --cache LIST        hot, cold, dentry (default hot,cold)\n"
	"  -j, --concurrency LIST  chains in flight for async backends\n"
	"                          (default 1,16,64)\n"
	"      --shapes LIST       where each read lands: email (one buffer,\n"
	"                          the seed email's self-linked read atom),\n"
	"                          cursor (advancing; an atom chain pays a\n"
	"                          umem_add atom per block) (default both)\n"
	"  -r, --reps N            timed repetitions (default 10; from 6 on,\n"
	"                          the median's CI is a real 95% one)\n"
	"  -w, --warmup N          untimed warm-up runs, the first verified\n"
	"                          by checksum (default 1)\n"
	"  -m, --min-sample-ms N   hot samples repeat the set until N ms\n"
	"                          (default 20)\n"
	"      --verify-all        checksum every sample, not only warm-up\n"
	"      --one-process       run every backend in this process (default:\n"
	"                          each in a worker process of its own)\n"
	"  -d, --data-dir DIR      where file sets live (default ./data)\n"
	"  -o, --output DIR        results root (default ./results)\n"
	"      --seed N            file content seed (default 1)\n"
	"      --target NAME       host or guest (default host)\n"
	"      --accel NAME        native, vm, kvm, tcg or icount (default:\n"
	"                          native on bare metal, vm under a detected\n"
	"                          hypervisor)\n"
	"      --quick             small matrix: 1,100,1k files, 4K,\n"
	"                          hot+cold, concurrency 1,16, 6 reps\n"
	"      --test-short-file   tests only: timed samples read a copy of\n"
	"                          the last file one byte short, which the\n"
	"                          read proof must reject\n"
	"  -q, --quiet             no progress on stderr\n"
	"      --test-inject WHAT  TEST ONLY, never for measurements: inject a\n"
	"                          regression so that tests can prove the CI\n"
	"                          gate catches it; WHAT is extra-syscall (one\n"
	"                          uncounted getppid per file in baseline_sync)\n"
	"                          or spin=N (N busy-loop iterations per file in\n"
	"                          atoms-kernel); repeatable; recorded in\n"
	"                          results.json as parameters.test_inject\n"
	"  -h, --help              this text\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("sysletbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see sysletbench --help)\n", stderr);
	exit(2);
}

/* A number with an optional suffix; unit is 1000 or 1024. */
static unsigned long parse_number(const char *what, const char *s,
				  unsigned long unit, unsigned long min,
				  unsigned long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		bad_usage("%s: '%s' is not a positive number", what, s);
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		bad_usage("%s: '%s' is not a number", what, s);
	if (*end == 'k' || *end == 'K') {
		v *= unit;
		end++;
	} else if ((*end == 'm' || *end == 'M') && unit == 1024) {
		v *= unit * unit;
		end++;
	}
	if (*end)
		bad_usage("%s: '%s' has trailing garbage", what, s);
	if (v < min || v > max)
		bad_usage("%s: %llu is outside %lu..%lu", what, v, min, max);
	return (unsigned long)v;
}

/* Splits a comma list and calls each() per item; returns the count. */
static size_t split_list(const char *what, const char *arg, size_t max,
			 void (*each)(const char *item, size_t i, void *data),
			 void *data)
{
	char *copy = xstrdup(arg), *save = NULL, *item;
	size_t n = 0;

	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (n == max)
			bad_usage("%s: more than %zu items", what, max);
		each(item, n++, data);
	}
	free(copy);
	if (!n)
		bad_usage("%s: empty list", what);
	return n;
}

static void each_file_count(const char *item, size_t i, void *data)
{
	((size_t *)data)[i] = parse_number("--files", item, 1000, 1, MAX_FILES);
}

static void each_size(const char *item, size_t i, void *data)
{
	((size_t *)data)[i] =
		parse_number("--sizes", item, 1024, 1, MAX_FILE_SIZE);
}

static void each_concurrency(const char *item, size_t i, void *data)
{
	((unsigned int *)data)[i] = (unsigned int)parse_number(
		"--concurrency", item, 1000, 1, MAX_CONCURRENCY);
}

static void each_cache(const char *item, size_t i, void *data)
{
	if (cache_state_parse(item, &((enum cache_state *)data)[i]))
		bad_usage("--cache: unknown state '%s' (hot, cold, dentry)",
			  item);
}

static void each_shape(const char *item, size_t i, void *data)
{
	if (chain_shape_parse(item, &((enum chain_shape *)data)[i]))
		bad_usage("--shapes: unknown shape '%s' (email, cursor)", item);
}

static void each_backend(const char *item, size_t i, void *data)
{
	const struct backend *be = backend_find(item);
	size_t k;

	if (!be) {
		fprintf(stderr,
			"sysletbench: --backends: unknown backend '%s'; known:",
			item);
		for (k = 0; k < backend_count; k++)
			fprintf(stderr, " %s", backends[k]->name);
		fputc('\n', stderr);
		exit(2);
	}
	((const struct backend **)data)[i] = be;
}

static const char *one_of(const char *what, const char *arg,
			  const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (!strcmp(arg, *allowed))
			return *allowed;
	bad_usage("%s: unknown value '%s'", what, arg);
}

static void set_defaults(struct bench_options *opt)
{
	static const size_t files[] = { 1, 10, 100, 1000, 10000 };

	memset(opt, 0, sizeof(*opt));
	memcpy(opt->files, files, sizeof(files));
	opt->nfiles = 5;
	opt->sizes[0] = 4096;
	opt->nsizes = 1;
	opt->caches[0] = CACHE_HOT;
	opt->caches[1] = CACHE_COLD;
	opt->ncaches = 2;
	opt->concurrency[0] = 1;
	opt->concurrency[1] = 16;
	opt->concurrency[2] = 64;
	opt->nconcurrency = 3;
	/*
	 * Both shapes, email first, in every run (--quick too): the argument
	 * is made in the email's shape, and the cursor shape beside it is what
	 * explains the gap an extra atom per block makes.
	 */
	opt->shapes[0] = CHAIN_SHAPE_EMAIL;
	opt->shapes[1] = CHAIN_SHAPE_CURSOR;
	opt->nshapes = 2;
	opt->buf_size = 4096;
	opt->reps = 10;
	opt->warmup = 1;
	opt->min_sample_ms = 20;
	opt->seed = 1;
	opt->data_dir = "data";
	opt->output_dir = "results";
	opt->target = "host";
	opt->accel = NULL; /* after parsing: native or vm, as detected */
}

static void set_quick(struct bench_options *opt)
{
	opt->files[0] = 1;
	opt->files[1] = 100;
	opt->files[2] = 1000;
	opt->nfiles = 3;
	opt->nconcurrency = 2;
	/* 6: the fewest whose min..max is a 95% CI of the median. */
	opt->reps = 6;
	opt->min_sample_ms = 10;
}

enum cli_command cli_parse(int argc, char **argv, struct bench_options *opt)
{
	static const char *const targets[] = { "host", "guest", NULL };
	static const char *const accels[] = { "native", "vm",	  "kvm",
					      "tcg",	"icount", NULL };
	static const struct option longopts[] = {
		{ "backends", required_argument, NULL, 'b' },
		{ "files", required_argument, NULL, 'n' },
		{ "sizes", required_argument, NULL, 's' },
		{ "buf-size", required_argument, NULL, 'B' },
		{ "cache", required_argument, NULL, 'c' },
		{ "concurrency", required_argument, NULL, 'j' },
		{ "shapes", required_argument, NULL, 'H' },
		{ "test-short-file", no_argument, NULL, 'X' },
		{ "reps", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "min-sample-ms", required_argument, NULL, 'm' },
		{ "verify-all", no_argument, NULL, 'V' },
		{ "one-process", no_argument, NULL, 'P' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'S' },
		{ "target", required_argument, NULL, 'T' },
		{ "accel", required_argument, NULL, 'A' },
		{ "quick", no_argument, NULL, 'Q' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "test-inject", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_command cmd = CLI_RUN;
	int c;

	set_defaults(opt);
	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "run"))
			cmd = CLI_RUN;
		else if (!strcmp(argv[1], "list"))
			cmd = CLI_LIST;
		else if (!strcmp(argv[1], "calibrate"))
			cmd = CLI_CALIBRATE;
		else
			bad_usage("unknown command '%s'", argv[1]);
		argc--;
		argv++;
	}
	/* --quick first, so explicit options given with it still win. */
	for (c = 1; c < argc; c++)
		if (!strcmp(argv[c], "--quick"))
			set_quick(opt);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:n:s:B:c:j:r:w:m:d:o:qh",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opt->nbackends = split_list("--backends", optarg,
						    MAX_LIST, each_backend,
						    opt->backends);
			break;
		case 'n':
			opt->nfiles = split_list("--files", optarg, MAX_LIST,
						 each_file_count, opt->files);
			break;
		case 's':
			opt->nsizes = split_list("--sizes", optarg, MAX_LIST,
						 each_size, opt->sizes);
			break;
		case 'B':
			opt->buf_size = parse_number("--buf-size", optarg, 1024,
						     1, MAX_BUF_SIZE);
			break;
		case 'c':
			opt->ncaches = split_list("--cache", optarg,
						  CACHE_STATE_COUNT, each_cache,
						  opt->caches);
			break;
		case 'j':
			opt->nconcurrency =
				split_list("--concurrency", optarg, MAX_LIST,
					   each_concurrency, opt->concurrency);
			break;
		case 'H':
			opt->nshapes = split_list("--shapes", optarg,
						  CHAIN_SHAPE_COUNT, each_shape,
						  opt->shapes);
			break;
		case 'X':
			opt->test_short_file = 1;
			break;
		case 'r':
			opt->reps = (unsigned int)parse_number("--reps", optarg,
							       1000, 1, 100000);
			break;
		case 'w':
			opt->warmup = (unsigned int)parse_number(
				"--warmup", optarg, 1000, 1, 1000);
			break;
		case 'm':
			opt->min_sample_ms = (unsigned int)parse_number(
				"--min-sample-ms", optarg, 1000, 0, 60000);
			break;
		case 'V':
			opt->verify_all = 1;
			break;
		case 'P':
			opt->one_process = 1;
			break;
		case 'd':
			opt->data_dir = optarg;
			break;
		case 'o':
			opt->output_dir = optarg;
			break;
		case 'S':
			opt->seed =
				parse_number("--seed", optarg, 1000, 0, ~0UL);
			break;
		case 'T':
			opt->target = one_of("--target", optarg, targets);
			break;
		case 'A':
			opt->accel = one_of("--accel", optarg, accels);
			break;
		case 'Q':
			break;
		case 'q':
			opt->quiet = 1;
			break;
		case 'I':
			if (test_inject_parse(optarg))
				bad_usage(
					"--test-inject: '%s' is neither "
					"extra-syscall nor spin=N (1..1000000)",
					optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_HELP;
		case ':':
			bad_usage("option %s needs a value", argv[optind - 1]);
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	/* "native" is only ever bare metal (sysinfo.h says how it is told). */
	if (cmd == CLI_RUN && (!opt->accel || !strcmp(opt->accel, "native"))) {
		if (opt->accel && strcmp(sysinfo_host_accel(), "native"))
			bad_usage("--accel native: this machine runs under a "
				  "hypervisor (%s: %s); use --accel vm",
				  hypervisor_detect()->name,
				  hypervisor_detect()->how);
		opt->accel = sysinfo_host_accel();
	}
	return cmd;
}
