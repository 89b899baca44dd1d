// SPDX-License-Identifier: MIT
/*
 * The machine labels of results.json from made-up sysfs folders: every
 * mitigation file is read, sorted by name, with its first line; folders,
 * hidden files and an absent directory add nothing; a full table stops at
 * its size. The PMU probe answers the same twice and gives a reason
 * exactly when it finds no PMU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/sysinfo.h"
#include "test_helpers.h"

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/test_machine_labels.XXXXXX", sub[600];
	struct mitigation mit[MAX_MITIGATIONS];
	static const char *const files[] = { "spectre_v2", "meltdown", "mds",
					     ".hidden" };
	const struct pmu_info *pmu;
	size_t n;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	put(dir, "spectre_v2",
	    "Mitigation: Retpolines; STIBP: disabled\nsecond line\n");
	put(dir, "meltdown", "Mitigation: PTI\n");
	put(dir, "mds", "");
	put(dir, ".hidden", "not a mitigation\n");
	snprintf(sub, sizeof(sub), "%s/subdir", dir);
	CHECK(!mkdir(sub, 0755));

	n = mitigations_read(dir, mit, MAX_MITIGATIONS);
	CHECK_EQ(n, 3);
	CHECK(!strcmp(mit[0].name, "mds"));
	CHECK(!strcmp(mit[0].state, "unreadable")); /* empty: no line */
	CHECK(!strcmp(mit[1].name, "meltdown"));
	CHECK(!strcmp(mit[1].state, "Mitigation: PTI"));
	CHECK(!strcmp(mit[2].name, "spectre_v2"));
	CHECK(!strcmp(mit[2].state, "Mitigation: Retpolines; STIBP: disabled"));
	/* A table of two keeps two (which two is the directory's order). */
	CHECK_EQ(mitigations_read(dir, mit, 2), 2);
	CHECK_EQ(mitigations_read("/nonexistent/vulnerabilities", mit,
				  MAX_MITIGATIONS),
		 0);

	pmu = pmu_detect();
	CHECK(pmu == pmu_detect());
	CHECK(pmu->present ? !pmu->why[0] : !!pmu->why[0]);
	printf("PMU here: %s%s\n",
	       pmu->present ? "present" : "absent: ", pmu->why);

	CHECK(!rmdir(sub));
	for (n = 0; n < sizeof(files) / sizeof(files[0]); n++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, files[n]);
		CHECK(!unlink(sub));
	}
	CHECK(!rmdir(dir));
	return TEST_EXIT();
}
