#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# plot.sh RESULTS_DIR [LABEL]
#
# Renders the charts of one sysletbench results directory from its
# summary.csv into RESULTS_DIR/charts/, as PNG and SVG, one set per
# (target, accel, file_size, chain shape) present; <size> below is followed
# by -email or -cursor, and every title names the shape, where summary.csv
# has a shape column:
#
#   <target>-<accel>-<size>-ns_per_file.{png,svg}  ns/file vs file count,
#       median with its CI band (the legend names the real level), one
#       panel per cache state
#   <target>-<accel>-<size>-speedup.{png,svg}      speedup vs baseline_sync
#   <target>-<accel>-<size>-syscalls.{png,svg}     syscalls per file (hot,
#       largest file count) and time per file in null syscalls
#
# LABEL, if given, is appended to every chart title (e.g. a kernel version
# or a date).  Data extraction is plots/extract.py (python3, stdlib only);
# all drawing is gnuplot (plots/*.gp).  PNGs use the pngcairo terminal and
# fall back to gnuplot's libgd png terminal where pngcairo is missing.
#
# Exit status: 0 when every chart was drawn, 1 on a missing input, a missing
# tool or a failed chart, 2 on bad usage.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=plot.sh

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
	echo "usage: $prog RESULTS_DIR [LABEL]" >&2
	exit 2
fi
results=$1
label=${2:-}
summary=$results/summary.csv

if [ ! -d "$results" ]; then
	echo "$prog: $results: no such results directory" >&2
	exit 1
fi
if [ ! -f "$summary" ]; then
	echo "$prog: $summary is missing: nothing to plot (run the benchmark first)" >&2
	exit 1
fi
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "$prog: gnuplot not found (Debian: apt-get install gnuplot-nox)" >&2
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "$prog: python3 not found (Debian: apt-get install python3)" >&2
	exit 1
fi

# pngcairo gives anti-aliased lines and translucent CI bands; gnuplot-nox
# on Debian has it.  The libgd png terminal is the fallback.
if gnuplot -e 'set terminal pngcairo' </dev/null >/dev/null 2>&1; then
	pngterm=pngcairo
else
	pngterm=png
	echo "$prog: warning: gnuplot lacks the pngcairo terminal; using png (no translucent bands)" >&2
fi
if ! gnuplot -e 'set terminal svg' </dev/null >/dev/null 2>&1; then
	echo "$prog: gnuplot lacks the svg terminal" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sysletbench-plot.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

if ! python3 "$here/extract.py" "$summary" "$work" "$label"; then
	echo "$prog: nothing to plot from $summary" >&2
	exit 1
fi

charts=$results/charts
mkdir -p "$charts" || exit 1

failed=0
drawn=0
# render SCRIPT GROUPDIR OUTBASE
render() {
	local gp=$1 gdir=$2 out=$3 fmt ext log
	for fmt in png svg; do
		ext=$fmt
		log=$work/gnuplot.log
		if gnuplot -c "$here/$gp" "$gdir" "$out.$ext.tmp" "$fmt" \
			"$pngterm" "$here" </dev/null >"$log" 2>&1 &&
			[ -s "$out.$ext.tmp" ]; then
			mv -f "$out.$ext.tmp" "$out.$ext"
			drawn=$((drawn + 1))
			# gnuplot warnings (e.g. a skipped data file) are kept visible.
			if [ -s "$log" ]; then
				sed "s|^|$prog: $(basename "$out.$ext"): |" "$log" >&2
			fi
		else
			rm -f "$out.$ext.tmp"
			echo "$prog: failed to draw $out.$ext:" >&2
			sed 's/^/    /' "$log" >&2
			failed=1
		fi
	done
}

while IFS=$'\t' read -r gdir name has_ns has_sp has_sys; do
	[ -n "$gdir" ] || continue
	base=$charts/$name
	if [ "$has_ns" = 1 ]; then
		render ns_per_file.gp "$gdir" "$base-ns_per_file"
	else
		echo "$prog: $name: no median_ns values, no ns/file chart" >&2
	fi
	if [ "$has_sp" = 1 ]; then
		render speedup.gp "$gdir" "$base-speedup"
	else
		echo "$prog: $name: no async backend with a speedup, no speedup chart" >&2
	fi
	if [ "$has_sys" = 1 ]; then
		render syscalls.gp "$gdir" "$base-syscalls"
	else
		echo "$prog: $name: no syscall counts, no syscalls chart" >&2
	fi
done <"$work/groups.tsv"

while IFS=$'\t' read -r gdir name; do
	[ -n "$gdir" ] || continue
	render amortization.gp "$gdir" "$charts/$name"
done <"$work/amortization.tsv"

if [ "$drawn" -eq 0 ]; then
	echo "$prog: no chart drawn from $summary" >&2
	exit 1
fi
echo "$prog: $drawn file(s) written to $charts" >&2
exit "$failed"
