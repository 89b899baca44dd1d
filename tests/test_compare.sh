#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# harness/compare.py on synthetic pairs made from a real run
# (tests/fixtures/compare-base, 10 reps): a 10% slowdown is flagged, two
# halves of the same run are not, one extra syscall per file fails the
# deterministic gate (unless the compiler changed: re-base; under
# --toolchain-change fail the change itself fails), so does a traced count
# where it is exact, icount times are judged by their minimum (an outlier
# passes, 3% fails), a test-injected BASE is refused, configurations in one
# run only are listed, and bad input exits 2.
# Exit: 0 pass, 1 fail, 77 skip (python3 absent).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixture=$top/tests/fixtures/compare-base
tool=$top/harness/compare.py name=test_compare
. "$top/tests/tool_checks.sh"

# variant NAME PYTHON: writes $tmp/NAME/results.json from the fixture after
# running PYTHON on the parsed document d.
variant() {
	mkdir -p "$tmp/$1"
	python3 - "$fixture/results.json" "$tmp/$1/results.json" "$2" <<'EOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
EOF
}

scale='
def scale(c, k):
    for s in c["samples"]:
        s["ns_per_file"] *= k
        s["elapsed_ns"] = int(s["elapsed_ns"] * k)
    for f in ("median", "ci_lo", "ci_hi", "min", "max", "mean", "kbest"):
        if c["ns_per_file"].get(f) is not None:
            c["ns_per_file"][f] *= k
'
variant slow "$scale
for c in d['configs']:
    scale(c, 1.10)"
# Two runs from one distribution: the even and the odd reps.
variant even 'for c in d["configs"]:
    c["samples"] = c["samples"][0::2]'
variant odd 'for c in d["configs"]:
    c["samples"] = c["samples"][1::2]'
extra_syscall='
for c in d["configs"]:
    if c["backend"] == "atoms-user" and c["files"] == 10:
        for s in c["samples"]:
            s["backend"]["syscalls"] += s["files"]
        c["syscalls_per_file"] += 1'
variant moresys "$extra_syscall"
variant moresys_gcc "$extra_syscall
d['compiler'] = 'gcc-compatible 13.1.0'"
variant slow_det "$scale
for c in d['configs']:
    if c['backend'] == 'baseline_sync':
        scale(c, 1.10)"
variant fewer 'd["configs"] = [c for c in d["configs"] if c["files"] != 10]'
variant schema 'd["schema"] = "sysletbench-results/2"'
variant guest 'd["target"] = "guest"; d["accel"] = "tcg"'
variant injected 'd["parameters"]["test_inject"] = "spin=70"'
# Under icount: the base, one far outlier sample per configuration (the
# minimum stands), and every sample 3% slower (the minimum moves).
icount='d["target"] = "guest"; d["accel"] = "icount"'
variant icount "$icount"
variant icount_outlier "$icount
for c in d['configs']:
    max(c['samples'], key=lambda s: s['ns_per_file'])['ns_per_file'] *= 1.5"
variant icount_slow "$scale
$icount
for c in d['configs']:
    if c['backend'] == 'atoms-user':
        scale(c, 1.03)"
mkdir -p "$tmp/garbage" "$tmp/emptydir"
echo '{"schema": "sysletbench-results/1", "configs": [' >"$tmp/garbage/results.json"

# 1. An injected 10% slowdown is flagged, as a wall-clock regression.
if expect 1 slow "$fixture" "$tmp/slow"; then
	has slow 'RESULT: FAIL'
	has slow 'REGRESSION: baseline_sync hot 1 files 4KiB ns_per_file'
	n=$(grep -c '^REGRESSION: .* ns_per_file' "$tmp/slow.out")
	# The sync loops are tight; clets-threads may be too noisy to call.
	if [ "$n" -lt 6 ]; then
		echo "FAIL: slow: only $n of 12 configurations flagged"
		fail=1
	fi
fi
expect 1 slow_wall --gate wallclock "$fixture" "$tmp/slow"
# The deterministic gate lets the slowdown through, with a warning.
if expect 0 slow_det --gate deterministic "$fixture" "$tmp/slow_det"; then
	has slow_det '^warning: baseline_sync hot 1 files 4KiB ns_per_file \+10\.0%'
	has slow_det 'RESULT: PASS'
fi

# 2. Two halves of one run: nothing flagged.
if expect 0 same --gate all "$tmp/even" "$tmp/odd"; then
	lacks same 'REGRESSION|regression'
fi

# 3. One syscall more per file fails the deterministic gate...
if expect 1 moresys --gate deterministic "$fixture" "$tmp/moresys"; then
	has moresys 'REGRESSION: atoms-user hot 10 files 4KiB syscalls_per_file 4 -> 5 \(\+25\.0%\)'
fi
# ...but re-bases when the compiler changed, unless --no-rebase.
if expect 0 rebase --gate deterministic "$fixture" "$tmp/moresys_gcc"; then
	has rebase 'RESULT: RE-BASE'
	has rebase "compiler 'gcc-compatible 12.2.0' -> 'gcc-compatible 13.1.0'"
fi
expect 1 norebase --gate deterministic --no-rebase "$fixture" "$tmp/moresys_gcc"
# Fewer syscalls are an improvement, not a failure.
expect 0 fewersys --gate deterministic "$tmp/moresys" "$fixture" &&
	has fewersys 'improvement'

# ...and under --toolchain-change fail (CI) the change itself fails.
if expect 1 tcfail --gate deterministic --toolchain-change fail "$fixture" "$tmp/moresys_gcc"; then
	has tcfail 'RESULT: FAIL \(toolchain changed: compiler'
fi
# A traced count that grows where it is exact fails; clets-threads' is not.
variant moretraced 'for c in d["configs"]:
    if c["backend"] in ("baseline_sync", "clets-threads"):
        c["traced_syscalls_per_file"] += 1'
if expect 1 traced --gate deterministic "$fixture" "$tmp/moretraced"; then
	has traced '^REGRESSION: baseline_sync hot 1 files 4KiB traced_syscalls_per_file 4 -> 5'
	lacks traced '^REGRESSION: clets-threads'
fi

# icount: the minimum of the samples, within the icount tolerance.
if expect 0 icount_same --gate deterministic "$tmp/icount" "$tmp/icount_outlier"; then
	has icount_same 'RESULT: PASS'
	has icount_same '^== ns_per_file \(icount\) ==$'
fi
if expect 1 icount_slow --gate deterministic "$tmp/icount" "$tmp/icount_slow"; then
	has icount_slow '^REGRESSION: atoms-user hot 1 files 4KiB ns_per_file'
	lacks icount_slow '^REGRESSION: baseline_sync'
fi

# A test-injected run is never a reference.
expect 2 injected "$tmp/injected" "$fixture" && has injected 'never a reference'

# 4. Configurations in one run only: listed, not an error.
if expect 0 gone --gate deterministic "$fixture" "$tmp/fewer"; then
	has gone '== gone \(only in BASE\) =='
	has gone '^  atoms-uring/c16 hot 10 files 4KiB$'
fi
if expect 0 added --gate deterministic "$tmp/fewer" "$fixture"; then
	has added '== new \(only in NEW\) =='
fi

# 5. Markdown.
if expect 0 markdown --format markdown --gate deterministic "$fixture" "$fixture"; then
	has markdown '^\| base \| \+-% \| %change \| new \| \+-% \| p \| verdict \| gate \| configuration \|$'
	has markdown '^### syscalls_per_file \(deterministic\)$'
fi

# 6. Bad input: exit 2 with a message naming the problem.
expect 2 missing "$fixture" "$tmp/does-not-exist" && has missing 'no such file or directory'
expect 2 notresults "$fixture" "$tmp/emptydir" && has notresults 'no results.json'
expect 2 garbage "$fixture" "$tmp/garbage" && has garbage 'not valid JSON'
expect 2 schema "$fixture" "$tmp/schema" && has schema "schema 'sysletbench-results/2', expected 'sysletbench-results/1'"
expect 2 nocommon "$fixture" "$tmp/guest" && has nocommon 'no configuration in common'
expect 2 usage "$fixture"

finish
