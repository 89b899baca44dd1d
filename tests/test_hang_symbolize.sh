#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/guest/hang_symbolize.py on gdb's output for two vCPUs (the format
# of gdb 13 against QEMU's gdbstub): kernel instruction pointers and stack
# words inside the text are named symbol+offset from a System.map, data
# words and user-mode vCPUs are not, repeated words are shown once, and
# bad usage exits 2.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
tool=$top/tests/guest/hang_symbolize.py
cat >"$tmp/System.map" <<'MAP'
ffffffff81000000 T _stext
ffffffff81055f00 T __task_pid_nr_ns
ffffffff81056000 T __x64_sys_getppid
ffffffff81099700 t __syslet_run_chain.constprop.0
ffffffff81200000 D some_data
ffffffff81600100 T _etext
MAP
cat >"$tmp/samples.txt" <<'GDB'
=== sample 1
0xffffffff8105da5a in ?? ()

Thread 2 (Thread 1.2 (CPU#1 [running])):
rip            0x401000            0x401000
rsp            0x7ffc00001000      0x7ffc00001000
cs             0x33                51

Thread 1 (Thread 1.1 (CPU#0 [running])):
rip            0xffffffff81055f0a  0xffffffff81055f0a
rsp            0xffffc90005463da0  0xffffc90005463da0
cs             0x10                16

Thread 1 (Thread 1.1 (CPU#0 [running])):
0xffffc90005463da0:	0xffffffff8105606c	0xffffffff8105606c
0xffffc90005463db0:	0xffff888000aaca00	0xffffffff81099786
[Inferior 1 (process 1) detached]
GDB
out=$(python3 "$tool" "$tmp/System.map" "$tmp/samples.txt")
rc=$?
want="sample 1 vCPU 1: kernel rip __task_pid_nr_ns+0xa
    __x64_sys_getppid+0x6c
    __syslet_run_chain.constprop.0+0x86
sample 1 vCPU 2: user rip 0x401000"
if [ "$rc" != 0 ] || [ "$out" != "$want" ]; then
	echo "FAIL: exit $rc, output:"
	echo "$out" | sed 's/^/    /'
	echo "  expected:"
	echo "$want" | sed 's/^/    /'
	fail=1
fi
python3 "$tool" "$tmp/System.map" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || { echo "FAIL: one argument: exit $rc, expected 2"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: test_hang_symbolize"
exit "$fail"
