#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# ci_gate.sh BUILD_DIR [--refresh] [--rebase] [--host-only]
#            [--test-inject WHAT]... | --spread N
#
# The CI regression gate: two small hot-cache runs compared with the
# committed reference (results/reference/, see its README for the spread
# behind every tolerance):
#   host   every backend available here: the backend's own syscall and atom
#          counts, and the tracer's syscall count where it is exact (as
#          root, through tracefs; not for clets-threads, whose pool adds
#          futex calls that depend on scheduling).
#   guest  the patched kernel under QEMU -icount shift=0 (one instruction =
#          1 ns): baseline_sync, atoms-kernel and clets-kernel, one in
#          flight, 50 files of 4 KiB and 64 KiB, 20 samples of one pass;
#          the minimum ns per file over the samples must stay within
#          compare.py's icount tolerance (set from ten clean runs).
#          The guest kernel has no tracepoints: its syscall counts are
#          the backends' own.
# A gated count or icount time that grows fails; a wall-clock slowdown on
# the host only warns (CI machines are shared and noisy).
#
# When the compiler or QEMU version differs from the reference's, the
# figures may move for that reason alone.  Under CI (CI=true) that fails,
# unless the re-base is asked for: --rebase or SYSLETBENCH_GATE_REBASE=1
# (it then reports the differences and passes; refresh the reference).
# Outside CI a re-base passes with a report.
#
# --refresh      replace results/reference/ with this run (review, commit)
# --rebase       accept a compiler/QEMU change (see above)
# --host-only    skip the guest run (no QEMU here); under CI it fails
# --spread N     measure what the tolerances rest on: N clean gate runs
#                (kept in BUILD_DIR/ci-gate-spread/), then per gated
#                configuration the spread of the icount minimum across
#                runs, the spread within runs, and the traced counts seen
#                (results/reference/spread.md is its output)
# --test-inject WHAT
#                TEST ONLY (tests/test_gate.sh): passed to the harness on
#                the host and in the guest to inject a regression
#                (extra-syscall: one uncounted getppid per file in
#                baseline_sync; spin=N: N busy-loop iterations per file in
#                atoms-kernel).  Recorded in results.json; never combined
#                with --refresh, and compare.py refuses such a reference.
#
# The last run is kept in BUILD_DIR/ci-gate/ for inspection.
# Exit status: 0 pass (or accepted re-base), 1 regression, refused re-base
# or failed run, 2 bad usage or unreadable results.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog=ci_gate.sh
# The matrices of results/reference/: keep both in step (its README).
# The host runs both chain shapes (cheap); the guest the email shape only,
# the one the argument is made in, to keep the gate's boots short.
host_matrix=(-q -n 1,10 -c hot -j 1,16 -r 3 -m 1)
guest_matrix=(-q -b baseline_sync,atoms-kernel,clets-kernel -n 50
	-s 4K,64K -c hot -j 1 -r 20 -m 0 --shapes email)

usage() {
	echo "usage: $prog BUILD_DIR [--refresh] [--rebase] [--host-only] [--test-inject WHAT]..." >&2
	exit 2
}

refresh=0 rebase=${SYSLETBENCH_GATE_REBASE:-0} host_only=0 build='' spread=0
inject=()
while [ $# -gt 0 ]; do
	case "$1" in
	--refresh) refresh=1 ;;
	--rebase) rebase=1 ;;
	--host-only) host_only=1 ;;
	--spread)
		[ $# -ge 2 ] && [ "$2" -ge 2 ] 2>/dev/null || usage
		spread=$2
		shift ;;
	--test-inject)
		[ $# -ge 2 ] || usage
		inject+=(--test-inject "$2")
		shift ;;
	-h | --help)
		sed -n '4,48p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*)
		[ -z "$build" ] || usage
		build=$1 ;;
	esac
	shift
done
[ -n "$build" ] || usage
if [ "$spread" -gt 0 ]; then
	if [ "$refresh" = 1 ] || [ ${#inject[@]} -gt 0 ]; then
		echo "$prog: --spread takes clean runs only" >&2
		exit 2
	fi
	keep=$build/ci-gate-spread
	rm -rf "$keep"
	mkdir -p "$keep" || exit 1
	for i in $(seq 1 "$spread"); do
		"$0" "$build" >"$keep/gate$i.log" 2>&1
		echo "$prog: clean run $i of $spread: exit $?" >&2
		cp -r "$build"/ci-gate/results/*/ "$keep/run$i" || exit 1
	done
	exec python3 "$top/harness/gate_spread.py" "$keep"/run*
fi
if [ "$refresh" = 1 ] && [ ${#inject[@]} -gt 0 ]; then
	echo "$prog: --test-inject runs can never become the reference" >&2
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
ci=0
[ "${CI:-}" = true ] && ci=1
if [ "$host_only" = 1 ] && [ "$ci" = 1 ]; then
	echo "$prog: --host-only under CI=true: the kernel backends must be gated" >&2
	exit 1
fi

# The commit the build was configured at may be older than the tree's
# (cmake records it once): name the tree's, as run_all.sh does.
if [ -z "${SYSLETBENCH_GIT_COMMIT:-}" ]; then
	SYSLETBENCH_GIT_COMMIT=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
	export SYSLETBENCH_GIT_COMMIT
fi

out=$build/ci-gate
rm -rf "$out"
mkdir -p "$out" || exit 1
# Its own data directory: the gate must not depend on ./data.
if ! "$bin" run "${host_matrix[@]}" "${inject[@]}" -o "$out/results" \
	-d "$out/data" >"$out/run.log" 2>&1; then
	echo "$prog: the host benchmark run failed:" >&2
	sed 's/^/    /' "$out/run.log" >&2
	exit 1
fi
new=$(find "$out/results" -mindepth 2 -maxdepth 2 -name results.json -printf '%h\n' | head -n 1)
if [ -z "$new" ]; then
	echo "$prog: the run left no results.json under $out/results" >&2
	exit 1
fi
if [ "$host_only" = 0 ]; then
	if ! "$top/harness/guest/run_bench.sh" "$build" "$new" --icount \
		--timeout 900 -- "${guest_matrix[@]}" "${inject[@]}" \
		>"$out/guest.log" 2>&1; then
		echo "$prog: the guest (icount) run failed:" >&2
		tail -n 20 "$out/guest.log" | sed 's/^/    /' >&2
		exit 1
	fi
fi

ref=$top/results/reference
if [ "$refresh" = 1 ]; then
	mkdir -p "$ref" || exit 1
	cp "$new/results.json" "$new/summary.csv" "$new/summary.md" "$ref/" || exit 1
	if [ "$host_only" = 0 ]; then
		rm -rf "$ref/guest-icount"
		mkdir -p "$ref/guest-icount" || exit 1
		cp "$new"/guest-icount/{results.json,summary.csv,summary.md} \
			"$ref/guest-icount/" || exit 1
	fi
	echo "$prog: results/reference/ refreshed from $new; review and commit it" >&2
	exit 0
fi

opts=(--gate deterministic --changed-only)
if [ "$ci" = 1 ] && [ "$rebase" != 1 ]; then
	opts+=(--toolchain-change fail)
fi
# compare_one NAME REF NEW: prints the comparison, keeps it as Markdown.
compare_one() {
	python3 "$top/harness/compare.py" "${opts[@]}" \
		--output "$out/compare-$1.md" --format markdown "$2" "$3" >/dev/null
	echo "== $1 =="
	python3 "$top/harness/compare.py" "${opts[@]}" "$2" "$3"
}
compare_one host "$ref" "$new"
rc=$?
if [ "$host_only" = 0 ]; then
	compare_one guest-icount "$ref/guest-icount" "$new/guest-icount"
	grc=$?
	[ "$grc" -gt "$rc" ] && rc=$grc
fi
case "$rc" in
0) ;;
1)
	echo "$prog: regressed against results/reference/ (or a refused re-base)." >&2
	echo "$prog: if the change is intended, run '$0 $build --refresh' and commit results/reference/;" >&2
	echo "$prog: after a compiler or QEMU upgrade under CI, --rebase (or SYSLETBENCH_GATE_REBASE=1) accepts it." >&2 ;;
*)
	echo "$prog: comparison failed (exit $rc)" >&2 ;;
esac
echo "$prog: the runs and Markdown comparisons are in $out/" >&2
exit "$rc"
