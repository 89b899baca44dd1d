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
#    its make_fixture.py; host and tcg from before chain shapes, icount
#    with both shapes): one section per run, the argument table filled
#    from the runs with the kernel backends (icount first, email shape,
#    the cursor shape beside it) and saying which, and the overhead
#    decomposition, the measured-terms cost model, the cursor - email
#    prediction and the split of the in-kernel upcall, computed by hand
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
for f in guest-icount-10files-email-latency guest-icount-10files-email-speedup \
	guest-icount-10files-cursor-speedup guest-icount-4KiB-email-model \
	guest-icount-4KiB-email-decomposition guest-icount-16KiB-cursor-model \
	guest-tcg-4KiB-hot_cold guest-tcg-4KiB-decomposition \
	host-native-4KiB-latency host-native-4KiB-hot_cold; do
	is_png "$tmp/multi/$f.png" || { echo "FAIL: missing or not a PNG: $f.png"; fail=1; }
done

# Every chart names its shape; a run without one is the cursor shape.
for t in 'guest (icount), 10 files, email shape: speedup vs baseline_sync' \
	'guest (tcg), 4KiB files, cursor shape (no shape recorded: reads at a cursor)'; do
	grep -qF "$t" "$html" || { echo "FAIL: no title naming the shape: '$t'"; fail=1; }
done
if grep -q 'a + b \* syscalls_per_file\|cost model: ns per syscall' "$html"; then
	echo "FAIL: the least-squares syscall fit is still in the report"
	fail=1
fi

# The argument table: each row from the first run that fills it, in the
# order guest-icount, guest-tcg, host; the value in the email shape, the
# cursor shape's beside it.  icount (null syscall 190 ns, buffer 4 KiB, 10
# files, hot, c1), email | cursor: baseline_sync 6000 | 6050 ns at 4 KiB
# (4 syscalls), 11000 | 11050 at 16 KiB (7); atoms-kernel (1 syscall; 4 |
# 5 atoms, 7 | 11) 6700 | 6800 and 11300 | 11700; clets-kernel 6500 | 6560
# and 11800 | 11880.
rows_of "$html" >"$tmp/rows"
src_i='guest (icount), 4KiB files, email shape'
src_t='guest (tcg), 4KiB files, cursor shape (no shape recorded: reads at a cursor)'
src_h='host (native), 4KiB files, cursor shape (no shape recorded: reads at a cursor)'
expect_row "$tmp/rows" "one kernel crossing (null syscall, getppid) | 190 | 190 | 189-191 ns 95% CI, calibrated | $src_i" argument
# (6700 - 6000 + 3 crossings saved x 190) / 4 atoms = 317.5;
# (6800 - 6050 + 570) / 5 = 264.
expect_row "$tmp/rows" "interpreting one atom, in the kernel | 318 | 264 | (atoms-kernel - baseline_sync + crossings saved x null syscall) / atoms per file, hot, 10 files | $src_i" argument
# The model: 450 fixed + 4 atoms x 135 - 4 x 190 = 230; cursor + 1
# umem_add x 97 = 327.  Measured 700: (700 - 230) / 700 = 67%.
expect_row "$tmp/rows" "hot gap model: atoms-kernel - baseline_sync, predicted | 230 | 327 | 450 fixed + 4 atoms x 135 - 4 syscalls x 190 ns; measured +700 ns, the model misses by 67% of the gap | $src_i" argument
# clets-kernel - baseline_sync against reads per file (2 at 4 KiB, 5 at
# 16 KiB): email 500 and 800, a line 300 + 100 x reads; cursor 510 and
# 830: 296.7 + 106.7 x reads.
how='clets-kernel - baseline_sync = fixed + per read x reads per file, least squares over 2 file sizes (2-5 reads), hot, 10 files'
expect_row "$tmp/rows" "one clet upcall round trip, in the kernel: fixed part | 300 | 297 | $how | $src_i" argument
expect_row "$tmp/rows" "a read() while a clet is active, in the kernel: per-read part | 100 | 107 | $how | $src_i" argument
# Overhead per syscall of the loop, email: atoms-kernel 700/4 = 175 and
# 300/7 = 42.9, clets-kernel 500/4 = 125 and 800/7 = 114.3; the
# differences +50 and -71.4 cross at 50/121.4 = 0.412 of the log2 step
# from 1 to 4 reads: 2^(2 x 0.412) = 1.77.  Cursor: 750/4 = 187.5 and
# 650/7 = 92.9 against 127.5 and 118.6: 60/85.7 = 0.7, 2^1.4 = 2.64.
expect_row "$tmp/rows" "break-even chain length, clets-kernel vs atoms-kernel | 1.77 | 2.64 | reads per file where the hot overhead per syscall crosses, measured over 1-4 reads: clets-kernel is cheaper below, atoms-kernel above | $src_i" argument
# atoms-kernel cursor - email at 4 KiB: 6800 - 6700 = 100, predicted 1
# block x 97 ns (its umem_add marginal cost).
expect_row "$tmp/rows" "cursor - email per file, atoms-kernel, measured | 100 | - | predicted 97 (1 umem_add atoms x 97 ns, null_umem_atom_ns marginal): measured / predicted 1.03; hot, 10 files, one in flight | $src_i" argument
# icount has no cold run: tcg's baseline_sync, 107000 - 7000.
expect_row "$tmp/rows" "one cache miss, blocking (per file) | 100000 | - | baseline_sync cold - hot, 10 files | $src_t" argument
# Only the host ran clets-threads: 12500 - 2500.
expect_row "$tmp/rows" "one clet upcall round trip, thread pool (stand-in) | 10000 | - | (clets-threads/c1 - baseline_sync) / 1 upcalls per file, hot, 10 files | $src_h" argument
if grep -q 'needs atoms-kernel\|needs clets-kernel' "$tmp/rows"; then
	echo "FAIL: the argument table greys out kernel rows that guest runs fill:"
	grep 'needs atoms-kernel\|needs clets-kernel' "$tmp/rows" | sed 's/^/    /'
	fail=1
fi

# cursor - email per size, predicted from null_umem_atom_ns: atoms-user 1
# and 4 blocks x 90 = 90 and 360 against 6700 - 6600 = 100 and 12560 -
# 12200 = 360; atoms-kernel x 97 = 97 and 388 against 100 and 400; the
# loop's own 50 beside.
table_after "$html" "guest (icount): cursor - email per file, hot, one in flight" >"$tmp/shape"
expect_row "$tmp/shape" "atoms-user | 4KiB | 10 | 90 | 100 | 1.11 | 50" "shape difference"
expect_row "$tmp/shape" "atoms-user | 16KiB | 10 | 360 | 360 | 1 | 50" "shape difference"
expect_row "$tmp/shape" "atoms-kernel | 4KiB | 10 | 97 | 100 | 1.03 | 50" "shape difference"
expect_row "$tmp/shape" "atoms-kernel | 16KiB | 10 | 388 | 400 | 1.03 | 50" "shape difference"

# The cost model from measured terms, gap to the loop of the same shape.
# atoms-user email 4 KiB: 120 fixed + 4 x 278 - 4 x 190 = 472, measured
# 600; cursor 16 KiB: 120 + 7 x 278 + 4 umem_add x 90 - 7 x 190 = 1096,
# measured 12560 - 11050 = 1510.
table_after "$html" "guest (icount), 4KiB files, email shape, 10 files hot: cost model from measured terms" >"$tmp/model"
expect_row "$tmp/model" "atoms-user/email | 4 | 4 | 472 | 600 | 128 | 120 fixed + 4 atoms x 278 - 4 syscalls x 190" "cost model"
expect_row "$tmp/model" "atoms-kernel/c1/email | 4 | 4 | 230 | 700 | 470 | 450 fixed + 4 atoms x 135 - 4 syscalls x 190" "cost model"
table_after "$html" "guest (icount), 16KiB files, cursor shape, 10 files hot: cost model from measured terms" >"$tmp/model"
expect_row "$tmp/model" "atoms-user/cursor | 11 | 11 | 1096 | 1510 | 414 | 120 fixed + 7 atoms x 278 + 4 umem_add x 90 - 7 syscalls x 190" "cost model"
# A run from before null_umem_atom_ns cannot price the cursor's atoms.
table_after "$html" "guest (tcg), 4KiB files, cursor shape (no shape recorded: reads at a cursor), 10 files hot: cost model from measured terms" >"$tmp/model"
expect_row "$tmp/model" "atoms-kernel/c1 | 5 | 5 | - | 500 | - | needs the null-atom and umem_add chain costs of atoms-kernel and a null syscall" "cost model"

# The decomposition, each backend's atoms at its own null-atom cost.
# icount email: work = 6000 - 4 x 190 = 5240.  atoms-user: 4 x 190 = 760
# crossings, 4 atoms x 90 (its null atom minus the null syscall each atom
# issues) = 360.  atoms-kernel: 1 x 190, 4 atoms x 140 (its whole null
# atom: in the kernel an atom issues no syscall) = 560.  clets-kernel: 5
# x 190 = 950.
table_after "$html" "guest (icount), 4KiB files, email shape, 10 files hot: modelled overhead vs measured" >"$tmp/dec"
expect_row "$tmp/dec" "baseline_sync/email | 5240 | 760 | 0 | 6000 | 6000 | 0 | -" "icount decomposition"
expect_row "$tmp/dec" "atoms-user/email | 5240 | 760 | 360 | 6360 | 6600 | 240 | -" "icount decomposition"
expect_row "$tmp/dec" "atoms-kernel/c1/email | 5240 | 190 | 560 | 5990 | 6700 | 710 | -" "icount decomposition"
expect_row "$tmp/dec" "clets-kernel/email | 5240 | 950 | 0 | 6190 | 6500 | 310 | -" "icount decomposition"
# icount cursor: work = 6050 - 760 = 5290; the umem_add atom at its own
# null atom: atoms-kernel 4 x 140 + 1 x 100 = 660, atoms-user 4 x 90 + 1
# x 92 = 452.
table_after "$html" "guest (icount), 4KiB files, cursor shape, 10 files hot: modelled overhead vs measured" >"$tmp/dec"
expect_row "$tmp/dec" "atoms-user/cursor | 5290 | 760 | 452 | 6502 | 6700 | 198 | -" "icount cursor decomposition"
expect_row "$tmp/dec" "atoms-kernel/c1/cursor | 5290 | 190 | 660 | 6140 | 6800 | 660 | -" "icount cursor decomposition"
# tcg (no shape, no null_umem_atom_ns: every atom at the getppid atom's
# price, as before): null syscall 200, work = 7000 - 800 = 6200;
# atoms-user 5 x 100, atoms-kernel 5 x 150; cold medians beside.
table_after "$html" "guest (tcg), 4KiB files, cursor shape (no shape recorded: reads at a cursor), 10 files hot: modelled overhead vs measured" >"$tmp/dec"
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
