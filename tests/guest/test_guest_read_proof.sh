#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The read proof can fail in the patched guest too: with --test-short-file
# (tests only: timed samples read a copy of the last file one byte short)
# every timed sample of every backend, the kernel ones included, in both
# chain shapes, is invalid with a reason, and the harness fails the run;
# run_bench.sh keeps the guest's results all the same.
#   tests/guest/test_guest_read_proof.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skip (no QEMU or debugfs here).
set -u
# shellcheck source=tests/guest/guest_bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest_bench.sh"
GUEST_ACCEL=tcg "$top/harness/guest/run_bench.sh" "$build" "$host" -- \
	-n 10 -s 4K,5000 -c hot -j 1,4 -r 2 -m 1 --shapes email,cursor \
	--test-short-file -b baseline_sync,atoms-kernel,clets-kernel \
	>"$tmp/guest.log" 2>&1
rc=$?
if [ "$rc" != 1 ]; then
	echo "FAIL: the guest run exited $rc, expected 1 (failed samples):"
	tail -20 "$tmp/guest.log"
	exit 1
fi
python3 - "$host/guest-tcg" <<'PY' || exit 1
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
assert j["parameters"]["test_short_file"] is True, j["parameters"]
seen = set()
for c in j["configs"]:
    seen.add((c["backend"], c["shape"]))
    assert c["samples"], c
    for s in c["samples"]:
        assert not s["valid"] and s["invalid_reason"], (c["backend"], s)
    print("guest %s %s c%d %d B: %s" % (c["backend"], c["shape"],
          c["concurrency"], c["file_size"], c["samples"][0]["invalid_reason"]))
want = {(b, sh) for b in ("baseline_sync", "atoms-kernel", "clets-kernel")
        for sh in ("email", "cursor")}
assert seen == want, seen
PY
echo "PASS: test_guest_read_proof"
