#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The floor (the empty backend) is reported: a run with it has, per hot
# configuration and shape, an empty row whose samples are valid, read 0
# bytes and made no system call (own and traced counts), no ratio to
# baseline_sync, no configuration in other cache states, and summary.md's
# floor table with its share of baseline_sync. Asserts no timing.
# Usage: test_floor.sh SYSLETBENCH_BINARY
bin=${1:?usage: test_floor.sh SYSLETBENCH}
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_floor.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

"$bin" run -q -d "$tmp/data" -o "$tmp/out" -n 3 -s 4K,9000 -c hot,dentry \
	-j 1 -r 2 -m 0 -b baseline_sync,empty --shapes email,cursor \
	>"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
if [ "$rc" != 0 ]; then
	echo "FAIL: run exit $rc"
	cat "$tmp/run.err"
	exit 1
fi
python3 - "$(cat "$tmp/run.out")" <<'PY' || exit 1
import json, re, sys
d = sys.argv[1]
j = json.load(open(d + "/results.json"))
floor = [c for c in j["configs"] if c["backend"] == "empty"]
got = sorted((c["shape"], c["file_size"], c["cache"]) for c in floor)
want = sorted((s, z, "hot") for s in ("email", "cursor") for z in (4096, 9000))
assert got == want, got
for c in floor:
    what = (c["shape"], c["file_size"])
    assert c["verified"], what
    assert c["speedup_vs_sync"] is None, what
    assert c["samples"], what
    for s in c["samples"]:
        assert s["valid"] and not s["invalid_reason"], (what, s)
        assert s["bytes_read"] in (0, -1), (what, s["bytes_read"])
        assert s["backend"]["syscalls"] == 0, (what, s["backend"])
    traced = c["counted_pass"]["traced_syscalls"]
    assert c["counted_pass"]["own_syscalls"] == 0, what
    assert traced in (None, 0), (what, traced)
md = open(d + "/summary.md").read()
assert "The floor (empty: the harness's own cost per file" in md, md
rows = re.findall(r"^\| (email|cursor) \| 3 \| (4096|9000) \| \d+ \[\d+-\d+\] "
                  r"\| \d+ \| \d+\.\d% \|$", md, re.M)
assert len(rows) == 4, rows
PY
echo "PASS: test_floor"
