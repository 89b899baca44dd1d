#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# harness/across_runs.py on runs made from a real one (tests/fixtures/
# compare-base): every backend's median is set to a multiple of its run's
# baseline_sync, so each run's speed-up is known exactly. The spread over
# three runs, the count of runs reaching --at-least, finding runs below a
# folder, -o, one group per (target, accel), and bad input (exit 2).
# Exit: 0 pass, 1 fail, 77 skip (python3 absent).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixture=$top/tests/fixtures/compare-base
tool=$top/harness/across_runs.py name=test_across_runs
. "$top/tests/tool_checks.sh"

# run NAME K [PYTHON]: $tmp/runs/NAME/results.json, the fixture with every
# non-sync median at K times its baseline_sync's (speed-up 1/K), after
# running PYTHON on the parsed document d.
run() {
	mkdir -p "$tmp/runs/$1"
	python3 - "$fixture/results.json" "$tmp/runs/$1/results.json" "$2" \
		"${3:-}" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
k = float(sys.argv[3])
sync = {(c["files"], c["cache"]): c["ns_per_file"]["median"]
        for c in d["configs"] if c["backend"] == "baseline_sync"}
for c in d["configs"]:
    if c["backend"] != "baseline_sync":
        m = sync[(c["files"], c["cache"])] * k
        c["ns_per_file"].update(median=m, ci_lo=m * 0.99, ci_hi=m * 1.01)
exec(sys.argv[4])
json.dump(d, open(sys.argv[2], "w"))
PY
}

run a 0.5
run b 0.4
run c 1.25

# Speed-ups 2, 2.5 and 0.8: median 2, two runs at least as fast as sync.
expect 0 three "$tmp/runs/a" "$tmp/runs/b" "$tmp/runs/c/results.json" &&
	has three '^host \(native\): 3 runs' &&
	has three '^atoms-user +1 +hot +10 +4KiB +3 +2\.00x \[0\.80x \.\. 2\.50x\] +2/3 ' &&
	has three 'CI width' && has three ' 2\.0%$'
# The excess over sync, in null syscalls: (K - 1) * sync / null syscall.
expect 0 excess --format markdown "$tmp/runs/a" &&
	has excess '^\| atoms-user \| 1 \| hot \| 10 \| 4KiB \| 1 \| 2\.00x \| 1/1 \| -10\.60 \| 2\.0% \|$'
# -o writes the same report.
expect 0 outfile -o "$tmp/report.md" --format markdown "$tmp/runs/a" &&
	{ cmp -s "$tmp/outfile.out" "$tmp/report.md" ||
		{ echo "FAIL: outfile: -o FILE differs from stdout"; fail=1; }; }
expect 0 threshold --at-least 2.2 "$tmp/runs" &&
	has threshold '^host \(native\): 3 runs' &&
	has threshold '>= 2\.2x' &&
	has threshold '^atoms-user +1 +hot +10 .* 1/3 '

# Another accelerator is another group, never mixed into the first.
run d 0.5 'd["target"] = "guest"; d["accel"] = "icount"'
expect 0 groups "$tmp/runs" &&
	has groups '^host \(native\): 3 runs' &&
	has groups '^guest \(icount\): 1 runs' &&
	has groups '^atoms-user +1 +hot +10 +4KiB +1 +2\.00x +1/1 '

# Bad input: nothing there, nothing readable, no baseline to compare with.
mkdir -p "$tmp/empty" "$tmp/bad"
echo '{"schema": ' >"$tmp/bad/results.json"
run nosync 0.5 'd["configs"] = [c for c in d["configs"] if c["backend"] != "baseline_sync"]'
expect 2 empty "$tmp/empty" && has empty 'no results.json'
expect 2 missing "$tmp/nowhere" && has missing 'no such file'
expect 2 bad "$tmp/bad" && has bad 'not valid JSON'
expect 2 nosync "$tmp/runs/nosync" && has nosync 'next to baseline_sync'
expect 2 threshold0 --at-least 0 "$tmp/runs/a"

finish
