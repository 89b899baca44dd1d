#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Is the running kernel the patched one? One line either way.

    harness/native_check.py [SERIES_HASH]

Calls syslet_info (the number, magic and ABI version are read from
atoms/syslet.h, the one copy the kernel series carries too) and checks
the magic and the ABI version. The kernel release names the series when
kernel/build.sh --deb built it (LOCALVERSION -syslet-<hash>); given
SERIES_HASH (kernel/build.sh --key's "series"), a release naming another
series is refused as well. Prints one line on stdout and exits 0 when the
kernel answers; else prints one line on stderr saying what to build and
boot, and exits 2. Runs before anything is built or installed: standard
library only.
"""
import ctypes
import errno
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(TOP, "atoms", "syslet.h")
REMEDY = ("build and boot the patched kernel: kernel/build.sh --deb, then "
          "README.md 'On real hardware'")


class SysletInfo(ctypes.Structure):
    """struct syslet_info's head: the fields the handshake reads."""
    _fields_ = [("magic", ctypes.c_uint64), ("abi_version", ctypes.c_uint32),
                ("max_atoms", ctypes.c_uint32),
                ("counters", ctypes.c_uint64 * 4),
                ("reserved", ctypes.c_uint64 * 4)]


def header_constants():
    """SYSLET_NR_INFO, SYSLET_MAGIC and SYSLET_ABI_VERSION from syslet.h."""
    defines = {}
    with open(HEADER) as f:
        for line in f:
            m = re.match(r"#define\s+(SYSLET_\w+)\s+([^/]+?)\s*(/\*.*)?$", line)
            if m:
                defines[m.group(1)] = m.group(2)

    def number(name):
        value = defines[name]
        base = re.fullmatch(r"\((SYSLET_\w+)\s*\+\s*(\d+)\)", value)
        if base:
            return number(base.group(1)) + int(base.group(2))
        return int(value.rstrip("ULul"), 0)
    return (number("SYSLET_NR_INFO"), number("SYSLET_MAGIC"),
            number("SYSLET_ABI_VERSION"))


def syslet_info(nr):
    """(0, struct syslet_info) from system call nr, or (errno, None)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    info = SysletInfo()
    ret = libc.syscall(ctypes.c_long(nr), ctypes.byref(info),
                       ctypes.c_uint(ctypes.sizeof(info)))
    return (ctypes.get_errno(), None) if ret < 0 else (0, info)


def release():
    return os.uname().release


def refuse(why):
    sys.stderr.write("run_all.sh --native: not the syslet kernel (%s, "
                     "release %s): %s\n" % (why, release(), REMEDY))
    return 2


def main():
    if len(sys.argv) > 2:
        sys.stderr.write("usage: native_check.py [SERIES_HASH]\n")
        return 2
    want_series = sys.argv[1] if len(sys.argv) == 2 else None
    if os.uname().machine != "x86_64":
        return refuse("the series is for x86_64, this is %s"
                      % os.uname().machine)
    nr, magic, abi = header_constants()
    err, info = syslet_info(nr)
    if err:
        return refuse("syscall %d answers %s" % (
            nr, errno.errorcode.get(err, str(err))))
    if info.magic != magic:
        return refuse("syscall %d is not syslet_info: magic %#x" %
                      (nr, info.magic))
    if info.abi_version != abi:
        return refuse("syslet ABI %d, this tree speaks %d" %
                      (info.abi_version, abi))
    m = re.search(r"-syslet-([0-9a-f]{8,16})", release())
    if not m:
        series = "series hash not exposed (no -syslet-<hash> in the release)"
    elif want_series and not want_series.startswith(m.group(1)):
        return refuse("it runs series %s, this tree's is %s" %
                      (m.group(1), want_series))
    else:
        series = "series %s (from the release)" % m.group(1)
    print("syslet kernel %s: magic ok, ABI %d, %s" %
          (release(), abi, series))
    return 0


if __name__ == "__main__":
    sys.exit(main())
