#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Where do the instructions of a hot file go? Boots the guest kernel under
# QEMU (TCG, one vCPU, gdbstub), runs profile_file.c as /init and
# single-steps it with gdb (insn_profile.py): one hot 4 KiB file read by
# openat/read/read/close, then by atoms-kernel's chain, then by
# clets-kernel's clet. Prints instructions per kernel function for each and
# the differences: the decompositions that kernel/README.md's measurements
# quote. Takes about 20 s.
#
# --backends profiles the harness's backends instead (profile_backends.c):
# baseline_sync, atoms-kernel and clets-kernel, each through its run() on
# one hot file and then on two; a backend's column is the second file's
# cost, its user-space side (the chain's slot, the clet's stack pool and
# shim, glibc's wrappers) included, as in the benchmark's ns per file.
# With --backends, --size BYTES sets the file's size (4096; read 4 KiB at a
# time, so the per-read costs show) and --email the email chain shape
# (every block into one buffer; default: the cursor shape);
# --private-files gives the profiled round a file table of its own, as if
# the parked syslet spares did not share it (kernel/README.md, "The
# clet's per-read cost"). --all lists every function, not only those whose
# counts differ between the variants.
#
#   kernel/profile/insn-profile.sh [--backends [--size BYTES] [--email]
#       [--private-files]] [--all] [--out FILE]
#
# KERNEL_IMAGE=PATH profiles that bzImage (vmlinux and System.map beside
# it) instead of the series' cached one: another series, to compare with.
# Needs gdb, and vmlinux + System.map beside the cached bzImage (kernel/
# build.sh keeps them; an image cached by an older build.sh: rebuild it
# with FORCE=1 kernel/build.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out="" backends=0 size=4096 shape=CHAIN_SHAPE_CURSOR private=0 all=0
die() { echo "insn-profile: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--backends) backends=1; shift ;;
	--size) size=$2; shift 2 ;;
	--email) shape=CHAIN_SHAPE_EMAIL; shift ;;
	--private-files) private=1; shift ;;
	--all) all=1; shift ;;
	*) echo "usage: insn-profile.sh [--backends [--size BYTES] [--email] [--private-files]] [--all] [--out FILE]" >&2; exit 2 ;;
	esac
done
[[ "$size" =~ ^[1-9][0-9]*$ ]] || { echo "insn-profile: --size takes a byte count" >&2; exit 2; }
for t in gdb qemu-system-x86_64 cpio gzip gcc; do
	command -v "$t" >/dev/null || die "$t is not installed"
done

if [ -n "${KERNEL_IMAGE:-}" ]; then
	kernel=$KERNEL_IMAGE
	[ -r "$kernel" ] || die "KERNEL_IMAGE $kernel is not readable"
else
	kernel=$("$top/kernel/build.sh" | tail -n 1) || die "kernel build failed"
fi
image_dir=$(dirname "$kernel")
for f in vmlinux System.map; do
	[ -r "$image_dir/$f" ] ||
		die "$image_dir/$f is missing: rebuild with FORCE=1 kernel/build.sh"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/insn-profile.XXXXXX")
# The guest runs in its own session, so that it dies with this script.
trap 'kill -- "-${guest_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
srcs=("$here/profile_file.c")
labels=syscalls,chain,clet paired=0 what="hot 4 KiB file" defs=()
if [ "$backends" = 1 ]; then
	srcs=("$here/profile_backends.c" "$top/baseline_sync/baseline_sync.c"
		"$top/atoms/atoms_kernel.c" "$top/clets/clets_kernel.c")
	labels=baseline_sync,atoms-kernel,clets-kernel paired=1
	defs=(-DFILE_SIZE="$size" -DPROFILE_SHAPE="$shape"
		-DPROFILE_PRIVATE_FILES="$private")
	what="one more hot $size-byte file per backend run(), ${shape#CHAIN_SHAPE_} shape"
	[ "$private" = 0 ] || what="$what, private file table"
fi
# -O2 as the harness's RelWithDebInfo build.
gcc -static -O2 -Wall -Wextra -I"$top" -I"$top/atoms" -o "$work/init" \
	"${defs[@]}" \
	"${srcs[@]}" "$top/atoms/atom_chain.c" \
	"$top/clets/clet_kernel.c" "$top/clets/clet_sys.c" \
	"$top/clets/file_clet.c" "$top/harness/file_buf.c" "$top/harness/inject.c"

# A free TCP port for the gdbstub.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Single-stepping takes minutes per 4 KiB of file, more on a loaded host
# (PROFILE_TIMEOUT=SECONDS gives gdb longer).
steps_timeout=${PROFILE_TIMEOUT:-$((240 * ((size + 4095) / 4096)))}
setsid "$top/kernel/guest/run-guest.sh" --kernel "$kernel" --accel tcg --smp 1 \
	--gdb "$port" --timeout $((steps_timeout + 60)) --log "$work/console.log" "$work/init" \
	</dev/null >/dev/null 2>&1 &
guest_pid=$!
# The gdbstub listens once the initramfs and the disk are made. Wait for
# the port to be taken without connecting: QEMU resumes a stopped guest
# when its debugger goes away.
for _ in $(seq 100); do
	python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null || break
	sleep 0.1
done
nm "$work/init" >"$work/init.map"
PROFILE_SYSTEM_MAP=$image_dir/System.map PROFILE_OUT=$work/report.txt \
	PROFILE_USER_MAP=$work/init.map PROFILE_LABELS=$labels \
	PROFILE_PAIRED=$paired PROFILE_ALL=$all \
	PROFILE_GDB=127.0.0.1:$port timeout "$steps_timeout" \
	gdb -q -batch -x "$here/insn_profile.py" "$image_dir/vmlinux" \
	>"$work/gdb.log" 2>&1 || true
[ -s "$work/report.txt" ] || {
	tail -n 20 "$work/gdb.log" >&2
	tail -n 5 "$work/console.log" >&2
	die "no profile (gdb log and guest console above)"
}
# The guest goes on after the profiled round and says whether every run
# in it, that round included, read its files right.
wait "$guest_pid" || true
grep -q 'insn-profile: guest done, 0 failures' "$work/console.log" || {
	tail -n 5 "$work/console.log" >&2
	die "the guest program failed (console above): no profile"
}
echo "insn-profile: $(basename "$image_dir"), $what, instructions per kernel function"
cat "$work/report.txt"
[ -z "$out" ] || cp "$work/report.txt" "$out"
