#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the sysletbench guest kernel: Debian's linux-source-6.1 tarball +
# kernel/patches/*.patch + tinyconfig merged with kernel/config/guest.config.
#
# Everything heavy lives outside the clone, in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/sysletbench
# The resulting bzImage is cached under a key = sha256(tarball version,
# patches, config fragment); unchanged inputs never rebuild. On success the
# last line on stdout is the bzImage path (all build chatter goes to stderr).
#
# Environment:
#   KERNEL_TARBALL   source tarball (default /usr/src/linux-source-6.1.tar.xz)
#   SYSLET_CACHE     cache dir (default as above)
#   JOBS             make -j (default nproc)
#   FORCE=1          rebuild even if the cached image exists
#   V=1              verbose kernel build
#
# Option: --debug also merges config/debug.config (lockdep, atomic-sleep
# checks, KASAN) and builds in a separate obj dir; for tests only.
# Option: --key builds nothing and prints what names the image, for the
# provenance of a guest run: "key KEY", "series SHA256-16" (a hash of the
# patch series alone) and "image PATH" (where that key's image is cached).
# Option: --stock builds the same kernel WITHOUT the series (no patches,
# the fragment minus the options the series adds), for the test that shows
# the guest suite fails there. It has its own source tree and obj dir, so
# it never rewrites a file of the patched tree (nor its mtimes).
# Option: --bisect builds every prefix of the series (patch 1, 1-2, ...,
# all) in its own cache dir (bisect/ in the cache, own src, obj and
# ccache), reports the time of each and names the first prefix that does
# not build (exit 1). Slow: for an occasional CI job, not for ctest.
# With --boot it also boots each prefix's image under QEMU
# (guest/run-guest.sh, guest/boot_init.c as /init): the prefix must reach
# user space and power off with no panic, oops, BUG or WARNING on the
# console (run-guest.sh's scan); which syslet system calls it answers
# goes into the report.
# Option: --full builds the series on defconfig + guest.config (SMP, the
# preemption model, audit, page-table isolation and retpolines of a real
# user's kernel): tests/guest/run.sh --full-config. Like --deb, its own
# source tree, obj dir, ccache and lock (build-full.lock): a defconfig build
# holds its lock for most of an hour, and the guest kernels (CI's stock
# build, say) must not wait on it nor see their tree switched under it.
# Option: --deb [--config FILE] builds installable Debian packages (make
# bindeb-pkg) of the series on FILE (default /boot/config-$(uname -r) when
# present, else defconfig) + config/syslet.config, with LOCALVERSION
# -syslet-<series hash>. Its own source tree, obj dir, ccache and lock
# (build-deb.lock), so it never rewrites the guest's tree nor waits on it;
# cached under debs/<key>/ by the same key rules (the base config's text
# in the key). It only builds: it prints the packages and the commands to
# install and boot them; the last stdout line is the packages' directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
cache=${SYSLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysletbench}
jobs=${JOBS:-$(nproc)}
fragment=$here/config/guest.config
fragments=("$fragment")
flavour=""
print_key=0
stock=""
bisect=""
boot=""
deb=""
base_config=tinyconfig	# a make target, or a config file (--deb --config)
usage="usage: kernel/build.sh [--debug|--stock|--full|--bisect [--boot]|--deb [--config FILE]] [--key]"
while [ $# -gt 0 ]; do
	case "$1" in
	--debug) fragments+=("$here/config/debug.config"); flavour="-debug" ;;
	--stock) stock=1; flavour="-stock" ;;
	--full) flavour="-full"; base_config=defconfig ;;
	--deb) deb=1; flavour="-deb" ;;
	--config)
		[ $# -ge 2 ] || { echo "kernel/build.sh: --config needs a FILE ($usage)" >&2; exit 2; }
		if ! base_config=$(realpath -- "$2") || [ ! -r "$base_config" ]; then
			echo "kernel/build.sh: --config: cannot read '$2'" >&2
			exit 2
		fi
		shift ;;
	--key) print_key=1 ;;
	--bisect) bisect=1 ;;
	--boot) boot=1 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$boot" ] && [ -z "$bisect" ]; then
	echo "kernel/build.sh: --boot goes with --bisect" >&2
	exit 2
fi
if [ "$base_config" != tinyconfig ] && [ "$base_config" != defconfig ] && [ -z "$deb" ]; then
	echo "kernel/build.sh: --config goes with --deb" >&2
	exit 2
fi
if [ -n "$deb" ]; then
	# The running kernel's configuration, as Debian installs it, else
	# defconfig (a tinyconfig base would not boot a real machine).
	if [ "$base_config" = tinyconfig ]; then
		base_config=defconfig
		[ -r "/boot/config-$(uname -r)" ] && base_config=/boot/config-$(uname -r)
	fi
	fragment=$here/config/syslet.config
	fragments=("$fragment")
fi

die() { echo "kernel/build.sh: error: $*" >&2; exit 1; }
log() { echo "kernel/build.sh: $*" >&2; }

[ -r "$tarball" ] || die "kernel source tarball $tarball not found (apt-get install linux-source-6.1)"
[ -r "$fragment" ] || die "config fragment $fragment missing"
for t in make gcc git bc bison flex xz; do
	command -v "$t" >/dev/null || die "missing build tool: $t"
done

shopt -s nullglob
patches=("$here"/patches/*.patch)
shopt -u nullglob

# The Kconfig symbols that the given patches define.
series_symbols() {
	cat "$@" /dev/null |
		sed -n 's/^+\(menu\)\{0,1\}config \([A-Za-z0-9_]*\).*/\2/p' |
		sort -u
}

# A copy of the fragment in DIR without the options of the symbols given
# after it: a kernel without the patch that defines a symbol drops its
# option, and the fragment check below would then refuse the build.
fragment_without() {
	local copy sym
	copy=$1/$(basename "$fragment")
	shift
	cp "$fragment" "$copy"
	for sym in "$@"; do
		sed -i -e "/^CONFIG_$sym=/d" -e "/^# CONFIG_$sym is not set/d" \
			"$copy"
	done
}

# The stock flavour: no patches, and the fragment without the options of
# the symbols the series defines.
if [ -n "$stock" ]; then
	stock_dir=$(mktemp -d "${TMPDIR:-/tmp}/sysletbench-stock.XXXXXX")
	trap 'rm -rf "$stock_dir"' EXIT
	# shellcheck disable=SC2046 # one word per symbol
	fragment_without "$stock_dir" $(series_symbols "${patches[@]}")
	fragments=("$stock_dir/$(basename "$fragment")")
	patches=()
fi

# --bisect: this script, run on each prefix of the series from a scratch
# copy of kernel/ whose patches/ holds only that prefix. The prefixes
# share one src/obj (each build rewrites only the files that changed)
# and one ccache; their images are not kept. Options that the series
# itself adds (CONFIG_SYSLET) leave the fragment until the prefix has
# the patch that adds them, or the fragment check would fail.
bisect_series() {
	local n total=${#patches[@]} start t0 image series_syms prefix_syms
	local missing
	[ "$total" -gt 0 ] || die "no patches to bisect"
	bisect_scratch=$(mktemp -d)
	trap 'rm -rf "$bisect_scratch"' EXIT
	cp "$here/build.sh" "$bisect_scratch/"
	if [ -n "$boot" ]; then
		command -v qemu-system-x86_64 >/dev/null ||
			die "--boot needs qemu-system-x86_64"
		boot_init=$bisect_scratch/boot_init
		gcc -static -O2 -Wall -Wextra -Werror -I"$here/../atoms" \
			-o "$boot_init" "$here/guest/boot_init.c" ||
			die "cannot build guest/boot_init.c"
	fi
	mkdir "$bisect_scratch/patches" "$bisect_scratch/config"
	series_syms=$(series_symbols "${patches[@]}")
	start=$(date +%s)
	for ((n = 1; n <= total; n++)); do
		ln -s "${patches[n - 1]}" "$bisect_scratch/patches/"
		prefix_syms=$(series_symbols "${patches[@]:0:n}")
		missing=$(comm -23 <(echo "$series_syms") <(echo "$prefix_syms"))
		# shellcheck disable=SC2086 # one word per symbol
		fragment_without "$bisect_scratch/config" $missing
		t0=$(date +%s)
		if ! image=$(SYSLET_CACHE="$cache/bisect" \
			"$bisect_scratch/build.sh" | tail -n 1); then
			log "bisect: prefix 1-$n does not build: first bad patch $(basename "${patches[n - 1]}")"
			return 1
		fi
		log "bisect: prefix 1-$n builds ($(basename "${patches[n - 1]}"), $(( $(date +%s) - t0 )) s)"
		if [ -n "$boot" ] && ! boot_prefix "$n" "$image"; then
			log "bisect: prefix 1-$n does not boot: first bad patch $(basename "${patches[n - 1]}")"
			return 1
		fi
		rm -rf "$(dirname "$image")"
	done
	log "bisect: all $total prefixes build$([ -z "$boot" ] || echo " and boot") ($(( $(date +%s) - start )) s)"
}

# --bisect --boot: boot prefix N's IMAGE with boot_init as /init; its
# console log stays in bisect/boot-N.log.
boot_prefix() {
	local n=$1 image=$2 console=$cache/bisect/boot-$1.log t0 status=0
	t0=$(date +%s)
	# run-guest's own lines (and its reason for a failure) go to stderr.
	"$here/guest/run-guest.sh" --kernel "$image" --timeout 300 \
		--log "$console" "$boot_init" >/dev/null || status=$?
	if [ "$status" != 0 ] || ! grep -qs '^boot-check: user space reached' "$console"; then
		log "bisect: prefix 1-$n: run-guest status $status, console in $console"
		[ ! -f "$console" ] || tail -n 20 "$console" >&2
		return 1
	fi
	log "bisect: prefix 1-$n boots ($(( $(date +%s) - t0 )) s; $(sed -n 's/^boot-check: syscalls: //p' "$console" | tr -d '\r'))"
}

if [ -n "$bisect" ]; then
	bisect_series
	exit
fi

# Tarball version: the Debian package version when known, else size+mtime.
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
[ -n "$version" ] || version=$(stat -c '%s-%Y' "$tarball")
version="$(basename "$tarball")@$version"

key=$({
	printf 'version %s\n' "$version"
	[ -z "$stock" ] || printf 'flavour stock\n'
	# The base config names the flavours that change it (the default
	# tinyconfig adds no line: existing keys stay as they are).
	if [ "$base_config" != tinyconfig ]; then
		printf 'flavour %s\n' "${flavour#-}"
		if [ -f "$base_config" ]; then
			printf 'base config %s\n' "$(basename "$base_config")"
			cat "$base_config"
		else
			printf 'base config %s\n' "$base_config"
		fi
	fi
	for p in "${patches[@]}"; do
		printf 'patch %s\n' "$(basename "$p")"
		cat "$p"
	done
	for f in "${fragments[@]}"; do
		printf 'fragment %s\n' "$(basename "$f")"
		cat "$f"
	done
} | sha256sum | cut -c1-16)

image_dir=$cache/images/$key
series=$(for p in "${patches[@]}"; do
	printf 'patch %s\n' "$(basename "$p")"
	cat "$p"
done | sha256sum | cut -c1-16)
# The packages' kernel release names the series: 6.1.N-syslet-<series>.
localversion=-syslet-$series
deb_dir=$cache/debs/$key
if [ "$print_key" = 1 ]; then
	echo "key $key"
	echo "series $series"
	if [ -n "$deb" ]; then
		echo "debs $deb_dir"
	else
		echo "image $image_dir/bzImage"
	fi
	exit 0
fi

# What to do with the packages: printed after a build and for a cached one.
deb_report() {
	local image="" release p
	for p in "$deb_dir"/linux-image-*"$localversion"_*.deb; do
		case "$p" in *-dbg_*) ;; *) [ -e "$p" ] && image=$p ;; esac
	done
	[ -n "$image" ] || die "no linux-image package in $deb_dir"
	release=$(dpkg-deb -f "$image" Package)
	release=${release#linux-image-}
	log "packages (kernel release $release) in $deb_dir:"
	for p in "$deb_dir"/*.deb; do
		log "  $(basename "$p")"
	done
	log "install and boot it (as root; grub-reboot needs GRUB_DEFAULT=saved in /etc/default/grub, then update-grub):"
	log "  dpkg -i $image"
	log "  grub-reboot 'Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux $release' && reboot"
	echo "$deb_dir"
}
if [ -n "$deb" ]; then
	if [ -z "${FORCE:-}" ] && ls "$deb_dir"/linux-image-*.deb >/dev/null 2>&1; then
		log "cached packages for key $key"
		deb_report
		exit 0
	fi
	for t in dpkg-buildpackage fakeroot rsync depmod cpio; do
		PATH=$PATH:/sbin:/usr/sbin command -v "$t" >/dev/null ||
			die "--deb needs $t: apt-get install dpkg-dev fakeroot rsync kmod cpio"
	done
elif [ -z "${FORCE:-}" ] && [ -s "$image_dir/bzImage" ]; then
	log "cached image for key $key"
	echo "$image_dir/bzImage"
	exit 0
fi

mkdir -p "$cache"
# The packages and the full-config kernel have a tree and a lock of their
# own: a distribution-sized build must not hold up the guest kernels (they
# share no directory with it).
own=""
case "$flavour" in -deb | -full) own=$flavour ;; esac
exec 9>"$cache/build$own.lock"
flock 9

src=$cache/src${stock:+-stock}$own	# git repo: commit "pristine" = the tarball
obj=$cache/obj$flavour	# O= build dir, kept for incremental builds
# bindeb-pkg writes its packages next to the obj dir: give it a folder.
[ -z "$deb" ] || obj=$cache/deb-build/obj

# 1. Extract once, and record the pristine tree as a git commit so that
#    switching patch sets only rewrites (and re-timestamps) changed files.
if [ ! -e "$src/.sysletbench-pristine" ] ||
   [ "$(cat "$src/.sysletbench-pristine")" != "$version" ]; then
	log "extracting $tarball (once)"
	rm -rf "$src" "$obj"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	(
		cd "$src"
		git init -q
		git config user.email build@sysletbench
		git config user.name sysletbench-build
		git config core.autocrlf false
		# No background gc: it would inherit the build lock and hold it.
		git config gc.auto 0
		git add -A -f .
		git commit -q -m pristine
		git tag -f pristine >/dev/null
	) >&2 || die "could not record the pristine tree"
	echo "$version" >"$src/.sysletbench-pristine"
fi

# 2. Apply the series, in order, to pristine in a scratch index, then
#    switch the work tree to the result: git rewrites only the files that
#    differ from the previous build, so their mtimes (and make) see only
#    what really changed.
cd "$src"
# Per lock: the packages build beside the guest kernels, never in their files.
stage_index=$cache/stage$own.index
rm -f "$stage_index"
GIT_INDEX_FILE=$stage_index git read-tree pristine
for p in "${patches[@]}"; do
	if ! GIT_INDEX_FILE=$stage_index git apply --cached --whitespace=nowarn \
		"$p" 2>"$cache/apply$own.err"; then
		cat "$cache/apply$own.err" >&2
		die "patch $(basename "$p") does not apply to $version (after the patches before it)"
	fi
	log "applied $(basename "$p")"
done
tree=$(GIT_INDEX_FILE=$stage_index git write-tree)
rm -f "$stage_index"
commit=$(git commit-tree "$tree" -p pristine -m "sysletbench build $key")
git checkout -q -f --detach "$commit"
git clean -q -fdx -e /.sysletbench-pristine

# 3. Configure: the base (tinyconfig, defconfig or a file) + fragments.
export CCACHE_DIR=$cache/ccache$own
build_host=guest
[ -z "$deb" ] || build_host=sysletbench
export KBUILD_BUILD_USER=sysletbench KBUILD_BUILD_HOST=$build_host
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$tarball")")
export KBUILD_BUILD_TIMESTAMP
mkdir -p "$obj" "$CCACHE_DIR"
mk=(make -s -C "$src" O="$obj" CC="ccache gcc" HOSTCC="ccache gcc")
[ -n "${V:-}" ] && mk=(make -C "$src" O="$obj" CC="ccache gcc" HOSTCC="ccache gcc" V=1)
if [ -f "$base_config" ]; then
	cp "$base_config" "$obj/.config"
	# A Debian config names Debian's signing certificates, which only
	# Debian's own build has: build without them, as kernel-handbook says.
	"$src/scripts/config" --file "$obj/.config" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
else
	"${mk[@]}" "$base_config" >&2
fi
# No git-describe suffix from the source tree's own git: LOCALVERSION alone
# names the packages' release.
"$src/scripts/config" --file "$obj/.config" --disable LOCALVERSION_AUTO
KCONFIG_CONFIG="$obj/.config" "$src/scripts/kconfig/merge_config.sh" \
	-m -O "$obj" "$obj/.config" "${fragments[@]}" >&2
"${mk[@]}" olddefconfig >&2

# Every fragment line must have survived (a typo or an unmet dependency
# would otherwise silently drop an option).
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx -- "$line" "$obj/.config" ||
		die "config option '$line' from the fragment did not take effect"
done < <(cat "${fragments[@]}")

# 4. Build.
build_err=$cache/build$flavour.err
[ "$base_config" = tinyconfig ] && build_err=$cache/build.err
start=$(date +%s)
if [ -n "$deb" ]; then
	log "building Debian packages, release $("${mk[@]}" -s kernelversion)$localversion (make -j$jobs bindeb-pkg; hours with a distribution config)"
	rm -f "$cache"/deb-build/*.deb "$cache"/deb-build/*.buildinfo "$cache"/deb-build/*.changes
	"${mk[@]}" -j"$jobs" LOCALVERSION="$localversion" bindeb-pkg \
		>"$cache/deb-build/make.log" 2>"$build_err" || {
		tail -n 50 "$build_err" >&2
		die "package build failed (full log: $build_err)"
	}
else
	log "building bzImage (make -j$jobs)"
	"${mk[@]}" -j"$jobs" bzImage 2>"$build_err" || {
		tail -n 50 "$build_err" >&2
		die "kernel build failed (full log: $build_err)"
	}
fi
# Warning-free: the whole tinyconfig build; on a bigger base, the files
# the series touches (the rest is Debian's tree, not ours to judge).
if [ "$base_config" = tinyconfig ]; then
	warned=$(grep -E 'warning:' "$build_err" || true)
else
	warned=$(grep -E 'warning:' "$build_err" |
		grep -F -f <(sed -n 's|^+++ b/||p' "${patches[@]}" /dev/null | sort -u) || true)
fi
if [ -n "$warned" ]; then
	echo "$warned" >&2
	log "WARNING: the build emitted compiler warnings (see above)"
	[ -n "${ALLOW_WARNINGS:-}" ] || die "build is not warning-free"
fi
log "built in $(( $(date +%s) - start )) s"

if [ -n "$deb" ]; then
	mkdir -p "$deb_dir.tmp"
	mv "$cache"/deb-build/*.deb "$deb_dir.tmp/"
	cp "$obj/.config" "$deb_dir.tmp/config"
	echo "$(( $(date +%s) - start )) s on $jobs jobs, base $base_config" >"$deb_dir.tmp/build-time"
	rm -rf "$deb_dir"
	mv "$deb_dir.tmp" "$deb_dir"
	deb_report
	exit 0
fi

mkdir -p "$image_dir"
cp "$obj/arch/x86/boot/bzImage" "$image_dir/bzImage.tmp"
cp "$obj/.config" "$image_dir/config"
# Symbols for kernel/profile/insn-profile.sh and for debugging a guest.
cp "$obj/vmlinux" "$obj/System.map" "$image_dir/"
mv "$image_dir/bzImage.tmp" "$image_dir/bzImage"
echo "$image_dir/bzImage"
