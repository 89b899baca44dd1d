#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The read proof (harness/read_proof.h) passes on honest samples and fails
# on a short file: with --test-short-file every timed sample of every
# backend, in both chain shapes, is invalid with a reason, and atoms-user,
# whose chain cannot count bytes, is caught by the kernel's count (rchar).
# Usage: test_read_proof.sh SYSLETBENCH_BINARY
bin=${1:?usage: test_read_proof.sh SYSLETBENCH}
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
	exit 77
fi
if ! grep -q '^rchar:' /proc/self/io 2>/dev/null; then
	echo "SKIP: no /proc/self/io here (CONFIG_TASK_IO_ACCOUNTING)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_read_proof.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
run=(run -q -d "$tmp/data" -n 3 -s 4K,5000 -c hot -j 1,2 -r 2 -m 0
	--shapes email,cursor)

# check CASE SCRIPT: SCRIPT (python, sys.argv[1] = the results dir) passes.
check() {
	local case=$1 dir
	dir=$(cat "$tmp/$case.out")
	if ! python3 - "$dir" >"$tmp/$case.py.out" 2>&1; then
		echo "FAIL: $case:"
		sed 's/^/    /' "$tmp/$case.py.out"
		fail=1
	fi
}

"$bin" "${run[@]}" -o "$tmp/honest" >"$tmp/honest.out" 2>"$tmp/honest.err"
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: honest run exit $rc"; cat "$tmp/honest.err"; fail=1; }
check honest <<'PY'
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
assert {c["shape"] for c in j["configs"]} == {"email", "cursor"}
for c in j["configs"]:
    assert c["verified"], c["backend"]
    # The floor reads nothing (tests/test_floor.sh).
    want = 0 if c["backend"] == "empty" else c["file_size"]
    for s in c["samples"]:
        what = (c["backend"], c["shape"], c["file_size"], s["invalid_reason"])
        assert s["valid"] and not s["invalid_reason"], what
        assert s["bytes_read"] == s["files"] * want, what
PY

"$bin" "${run[@]}" -o "$tmp/short" --test-short-file >"$tmp/short.out" \
	2>"$tmp/short.err"
rc=$?
[ "$rc" = 1 ] || { echo "FAIL: short-file run exit $rc, expected 1"; fail=1; }
check short <<'PY'
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
seen = set()
for c in j["configs"]:
    if c["backend"] == "empty":  # reads nothing, so nothing is short
        continue
    seen.add(c["shape"])
    assert c["samples"], (c["backend"], c["shape"], "no sample")
    for s in c["samples"]:
        what = (c["backend"], c["shape"], c["file_size"])
        assert not s["valid"] and s["invalid_reason"], what
        if c["backend"] == "atoms-user":
            assert "(rchar)" in s["invalid_reason"], (what, s)
assert seen == {"email", "cursor"}, seen
PY
# A shape that is none exits 2 with the known ones named.
"$bin" run -q --shapes bogus >/dev/null 2>"$tmp/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q "unknown shape 'bogus' (email, cursor)" "$tmp/bad.err" ||
	{ echo "FAIL: --shapes bogus: exit $rc"; cat "$tmp/bad.err"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: test_read_proof"
exit "$fail"
