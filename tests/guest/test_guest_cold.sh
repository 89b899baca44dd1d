#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A small cold matrix in the patched guest (TCG, disk opened with
# cache=none): every cold sample is valid by the block device rule (the
# guest's virtio disk read the set's data), and the guest's results.json
# says what ran: accelerator, icount options, disk cache mode, the kernel's
# build key and the hash of its patch series.
#   tests/guest/test_guest_cold.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skip (no QEMU or debugfs here).
set -u
# shellcheck source=tests/guest/guest_bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest_bench.sh"
GUEST_ACCEL=tcg "$top/harness/guest/run_bench.sh" "$build" "$host" -- \
	-n 50 -s 4K -c cold -j 1,16 -r 3 \
	-b baseline_sync,atoms-kernel,clets-kernel >"$tmp/guest.log" 2>&1 || {
	echo "FAIL: guest run:"
	tail -20 "$tmp/guest.log"
	exit 1
}
python3 - "$host/guest-tcg" "$(cd "$top" && kernel/build.sh --key)" <<'PY' || exit 1
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
key = dict(line.split(" ", 1) for line in sys.argv[2].splitlines())
g = j["guest"]
assert g["accel"] == "tcg" and g["icount"] is None, g
assert g["disk_cache"] == "none", g
assert g["kernel_key"] == key["key"] and g["series_sha256"] == key["series"], (g, key)
assert j["parameters"]["block_device_stat"], j["parameters"]
backends = set()
for c in j["configs"]:
    assert c["cache"] == "cold" and not c["error"], c
    backends.add(c["backend"])
    for s in c["samples"]:
        d = s["cache"]["device"]
        assert s["valid"] and d, s
        print("guest %s c%d: %.2f reads and %.2f KiB per file, %.0f ns per file"
              % (c["backend"], c["concurrency"], d["reads"] / c["files"],
                 d["sectors"] / 2 / c["files"], s["ns_per_file"]))
# The patched kernel never lacks its backends.
assert backends == {"baseline_sync", "atoms-kernel", "clets-kernel"}, backends
PY
echo "PASS: test_guest_cold"
