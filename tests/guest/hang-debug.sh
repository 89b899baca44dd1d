#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Where does a thread that t20 reports hung run? Boots the guest with
# QEMU's gdbstub, runs t20_fuzz_async with --fuzz-long (the test may run
# for --timeout) and --fuzz-hold (it freezes after its first hang report), then attaches gdb SAMPLES times and writes, per
# sample and per vCPU, the instruction pointer and the kernel text
# addresses found on the stack, named with the image's System.map: a
# crude backtrace that needs neither debug info nor kallsyms in the guest.
#
#   tests/guest/hang-debug.sh [--debug] [--samples N] [--timeout SEC]
#                             [run.sh --fuzz-* options]
#
# Writes $OUT_DIR/hang-report.txt (default build/hang-debug/) and exits 0
# when it sampled a hang, 1 when the run ended without one. A debugging
# aid for the fuzzer's findings (kernel/README.md), not part of CI.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUT_DIR:-$top/build/hang-debug}
samples=10
timeout=3600
run_args=()
build_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--samples | --timeout)
		[ $# -ge 2 ] || { echo "hang-debug: $1 needs a value" >&2; exit 2; } ;;
	esac
	case "$1" in
	--samples) samples=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--debug) build_args+=(--debug); run_args+=(--debug); shift ;;
	*) run_args+=("$1"); shift ;;
	esac
done
case "$samples" in '' | *[!0-9]*) echo "hang-debug: bad --samples '$samples'" >&2; exit 2 ;; esac
for t in gdb python3 qemu-system-x86_64; do
	command -v "$t" >/dev/null || { echo "hang-debug: $t is not installed" >&2; exit 2; }
done

kernel=${KERNEL_IMAGE:-$("$top/kernel/build.sh" "${build_args[@]}" | tail -n 1)} || exit 1
map=$(dirname "$kernel")/System.map
[ -r "$map" ] || { echo "hang-debug: no System.map beside $kernel" >&2; exit 2; }
mkdir -p "$out"
log=$out/console.log
: >"$log"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

OUT_DIR=$out KERNEL_IMAGE=$kernel setsid "$here/run.sh" --gdb "$port" --timeout "$timeout" \
	--fuzz-long --fuzz-hold "${run_args[@]}" 't20*' >"$out/run.out" 2>&1 </dev/null &
runner=$!
trap 'kill -- -$runner 2>/dev/null' EXIT

# One gdb session: attach (the guest stops), run @1's commands, detach
# (the guest goes on).
gdb_session() {
	timeout 120 gdb -q -batch -nx -ex 'set pagination off' -ex 'set remotetimeout 30' \
		-ex "target remote 127.0.0.1:$port" "$@" -ex detach 2>&1
}

# The gdbstub listens once run.sh built the tests and the initramfs.
until gdb_session >/dev/null 2>&1 -ex 'info threads'; do
	kill -0 "$runner" 2>/dev/null || { echo "hang-debug: the guest ended before gdb attached" >&2; exit 1; }
	sleep 1
done

# Wait for the freeze (or the end of the run).
while ! grep -q 'fuzz-async: HOLD' "$log"; do
	kill -0 "$runner" 2>/dev/null || {
		echo "hang-debug: no hang in this run ($(grep -c . "$log") console lines: $log)"
		exit 1
	}
	sleep 2
done

raw=$out/gdb-samples.txt
: >"$raw"
for i in $(seq "$samples"); do
	echo "=== sample $i" >>"$raw"
	gdb_session -ex 'thread apply all -s info registers rip rsp cs' \
		-ex 'thread apply all -s x/512gx $rsp' >>"$raw"
done
python3 "$here/hang_symbolize.py" "$map" "$raw" >"$out/hang-report.txt"
sed -n '/fuzz-async: FAIL/,/fuzz-async: HOLD/p' "$log" >>"$out/hang-report.txt"
echo "hang-debug: $out/hang-report.txt"
