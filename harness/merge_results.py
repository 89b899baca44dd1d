#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Merge a guest run into a host results directory.

    harness/merge_results.py HOST_DIR GUEST_DIR [QEMU_VERSION]

The guest directory is copied whole to HOST_DIR/<target>-<accel>/ (for
example guest-tcg/), its summary.csv and results.csv rows are appended to
the host's (both carry target and accel columns, so the charts draw every
target from one file), and the host's results.json lists it under
"merged_runs". The guest cannot see which QEMU ran it: the host passes
QEMU_VERSION, recorded as "qemu_version" in the guest's results.json, so
that harness/compare.py re-bases instead of failing when QEMU changes.
Every file is replaced atomically; exit 2 on bad input.
"""
import csv
import json
import os
import shutil
import sys


def die(msg):
    sys.stderr.write("merge_results: %s\n" % msg)
    sys.exit(2)


def load_json(d):
    try:
        with open(os.path.join(d, "results.json")) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die("%s: %s" % (d, e))


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def append_csv(host_csv, guest_csv):
    with open(host_csv) as f:
        host = f.read()
    with open(guest_csv) as f:
        rows = f.read().splitlines()
    header = host.splitlines()[0]
    if not rows or rows[0] != header:
        die("%s: columns differ from %s" % (guest_csv, host_csv))
    if not host.endswith("\n"):
        host += "\n"
    write_atomic(host_csv, host + "".join(r + "\n" for r in rows[1:]))


def main():
    if len(sys.argv) not in (3, 4):
        die("usage: merge_results.py HOST_DIR GUEST_DIR [QEMU_VERSION]")
    host_dir, guest_dir = sys.argv[1], sys.argv[2]
    host, guest = load_json(host_dir), load_json(guest_dir)
    if len(sys.argv) == 4:
        guest["qemu_version"] = sys.argv[3]
        write_atomic(os.path.join(guest_dir, "results.json"),
                     json.dumps(guest, indent=1) + "\n")
    if host.get("schema") != guest.get("schema"):
        die("schemas differ: %s vs %s" % (host.get("schema"),
                                          guest.get("schema")))
    name = "%s-%s" % (guest["target"], guest["accel"])
    dest = os.path.join(host_dir, name)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(guest_dir, dest)
    for f in ("summary.csv", "results.csv"):
        append_csv(os.path.join(host_dir, f), os.path.join(guest_dir, f))
    merged = [m for m in host.get("merged_runs", []) if m["dir"] != name]
    merged.append({"dir": name, "target": guest["target"],
                   "accel": guest["accel"], "complete": guest["complete"],
                   "kernel_release": guest.get("kernel_release"),
                   "qemu_version": guest.get("qemu_version"),
                   "started": guest.get("started")})
    host["merged_runs"] = merged
    write_atomic(os.path.join(host_dir, "results.json"),
                 json.dumps(host, indent=1) + "\n")
    print(dest)


if __name__ == "__main__":
    main()
