#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# harness/perf_fold.py on a made-up `perf script` output: only the worker's
# samples count (not the root pid, not the root's shell before its exec,
# not another program), stacks fold outermost first with kernel frames
# marked _[k], leaves split into user and kernel tables, and bad input
# exits 2.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cat >"$tmp/script.txt" <<'TXT'
sh 100/100 cpu-clock:
	           1489e _dl_start (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)

sysletbench 100/100 cpu-clock:
	ffffffff81000010 do_syscall_64 ([kernel.kallsyms])
	            5000 getppid (/usr/lib/x86_64-linux-gnu/libc.so.6)

sysletbench 101/101 cpu-clock:
	ffffffff81000010 do_syscall_64 ([kernel.kallsyms])
	ffffffff81000000 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
	            6000 read (/usr/lib/x86_64-linux-gnu/libc.so.6)
	            7000 sync_run (/work/build/sysletbench)

sysletbench 101/102 cpu-clock:
	            6000 read (/usr/lib/x86_64-linux-gnu/libc.so.6)
	            7000 sync_run (/work/build/sysletbench)

sysletbench 101/101 cpu-clock:
	ffffffff81000010 do_syscall_64 ([kernel.kallsyms])
	ffffffff81000000 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
	            6000 read (/usr/lib/x86_64-linux-gnu/libc.so.6)
	            7000 sync_run (/work/build/sysletbench)

systemd-detect- 103/103 cpu-clock:
	            8000 main (/usr/bin/systemd-detect-virt)

sysletbench 101/101 cpu-clock:
	ffffffff81000099 [unknown] ([unknown])
	               0 [unknown] ([unknown])
TXT
python3 "$top/harness/perf_fold.py" "$tmp/script.txt" 100 baseline_sync "$tmp/b" || fail=1
cat >"$tmp/want.folded" <<'TXT'
baseline_sync;[unknown];[unknown]_[k] 1
baseline_sync;sync_run;read 1
baseline_sync;sync_run;read;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k] 2
TXT
diff -u "$tmp/want.folded" "$tmp/b.folded" || { echo "FAIL: folded stacks differ"; fail=1; }
python3 - "$tmp/b.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
want = {"samples": 4, "user_samples": 1, "kernel_samples": 3,
        "kernel_unresolved_leaves": 1, "events": {"cpu-clock": 4}}
got = {k: j[k] for k in want}
assert got == want, got
assert j["kernel"][0] == {"function": "do_syscall_64",
                          "object": "[kernel.kallsyms]", "samples": 2,
                          "percent": 50.0}, j["kernel"]
assert j["user"] == [{"function": "read", "object": "libc.so.6",
                      "samples": 1, "percent": 25.0}], j["user"]
PY
grep -q '^| do_syscall_64 | \[kernel.kallsyms\] | 2 | 50.0 |$' "$tmp/b.md" ||
	{ echo "FAIL: the markdown table lacks do_syscall_64"; cat "$tmp/b.md"; fail=1; }
python3 "$top/harness/perf_fold.py" "$tmp/script.txt" 999 x "$tmp/c" >/dev/null 2>&1
[ $? = 1 ] || { echo "FAIL: a root pid with no worker samples should exit 1"; fail=1; }
for args in "" "$tmp/script.txt" "$tmp/script.txt notapid x $tmp/d" "/nonexistent 1 x $tmp/d"; do
	# shellcheck disable=SC2086 # one word per argument
	python3 "$top/harness/perf_fold.py" $args >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || { echo "FAIL: perf_fold.py $args exited $rc, not 2"; fail=1; }
done
[ "$fail" = 0 ] && echo "PASS: perf_fold"
exit "$fail"
