# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Sourced by the tests of the harness's Python tools (test_compare.sh,
# test_across_runs.sh, test_exports.sh, test_hang_symbolize.sh) and
# test_gate.sh: a skip (77) without python3, a
# scratch folder $tmp removed on exit, $fail, and checks of one run of the
# tool. Set tool (the script under test) and name (the test's name)
# before sourcing.

: "${tool:?tool_checks.sh: set tool}" "${name:?tool_checks.sh: set name}"
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect RC CASE ARGS...: runs the tool with ARGS, checks its exit status;
# the output is kept for has/lacks.
expect() {
	local want=$1 case=$2 rc
	shift 2
	python3 "$tool" "$@" >"$tmp/$case.out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $case: exit $rc, expected $want:"
		sed 's/^/    /' "$tmp/$case.out"
		fail=1
		return 1
	fi
}

# has CASE REGEX / lacks CASE REGEX: the output of CASE matches, or not.
has() {
	if ! grep -Eq -- "$2" "$tmp/$1.out"; then
		echo "FAIL: $1: output lacks /$2/:"
		sed 's/^/    /' "$tmp/$1.out"
		fail=1
	fi
}
lacks() {
	if grep -Eq -- "$2" "$tmp/$1.out"; then
		echo "FAIL: $1: output has /$2/:"
		sed 's/^/    /' "$tmp/$1.out"
		fail=1
	fi
}

# The verdict: PASS and exit 0, or exit 1.
finish() {
	[ "$fail" = 0 ] && echo "PASS: $name"
	exit "$fail"
}
