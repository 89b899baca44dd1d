#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The CI gate proves itself both ways against results/reference/: a clean
# run passes, and a real regression injected through the harness's
# test-only --test-inject switch (which reaches the guest through the
# harness options) fails it with exit 1, naming what moved:
#   extra-syscall  one uncounted getppid per file in baseline_sync: the
#                  host tracer's count (as root) and the guest's icount
#                  time per file (~3% at 4 KiB)
#   spin=70        ~210 instructions per file in atoms-kernel's user-space
#                  loop, ~3% at 4 KiB: the guest's icount time per file
# Usage: test_gate.sh BUILD_DIR.  Exit: 0 pass, 1 fail, 77 skip.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: test_gate.sh BUILD_DIR}
for t in python3 qemu-system-x86_64 debugfs; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: $t not installed (./run_all.sh deps installs it)"
		exit 77
	fi
done
# The scaffold of the tools' tests: $tmp, $fail, has/lacks, finish.
tool=$top/harness/ci_gate.sh name=test_gate
# shellcheck source=tests/tool_checks.sh
. "$top/tests/tool_checks.sh"
# The gate's own re-base rule is not under test here: a CI job must not
# see a toolchain difference as the injected regression or hide it.
unset SYSLETBENCH_GATE_REBASE

# gate CASE WANT [ARGS...]: runs the gate, checks its exit status.
gate() {
	local case=$1 want=$2 rc
	shift 2
	"$top/harness/ci_gate.sh" "$build" "$@" >"$tmp/$case.out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $case: exit $rc, expected $want:"
		sed 's/^/    /' "$tmp/$case.out"
		fail=1
		return 1
	fi
}
# 1. A clean run passes, host and guest.
if gate clean 0; then
	[ "$(grep -c '^RESULT: \(PASS\|RE-BASE\)' "$tmp/clean.out")" = 2 ] ||
		{ echo "FAIL: clean: not two comparisons"; cat "$tmp/clean.out"; fail=1; }
	lacks clean '^REGRESSION'
fi

# 2. One extra syscall per file in baseline_sync.
if gate syscall 1 --test-inject extra-syscall; then
	has syscall 'NEW was run with --test-inject extra-syscall'
	has syscall '^REGRESSION: baseline_sync/email hot 50 files 4KiB ns_per_file'
	if [ "$(id -u)" = 0 ]; then
		has syscall '^REGRESSION: baseline_sync/email hot 10 files 4KiB traced_syscalls_per_file 4 -> 5 '
	fi
	lacks syscall '^REGRESSION: (atoms-kernel|clets-kernel)'
fi

# 3. A few percent more instructions per file in atoms-kernel.
if gate spin 1 --test-inject spin=70; then
	has spin '^REGRESSION: atoms-kernel/email hot 50 files 4KiB ns_per_file'
	lacks spin '^REGRESSION: (baseline_sync|clets-kernel)'
fi

# 4. An injected run never becomes the reference.
gate refresh 2 --refresh --test-inject spin=70 &&
	has refresh 'can never become the reference'

finish
