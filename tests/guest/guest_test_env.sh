# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Sourced by the host-side scripts of guest tests (guest_bench.sh,
# test_crossing_sweep.sh): a skip (77) without QEMU, debugfs or python3,
# $top, $build (from $1) and a scratch folder $tmp removed on exit.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
for t in qemu-system-x86_64 debugfs python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
