#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fails if the uapi header carried by kernel/patches differs from
# atoms/syslet.h by one byte: user space and kernel must agree on the ABI.
# Reconstructs include/uapi/linux/syslet.h from the patch that creates it.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
hdr=$top/atoms/syslet.h
patches=("$top"/kernel/patches/*.patch)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

found=
for p in "${patches[@]}"; do
	if grep -q '^+++ b/include/uapi/linux/syslet.h$' "$p"; then
		[ -z "$found" ] || { echo "check-uapi: FAIL: more than one patch touches the uapi header ($found, $p)"; exit 1; }
		found=$p
	fi
done
[ -n "$found" ] || { echo "check-uapi: FAIL: no patch creates include/uapi/linux/syslet.h"; exit 1; }
grep -q '^--- /dev/null$' "$found" ||
	{ echo "check-uapi: FAIL: $found must create the header, not modify it"; exit 1; }

# Apply just that file's hunk to an empty tree.
(cd "$tmp" && git init -q && git apply --include=include/uapi/linux/syslet.h "$found") ||
	{ echo "check-uapi: FAIL: cannot extract the header from $found"; exit 1; }
if cmp -s "$hdr" "$tmp/include/uapi/linux/syslet.h"; then
	echo "check-uapi: PASS: $(basename "$found") carries atoms/syslet.h unchanged"
	exit 0
fi
echo "check-uapi: FAIL: include/uapi/linux/syslet.h in $(basename "$found") differs from atoms/syslet.h:"
diff -u "$hdr" "$tmp/include/uapi/linux/syslet.h" | head -20
exit 1
