#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Renders the charts of tests/fixtures/results-small with plots/plot.sh into
# a temporary copy and checks that every expected PNG and SVG exists and is
# not empty, and that a directory without summary.csv is refused.
# Exit: 0 pass, 1 fail, 77 skip (gnuplot or python3 absent).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixture=$top/tests/fixtures/results-small

for tool in gnuplot python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not installed (Debian: gnuplot-nox, python3)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_plots.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

cp -r "$fixture" "$tmp/results" || exit 1
if ! "$top/plots/plot.sh" "$tmp/results" "fixture" 2>"$tmp/err"; then
	echo "FAIL: plot.sh exited non-zero on the fixture:"
	sed 's/^/    /' "$tmp/err"
	exit 1
fi

for chart in ns_per_file speedup syscalls; do
	for ext in png svg; do
		f=$tmp/results/charts/host-native-4KiB-$chart.$ext
		if [ ! -s "$f" ]; then
			echo "FAIL: missing or empty: ${f#"$tmp"/}"
			fail=1
		fi
	done
done
# A PNG must start with the PNG signature, an SVG must hold an <svg element.
for f in "$tmp"/results/charts/*.png; do
	if [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
		echo "FAIL: not a PNG: ${f#"$tmp"/}"
		fail=1
	fi
done
for f in "$tmp"/results/charts/*.svg; do
	if ! grep -q '<svg' "$f"; then
		echo "FAIL: not an SVG: ${f#"$tmp"/}"
		fail=1
	fi
done
# The gnuplot run must have been clean (no warnings passed through).
if grep -q 'warning' "$tmp/err"; then
	echo "FAIL: gnuplot warnings:"
	sed 's/^/    /' "$tmp/err"
	fail=1
fi

# Only one file count: still draws.
mkdir -p "$tmp/one"
awk -F, 'NR == 1 || $5 == 100' "$fixture/summary.csv" >"$tmp/one/summary.csv"
if ! "$top/plots/plot.sh" "$tmp/one" 2>"$tmp/err1" ||
	[ ! -s "$tmp/one/charts/host-native-4KiB-ns_per_file.png" ]; then
	echo "FAIL: plot.sh failed with a single file count:"
	sed 's/^/    /' "$tmp/err1"
	fail=1
fi

# No summary.csv: a clear refusal.
mkdir -p "$tmp/empty"
if "$top/plots/plot.sh" "$tmp/empty" 2>"$tmp/err2"; then
	echo "FAIL: plot.sh succeeded without summary.csv"
	fail=1
elif ! grep -q 'summary.csv is missing' "$tmp/err2"; then
	echo "FAIL: unclear message without summary.csv:"
	sed 's/^/    /' "$tmp/err2"
	fail=1
fi

if [ "$fail" -eq 0 ]; then
	echo "PASS: test_plots"
fi
exit "$fail"
