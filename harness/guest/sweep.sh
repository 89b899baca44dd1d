#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The crossing-cost sweep (issue 12): one icount boot of the patched kernel
# with CONFIG_SYSLET_CROSSING_COST; for each point it sets the simulated
# crossing cost (kernel.syscall_crossing_cost), re-measures the null
# syscall and the null atom and runs the hot matrix, then writes
# OUT/crossing-sweep/ (each point's results, summary.json, summary.md).
#
#   harness/guest/sweep.sh [--out DIR] [--points LIST] [--sizes LIST]
#       [--reps N] [--tcg-bracket] [--kernel BZIMAGE] [--timeout SEC]
#       [--build DIR]
#
#   --out DIR       results/<run> directory (default
#                   results/<timestamp>-crossing); the sweep goes to
#                   DIR/crossing-sweep/
#   --points LIST   native and target null syscalls in ns (default
#                   native,192,256,384,512,768,1024,1536,2048,3072,4096);
#                   a target at or below the native price is skipped
#   --sizes LIST    file sizes (default 4K,64K)
#   --reps N        timed repetitions per configuration (default 3:
#                   icount is near-deterministic)
#   --backends LIST backends in the email shape (default: the six of issue
#                   12); atoms-kernel also runs in the cursor shape
#   --tcg-bracket   also two TCG (wall-clock) boots, mitigations=off and
#                   pti=on, each measuring the null syscall at knob 0
#
# Every output says "simulated crossing cost" and "icount: one
# instruction = 1 ns": a swept figure is never a hardware measurement.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
usage() {
	sed -n '9,26p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

out="" points="native,192,256,384,512,768,1024,1536,2048,3072,4096"
sizes="4K,64K" reps=3 bracket=0
kernel="" timeout=3600 build=$top/build
backends=baseline_sync,atoms-user,atoms-kernel,clets-kernel,atoms-uring,clets-threads
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?}; shift ;;
	--points) points=${2:?}; shift ;;
	--sizes) sizes=${2:?}; shift ;;
	--reps) reps=${2:?}; shift ;;
	--backends) backends=${2:?}; shift ;;
	--tcg-bracket) bracket=1 ;;
	--kernel) kernel=${2:?}; shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--build) build=${2:?}; shift ;;
	-h | --help) usage ;;
	*) echo "sweep.sh: unknown option '$1'" >&2; usage ;;
	esac
	shift
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "sweep.sh: --reps: '$reps' is not a positive number" >&2; exit 2; }
[[ "$points" =~ ^(native|[0-9]+)(,(native|[0-9]+))*$ ]] ||
	{ echo "sweep.sh: --points: '$points' is not a list of native and numbers" >&2; exit 2; }
for t in debugfs qemu-system-x86_64; do
	command -v "$t" >/dev/null || { echo "sweep.sh: $t is not installed" >&2; exit 1; }
done
for b in sysletbench-static sweep-init; do
	[ -x "$build/$b" ] || { echo "sweep.sh: $build/$b is not built (cmake --build build)" >&2; exit 1; }
done
if [ -z "$kernel" ]; then
	kernel=$("$top/kernel/build.sh" | tail -n 1)
fi
grep -q '^CONFIG_SYSLET_CROSSING_COST=y' "$top/kernel/config/guest.config" ||
	{ echo "sweep.sh: kernel/config/guest.config lacks CONFIG_SYSLET_CROSSING_COST=y" >&2; exit 1; }
[ -n "$out" ] || out=$top/results/$(date -u +%Y%m%d-%H%M%S)-crossing
sweep_dir=$out/crossing-sweep
mkdir -p "$sweep_dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/sysletbench-sweep.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One guest boot: POINTS and RUNS files, results into $work/$1/results.
boot() {
	local name=$1 pfile=$2 rfile=$3
	shift 3
	mkdir -p "$work/$name"
	local t0=$SECONDS
	"$top/kernel/guest/run-guest.sh" --kernel "$kernel" \
		--disk "$work/$name/disk.img" --disk-mb 512 --timeout "$timeout" \
		--log "$work/$name/console.log" --provenance "$work/$name/guest.json" \
		"$@" "$build/sweep-init" "$build/sysletbench-static:/bin/sysletbench" \
		"$pfile:/sweep.points" "$rfile:/sweep.runs" >/dev/null
	echo "sweep.sh: $name boot took $((SECONDS - t0)) s (host load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	grep '^sweep-init:' "$work/$name/console.log" >&2 || true
	grep -q '^sweep-init: sweep exit 0' "$work/$name/console.log" ||
		{ echo "sweep.sh: the $name guest run failed" >&2; return 1; }
	debugfs -R "rdump /results $work/$name" "$work/$name/disk.img" >/dev/null 2>&1
	cp "$work/$name/console.log" "$sweep_dir/$name-console.log"
}

# The hot matrix of issue 12, all backends in the email shape (issue 15),
# and atoms-kernel in the cursor shape beside the loop it is compared to.
tr ',' '\n' <<<"$points" >"$work/points"
# Hot samples of 5 ms of guest time (the harness's default is 20): icount
# repeats within 0.2%, and the sweep runs the matrix eleven times.
common="-n 100 -s $sizes -c hot -j 1,16 -r $reps -w 1 -m 5 -q"
echo "email -b $backends --shapes email $common" >"$work/runs"
[[ ",$backends," != *,atoms-kernel,* ]] ||
	echo "cursor -b baseline_sync,atoms-kernel --shapes cursor $common" >>"$work/runs"
t_start=$SECONDS
boot icount "$work/points" "$work/runs" --icount
icount_s=$((SECONDS - t_start))

bracket_args=()
if [ "$bracket" = 1 ]; then
	echo native >"$work/native"
	echo "null -b baseline_sync -n 100 -s 4K -c hot -j 1 --shapes email -r 6 -w 1 -q" >"$work/null-run"
	boot tcg-mitigations-off "$work/native" "$work/null-run" --accel tcg --append mitigations=off
	boot tcg-pti-on "$work/native" "$work/null-run" --accel tcg --append pti=on
	bracket_args=(--bracket "mitigations=off=$work/tcg-mitigations-off"
		--bracket "pti=on=$work/tcg-pti-on")
fi

# The host's own null syscall, for its mark on the charts (ns: no PMU).
host_null=$("$build/sysletbench" calibrate 2>/dev/null | sed -n 's/^getppid: \([0-9.]*\) ns.*/\1/p')
"$top/harness/guest/sweep_collect.py" "$sweep_dir" "$work/icount" \
	--host-null-ns "${host_null:-0}" \
	--seconds "$icount_s" --load "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--reps "$reps" "${bracket_args[@]}"
echo "sweep.sh: simulated crossing cost (icount: one instruction = 1 ns): $sweep_dir" >&2
echo "$sweep_dir"
