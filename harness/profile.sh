#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Where each backend spends its time, by Linux perf: for every backend of a
# results directory, its hot configuration runs again under `perf record -g`
# and its worker's samples become a table of the hottest functions (user
# and kernel apart) and flame-graph stacks, in RUN_DIR/profile/.
#
#   harness/profile.sh RUN_DIR [--build DIR] [--data-dir DIR] [--freq HZ]
#                      [--call-graph fp|dwarf] [--backends LIST]
#
# The hot configuration of a backend: its hot-cache configuration in
# RUN_DIR with one chain in flight (else the fewest), 4 KiB files (else
# the smallest size), the email shape first, and the most files. The event
# is cycles where a PMU counts them, else cpu-clock (the software clock);
# profile.md says which, and whether kernel symbols were readable (as root
# with kernel.kptr_restrict <= 1; else kernel frames stay unnamed and only
# the user side names functions). --call-graph dwarf unwinds user frames of
# code built without frame pointers (the default fp names the leaf
# exactly, and its callers only where frame pointers exist).
#
# Writes profile/profile.md (every backend's tables), BACKEND.folded
# (flamegraph.pl / inferno-flamegraph input), BACKEND.json, BACKEND.md and
# BACKEND.perf.data (for perf report). Exit 2 on bad input, 1 when perf
# cannot record here.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage="usage: harness/profile.sh RUN_DIR [--build DIR] [--data-dir DIR] [--freq HZ] [--call-graph fp|dwarf] [--backends LIST]"
run=${1:-}
run=${run%/}
case "$run" in "" | -h | --help) echo "$usage" >&2; exit 2 ;; esac
shift
build=$top/build
data=$top/data
freq=4000
call_graph=fp
only=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || { echo "profile.sh: $1 needs a value ($usage)" >&2; exit 2; }
	case "$1" in
	--build) build=$2 ;;
	--data-dir) data=$2 ;;
	--freq) freq=$2 ;;
	--call-graph) call_graph=$2 ;;
	--backends) only=$2 ;;
	*) echo "profile.sh: unknown option $1 ($usage)" >&2; exit 2 ;;
	esac
	shift 2
done
case "$call_graph" in fp | dwarf) ;; *) echo "profile.sh: --call-graph fp or dwarf" >&2; exit 2 ;; esac
case "$freq" in '' | *[!0-9]*) echo "profile.sh: --freq wants a number of Hz" >&2; exit 2 ;; esac
[ -r "$run/results.json" ] || { echo "profile.sh: $run/results.json not found" >&2; exit 2; }
[ -x "$build/sysletbench" ] || { echo "profile.sh: $build/sysletbench is not built" >&2; exit 2; }
python=python3
command -v "$python" >/dev/null || { echo "profile.sh: python3 is needed" >&2; exit 1; }
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

out=$run/profile
mkdir -p "$out"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sysletbench-profile.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Debian's perf is built for its own kernel series; it runs on others and
# must at least record the software clock here.
if ! perf record -q -e cpu-clock -o "$scratch/probe.data" true >/dev/null 2>"$scratch/probe.err"; then
	echo "profile.sh: perf cannot record here: $(tail -n 1 "$scratch/probe.err")" >&2
	exit 1
fi
if perf stat -x, -e cycles true 2>&1 >/dev/null | grep -q '^[0-9]'; then
	event=cycles
	event_why="a PMU counts cycles here"
else
	event=cpu-clock
	event_why="no PMU here (perf stat: cycles <not supported>): the software clock"
fi
# Kernel symbols: named when /proc/kallsyms shows addresses to this user.
if awk '$1 != "0000000000000000" { found = 1; exit } END { exit !found }' /proc/kallsyms 2>/dev/null; then
	ksyms="readable"
	events=$event
else
	ksyms="unreadable (kernel.kptr_restrict $(cat /proc/sys/kernel/kptr_restrict 2>/dev/null || echo ?), uid $(id -u)): user side only"
	events=$event:u
fi
cg=(-g)
[ "$call_graph" = dwarf ] && cg=(--call-graph dwarf)

# One line per backend: name files size concurrency shape, its hot configuration.
"$python" - "$run/results.json" "$only" >"$scratch/configs" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
only = set(filter(None, sys.argv[2].split(",")))
best = {}
for c in j["configs"]:
    if c["cache"] != "hot" or c["error"] or not c["ns_per_file"]["n"]:
        continue
    if only and c["backend"] not in only:
        continue
    rank = (c["concurrency"] != 1, c["concurrency"], c["file_size"] != 4096,
            c["file_size"], c.get("shape", "email") != "email", -c["files"])
    if c["backend"] not in best or rank < best[c["backend"]][0]:
        best[c["backend"]] = (rank, c)
for name, (_, c) in best.items():
    print(name, c["files"], c["file_size"], c["concurrency"],
          c.get("shape", "email"))
PY
[ -s "$scratch/configs" ] || { echo "profile.sh: no hot configuration with numbers in $run${only:+ for $only}" >&2; exit 2; }

{
	echo "# Profile of $(basename "$run")"
	echo
	echo "Measured on the host ($(uname -r)) with $(perf --version), by"
	echo "harness/profile.sh: \`perf record ${cg[*]} -e $events -F $freq\` around"
	echo "each backend's hot configuration, the samples of its worker process only."
	echo
	echo "- event: **$event** ($event_why)"
	echo "- kernel symbols: $ksyms"
	echo "- call graphs: $call_graph$([ "$call_graph" = fp ] && echo ' (leaf exact; user callers only where frame pointers exist)')"
	echo
} >"$out/profile.md"

status=0
while read -r backend files size conc shape; do
	echo "profile.sh: $backend: $files x $size B, hot, $conc in flight, $shape shape ($event)" >&2
	prefix=$out/$backend
	# The shell's pid is the harness's: exec keeps it, so the worker
	# processes are the others.
	# shellcheck disable=SC2016 # $$, $0 and $@ are the inner shell's
	if ! perf record -q "${cg[@]}" -e "$events" -F "$freq" -o "$prefix.perf.data" -- \
		sh -c 'echo $$ >"$0"; exec "$@"' "$scratch/pid" \
		"$build/sysletbench" run -q -b "$backend" -n "$files" -s "$size" \
		-c hot -j "$conc" --shapes "$shape" -r 10 -m 100 \
		-d "$data" -o "$scratch/results" >/dev/null 2>"$scratch/record.err"; then
		echo "profile.sh: $backend: perf record failed: $(tail -n 2 "$scratch/record.err")" >&2
		status=1
		continue
	fi
	perf script -i "$prefix.perf.data" -F comm,pid,tid,event,ip,sym,dso \
		>"$scratch/script.txt" 2>/dev/null
	if ! "$python" "$top/harness/perf_fold.py" "$scratch/script.txt" \
		"$(cat "$scratch/pid")" "$backend" "$prefix"; then
		status=1
		continue
	fi
	{
		cat "$prefix.md"
		echo "Configuration: $files files of $size B, hot cache, $conc in flight, $shape shape."
		echo
	} >>"$out/profile.md"
done <"$scratch/configs"
echo "profile.sh: $out/profile.md (event $event, kernel symbols $ksyms)" >&2
exit "$status"
