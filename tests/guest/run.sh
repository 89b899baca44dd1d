#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Host-side entry for the in-guest syslet tests: builds the patched kernel
# (cached), builds the static test programs, boots the guest under QEMU,
# runs them there and reports. Exit 0 pass, 1 fail, 77 skip (only when
# QEMU or the kernel source is absent).
#
#   tests/guest/run.sh [--icount] [--debug|--stock|--full-config] [--timeout SEC] [TEST_GLOB...]
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
# Console output of the guest goes to $OUT_DIR/console.log
# (default build/guest-tests/) and the per-test lines to results.txt.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
out=${OUT_DIR:-$top/build/guest-tests}
guest_args=()
build_args=()
timeout=240
globs=()

while [ $# -gt 0 ]; do
	case "$1" in
	--icount) guest_args+=(--icount); shift ;;
	--debug) build_args+=(--debug); shift ;;
	--stock) build_args+=(--stock); shift ;;
	--full-config)
		build_args+=(--full)
		guest_args+=(--append pti=on)
		# A defconfig kernel boots slower under TCG than tinyconfig.
		timeout=900
		shift ;;
	--timeout) timeout=$2; shift 2 ;;
	*) globs+=("$1"); shift ;;
	esac
done
[ ${#globs[@]} -gt 0 ] || globs=('t[0-9]*')

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
		files+=("$out/bin/$name:/tests/$name")
	done
done
[ ${#files[@]} -gt 0 ] || { echo "guest tests: FAIL: no test matches ${globs[*]}"; exit 1; }

start=$(date +%s)
"$top/kernel/guest/run-guest.sh" --kernel "$kernel" --timeout "$timeout" \
	--log "$out/console.log" --disk "$out/disk.img" "${guest_args[@]}" \
	"$out/bin/guest_init" "${files[@]}" >/dev/null
status=$?
grep -E '^(GUEST-|  )|: FAIL' "$out/console.log" | tee "$out/results.txt"
echo "guest tests: guest ran $(( $(date +%s) - start )) s, run-guest status $status"

summary=$(grep '^GUEST-SUMMARY' "$out/console.log" | tail -n 1)
if [ "$status" != 0 ] || [ -z "$summary" ]; then
	echo "guest tests: FAIL: guest did not finish cleanly (see $out/console.log)"
	exit 1
fi
# Every test sent must have run and passed: a test missing from the
# summary fails the run as surely as a failing one.
if [ "$summary" = "GUEST-SUMMARY pass=${#files[@]} fail=0" ]; then
	echo "guest tests: PASS ($summary)"
	exit 0
fi
echo "guest tests: FAIL ($summary, ${#files[@]} tests sent)"
exit 1
