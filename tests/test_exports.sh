#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# harness/export.py: the github-action-benchmark (customSmallerIsBetter)
# and Bencher BMF exports of tests/fixtures/compare-base are checked
# against each format's documented shape, and bad input exits 2.
# Exit: 0 pass, 1 fail, 77 skip (python3 absent).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixture=$top/tests/fixtures/compare-base
tool=$top/harness/export.py name=test_exports
. "$top/tests/tool_checks.sh"

for fmt in gab bmf; do
	if ! python3 "$tool" --format "$fmt" -o "$tmp/$fmt.json" "$fixture" 2>"$tmp/$fmt.err"; then
		echo "FAIL: export --format $fmt exited non-zero:"
		sed 's/^/    /' "$tmp/$fmt.err"
		fail=1
	fi
done
# The fixture has 12 configurations, each with a median and both counts.
python3 - "$tmp/gab.json" "$tmp/bmf.json" <<'EOF' || fail=1
import json, sys

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

errors = []
# github-action-benchmark customSmallerIsBetter: an array of objects with
# name (string), unit (string), value (number); range and extra optional
# strings; names unique.
gab = json.load(open(sys.argv[1]))
if not isinstance(gab, list) or not gab:
    errors.append("gab: not a non-empty array")
else:
    names = set()
    for e in gab:
        if not isinstance(e, dict):
            errors.append("gab: entry not an object: %r" % (e,))
            continue
        for k in ("name", "unit"):
            if not isinstance(e.get(k), str) or not e[k]:
                errors.append("gab: %r lacks string %s" % (e.get("name"), k))
        if not num(e.get("value")):
            errors.append("gab: %r: value not a number" % e.get("name"))
        for k in ("range", "extra"):
            if k in e and not isinstance(e[k], str):
                errors.append("gab: %r: %s not a string" % (e["name"], k))
        extra = set(e) - {"name", "unit", "value", "range", "extra"}
        if extra:
            errors.append("gab: unknown keys %s" % sorted(extra))
        if e.get("name") in names:
            errors.append("gab: duplicate name %r" % e.get("name"))
        names.add(e.get("name"))
    ns = [e for e in gab if e.get("unit") == "ns/file"]
    if len(ns) != 12:
        errors.append("gab: %d ns/file entries, expected 12" % len(ns))
    if not all(e.get("range", "").startswith("\u00b1 ") for e in ns):
        errors.append("gab: ns/file entries lack a '\u00b1 x' range")
    want = "host/native/atoms-user/hot/10files/4KiB - syscalls/file"
    hit = [e for e in gab if e["name"] == want]
    if not hit or hit[0]["value"] != 4:
        errors.append("gab: %r should be 4, got %r" % (want, hit))

# Bencher Metric Format: {benchmark: {measure: {value, lower_value?,
# upper_value?}}} with numbers; measure slugs at most 64 characters.
bmf = json.load(open(sys.argv[2]))
if not isinstance(bmf, dict) or len(bmf) != 12:
    errors.append("bmf: expected an object with 12 benchmarks")
else:
    for bench, measures in bmf.items():
        if not bench or not isinstance(measures, dict) or not measures:
            errors.append("bmf: %r: no measures" % bench)
            continue
        for m, metric in measures.items():
            if not m or len(m) > 64:
                errors.append("bmf: %r: bad measure name %r" % (bench, m))
            if not isinstance(metric, dict) or not num(metric.get("value")):
                errors.append("bmf: %r/%r: value not a number" % (bench, m))
                continue
            if set(metric) - {"value", "lower_value", "upper_value"}:
                errors.append("bmf: %r/%r: unknown keys" % (bench, m))
            lo = metric.get("lower_value", metric["value"])
            hi = metric.get("upper_value", metric["value"])
            if not (num(lo) and num(hi) and lo <= metric["value"] <= hi):
                errors.append("bmf: %r/%r: not lower <= value <= upper"
                              % (bench, m))
        lat = measures.get("latency", {})
        if "lower_value" not in lat or "upper_value" not in lat:
            errors.append("bmf: %r: latency lacks its CI" % bench)

for e in errors:
    print("FAIL: " + e)
sys.exit(1 if errors else 0)
EOF

# Bad input: exit 2.
for bad in "$tmp/nope" "$tmp"; do
	python3 "$tool" --format bmf "$bad" >/dev/null 2>"$tmp/bad.err"
	rc=$?
	if [ "$rc" != 2 ]; then
		echo "FAIL: export of $bad: exit $rc, expected 2"
		fail=1
	fi
done
python3 "$tool" --format csv "$fixture" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: an unknown format is not refused with 2"; fail=1; }

finish
