#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# harness/profile.sh on a small run: the profile exists, says which event
# it used (cycles with a PMU, else cpu-clock), its folded stacks have the
# flame-graph format, and it names baseline_sync's hot functions: the
# system-call entry where kernel symbols are readable (else it says they
# are not, and the user side must name the libc calls or the loop).
set -u
bin=${1:?usage: test_profile.sh path/to/sysletbench}
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v perf >/dev/null || ! perf record -q -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
	echo "SKIP: perf cannot record here (apt-get install linux-perf; kernel.perf_event_paranoid)"
	exit 77
fi
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! "$@"; then echo "FAIL: $*"; fail=1; fi; }

dir=$("$bin" run -q -d "$tmp/data" -o "$tmp/results" -b baseline_sync,atoms-user \
	-n 10 -c hot -j 1 -r 3 -m 1 --shapes email) || { echo "FAIL: the run exited $?"; exit 1; }
"$top/harness/profile.sh" "$dir" --build "$(dirname "$bin")" --data-dir "$tmp/data" \
	--backends baseline_sync 2>"$tmp/err" || { echo "FAIL: profile.sh exited $?:"; cat "$tmp/err"; exit 1; }
md=$dir/profile/profile.md
folded=$dir/profile/baseline_sync.folded
check test -s "$md"
check test -s "$folded"
check test ! -e "$dir/profile/atoms-user.folded" # --backends chose one
if perf stat -x, -e cycles true 2>&1 >/dev/null | grep -q '^[0-9]'; then event=cycles; else event=cpu-clock; fi
check grep -q "^- event: \*\*$event\*\*" "$md"
check grep -q "event $event" "$tmp/err"
# flamegraph.pl's input: frames joined by ';', a space, a count.
check test "$(grep -cvE '^baseline_sync(;[^; ]+)+ [0-9]+$' "$folded")" = 0
if grep -q '^- kernel symbols: readable' "$md"; then
	check grep -qE '(entry_SYSCALL_64[a-z_]*|do_syscall_64)_\[k\]' "$folded"
	# Which kernel functions lead on self time depends on the host's
	# kernel (on a 6.18 guest kernel pvm_irq_enable took 29% and the entry
	# code fell out of the top 15): ask for any of the open/read/close path.
	check grep -qE '^\| (do_syscall_64|entry_SYSCALL_64[a-z_]*|x64_sys_call|syscall_[a-z_]+|__x64_sys_[a-z0-9_]+|link_path_walk|__?d_lookup[a-z_]*|path_[a-z_]+|vfs_read|filemap_[a-z_]+|ext4_file_[a-z_]+|_copy_to_iter|copy_user[a-z_]*|fdget[a-z_]*|do_dentry_open|do_sys_open[a-z0-9_]*|do_filp_open|__fput|fput) \| \[kernel' "$md"
else
	check grep -q '^- kernel symbols: unreadable' "$md"
	echo "kernel symbols unreadable here: checking the user side only"
fi
check grep -qE '^\| (read|__libc_read|__GI___libc_open|__open64|__close|__GI___close|sync_run) ' "$md"
if [ "$fail" = 0 ]; then
	echo "PASS: $(grep -m1 'samples in the worker' "$md")"
else
	sed 's/^/    /' "$md"
fi
exit "$fail"
