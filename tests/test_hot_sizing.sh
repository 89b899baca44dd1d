#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hot samples are sized to last at least --min-sample-ms: the passes per
# sample come from timed passes like the samples' own, so every hot sample
# of a small run reaches the floor. The sizing takes the fastest timed pass
# and so errs long; the floor asserted is half the asked one, room for a
# sample taken when a shared machine is quieter than while sizing.
# Exit: 0 pass, 1 fail.
set -u
bin=${1:?usage: test_hot_sizing.sh path/to/sysletbench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
min_ms=20
dir=$("$bin" run -q -d "$tmp/data" -o "$tmp/results" -n 1,50 -s 4K,64K \
	-c hot -j 1,4 -r 3 -m "$min_ms" -b baseline_sync,atoms-user,atoms-uring) ||
	{ echo "FAIL: hot run exited $?"; exit 1; }
python3 - "$dir" "$min_ms" <<'PY' || exit 1
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
floor = 0.5 * int(sys.argv[2]) * 1e6
short = []
for c in j["configs"]:
    assert c["samples"], c
    for s in c["samples"]:
        assert s["valid"], s
        assert s["files"] == c["passes"] * c["files"], (s, c["passes"])
        if s["elapsed_ns"] < floor:
            short.append((c["backend"], c["concurrency"], c["files"],
                          c["file_size"], c["passes"], s["elapsed_ns"]))
assert not short, "hot samples under %.0f ns: %s" % (floor, short)
PY
echo "PASS: test_hot_sizing"
