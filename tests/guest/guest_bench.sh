# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Sourced by the tests that run the harness in the patched guest
# (test_guest_cold.sh, test_guest_read_proof.sh): a skip (77) without QEMU,
# debugfs or python3, $top, $build (from $1), a scratch folder $tmp removed
# on exit, and $host, the smallest host run there is, for run_bench.sh to
# merge the guest's results into.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
for t in qemu-system-x86_64 debugfs python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
host=$("$build/sysletbench" run -q -d "$tmp/data" -o "$tmp/results" -n 1 \
	-c hot -r 1 -w 1 -b baseline_sync) || { echo "FAIL: host run"; exit 1; }
