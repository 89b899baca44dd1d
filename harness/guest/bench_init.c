// SPDX-License-Identifier: MIT
/*
 * /init of the benchmark guest: mounts what the harness needs (proc, sysfs,
 * devtmpfs, tracefs, the ext4 disk at /mnt), runs the statically linked
 * sysletbench with the arguments in /bench.args, labelled target=guest and
 * the accelerator named on the kernel command line (sysletbench.accel=),
 * leaves the results on the disk for the host, and powers off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 64

static void mount_or_warn(const char *src, const char *dst, const char *type,
			  unsigned long flags)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, NULL))
		fprintf(stderr, "bench-init: mount %s on %s: %s\n", src, dst,
			strerror(errno));
}

/* The value of key=... on the kernel command line, or def. */
static const char *cmdline_value(const char *key, const char *def)
{
	static char line[1024];
	size_t klen = strlen(key);
	char *tok, *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return def;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strncmp(tok, key, klen) && tok[klen] == '=')
			return tok + klen + 1;
	return def;
}

static int read_args(char **argv, int argc)
{
	static char buf[4096];
	char *line, *save = NULL;
	FILE *f = fopen("/bench.args", "r");
	size_t n;

	if (!f)
		return argc;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line && argc < MAX_ARGS - 1;
	     line = strtok_r(NULL, "\n", &save))
		argv[argc++] = line;
	return argc;
}

int main(void)
{
	char *argv[MAX_ARGS];
	int argc = 0, status = 0;
	pid_t pid;

	/* Results directories are named after the host. */
	sethostname("sysletbench-guest", strlen("sysletbench-guest"));
	mount_or_warn("proc", "/proc", "proc", 0);
	mount_or_warn("sysfs", "/sys", "sysfs", 0);
	mount_or_warn("devtmpfs", "/dev", "devtmpfs", 0);
	mount_or_warn("tracefs", "/sys/kernel/tracing", "tracefs", 0);
	mount_or_warn("/dev/vda", "/mnt", "ext4", 0);

	argv[argc++] = "/bin/sysletbench";
	argv[argc++] = "run";
	argv[argc++] = "--target";
	argv[argc++] = "guest";
	argv[argc++] = "--accel";
	argv[argc++] = (char *)cmdline_value("sysletbench.accel", "tcg");
	argv[argc++] = "--data-dir";
	argv[argc++] = "/mnt/data";
	argv[argc++] = "--output";
	argv[argc++] = "/mnt/results";
	argc = read_args(argv, argc);
	argv[argc] = NULL;

	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		perror("bench-init: exec sysletbench");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 127 << 8;
	printf("bench-init: sysletbench exit %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	fflush(stdout);
	sync();
	umount("/mnt");
	reboot(RB_POWER_OFF);
	return 0;
}
