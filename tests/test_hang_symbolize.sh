#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/guest/hang_symbolize.py on gdb's output for two vCPUs (the format
# of gdb 13 against QEMU's gdbstub): kernel instruction pointers and stack
# words inside the text are named symbol+offset from a System.map, data
# words and user-mode vCPUs are not, a word repeated next to itself is
# shown once, and bad usage exits 2.
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$top/tests/guest/hang_symbolize.py
name=test_hang_symbolize
# shellcheck source=tests/tool_checks.sh
. "$top/tests/tool_checks.sh"
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
want="sample 1 vCPU 1: kernel rip __task_pid_nr_ns+0xa
    __x64_sys_getppid+0x6c
    __syslet_run_chain.constprop.0+0x86
sample 1 vCPU 2: user rip 0x401000"
if expect 0 named "$tmp/System.map" "$tmp/samples.txt" &&
	[ "$(cat "$tmp/named.out")" != "$want" ]; then
	echo "FAIL: named: output:"
	sed 's/^/    /' "$tmp/named.out"
	echo "  expected:"
	printf '%s\n' "$want" | sed 's/^/    /'
	fail=1
fi
expect 2 usage "$tmp/System.map"
finish
