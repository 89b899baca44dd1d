# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Sourced by the tests that run the harness in the patched guest
# (test_guest_cold.sh, test_guest_read_proof.sh): guest_test_env.sh's
# skip, $top, $build and $tmp, and $host, the smallest host run there is,
# for run_bench.sh to merge the guest's results into.

. "$(dirname "${BASH_SOURCE[0]}")/guest_test_env.sh"
host=$("$build/sysletbench" run -q -d "$tmp/data" -o "$tmp/results" -n 1 \
	-c hot -r 1 -w 1 -b baseline_sync) || { echo "FAIL: host run"; exit 1; }
