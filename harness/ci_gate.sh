#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ci_gate.sh BUILD_DIR [--refresh]
#
# The CI regression gate: runs a small matrix whose syscall and atom counts
# per file are deterministic, and compares it with the committed reference
# (results/reference/) on those counts only (compare.py --gate
# deterministic).  A count that grows fails; a wall-clock slowdown only
# prints a warning, because CI machines are shared and noisy.  When the
# compiler (or QEMU) version differs from the reference's, the comparison
# re-bases instead of failing: refresh the reference.
#
# --refresh replaces results/reference/ with the new run (see
# results/reference/README.md); commit it with the change that moved the
# counts.
#
# The last run is kept in BUILD_DIR/ci-gate/ for inspection.
# Exit status: 0 pass (or re-base), 1 regression or failed run, 2 bad usage
# or unreadable results.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog=ci_gate.sh
# The matrix of results/reference/: keep both in step.
matrix=(-q -n 1,10 -c hot -j 1,16 -r 3 -m 1)

refresh=0
build=
for a in "$@"; do
	case "$a" in
	--refresh) refresh=1 ;;
	-h | --help)
		sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*)
		if [ -n "$build" ]; then
			echo "usage: $prog BUILD_DIR [--refresh]" >&2
			exit 2
		fi
		build=$a ;;
	esac
done
if [ -z "$build" ]; then
	echo "usage: $prog BUILD_DIR [--refresh]" >&2
	exit 2
fi
bin=$build/sysletbench
if [ ! -x "$bin" ]; then
	echo "$prog: $bin not found: build first" >&2
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "$prog: python3 not found (Debian: apt-get install python3)" >&2
	exit 2
fi

out=$build/ci-gate
rm -rf "$out"
mkdir -p "$out" || exit 1
# Its own data directory: the gate must not depend on ./data.
if ! "$bin" run "${matrix[@]}" -o "$out/results" -d "$out/data" >"$out/run.log" 2>&1; then
	echo "$prog: the benchmark run failed:" >&2
	sed 's/^/    /' "$out/run.log" >&2
	exit 1
fi
new=$(find "$out/results" -mindepth 2 -maxdepth 2 -name results.json -printf '%h\n' | head -n 1)
if [ -z "$new" ]; then
	echo "$prog: the run left no results.json under $out/results" >&2
	exit 1
fi

ref=$top/results/reference
if [ "$refresh" = 1 ]; then
	mkdir -p "$ref" || exit 1
	cp "$new/results.json" "$new/summary.csv" "$new/summary.md" "$ref/" || exit 1
	echo "$prog: results/reference/ refreshed from $new; review and commit it" >&2
	exit 0
fi

python3 "$top/harness/compare.py" --gate deterministic --changed-only \
	--output "$out/compare.md" --format markdown "$ref" "$new" >/dev/null
python3 "$top/harness/compare.py" --gate deterministic --changed-only "$ref" "$new"
rc=$?
case "$rc" in
0) ;;
1)
	echo "$prog: deterministic counts regressed against results/reference/." >&2
	echo "$prog: if the change is intended, run '$0 $build --refresh' and commit results/reference/." >&2 ;;
*)
	echo "$prog: comparison failed (exit $rc)" >&2 ;;
esac
echo "$prog: the run and a Markdown comparison are in $out/" >&2
exit "$rc"
