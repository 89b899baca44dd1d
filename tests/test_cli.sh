#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sysletbench binary end to end: --help, bad input exits 2 with a
# message, a small run writes a complete and valid results directory (each
# backend in its own worker process; --one-process in the harness), an
# interrupted run marks its own directory incomplete while earlier runs
# stay intact, and a killed worker fails only its own backend.
set -u
bin=${1:?usage: test_cli.sh path/to/sysletbench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! "$@"; then echo "FAIL: $*" >&2; fail=1; fi; }

"$bin" --help >"$tmp/help" || fail=1
check grep -q -- --concurrency "$tmp/help"

for args in "--files 0" "--files 1,abc" "--sizes 4Q" "--cache lukewarm" \
	"--backends nosuch" "--concurrency 0" "--reps" "--bogus" "frobnicate" \
	"--target moon" "--reps 5x" "--files 200000"; do
	# shellcheck disable=SC2086
	"$bin" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 2 ] || ! grep -q "sysletbench:" "$tmp/err"; then
		echo "FAIL: '$args' gave rc=$rc, stderr: $(cat "$tmp/err")" >&2
		fail=1
	fi
done

run_small() {
	"$bin" run -q -d "$tmp/data" -o "$tmp/results" -n 1,10 -c hot,cold \
		-j 1,4 -r 3 -m 1 "$@"
}
dir=$(run_small) || { echo "FAIL: small run exited $?" >&2; fail=1; }
for f in results.csv results.json summary.csv summary.md; do
	check test -s "$dir/$f"
done
# Three samples make a 75% interval of the median, and it says so.
check grep -q 'median ns/file \[75% CI\]' "$dir/summary.md"
check test "$(grep -c '95% CI' "$dir/summary.md")" = 0
check python3 - "$dir" <<'PY'
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + "/results.json"))
assert j["schema"] == "sysletbench-results/1", j["schema"]
assert j["complete"] is True and j["interrupted"] is False
assert j["target"] == "host"
# "native" only on bare metal; a VM's run says which hypervisor and how.
assert j["accel"] == ("vm" if j["hypervisor"] else "native"), j["accel"]
assert j["hypervisor_detected_by"], j
# Each backend ran in a worker process of its own (the default).
assert j["parameters"]["isolation"] == "process per backend", j["parameters"]
rows = list(csv.DictReader(open(d + "/summary.csv")))
backends = {r["backend"] for r in rows}
assert {"baseline_sync", "atoms-user"} <= backends, backends
assert {r["cache"] for r in rows} == {"hot", "cold"}
for c in j["configs"]:
    assert c["verified"], c
    assert c["checksum_errors"] == 0, c
    assert len(c["samples"]) == 3, c
# Synchronous backends issue exactly open + 2 reads + close per 4 KiB file.
# (Sanitizer runtimes make syscalls of their own: the tracer sees them.)
import os
sanitized = os.environ.get("SYSLETBENCH_SANITIZED") == "1"
for r in rows:
    if r["backend"] in ("baseline_sync", "atoms-user"):
        assert float(r["syscalls_per_file"]) == 4.0, r
        if r["traced_syscalls_per_file"] and not sanitized:
            assert abs(float(r["traced_syscalls_per_file"]) - 4.0) < 0.01, r
PY

# --one-process runs every backend in the harness itself, and says so.
odir=$("$bin" run -q -d "$tmp/data" -o "$tmp/results-one" -n 10 -c hot \
	-r 3 -m 1 -b baseline_sync,atoms-user --one-process) ||
	{ echo "FAIL: --one-process run exited $?" >&2; fail=1; }
check python3 -c "import json,sys; j=json.load(open(sys.argv[1]+'/results.json')); assert j['parameters']['isolation'] == 'one process'; assert all(c['verified'] for c in j['configs'])" "$odir"

# The interrupt and kill checks below act on events, never on time: the
# harness's progress on stderr comes through a FIFO, and "hot: ." is the
# first repetition done (every worker set up and sampled once). A read
# timeout is only a hang guard.
progress=$tmp/progress
mkfifo "$progress"
# wait_progress TEXT: reads fd 3 until TEXT went by; 1 at EOF or hang guard.
wait_progress() {
	local seen="" c
	while IFS= read -r -d '' -n 1 -t 120 -u 3 c; do
		seen+=${c:-$'\n'}
		[ ${#seen} -lt 256 ] || seen=${seen:128}
		[[ $seen == *"$1" ]] && return 0
	done
	echo "FAIL: no '$1' in the progress: $seen" >&2
	return 1
}

# Interrupt a longer run: it exits non-zero, says so, and marks itself.
# Started directly, not through a function: a backgrounded subshell would
# take the signal instead of the binary.
"$bin" run -d "$tmp/data" -o "$tmp/results" -n 1,10 -c hot -r 1000 -m 5 \
	>"$tmp/int.out" 2>"$progress" &
pid=$!
exec 3<"$progress"
wait_progress "hot: ." || fail=1
kill -INT "$pid"
cat <&3 >"$tmp/int.err"
exec 3<&-
wait "$pid"
rc=$?
check test "$rc" = 1
idir=$(cat "$tmp/int.out")
check python3 -c "import json,sys; j=json.load(open(sys.argv[1]+'/results.json')); assert j['complete'] is False and j['interrupted'] is True" "$idir"
check python3 -c "import json,sys; j=json.load(open(sys.argv[1]+'/results.json')); assert j['complete'] is True" "$dir"
check test "$idir" != "$dir"

# A worker that dies fails its own backend's configurations only: the
# other backend goes on. Workers are forked in backend order, so the
# harness's first child runs baseline_sync; the repetition after the kill
# is the one in which the harness finds it gone.
"$bin" run -d "$tmp/data" -o "$tmp/results-kill" -n 10 -c hot -r 1000 \
	-m 5 -b baseline_sync,atoms-user >"$tmp/kill.out" 2>"$progress" &
pid=$!
exec 3<"$progress"
wait_progress "hot: ." || fail=1
worker="" other=""
read -r worker other _ <"/proc/$pid/task/$pid/children"
check test -n "$worker" -a -n "$other"
kill -KILL "$worker"
wait_progress "." || fail=1
kill -INT "$pid"
cat <&3 >"$tmp/kill.err"
exec 3<&-
wait "$pid"
kdir=$(cat "$tmp/kill.out")
check python3 - "$kdir" <<'PY'
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
err = {c["backend"]: c["error"] for c in j["configs"]}
assert "killed by signal 9" in err["baseline_sync"], err
assert err["atoms-user"] == "", err
PY
exit $fail
