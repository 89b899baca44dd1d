#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A host run's results.json says where it was measured: bare metal or
# which hypervisor, whether a PMU counts cycles (and why not), every file
# of /sys/devices/system/cpu/vulnerabilities with its line, the kernel
# command line; and per configuration cycles and instructions per file,
# null with a reason where no PMU counts them, never 0.
set -u
bin=${1:?usage: test_run_labels.sh path/to/sysletbench}
if ! command -v python3 >/dev/null; then
	echo "SKIP: python3 not installed"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$("$bin" run -q -d "$tmp/data" -o "$tmp/results" -b baseline_sync,atoms-user \
	-n 10 -c hot -j 1 -r 3 -m 1 --shapes email) || { echo "FAIL: the run exited $?"; exit 1; }
python3 - "$dir" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
j = json.load(open(d + "/results.json"))
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)

check(j["accel"] == ("vm" if j["hypervisor"] else "native"), "accel/hypervisor")
pmu = j["pmu"]
check(isinstance(pmu["present"], bool), "pmu.present is a boolean")
check(bool(pmu["why"]) != pmu["present"], "pmu.why exactly when absent: %r" % pmu)
vdir = "/sys/devices/system/cpu/vulnerabilities"
want = {}
if os.path.isdir(vdir):
    for name in os.listdir(vdir):
        with open(os.path.join(vdir, name)) as f:
            want[name] = f.readline().rstrip("\n")
check(j["mitigations"] == want, "mitigations %r != %r" % (j["mitigations"], want))
with open("/proc/cmdline") as f:
    check(j["kernel_cmdline"] == f.readline().rstrip("\n"), "kernel_cmdline")
supported = {c["name"]: c["supported"] for c in j["counters"]}
for c in j["configs"]:
    pc = c["per_file_counters"]
    for ev in ("cycles", "instructions"):
        v = pc[ev]
        if supported[ev]:
            check(v is not None and v["median"] > 0, "%s per file: %r" % (ev, v))
        else:
            check(v is None and pc["why"], "%s: null with a reason: %r" % (ev, pc))
        for s in c["samples"]:
            sv = s["counters"][ev]
            check(sv != 0, "a sample's %s is 0, not null" % ev)
            check((sv is None) != supported[ev], "sample %s %r" % (ev, sv))
for row in csv.DictReader(open(d + "/results.csv")):
    for col in ("cycles_per_file", "instructions_per_file"):
        check(row[col] != "0" and row[col] != "0.0", "results.csv %s is 0" % col)
if bad:
    print("FAIL:\n  " + "\n  ".join(bad))
    sys.exit(1)
print("PASS: %s, PMU %s, %d mitigations, cmdline %d chars" % (
    j["hypervisor"] or "bare metal",
    "present" if pmu["present"] else "absent (%s)" % pmu["why"],
    len(want), len(j["kernel_cmdline"])))
PY
