#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the benchmark matrix inside the patched kernel under QEMU and merges
# the guest's results into a host results directory.
#
#   harness/guest/run_bench.sh BUILD_DIR HOST_RESULTS_DIR [--icount]
#       [--timeout SEC] [--kernel BZIMAGE] [--disk-cache MODE]
#       [-- sysletbench options]
#
# Without --kernel, kernel/build.sh builds (or finds cached) the bzImage.
# --disk-cache picks QEMU's cache mode for the disk (default none; the
# others are for comparing against a host-cached disk).
#
# The statically linked harness and its /init go into the initramfs; the
# file sets and the results live on an ext4 virtio disk (so drop_caches
# works in the guest). The accelerator (kvm when a probe boot works, else
# tcg; icount with --icount) labels every guest number. A hung or crashed
# guest is killed after the timeout with a clear error; the host results
# stay as they were. The disk is opened with cache=none (run-guest.sh), so
# a cold guest read reaches the host's storage; the guest's results.json
# records that, the accelerator and icount options, and the kernel's build
# key and series hash in its "guest" object.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: run_bench.sh BUILD_DIR HOST_RESULTS_DIR [--icount] [--timeout SEC] [--kernel BZIMAGE] [-- args]}
host_dir=${2:?usage: run_bench.sh BUILD_DIR HOST_RESULTS_DIR ...}
shift 2
guest_opts=()
timeout=1200
while [ $# -gt 0 ]; do
	case "$1" in
	--icount) guest_opts+=(--icount) ;;
	--kernel) guest_opts+=(--kernel "$2"); shift ;;
	--disk-cache) guest_opts+=(--disk-cache "$2"); shift ;;
	--timeout) timeout=$2; shift ;;
	--) shift; break ;;
	*) echo "run_bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

for t in debugfs qemu-system-x86_64; do
	command -v "$t" >/dev/null || { echo "run_bench.sh: $t is not installed" >&2; exit 1; }
done
for b in sysletbench-static bench-init; do
	[ -x "$build/$b" ] || { echo "run_bench.sh: $build/$b is not built" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sysletbench-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%s\n' "$@" >"$work/bench.args"

# Room for the largest default set (10k files) and its inodes.
"$top/kernel/guest/run-guest.sh" --disk "$work/disk.img" --disk-mb 512 \
	--timeout "$timeout" --log "$work/console.log" "${guest_opts[@]}" \
	--provenance "$work/guest.json" \
	"$build/bench-init" "$build/sysletbench-static:/bin/sysletbench" \
	"$work/bench.args:/bench.args" >/dev/null

# A harness that ran but reported failed configurations (exit 1) still
# wrote its results: keep them (they say what failed and why), then fail.
status=0
if ! grep -q '^bench-init: sysletbench exit 0' "$work/console.log"; then
	echo "run_bench.sh: the guest run failed:" >&2
	grep -E 'bench-init|sysletbench' "$work/console.log" | tail -5 >&2
	grep -q '^bench-init: sysletbench exit 1' "$work/console.log" || exit 1
	status=1
fi
debugfs -R "rdump /results $work" "$work/disk.img" >/dev/null 2>&1
guest_dir=$(ls -d "$work"/results/*/ 2>/dev/null | head -n 1)
[ -n "$guest_dir" ] || { echo "run_bench.sh: no results on the guest disk" >&2; exit 1; }
"$top/harness/guest/record_provenance.py" "$guest_dir" "$work/guest.json"
"$top/harness/merge_results.py" "$host_dir" "$guest_dir" \
	"$(qemu-system-x86_64 --version | head -n 1)"
[ "$status" = 0 ] || echo "run_bench.sh: the guest's results are kept in $host_dir" >&2
exit "$status"
