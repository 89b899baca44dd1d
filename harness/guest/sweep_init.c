// SPDX-License-Identifier: MIT
/*
 * /init of the crossing-cost sweep guest (harness/guest/sweep.sh): in one
 * boot, for each point of /sweep.points, sets the simulated crossing cost
 * (kernel.syscall_crossing_cost, CONFIG_SYSLET_CROSSING_COST) and runs the
 * harness once per line of /sweep.runs, each into its own directory on the
 * ext4 disk, then powers off.
 *
 * /sweep.points: one point per line, "native" (knob 0) or a target null
 * system call in ns (icount: instructions). The knob for a target is
 * calibrated in this boot from two timed getppid loops (knob 0 and knob
 * CALIB_KNOB), because the entry path's own price is what the knob adds
 * to; the harness then measures the null syscall again at every point,
 * and that measurement, not the knob, is the sweep's x axis.
 * /sweep.runs: one harness invocation per line, "NAME option option ...".
 * Results: /mnt/results/pNN/NAME/<run>/ and /mnt/results/pNN/point.json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KNOB	      "/proc/sys/kernel/syscall_crossing_cost"
#define MAX_POINTS    32
#define MAX_RUNS      8
#define MAX_ARGS      64
/* A knob far enough from 0 that the slope is not lost in rounding. */
#define CALIB_KNOB    2000
#define CALIB_CALLS   20000
#define CALIB_BATCHES 5

static const char *accel = "icount";

static void mount_or_warn(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL))
		fprintf(stderr, "sweep-init: mount %s on %s: %s\n", src, dst,
			strerror(errno));
}

static int write_knob(unsigned long knob)
{
	FILE *f = fopen(KNOB, "w");
	int bad;

	if (!f) {
		fprintf(stderr,
			"sweep-init: %s: %s (a kernel without "
			"CONFIG_SYSLET_CROSSING_COST?)\n",
			KNOB, strerror(errno));
		return -1;
	}
	bad = fprintf(f, "%lu\n", knob) < 0;
	bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "sweep-init: cannot set %s to %lu\n", KNOB,
			knob);
	return bad ? -1 : 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The fastest of a few batches of raw getppid calls, ns per call. */
static double null_syscall_ns(void)
{
	double best = 0;
	int b, i;

	for (b = 0; b < CALIB_BATCHES; b++) {
		double t0 = now_ns(), ns;

		for (i = 0; i < CALIB_CALLS; i++)
			syscall(SYS_getppid);
		ns = (now_ns() - t0) / CALIB_CALLS;
		if (!b || ns < best)
			best = ns;
	}
	return best;
}

/* Whole lines of a small file, in place, NUL-terminated; returns count. */
static int read_lines(const char *path, char *buf, size_t size, char **lines,
		      int max)
{
	char *line, *save = NULL;
	FILE *f = fopen(path, "r");
	size_t n;
	int count = 0;

	if (!f)
		return 0;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line && count < max;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] && line[0] != '#')
			lines[count++] = line;
	return count;
}

/* Runs the harness for one line of /sweep.runs into DIR; its exit status. */
static int run_harness(char *line, const char *point_dir)
{
	char copy[1024], out[256], *argv[MAX_ARGS], *tok, *save = NULL;
	int argc = 0, status = 0;
	const char *name;
	pid_t pid;

	snprintf(copy, sizeof(copy), "%s", line);
	name = strtok_r(copy, " ", &save);
	snprintf(out, sizeof(out), "%s/%s", point_dir, name);
	argv[argc++] = "/bin/sysletbench";
	argv[argc++] = "run";
	argv[argc++] = "--target";
	argv[argc++] = "guest";
	argv[argc++] = "--accel";
	argv[argc++] = (char *)accel;
	argv[argc++] = "--data-dir";
	argv[argc++] = "/mnt/data";
	argv[argc++] = "--output";
	argv[argc++] = out;
	while ((tok = strtok_r(NULL, " ", &save)) && argc < MAX_ARGS - 1)
		argv[argc++] = tok;
	argv[argc] = NULL;

	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		perror("sweep-init: exec sysletbench");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The knob for a target null syscall, or -1 when it is at or below native. */
static long knob_for(double target, double native, double slope)
{
	if (target <= native)
		return -1;
	return (long)((target - native) / slope + 0.5);
}

static int sweep(void)
{
	static char pbuf[1024], rbuf[4096];
	char *points[MAX_POINTS], *runs[MAX_RUNS], dir[64];
	int npoints, nruns, p, r, failed = 0;
	double native, at_calib, slope;

	npoints = read_lines("/sweep.points", pbuf, sizeof(pbuf), points,
			     MAX_POINTS);
	nruns = read_lines("/sweep.runs", rbuf, sizeof(rbuf), runs, MAX_RUNS);
	if (!npoints || !nruns) {
		fprintf(stderr,
			"sweep-init: no /sweep.points or /sweep.runs\n");
		return 1;
	}
	if (write_knob(0))
		return 1;
	native = null_syscall_ns();
	if (write_knob(CALIB_KNOB))
		return 1;
	at_calib = null_syscall_ns();
	slope = (at_calib - native) / CALIB_KNOB;
	printf("sweep-init: calibration: null syscall %.1f ns at knob 0, "
	       "%.1f at knob %d: %.4f ns per knob unit\n",
	       native, at_calib, CALIB_KNOB, slope);
	if (slope <= 0) {
		fprintf(stderr, "sweep-init: the knob does not raise the "
				"null syscall\n");
		return 1;
	}
	mkdir("/mnt/results", 0755);
	for (p = 0; p < npoints; p++) {
		double target = strcmp(points[p], "native") ? atof(points[p]) :
							      0;
		long knob = target ? knob_for(target, native, slope) : 0;
		FILE *f;

		if (knob < 0) {
			printf("sweep-init: point %s skipped: the native null "
			       "syscall is %.1f ns already\n",
			       points[p], native);
			continue;
		}
		if (write_knob((unsigned long)knob))
			return 1;
		snprintf(dir, sizeof(dir), "/mnt/results/p%02d", p);
		mkdir(dir, 0755);
		printf("sweep-init: point %s: knob %ld, null syscall %.1f ns\n",
		       points[p], knob, null_syscall_ns());
		fflush(stdout);
		for (r = 0; r < nruns; r++) {
			int rc = run_harness(runs[r], dir);

			printf("sweep-init: point %s run %d exit %d\n",
			       points[p], r, rc);
			failed |= rc != 0;
		}
		snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir),
			 "/point.json");
		f = fopen(dir, "w");
		if (f) {
			fprintf(f,
				"{\"point\": \"%s\", \"knob\": %ld, "
				"\"calibration\": {\"native_ns\": %.2f, "
				"\"ns_per_knob\": %.5f}}\n",
				points[p], knob, native, slope);
			fclose(f);
		}
	}
	write_knob(0);
	return failed;
}

/* The accelerator run-guest.sh names on the kernel command line. */
static void read_accel(void)
{
	static char line[1024];
	char *tok, *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strncmp(tok, "sysletbench.accel=", 18))
			accel = tok + 18;
}

int main(void)
{
	int rc;

	sethostname("sysletbench-guest", strlen("sysletbench-guest"));
	mount_or_warn("proc", "/proc", "proc");
	mount_or_warn("sysfs", "/sys", "sysfs");
	mount_or_warn("devtmpfs", "/dev", "devtmpfs");
	mount_or_warn("tracefs", "/sys/kernel/tracing", "tracefs");
	mount_or_warn("/dev/vda", "/mnt", "ext4");
	read_accel();
	rc = sweep();
	printf("sweep-init: sweep exit %d\n", rc);
	fflush(stdout);
	sync();
	umount("/mnt");
	reboot(RB_POWER_OFF);
	return 0;
}
