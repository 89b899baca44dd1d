#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Record what ran a guest run in its results.json, as one "guest" object.

    harness/guest/record_provenance.py GUEST_DIR PROVENANCE_JSON

PROVENANCE_JSON is what kernel/guest/run-guest.sh --provenance wrote: the
accelerator, the icount options, QEMU's disk cache mode (whether a guest
cold read reached the host's storage), the kernel image's build key and
the hash of its patch series. With SYSLETBENCH_GIT_COMMIT set (run_all.sh
and ci_gate.sh set it to the tree's commit) it also replaces git_commit:
the guest's static binary knows only the commit its build directory was
configured at. Only json from the standard library: this runs under any
python3. Exit 2 on bad input.
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: record_provenance.py GUEST_DIR "
                         "PROVENANCE_JSON\n")
        return 2
    path = os.path.join(sys.argv[1], "results.json")
    try:
        with open(path) as f:
            results = json.load(f)
        with open(sys.argv[2]) as f:
            results["guest"] = json.load(f)
        if os.environ.get("SYSLETBENCH_GIT_COMMIT"):
            results["git_commit"] = os.environ["SYSLETBENCH_GIT_COMMIT"]
    except (OSError, ValueError) as e:
        sys.stderr.write("record_provenance: %s\n" % e)
        return 2
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps(results, indent=1) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
