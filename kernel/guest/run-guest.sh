#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the sysletbench guest kernel under QEMU with a statically linked
# program as /init, and bring its output back.
#
#   run-guest.sh [options] INIT [FILE[:DEST]]...
#
# INIT becomes /init in a gzip cpio initramfs; every FILE is copied into the
# initramfs (at DEST, default /bin/<basename>). A fresh ext4 disk image is
# attached as /dev/vda (virtio); INIT may mount it and leave results there.
# The disk is opened with cache=none (O_DIRECT on the host), so that a
# guest read the guest's page cache misses goes to the host's storage, not
# to the host's page cache: a cold guest read is cold on both sides.
# The serial console is the guest's stdout and is copied to our stdout and
# to --log. The guest must power off (reboot(RB_POWER_OFF)) when done.
#
# Options:
#   --kernel PATH     bzImage (default: kernel/build.sh, cached)
#   --timeout SEC     kill a hung guest after SEC seconds (default 300)
#   --log PATH        also write the console log here
#   --disk PATH       keep the ext4 image at PATH (default: temporary)
#   --disk-mb N       size of the disk image (default 64)
#   --populate DIR    copy DIR's contents into the disk image (mkfs.ext4 -d)
#   --disk-cache M    QEMU's cache mode for the disk (default none; falls
#                     back to writeback, saying so, where the image's
#                     filesystem has no O_DIRECT, e.g. tmpfs)
#   --provenance PATH write what ran as JSON: accelerator, icount options,
#                     disk cache mode, kernel image, build key and series
#   --icount          -smp 1 -icount shift=0 (repeatable CPU-bound timings)
#   --smp N           CPUs (default 2; forced to 1 with --icount)
#   --cpu MODEL       QEMU's -cpu under TCG (default QEMU's; KVM uses host),
#                     e.g. max for tests of CPU features such as PKU
#   --accel kvm|tcg   skip the KVM probe
#   --append STR      extra kernel command line (repeatable: joined with spaces)
#   --gdb PORT        QEMU's gdbstub on 127.0.0.1:PORT, the guest stopped
#                     until a debugger continues it (kernel/profile/)
#
# Exit status: INIT's verdict is not known here; 0 when the guest powered
# off cleanly, 2 on a timeout (hung guest), 3 on a kernel panic/oops seen
# on the console, 4 on usage or setup errors.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SYSLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysletbench}

kernel="" timeout=300 log="" disk="" disk_mb=64 populate="" icount=0 smp=2
accel="${GUEST_ACCEL:-}" append="" gdb_port="" disk_cache=none provenance=""
cpu=""
die() { echo "run-guest: error: $*" >&2; exit 4; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--disk-mb) disk_mb=$2; shift 2 ;;
	--populate) populate=$2; shift 2 ;;
	--disk-cache) disk_cache=$2; shift 2 ;;
	--provenance) provenance=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--smp) smp=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--append) append="${append:+$append }$2"; shift 2 ;;
	--gdb) gdb_port=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || die "usage: run-guest.sh [options] INIT [FILE[:DEST]]..."
init=$1; shift
[ -x "$init" ] || die "init program $init is not executable"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed"
for t in cpio gzip mkfs.ext4; do
	command -v "$t" >/dev/null || die "missing tool: $t"
done
if [ -z "$kernel" ]; then
	kernel=$("$here/../build.sh" | tail -n 1) || die "kernel build failed"
fi
[ -r "$kernel" ] || die "kernel image $kernel not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/sysletguest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Initramfs: /init plus the extra files.
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,mnt,tmp}
cp "$init" "$root/init"
for f in "$@"; do
	src=${f%%:*}
	dst=/bin/$(basename "$src")
	[ "$src" != "$f" ] && dst=${f#*:}
	mkdir -p "$root$(dirname "$dst")"
	cp "$src" "$root$dst"
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) \
	>"$work/initrd.gz"

# Disk image.
[ -n "$disk" ] || disk=$work/disk.img
rm -f "$disk"
truncate -s "${disk_mb}M" "$disk"
# shellcheck disable=SC2054 # one -E value: mke2fs separates its options by commas
mkfs_args=(-q -F -E lazy_itable_init=0,lazy_journal_init=0)
[ -n "$populate" ] && mkfs_args+=(-d "$populate")
mkfs.ext4 "${mkfs_args[@]}" "$disk" >/dev/null || die "mkfs.ext4 failed"

# cache=none and directsync open the image with O_DIRECT, which QEMU
# refuses where the host filesystem lacks it: probe, and fall back loudly.
disk_cache_note=""
case "$disk_cache" in
none | directsync)
	if ! dd if="$disk" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; then
		disk_cache_note="no O_DIRECT on $(stat -f -c %T "$disk") under $disk: $disk_cache impossible, guest cold reads may come from the host's page cache"
		echo "run-guest: warning: $disk_cache_note; using writeback" >&2
		disk_cache=writeback
	fi
	;;
writeback | writethrough | unsafe) ;;
*) die "unknown disk cache mode $disk_cache" ;;
esac
# A tmpfs may take O_DIRECT (Linux 6.6+), but it is memory all the same.
case "$(stat -f -c %T "$disk")" in
tmpfs | ramfs)
	disk_cache_note="disk image on $(stat -f -c %T "$disk"): guest cold reads come from host memory whatever the cache mode"
	echo "run-guest: warning: $disk_cache_note" >&2
	;;
esac

# Accelerator: KVM only if a short probe boot reaches /init; some hosts
# expose /dev/kvm but cannot run ordinary guests (it hangs after the boot
# loader). The verdict is cached per host kernel and QEMU build, as
# "VERDICT REASON" (older caches hold the verdict alone); the reason goes
# into the provenance.
probe_kvm() {
	local key verdict_file pdir
	key=$( (uname -r; qemu-system-x86_64 --version | head -1;
		sha256sum "$kernel") | sha256sum | cut -c1-16)
	verdict_file=$cache/kvm-probe.$key
	if [ -r "$verdict_file" ]; then
		cat "$verdict_file"
		return
	fi
	local verdict="tcg no /dev/kvm"
	[ -e /dev/kvm ] && verdict="tcg /dev/kvm is not writable by this user"
	if [ -w /dev/kvm ]; then
		pdir=$work/probe
		mkdir -p "$pdir/root"
		# /init is a shell-less probe: the kernel prints this line
		# itself when /init cannot run, which is all we need.
		echo '#!/nonexistent' >"$pdir/root/init"
		chmod +x "$pdir/root/init"
		(cd "$pdir/root" && find . -print0 |
			cpio --null -o -H newc --quiet | gzip -1) >"$pdir/initrd.gz"
		local status=0 err
		timeout 25 qemu-system-x86_64 -enable-kvm -cpu host -m 256M \
			-kernel "$kernel" -initrd "$pdir/initrd.gz" \
			-append 'console=ttyS0 panic=-1' -nographic -no-reboot \
			</dev/null >"$pdir/console" 2>"$pdir/err" || status=$?
		if grep -q -m1 'Run /init as init process' "$pdir/console"; then
			verdict="kvm a probe boot under -enable-kvm reached /init"
		elif [ "$status" = 124 ]; then
			verdict="tcg /dev/kvm exists but a probe boot under -enable-kvm did not reach /init in 25 s"
		else
			# shellcheck disable=SC1003 # tr deletes quotes and backslashes
			err=$(tail -n 1 "$pdir/err" | tr -d '"\\')
			verdict="tcg /dev/kvm exists but qemu -enable-kvm exited $status before /init: ${err:-no message}"
		fi
	fi
	mkdir -p "$cache"
	echo "$verdict" >"$verdict_file"
	echo "$verdict"
}
kvm_probe_reason="not probed: --accel $accel or GUEST_ACCEL given"
if [ -z "$accel" ]; then
	probe=$(probe_kvm)
	accel=${probe%% *}
	kvm_probe_reason=${probe#"$accel"}
	kvm_probe_reason=${kvm_probe_reason# }
	[ -n "$kvm_probe_reason" ] || kvm_probe_reason="cached verdict (reason not recorded)"
fi

qemu=(qemu-system-x86_64 -m 1G -kernel "$kernel" -initrd "$work/initrd.gz"
	-drive "file=$disk,if=virtio,format=raw,cache=$disk_cache"
	-nographic -no-reboot -serial stdio -monitor none -display none)
case "$accel" in
kvm) qemu+=(-enable-kvm -cpu host) ;;
tcg) qemu+=(-accel tcg ${cpu:+-cpu "$cpu"}) ;;
*) die "unknown accelerator $accel" ;;
esac
icount_opts=""
if [ "$icount" = 1 ]; then
	# sleep= and align= only matter when the vCPU idles or for real-time
	# pacing: a hot sample never idles, and sleep=off gave the same
	# minima (results/reference/README.md has where the spread comes
	# from: preemption by deferred kernel work, not QEMU's clock).
	icount_opts="shift=0"
	qemu+=(-smp 1 -icount "$icount_opts")
	accel_label=icount
	smp=1
else
	qemu+=(-smp "$smp")
	accel_label=$accel
fi
[ -z "$gdb_port" ] || qemu+=(-gdb "tcp:127.0.0.1:$gdb_port" -S)
# The guest labels its numbers with the accelerator it runs under.
qemu+=(-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=5 sysletbench.accel=$accel_label $append")

# What ran, for the results: the image by its build key when it is the
# image the tree's key names (kernel/build.sh --key), else only its hash.
write_provenance() {
	local key="" series="" image="" line kernel_key=null series_hash=null
	while read -r line; do
		case "$line" in
		key\ *) key=${line#key } ;;
		series\ *) series=${line#series } ;;
		image\ *) image=${line#image } ;;
		esac
	done < <("$here/../build.sh" --key 2>/dev/null)
	if [ -n "$image" ] && [ "$(realpath "$image" 2>/dev/null)" = "$(realpath "$kernel")" ]; then
		kernel_key="\"$key\"" series_hash="\"$series\""
	fi
	cat >"$provenance" <<EOF
{"accel": "$accel", "accel_label": "$accel_label", "smp": $smp,
 "icount": $([ -n "$icount_opts" ] && echo "\"$icount_opts\"" || echo null),
 "disk_cache": "$disk_cache", "disk_cache_note": "$disk_cache_note",
 "kernel_image": "$(basename "$kernel")", "kernel_sha256": "$(sha256sum "$kernel" | cut -c1-16)",
 "kernel_key": $kernel_key, "series_sha256": $series_hash,
 "kvm_probe": {"accel": "$accel", "reason": "$kvm_probe_reason"},
 "qemu_version": "$(qemu-system-x86_64 --version | head -n 1)"}
EOF
}
[ -z "$provenance" ] || write_provenance

echo "run-guest: booting $(basename "$kernel") accel=$accel_label disk cache=$disk_cache timeout=${timeout}s" >&2
[ -n "$log" ] || log=$work/console.log
set +e
# qemu's -serial stdio wants a terminal-ish stdin; give it /dev/null.
timeout --foreground -k 5 "$timeout" "${qemu[@]}" </dev/null 2>"$work/qemu.err" |
	tr -d '\r' | tee "$log"
status=${PIPESTATUS[0]}
set -e
export GUEST_ACCEL_LABEL=$accel_label

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "run-guest: error: guest hung: no power-off within ${timeout}s (killed)" >&2
	exit 2
fi
if grep -qE 'Kernel panic|BUG:|Oops:|WARNING:|possible circular locking|INFO: task .* blocked' "$log"; then
	echo "run-guest: error: kernel problem on the console:" >&2
	grep -E 'Kernel panic|BUG:|Oops:|WARNING:|possible circular locking|INFO: task' "$log" | head -5 >&2
	exit 3
fi
if [ "$status" != 0 ]; then
	cat "$work/qemu.err" >&2
	echo "run-guest: error: qemu exited with status $status" >&2
	exit 4
fi
exit 0
