#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A two-point crossing-cost sweep (harness/guest/sweep.sh, issue 12) in the
# patched guest under icount: the measured null syscall rises with the knob
# (kernel.syscall_crossing_cost), and from one point to the other each
# backend's ns per file rises by its counted crossings per file times the
# null syscall's rise: about four for the loop at 4 KiB, about one for the
# chain (async_exec). The tolerances come from the counted crossings (half
# a crossing per file), not from timings of the host.
#   tests/guest/test_crossing_sweep.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skip (no QEMU, debugfs or python3 here).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/guest_test_env.sh"
if ! "$top/harness/guest/sweep.sh" --build "$build" --out "$tmp/run" \
	--points native,1024 --sizes 4K --reps 2 \
	--backends baseline_sync,atoms-kernel >"$tmp/sweep.log" 2>&1; then
	echo "FAIL: the sweep did not run:"
	tail -20 "$tmp/sweep.log"
	exit 1
fi
python3 - "$tmp/run/crossing-sweep/summary.json" <<'PY' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
assert "simulated crossing cost" in s["note"] and "1 ns" in s["note"], s["note"]
pts = sorted(s["points"], key=lambda p: p["knob"])
assert len(pts) == 2 and pts[0]["knob"] == 0 < pts[1]["knob"], pts
dc = pts[1]["null_syscall_ns"] - pts[0]["null_syscall_ns"]
print("knob %d -> %d: null syscall %.1f -> %.1f ns" % (
    pts[0]["knob"], pts[1]["knob"], pts[0]["null_syscall_ns"],
    pts[1]["null_syscall_ns"]))
# The knob is calibrated to ~1024 ns; a rise of at least half the asked one.
assert dc > 0.5 * (1024 - pts[0]["null_syscall_ns"]), dc


def cfg(p, backend):
    for c in p["configs"]:
        if (c["backend"], c["concurrency"], c["shape"]) == (backend, 1,
                                                            "email"):
            return c
    raise AssertionError("no %s c1 email at knob %d" % (backend, p["knob"]))


for backend, want in (("baseline_sync", 4), ("atoms-kernel", 1)):
    a, b = cfg(pts[0], backend), cfg(pts[1], backend)
    k = a["crossings_per_file"]
    rise = (b["ns_per_file"] - a["ns_per_file"]) / dc
    print("%s: %.2f counted crossings per file, ns per file rose by %.2f "
          "null syscalls" % (backend, k, rise))
    assert abs(k - want) < 0.5, (backend, k, want)
    assert abs(rise - k) < 0.5, (backend, rise, k)
PY
echo "PASS: test_crossing_sweep"
