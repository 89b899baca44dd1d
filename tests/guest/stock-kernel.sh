#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The guest suite must fail on a kernel without the syslet series: boots
# kernel/build.sh --stock (same config minus what the series adds) through
# tests/guest/run.sh --stock and passes only if run.sh exits 1, the
# handshake test fails naming the missing syslet_info syscall, and no test
# passes without the syscalls it exists to test.
# Exit 0 pass, 1 fail, 77 skip (as run.sh: only without QEMU or the source).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUT_DIR:-$top/build/guest-tests-stock}

mkdir -p "$out"
OUT_DIR=$out "$here/run.sh" --stock "$@" >"$out.log" 2>&1
status=$?
cat "$out.log"
[ "$status" != 77 ] || exit 77
fail() { echo "stock kernel: FAIL: $*"; exit 1; }

[ "$status" = 1 ] || fail "run.sh exited $status on the stock kernel, expected 1"
results=$out/results.txt
[ -s "$results" ] || fail "no results from the guest ($results)"
grep -q '^GUEST-SUMMARY ' "$results" || fail "the guest did not finish its run"
grep -q '^GUEST-TEST t01_handshake FAIL 1 ' "$results" ||
	fail "t01_handshake did not fail"
grep -q '^handshake: FAIL: syscall 600 is not syslet_info on this kernel (Function not implemented)' \
	"$out/console.log" || fail "the log does not name the handshake failure"
passed=$(grep '^GUEST-TEST [^ ]* PASS ' "$results")
[ -z "$passed" ] || fail "tests passed without the series: $passed"
echo "stock kernel: PASS: every guest test fails without the series," \
	"t01 with the missing syslet_info"
