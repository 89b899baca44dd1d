#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Host-side entry for the in-guest syslet tests: builds the patched kernel
# (cached), builds the static test programs, boots the guest under QEMU,
# runs them there and reports. Exit 0 pass, 1 fail, 77 skip (only when
# QEMU or the kernel source is absent).
#
#   tests/guest/run.sh [--icount] [--debug|--stock|--full-config]
#                      [--timeout SEC] [--fuzz-seed N] [--fuzz-count N]
#                      [--fuzz-long] [--fuzz-defects LIST] [--fuzz-guard SEC]
#                      [--fuzz-hold] [--gdb PORT] [TEST_GLOB...]
#
# --debug boots the lockdep/KASAN/atomic-sleep kernel (kernel/build.sh
# --debug) instead of the benchmark one. --stock boots the kernel without
# the series (kernel/build.sh --stock), where every test must fail:
# tests/guest/stock-kernel.sh checks that. --full-config boots the series
# built on defconfig + the guest fragment (kernel/build.sh --full: SMP,
# voluntary preemption, audit, page-table isolation and retpolines, as a
# real user's kernel has them) with pti=on on the command line: the whole
# suite, fuzzer included, against the entry paths tinyconfig leaves out.
# Not in the default CI run: its first build takes a quarter of an hour
# or more on 2 cores.
#
# --fuzz-* go to t20_fuzz_async on the guest's kernel command line: its
# seed, its count of chains and clet calls (default 3000), its long mode
# (1,000,000 calls, for the debug kernel: raises the per-test timeout to
# --timeout, then 6 h by default) and the known-defect families it
# triggers (all, open, none or a list such as 1,7,rseq: t20_fuzz_async.h).
# --fuzz-guard sets its hang guard (default 10 s, 30 s with --fuzz-long).
# --fuzz-hold freezes t20 after its first hang report, the hung processes
# as they are; --gdb PORT starts the guest stopped, with QEMU's gdbstub on
# 127.0.0.1:PORT. tests/guest/hang-debug.sh uses both to sample where a
# hung thread runs in the kernel.
#
# Console output of the guest goes to $OUT_DIR/console.log
# (default build/guest-tests/) and the per-test lines to results.txt.
# Tests whose source says "QEMU_CPU: max" (a CPU feature QEMU's default
# model lacks, such as PKU) run in a second boot with -cpu max, logged to
# console-cpu-max.log.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
out=${OUT_DIR:-$top/build/guest-tests}
guest_args=()
build_args=()
timeout=240
timeout_set=""
fuzz_long=""
full_config=""
append=()
globs=()

while [ $# -gt 0 ]; do
	case "$1" in
	--timeout | --fuzz-seed | --fuzz-count | --fuzz-defects | --fuzz-guard | --gdb)
		[ $# -ge 2 ] || { echo "guest tests: $1 needs a value" >&2; exit 2; } ;;
	esac
	case "$1" in
	--icount) guest_args+=(--icount); shift ;;
	--debug)
		build_args+=(--debug)
		# KASAN under TCG on a loaded host: ACPI's _PRT evaluation at
		# boot runs long enough for an RCU stall report (or an AML loop
		# timeout and no disk interrupt). The tests need no ACPI IRQ
		# routing.
		guest_args+=(--append acpi=noirq)
		shift ;;
	--stock) build_args+=(--stock); shift ;;
	--full-config)
		build_args+=(--full)
		guest_args+=(--append pti=on)
		full_config=1
		shift ;;
	--timeout) timeout=$2; timeout_set=1; shift 2 ;;
	--fuzz-seed) append+=("t20_seed=$2"); shift 2 ;;
	--fuzz-count) append+=("t20_count=$2"); shift 2 ;;
	--fuzz-defects) append+=("t20_defects=$2"); shift 2 ;;
	--fuzz-long) fuzz_long=1; shift ;;
	--fuzz-guard) append+=("t20_guard=$2"); shift 2 ;;
	--fuzz-hold) append+=("t20_hold=1"); shift ;;
	--gdb) guest_args+=(--gdb "$2"); shift 2 ;;
	*) globs+=("$1"); shift ;;
	esac
done
[ ${#globs[@]} -gt 0 ] || globs=('t[0-9]*')
# A defconfig kernel boots slower under TCG than tinyconfig.
if [ -n "$full_config" ] && [ -z "$timeout_set" ]; then
	timeout=900
fi
if [ -n "$fuzz_long" ]; then
	[ -n "$timeout_set" ] || timeout=21600
	append+=(t20_long=1 "guest_test_timeout=$((timeout - 60))")
fi
for a in "${append[@]}"; do
	case "$a" in
	*=*[[:space:]]* | *=) echo "guest tests: bad option value in '$a'" >&2; exit 2 ;;
	esac
done
[ ${#append[@]} -eq 0 ] || guest_args+=(--append "${append[*]}")

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "guest tests: SKIP: qemu-system-x86_64 is not installed"
	exit 77
fi
if [ ! -r "$tarball" ]; then
	echo "guest tests: SKIP: kernel source $tarball is absent"
	exit 77
fi

kernel=${KERNEL_IMAGE:-}
[ -n "$kernel" ] || kernel=$("$top/kernel/build.sh" "${build_args[@]}" | tail -n 1) || {
	echo "guest tests: FAIL: kernel build failed"
	exit 1
}

mkdir -p "$out/bin"
cc=${CC:-gcc}
cflags=(-static -O2 -g -Wall -Wextra -Wno-unused-parameter -I"$top/atoms" -I"$here")
$cc "${cflags[@]}" -o "$out/bin/guest_init" "$here/guest_init.c" || exit 1
files=()
cpu_files=()	# tests that need a CPU model of their own ("QEMU_CPU: max")
for g in "${globs[@]}"; do
	for src in "$here"/$g.c; do
		[ -e "$src" ] || continue
		name=$(basename "$src" .c)
		# A test may name extra sources of the suite: "EXTRA_SRCS: a.c b.c"
		# (on as many lines as it likes), and libraries: "EXTRA_LIBS: -luring".
		extra=()
		for e in $(sed -n 's/.*EXTRA_SRCS: *//p' "$src"); do
			extra+=("$top/$e")
		done
		read -r -a libs <<<"$(sed -n 's/.*EXTRA_LIBS: *//p' "$src")"
		$cc "${cflags[@]}" -I"$top" -o "$out/bin/$name" "$src" "${extra[@]}" \
			"${libs[@]}" -lpthread || {
			echo "guest tests: FAIL: $name does not compile"
			exit 1
		}
		# A test of a CPU feature QEMU's default model lacks (PKU) names
		# the model it needs, "QEMU_CPU: max": it runs in a boot of its
		# own, so that the other tests keep the default model.
		if grep -q 'QEMU_CPU: *max' "$src"; then
			cpu_files+=("$out/bin/$name:/tests/$name")
		else
			files+=("$out/bin/$name:/tests/$name")
		fi
	done
done
[ $((${#files[@]} + ${#cpu_files[@]})) -gt 0 ] ||
	{ echo "guest tests: FAIL: no test matches ${globs[*]}"; exit 1; }

# One boot: run-guest.sh options, then the tests. Sets $verdict.
boot() {
	local log=$1 disk=$2 start status summary n
	shift 2
	local opts=() tests=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	tests=("$@")
	start=$(date +%s)
	"$top/kernel/guest/run-guest.sh" --kernel "$kernel" --timeout "$timeout" \
		--log "$log" --disk "$disk" "${guest_args[@]}" "${opts[@]}" \
		"$out/bin/guest_init" "${tests[@]}" >/dev/null
	status=$?
	grep -E '^(GUEST-|  )|: FAIL' "$log" | tee -a "$out/results.txt"
	echo "guest tests: guest ran $(( $(date +%s) - start )) s, run-guest status $status"

	# Kernel reports on the console that run-guest.sh does not look for
	# (its scan: panic, BUG:, Oops:, WARNING:, circular locking, hung
	# tasks) and guest_init's may miss: its scan reads the kernel log from
	# a marker that a long test's messages can push out of the log buffer.
	if grep -qE "$reports" "$log"; then
		echo "guest tests: FAIL: kernel report on the console ($log):"
		grep -nE "$reports" "$log" | head -n 10
		verdict=1
		return
	fi
	summary=$(grep '^GUEST-SUMMARY' "$log" | tail -n 1)
	n=${#tests[@]}
	if [ "$status" != 0 ] || [ -z "$summary" ]; then
		echo "guest tests: FAIL: guest did not finish cleanly (see $log)"
		verdict=1
	# Every test sent must have run and passed: a test missing from the
	# summary fails the run as surely as a failing one.
	elif [ "$summary" != "GUEST-SUMMARY pass=$n fail=0" ]; then
		echo "guest tests: FAIL ($summary, $n tests sent)"
		verdict=1
	else
		echo "guest tests: PASS ($summary)"
	fi
}

reports='possible recursive locking|inconsistent lock state|INFO: lockdep|lockdep:|DEBUG_LOCKS_WARN|KASAN|UBSAN|general protection fault|rcu: INFO|soft lockup|self-detected stall|list_(add|del) corruption'
: >"$out/results.txt"
verdict=0
[ ${#files[@]} -eq 0 ] ||
	boot "$out/console.log" "$out/disk.img" -- "${files[@]}"
[ ${#cpu_files[@]} -eq 0 ] ||
	boot "$out/console-cpu-max.log" "$out/disk-cpu-max.img" --cpu max -- \
		"${cpu_files[@]}"
exit $verdict
