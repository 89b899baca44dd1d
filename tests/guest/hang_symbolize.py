#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Name the addresses in hang-debug.sh's gdb samples with a System.map.

Usage: hang_symbolize.py SYSTEM_MAP GDB_SAMPLES

Per sample and vCPU: the instruction pointer as symbol+offset, and the
kernel text addresses found on the stack from the stack pointer up (return
addresses, and stale words a crude scan cannot tell from them).
"""
import bisect
import re
import sys

STACK_WORDS_SHOWN = 24


def load_map(path):
    addrs, names = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                addrs.append(int(parts[0], 16))
                names.append(parts[2])
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    addrs = [addrs[i] for i in order]
    names = [names[i] for i in order]
    text = (addrs[0], addrs[-1]) if addrs else (0, 0)
    return addrs, names, text


def name(addr, addrs, names):
    i = bisect.bisect_right(addrs, addr) - 1
    if i < 0:
        return hex(addr)
    return "%s+%#x" % (names[i], addr - addrs[i])


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    addrs, names, (lo, hi) = load_map(sys.argv[1])
    sample, thread = None, None
    regs, stack = {}, {}

    def flush():
        for t in sorted(set(regs) | set(stack)):
            r = regs.get(t, {})
            rip = r.get("rip")
            where = "user" if r.get("cs", 0) & 3 else "kernel"
            line = "sample %s vCPU %s: %s rip %s" % (
                sample, t, where,
                name(rip, addrs, names) if rip and where == "kernel"
                else hex(rip or 0))
            print(line)
            if where == "kernel":
                seen = []
                for w in stack.get(t, []):
                    if lo <= w <= hi and (not seen or seen[-1] != w):
                        seen.append(w)
                for w in seen[:STACK_WORDS_SHOWN]:
                    print("    " + name(w, addrs, names))
        regs.clear()
        stack.clear()

    with open(sys.argv[2]) as f:
        for line in f:
            m = re.match(r"=== sample (\d+)", line)
            if m:
                if sample is not None:
                    flush()
                sample = m.group(1)
                continue
            m = re.match(r"Thread (\d+) ", line)
            if m:
                thread = int(m.group(1))
                continue
            m = re.match(r"(rip|rsp|cs)\s+(0x[0-9a-f]+)", line)
            if m and thread is not None:
                regs.setdefault(thread, {})[m.group(1)] = int(m.group(2), 16)
                continue
            m = re.match(r"0x[0-9a-f]+:\s+(.*)", line)
            if m and thread is not None:
                stack.setdefault(thread, []).extend(
                    int(w, 16) for w in m.group(1).split())
    if sample is not None:
        flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
