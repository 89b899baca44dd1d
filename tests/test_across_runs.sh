#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# harness/across_runs.py on runs made from a real one (tests/fixtures/
# compare-base): every backend's median is set to a multiple of its run's
# baseline_sync, so each run's speed-up is known exactly. The spread over
# three runs, the count of runs reaching --at-least, finding runs below a
# folder, each size against its own baseline, copies counted once, the CI
# width and excess over the runs that have them, unreadable runs found by
# walking, -o, one group per (target, accel), and bad input (exit 2).
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
d["started"] = sys.argv[2]  # each run its own, not a copy of the others
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
	has groups '^guest \(icount\): 1 run$' &&
	has groups '^atoms-user +1 +hot +10 +4KiB +1 +2\.00x +1/1 '

# Each file size is compared with its own baseline: a second size four
# times slower throughout (against the first size's sync: 0.50x).
run sizes 0.5 'import copy
big = [copy.deepcopy(c) for c in d["configs"]]
for c in big:
    c["file_size"] = 16384
    for k in ("median", "ci_lo", "ci_hi"):
        c["ns_per_file"][k] *= 4
d["configs"] += big'
expect 0 sizes "$tmp/runs/sizes" &&
	has sizes '^atoms-user +1 +hot +10 +4KiB +1 +2\.00x ' &&
	has sizes '^atoms-user +1 +hot +10 +16KiB \(4KiB reads\) +1 +2\.00x '
rm -rf "$tmp/runs/sizes"

# The same run twice, by two paths or as a copy elsewhere, counts once.
mkdir -p "$tmp/copy" && cp -r "$tmp/runs/a" "$tmp/copy/a"
expect 0 copies "$tmp/runs" "$tmp/runs/a/results.json" "$tmp/copy" &&
	has copies '^host \(native\): 3 runs' &&
	has copies 'left out 1 copy of runs already read'

# The CI width is the runs' median, not their widest; a run without a null
# syscall has no excess, and the row says over how many runs it is.
run wide 0.5 'for c in d["configs"]:
    m = c["ns_per_file"]["median"]
    c["ns_per_file"].update(ci_lo=m * 0.9, ci_hi=m * 1.1)
del d["null_syscall_ns"]'
expect 0 wide "$tmp/runs" &&
	has wide '^atoms-user +1 +hot +10 +4KiB +4 .* \(3 of 4 runs\) +2\.0%$'
rm -rf "$tmp/runs/wide"

# A results.json found by walking that cannot be read is skipped with a
# warning; named on the command line, it is an error.
mkdir -p "$tmp/runs/broken" && echo '{"schema": ' >"$tmp/runs/broken/results.json"
expect 0 walked "$tmp/runs" && has walked 'skipped .*broken/results.json' &&
	has walked '^host \(native\): 3 runs'
expect 2 named "$tmp/runs/broken/results.json" && has named 'not valid JSON'
rm -rf "$tmp/runs/broken"

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
