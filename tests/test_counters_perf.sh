#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The harness's perf_event_open counters against perf stat, once: the same
# work (N fresh pages faulted in, by tests/unit/counters_probe.c) counted by
# both. perf stat counts the whole process, so the work's share is the
# difference between two runs (N and 0 pages); the harness counts only the
# interval around it. page-faults is the software counter that makes this
# meaningful without a PMU; with one, instructions are compared too.
set -u
probe=${1:?usage: test_counters_perf.sh path/to/counters_probe}
if ! perf stat -e task-clock true >/dev/null 2>&1; then
	echo "SKIP: perf stat does not run here (install linux-perf, or lower kernel.perf_event_paranoid)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pages=2000
fail=0

# perf stat's count of EVENT for the probe with PAGES pages (CSV mode).
perf_count() {
	perf stat -x, -e "$1" -o "$tmp/stat" -- "$probe" "$2" >"$tmp/probe.$2" || return 1
	awk -F, -v ev="$1" '$3 == ev || $3 ~ "^"ev":" { print $1 }' "$tmp/stat" | head -n 1
}
harness_count() { awk -v ev="$1" '$1 == ev { print $2 }' "$tmp/probe.$2"; }

# within A B TOLERANCE: |A - B| <= TOLERANCE
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

compare() {
	local ev=$1 tolerance=$2 full empty mine
	if ! full=$(perf_count "$ev" "$pages") || ! empty=$(perf_count "$ev" 0); then
		echo "FAIL: perf stat -e $ev failed"
		fail=1
		return
	fi
	mine=$(harness_count "$ev" "$pages")
	echo "$ev: perf stat $full (N=$pages) - $empty (N=0) = $((full - empty)); harness interval $mine"
	case "$mine" in
	'' | unsupported) echo "FAIL: the harness did not count $ev"; fail=1; return ;;
	esac
	within "$((full - empty))" "$mine" "$tolerance" ||
		{ echo "FAIL: $ev: perf stat's difference and the harness disagree by more than $tolerance"; fail=1; }
}

# Each page one fault; the interval may take a few more (stack, the
# counters' own reads), and so may the process around it.
compare page-faults 16
within "$(harness_count page-faults "$pages")" "$pages" 16 ||
	{ echo "FAIL: the harness counted $(harness_count page-faults "$pages") faults for $pages pages"; fail=1; }
if [ "$(harness_count instructions "$pages")" = unsupported ]; then
	echo "no PMU here: instructions not compared ($(harness_count instructions "$pages") in the harness, as perf stat says: $(perf stat -x, -e instructions true 2>&1 | head -n 1))"
else
	# 1% of the work, and a little for the interval's edges.
	compare instructions "$(( pages * 20 / 100 + 2000 ))"
fi
[ "$fail" = 0 ] && echo "PASS: harness counters agree with perf stat"
exit "$fail"
