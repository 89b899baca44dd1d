#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# plots/report.py builds the HTML report.
#  - From tests/fixtures/report-small (host: hot and cold, 1-100 files; with
#    tests/fixtures/compare-base as history for the trend chart): every
#    chart is a PNG on disk and embedded, the LKML table names the rows it
#    cannot fill, and bad input exits 2.
#  - From tests/fixtures/report-multi (synthetic, shaped like what
#    ./run_all.sh writes: a host run, guest-tcg/ and guest-icount/; made by
#    its make_fixture.py): one section per run, the argument table filled
#    from the runs with the kernel backends (icount first) and saying
#    which, and the overhead decomposition's figures, computed by hand
#    below from the fixture's round numbers.
#  - Run by a python3 without matplotlib (a stub first on PATH, as pyenv's
#    is here): it runs again under the system interpreter, or, when that
#    lacks matplotlib too, prints one line saying what to install and
#    exits 3.
# Exit: 0 pass, 1 fail, 77 skip (no system python3 with matplotlib).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixtures=$top/tests/fixtures
system_py=/usr/bin/python3

if ! "$system_py" -c 'import matplotlib, numpy' >/dev/null 2>&1; then
	echo "SKIP: $system_py has no matplotlib (Debian: apt-get install python3-matplotlib)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
export MPLCONFIGDIR=$tmp/mpl
fail=0

# A python3 that cannot import Debian's matplotlib: -S leaves out
# dist-packages.
mkdir "$tmp/bin"
printf '#!/bin/sh\nexec %s -S "$@"\n' "$system_py" >"$tmp/bin/python3"
chmod +x "$tmp/bin/python3"

# report.py runs by its #!/usr/bin/env python3 line, whatever python3 is
# first on PATH (the stub: the fallback must carry every run below).
report() {
	PATH=$tmp/bin:$PATH "$top/plots/report.py" "$@"
}

is_png() {
	[ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

# Table rows of report.html as "cell | cell | ...", one per line.
rows_of() {
	sed -n 's/^<tr[^>]*>\(.*\)<\/tr>$/\1/p' "$1" |
		sed -e 's/<\/t[dh]><t[dh][^>]*>/ | /g' -e 's/<[^>]*>//g' \
			-e 's/&mdash;/-/g'
}

# The rows of the table right after the paragraph that names it.
table_after() {
	awk -v want="<p>$2 (ns per file)</p>" '
		$0 == want { on = 1; next }
		on && /^<\/table>/ { exit }
		on { print }' "$1" >"$tmp/table.html"
	rows_of "$tmp/table.html"
}

expect_row() { # file, row text (fixed string), what
	if ! grep -qxF -- "$2" "$1"; then
		echo "FAIL: $3: no row '$2'; rows:"
		sed 's/^/    /' "$1"
		fail=1
	fi
}

## report-small and a history

if ! report -o "$tmp/out" "$fixtures/report-small" "$fixtures/compare-base" \
	2>"$tmp/err"; then
	echo "FAIL: report.py exited non-zero:"
	sed 's/^/    /' "$tmp/err"
	exit 1
fi
html=$tmp/out/report.html
[ -s "$html" ] || { echo "FAIL: no report.html"; exit 1; }

for chart in latency hot_cold speedup decomposition; do
	f=$tmp/out/host-native-4KiB-$chart.png
	is_png "$f" || { echo "FAIL: missing or not a PNG: ${f#"$tmp"/}"; fail=1; }
done
is_png "$tmp/out/trend.png" || { echo "FAIL: no trend chart from two runs"; fail=1; }

npng=$(find "$tmp/out" -name '*.png' | wc -l)
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

report -o "$tmp/bad" "$tmp/nope" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: a missing results directory is not refused with 2"; fail=1; }

## report-multi: a run_all.sh directory

multi=$fixtures/report-multi
if ! report -o "$tmp/multi" "$multi" 2>"$tmp/err"; then
	echo "FAIL: report.py on report-multi exited non-zero:"
	sed 's/^/    /' "$tmp/err"
	exit 1
fi
html=$tmp/multi/report.html
for sec in "guest (icount): $multi/guest-icount" "guest (tcg): $multi/guest-tcg" \
	"host (native): $multi"; do
	grep -qxF "<h2>$sec</h2>" "$html" || { echo "FAIL: no section '$sec'"; fail=1; }
done
for f in guest-icount-10files-latency guest-icount-10files-speedup \
	guest-icount-4KiB-model guest-icount-4KiB-decomposition \
	guest-tcg-4KiB-hot_cold guest-tcg-4KiB-decomposition \
	host-native-4KiB-latency host-native-4KiB-hot_cold; do
	is_png "$tmp/multi/$f.png" || { echo "FAIL: missing or not a PNG: $f.png"; fail=1; }
done

# The argument table: each row from the first run that fills it, in the
# order guest-icount, guest-tcg, host.  icount: null syscall 190 ns;
# baseline_sync 6000 ns with 4 syscalls, atoms-kernel/c1 6700 ns with 1
# syscall and 5 atoms, clets-kernel 6500 ns with 1 upcall; at 16 KiB (4
# reads, 7 syscalls) 11000, 11300 and 11400 ns.
rows_of "$html" >"$tmp/rows"
src_i='guest (icount), 4KiB files'
expect_row "$tmp/rows" "one kernel crossing (null syscall, getppid) | 190 | 189-191 ns 95% CI, calibrated | $src_i" argument
# (6700 - 6000 + 3 crossings saved x 190) / 5 atoms = 254.
expect_row "$tmp/rows" "interpreting one atom, in the kernel | 254 | (atoms-kernel - baseline_sync + crossings saved x null syscall) / atoms per file, hot, 10 files | $src_i" argument
# (6500 - 6000) / 1 upcall.
expect_row "$tmp/rows" "one clet upcall round trip, in the kernel | 500 | (clets-kernel - baseline_sync) / upcalls per file, hot, 10 files | $src_i" argument
# Overhead per syscall of the loop: atoms-kernel 700/4 = 175 and 300/7 =
# 42.9, clets-kernel 500/4 = 125 and 400/7 = 57.1; the differences +50 and
# -14.3 cross at 50/64.3 = 0.778 of the log2 step from 1 to 4 reads:
# 2^(2 x 0.778) = 2.94.
expect_row "$tmp/rows" "break-even chain length, clets-kernel vs atoms-kernel | 2.94 | reads per file where the hot overhead per syscall crosses, measured over 1-4 reads: clets-kernel is cheaper below, atoms-kernel above | $src_i" argument
# icount has no cold run: tcg's baseline_sync, 107000 - 7000.
expect_row "$tmp/rows" "one cache miss, blocking (per file) | 100000 | baseline_sync cold - hot, 10 files | guest (tcg), 4KiB files" argument
# Only the host ran clets-threads: 12500 - 2500.
expect_row "$tmp/rows" "one clet upcall round trip, thread pool (stand-in) | 10000 | (clets-threads/c1 - baseline_sync) / 1 upcalls per file, hot, 10 files | host (native), 4KiB files" argument
if grep -q 'needs atoms-kernel\|needs clets-kernel' "$tmp/rows"; then
	echo "FAIL: the argument table greys out kernel rows that guest runs fill:"
	grep 'needs atoms-kernel\|needs clets-kernel' "$tmp/rows" | sed 's/^/    /'
	fail=1
fi

# The decomposition, each backend's atoms at its own null-atom cost.
# icount: work = 6000 - 4 x 190 = 5240.  atoms-user: 4 x 190 = 760
# crossings, 5 atoms x 90 (its null atom minus the null syscall each atom
# issues) = 450.  atoms-kernel: 1 x 190, 5 atoms x 140 (its whole null
# atom: in the kernel an atom issues no syscall) = 700, where the
# user-space price would give 450.  clets-kernel: 5 x 190 = 950.
table_after "$html" "guest (icount), 4KiB files, 10 files hot: modelled overhead vs measured" >"$tmp/dec"
expect_row "$tmp/dec" "baseline_sync | 5240 | 760 | 0 | 6000 | 6000 | 0 | -" "icount decomposition"
expect_row "$tmp/dec" "atoms-user | 5240 | 760 | 450 | 6450 | 6600 | 150 | -" "icount decomposition"
expect_row "$tmp/dec" "atoms-kernel/c1 | 5240 | 190 | 700 | 6130 | 6700 | 570 | -" "icount decomposition"
expect_row "$tmp/dec" "atoms-kernel/c16 | 5240 | 190 | 700 | 6130 | 6650 | 520 | -" "icount decomposition"
expect_row "$tmp/dec" "clets-kernel | 5240 | 950 | 0 | 6190 | 6500 | 310 | -" "icount decomposition"
# tcg: null syscall 200, work = 7000 - 800 = 6200; atoms-user 5 x 100,
# atoms-kernel 5 x 150; cold medians beside.
table_after "$html" "guest (tcg), 4KiB files, 10 files hot: modelled overhead vs measured" >"$tmp/dec"
expect_row "$tmp/dec" "atoms-user | 6200 | 800 | 500 | 7500 | 7600 | 100 | 108000" "tcg decomposition"
expect_row "$tmp/dec" "atoms-kernel/c1 | 6200 | 200 | 750 | 7150 | 7500 | 350 | 117500" "tcg decomposition"

## Without matplotlib in the first python3 on PATH

out=$(PATH=$tmp/bin:$PATH SYSLETBENCH_SYSTEM_PYTHON=$tmp/bin/python3 \
	"$top/plots/report.py" -o "$tmp/none" "$multi" 2>&1)
rc=$?
if [ "$rc" != 3 ]; then
	echo "FAIL: without any matplotlib report.py exited $rc, not 3"
	fail=1
fi
if [ "$(printf '%s\n' "$out" | wc -l)" != 1 ] ||
	! printf '%s\n' "$out" | grep -q 'apt-get install python3-matplotlib'; then
	echo "FAIL: without any matplotlib, not one line saying what to install:"
	printf '%s\n' "$out" | sed 's/^/    /'
	fail=1
fi
[ ! -e "$tmp/none" ] || { echo "FAIL: wrote output without matplotlib"; fail=1; }

[ "$fail" = 0 ] && echo "PASS: test_report"
exit "$fail"
