#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sysletbench in one command: install what is missing (Debian 12, as root),
# build, run the benchmark matrix, draw the charts, print where they are.
#
#   ./run_all.sh [--quick] [--host-only] [-- extra sysletbench options]
#                            host run, then the same matrix in the patched
#                            kernel under QEMU (--host-only: host alone)
#   ./run_all.sh --native [--profile] [--quick] [-- options]
#                            on the patched kernel booted on this machine
#                            (kernel/build.sh --deb): every backend on the
#                            host, atoms-kernel and clets-kernel included;
#                            refuses (exit 2) on any other kernel;
#                            --profile adds harness/profile.sh's perf
#                            profile of each backend
#   ./run_all.sh test        build, run the whole test suite (ctest) and the
#                            regression gate against results/reference/
#   ./run_all.sh deps        only install the dependencies
#   ./run_all.sh sweep [-- sweep.sh options]
#                            the crossing-cost sweep (harness/guest/sweep.sh:
#                            one icount boot, simulated crossing costs) and
#                            its charts, into results/<timestamp>-crossing/
set -euo pipefail
cd "$(dirname "$0")"

quick=()
host_only=0
native=0
profile=0
mode=run
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=(--quick) ;;
	--host-only) host_only=1 ;;
	--native) native=1 ;;
	--profile) profile=1 ;;
	test | deps | sweep) mode=$1 ;;
	--) shift; extra=("$@"); break ;;
	-h | --help)
		sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*)
		echo "run_all.sh: unknown argument '$1' (see --help)" >&2
		exit 2 ;;
	esac
	shift
done

if [ "$profile" = 1 ] && [ "$native" = 0 ]; then
	echo "run_all.sh: --profile goes with --native (or run harness/profile.sh RUN_DIR)" >&2
	exit 2
fi
# --native: the running kernel must answer the syslet handshake, checked
# before anything is installed or built; one line and exit 2 otherwise.
if [ "$native" = 1 ]; then
	if ! command -v python3 >/dev/null; then
		echo "run_all.sh --native: python3 is needed to check the kernel (apt-get install python3)" >&2
		exit 2
	fi
	series=$(kernel/build.sh --key 2>/dev/null | sed -n 's/^series //p') || series=
	kernel_line=$(python3 harness/native_check.py ${series:+"$series"}) || exit 2
	echo "run_all.sh: $kernel_line" >&2
fi

# Everything the suite needs, user space and kernel, from Debian 12.
packages=(build-essential cmake pkg-config git clang-format python3 python3-matplotlib
	liburing-dev libpfm4-dev linux-perf gnuplot-nox fonts-dejavu-core
	linux-source-6.1 bc bison flex libelf-dev libssl-dev ccache
	busybox-static dwarves cpio qemu-system-x86 e2fsprogs
	dpkg-dev fakeroot rsync kmod)	# the last four: kernel/build.sh --deb

install_deps() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "run_all.sh: missing packages; as root run:" >&2
		echo "  apt-get install -y ${missing[*]}" >&2
		return 1
	fi
	echo "run_all.sh: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2
}

build() {
	local werror=OFF
	[ "${CI:-}" = true ] && werror=ON
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DSYSLETBENCH_WERROR=$werror >&2
	cmake --build build -j"$(nproc)" >&2
}

run_tests() {
	local log=build/ctest.log
	ctest --test-dir build --output-on-failure -j1 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	# CI has everything the README installs: a skip there is a failure.
	if [ "${CI:-}" = true ] && grep -q '\*\*\*Skipped' "$log"; then
		echo "run_all.sh: tests were skipped under CI=true:" >&2
		grep '\*\*\*Skipped' "$log" >&2
		return 1
	fi
	return "$rc"
}

install_deps
[ "$mode" = deps ] && exit 0
build
if [ "$mode" = test ]; then
	run_tests
	# The regression gate: deterministic counts against results/reference/.
	harness/ci_gate.sh build
	exit
fi

if [ "$mode" = sweep ]; then
	sweep_dir=$(harness/guest/sweep.sh "${extra[@]}" | tail -n 1)
	plots/crossing_chart.py "$sweep_dir" >&2 ||
		echo "run_all.sh: the sweep's charts were not drawn (see above)" >&2
	echo "sweep:   $sweep_dir/summary.md"
	echo "charts:  $sweep_dir/charts/"
	exit
fi

export SYSLETBENCH_GIT_COMMIT
SYSLETBENCH_GIT_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$native" = 1 ]; then
	# The handshake passed; the kernel backends must say so too (a build
	# without them, or a refusal the handshake cannot see, stops here).
	for b in atoms-kernel clets-kernel; do
		line=$(./build/sysletbench list | grep "^$b ") || line="$b missing"
		case "$line" in
		*" available "*) ;;
		*) echo "run_all.sh --native: $(echo "$line" | tr -s ' ')" >&2; exit 2 ;;
		esac
	done
	host_only=1
fi
dir=$(./build/sysletbench run "${quick[@]}" "${extra[@]}")
guest=
if [ "$host_only" = 0 ]; then
	# The same matrix inside the patched kernel (built once, then cached),
	# where atoms-kernel runs beside the others.
	echo "run_all.sh: guest run on the patched kernel (--host-only skips it)" >&2
	if harness/guest/run_bench.sh build "$dir" -- "${quick[@]}" "${extra[@]}" >&2; then
		guest=$(ls -d "$dir"/guest-*/ 2>/dev/null | head -n 1)
	else
		echo "run_all.sh: the guest run failed; the host results are kept" >&2
	fi
	# Instruction-counted time (one vCPU, -icount shift=0) repeats exactly,
	# but only for CPU-bound work: hot caches only. It sweeps the chain
	# length (1 to 64 reads per file) for the amortization chart.
	harness/guest/run_bench.sh build "$dir" --icount -- "${quick[@]}" \
		--files 100 --sizes 4K,16K,64K,256K "${extra[@]}" --cache hot >&2 ||
		echo "run_all.sh: the icount guest run failed; other results are kept" >&2
fi
plots/plot.sh "$dir" >&2
# The HTML report of every run in $dir (host and guests); report.py finds
# an interpreter with matplotlib itself, or says what to install.
report=
if plots/report.py "$dir" >&2; then
	report=$dir/report/report.html
else
	echo "run_all.sh: the HTML report was not built (see above); the other results are kept" >&2
fi
profile_dir=
if [ "$profile" = 1 ]; then
	if harness/profile.sh "$dir" >&2; then
		profile_dir=$dir/profile
	else
		echo "run_all.sh: the profile failed (see above); the other results are kept" >&2
	fi
fi
echo "results: $dir"
echo "summary: $dir/summary.md"
[ -z "$guest" ] || echo "guest:   ${guest}summary.md"
echo "charts:  $dir/charts/"
[ -z "$report" ] || echo "report:  $report"
[ -z "$profile_dir" ] || echo "profile: $profile_dir/profile.md"
