#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cold proven by the block device, end to end on the host: as root, every
# cold and dentry sample records the device's read counters and is valid
# by the rule; a hot set measured as "cold" without a drop (test-only
# SYSLETBENCH_TEST_NO_DROP) comes out invalid with the reason, and so does
# every cold sample of a data dir on a tmpfs (no device); as a user
# who cannot drop caches, cold is labelled "fadvise" in every output with
# "cold" kept as the requested state.
# Exit: 0 pass, 1 fail, 77 skip (not root, or no block device under TMPDIR).
set -u
bin=${1:?usage: test_cold_proof.sh path/to/sysletbench}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (drop_caches, and a user to drop to)"; exit 77; }
# Under the build tree, not /tmp: /tmp may be a tmpfs, where nothing is cold.
tmp=$(mktemp -d "${TEST_TMP:-$PWD}/cold-proof.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
dev=$(stat -c '%d' "$tmp")
[ -r "/sys/dev/block/$((dev >> 8)):$((dev & 255))/stat" ] || {
	echo "SKIP: no block device holds $tmp (device $dev)"
	exit 77
}
fail=0
run() {
	"$bin" run -q -o "$tmp/results" -n 20 -s 4K -j 1,4 -r 2 -m 1 --shapes email \
		-b baseline_sync,atoms-uring "$@"
}

dir=$(run -d "$tmp/data" -c hot,cold,dentry) || { echo "FAIL: cold run exited $?"; fail=1; }
python3 - "$dir" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
assert j["parameters"]["block_device_stat"].startswith("/sys/dev/block/"), j["parameters"]
n = 0
for c in j["configs"]:
    assert c["cache"] == c["cache_requested"], c["cache"]
    if c["cache"] == "hot":
        continue
    for s in c["samples"]:
        d = s["cache"]["device"]
        assert d is not None, s
        # The rule: the set's data bytes, at least one read per two files.
        assert d["sectors"] * 512 >= c["files"] * c["file_size"], s
        assert d["reads"] * 2 >= c["files"], s
        assert s["valid"] and s["cache"]["verified"] and not s["cache"]["why"], s
        n += 1
assert n == 3 * 2 * 2, n  # variants (sync c1, uring c1, c4) x 2 states x 2 reps
PY

# Hot files measured as cold: the device read nothing, so not cold.
ndir=$(SYSLETBENCH_TEST_NO_DROP=1 run -d "$tmp/data" -c cold) ||
	{ echo "FAIL: no-drop run exited $?"; fail=1; }
python3 - "$ndir" <<'PY' || fail=1
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + "/results.json"))
for c in j["configs"]:
    assert c["ns_per_file"]["n"] == 0, c
    for s in c["samples"]:
        assert not s["valid"], s
        assert "not cold" in s["cache"]["why"], s
rows = list(csv.DictReader(open(d + "/results.csv")))
assert rows and all(r["valid"] == "0" and "not cold" in r["cache_why"]
                    for r in rows), rows
assert "every sample rejected: device read" in open(d + "/summary.md").read()
PY

# On a tmpfs nothing is cold, and no device can say otherwise: every cold
# sample is invalid, with that reason.
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	shm=$(mktemp -d /dev/shm/cold-proof.XXXXXX)
	tdir=$(run -d "$shm/data" -c cold -b baseline_sync -j 1)
	rm -rf "$shm"
	python3 - "$tdir" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1] + "/results.json"))
assert "no block device" in j["parameters"]["block_device_missing"], j["parameters"]
for c in j["configs"]:
    assert c["samples"] and c["ns_per_file"]["n"] == 0, c
    for s in c["samples"]:
        assert not s["valid"], s
        assert "no block device" in s["cache"]["why"], s
PY
fi

# Without root: posix_fadvise, dentries warm. Not "cold", anywhere.
cp "$bin" "$tmp/sysletbench"
mkdir "$tmp/user" && chown 65534:65534 "$tmp/user"
# The build tree may lie below a directory the user cannot search (a
# clone in a 0700 mktemp dir): it keeps CAP_DAC_READ_SEARCH, which
# searches and reads but writes nothing, so drop_caches stays closed.
udir=$(cd "$tmp/user" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=+dac_read_search --ambient-caps=+dac_read_search \
	"$tmp/sysletbench" run -q -d data -o results -n 20 -c hot,cold -j 1 \
	-r 2 -m 1 -b baseline_sync) || { echo "FAIL: user run exited $?"; fail=1; }
python3 - "$tmp/user/$udir" <<'PY' || fail=1
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + "/results.json"))
assert j["parameters"]["cold_method"] == "fadvise", j["parameters"]
caches = {(c["cache"], c["cache_requested"]) for c in j["configs"]}
assert caches == {("hot", "hot"), ("fadvise", "cold")}, caches
for c in j["configs"]:
    if c["cache"] == "fadvise":
        assert all(s["valid"] and s["cache"]["method"] == "fadvise"
                   for s in c["samples"]), c
for f in ("summary.csv", "results.csv"):
    rows = list(csv.DictReader(open(d + "/" + f)))
    assert {(r["cache"], r["cache_requested"]) for r in rows} == caches, f
md = open(d + "/summary.md").read()
assert "| fadvise |" in md and "| cold |" not in md, md
PY
[ "$fail" = 0 ] && echo "PASS: test_cold_proof"
exit "$fail"
