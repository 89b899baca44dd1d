#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# plots/report.py builds the HTML report from the committed fixtures
# (tests/fixtures/report-small: hot and cold, 1-100 files; with
# tests/fixtures/compare-base as history for the trend chart): every chart
# is a PNG on disk and embedded, the LKML table is there and names the rows
# it cannot fill, and bad input exits 2.
# Exit: 0 pass, 1 fail, 77 skip (no python3 with matplotlib).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixtures=$top/tests/fixtures

# The python3 first on PATH may be a private one without Debian's
# python3-matplotlib; the system interpreter is the fallback.
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 &&
		"$p" -c 'import matplotlib, numpy' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "SKIP: no python3 with matplotlib (Debian: apt-get install python3-matplotlib)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! MPLCONFIGDIR=$tmp/mpl "$py" "$top/plots/report.py" -o "$tmp/out" \
	"$fixtures/report-small" "$fixtures/compare-base" 2>"$tmp/err"; then
	echo "FAIL: report.py exited non-zero:"
	sed 's/^/    /' "$tmp/err"
	exit 1
fi
html=$tmp/out/report.html
[ -s "$html" ] || { echo "FAIL: no report.html"; exit 1; }

for chart in latency hot_cold speedup model decomposition; do
	f=$tmp/out/host-native-4KiB-$chart.png
	if [ ! -s "$f" ] ||
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
		echo "FAIL: missing or not a PNG: ${f#"$tmp"/}"
		fail=1
	fi
done
[ -s "$tmp/out/trend.png" ] || { echo "FAIL: no trend chart from two runs"; fail=1; }

npng=$(ls "$tmp/out"/*.png | wc -l)
nemb=$(grep -o "src='data:image/png;base64," "$html" | wc -l)
if [ "$nemb" != "$npng" ]; then
	echo "FAIL: $nemb embedded images for $npng PNGs"
	fail=1
fi
# Self-contained: nothing loaded from elsewhere.
if grep -Eq "src='(http|/|\.)|<link|<script" "$html"; then
	echo "FAIL: report.html loads external resources"
	fail=1
fi
for want in 'one kernel crossing \(null syscall, getppid\)' \
	'interpreting one atom, user space' \
	'one clet upcall round trip, thread pool' \
	'one cache miss, blocking' \
	'needs atoms-kernel: patched kernel not in this run' \
	'needs clets-kernel: patched kernel not in this run' \
	'break-even chain length, clets-kernel vs atoms-kernel'; do
	if ! grep -Eq "$want" "$html"; then
		echo "FAIL: report.html lacks /$want/"
		fail=1
	fi
done

MPLCONFIGDIR=$tmp/mpl "$py" "$top/plots/report.py" -o "$tmp/bad" "$tmp/nope" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: a missing results directory is not refused with 2"; fail=1; }

[ "$fail" = 0 ] && echo "PASS: test_report"
exit "$fail"
