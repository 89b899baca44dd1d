#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ./run_all.sh --native on a kernel without the series refuses in one line
# with exit 2, before it installs or builds anything; and the handshake
# (harness/native_check.py) accepts the patched kernel's answer and refuses
# every other one, checked against a faked syslet_info.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v python3 >/dev/null; then
	echo "SKIP: python3 not installed"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if python3 "$top/harness/native_check.py" >/dev/null 2>&1; then
	echo "SKIP: this kernel is the syslet kernel: the refusal cannot be shown here"
	exit 77
fi
"$top/run_all.sh" --native >"$tmp/out" 2>&1
rc=$?
if [ "$rc" != 2 ] || [ "$(wc -l <"$tmp/out")" != 1 ] ||
	! grep -q '^run_all.sh --native: not the syslet kernel (.*kernel/build.sh --deb' "$tmp/out"; then
	echo "FAIL: run_all.sh --native gave rc=$rc and:"
	sed 's/^/    /' "$tmp/out"
	fail=1
fi
[ -d "$top/build" ] && find "$top/build" -maxdepth 0 -newer "$tmp/out" | grep -q . &&
	{ echo "FAIL: the refusal touched build/"; fail=1; }

# The handshake's answers, from a faked system call and kernel release.
python3 - "$top/harness/native_check.py" <<'PY' || fail=1
import errno, importlib.util, io, sys
spec = importlib.util.spec_from_file_location("native_check", sys.argv[1])
nc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nc)
nr, magic, abi = nc.header_constants()
assert nr == 600 and magic == 0x73796c6574617473 and abi == 1, (nr, magic, abi)

def run(err, info_magic, info_abi, rel, series=None):
    def fake(n):
        assert n == nr
        if err:
            return err, None
        info = nc.SysletInfo()
        info.magic, info.abi_version = info_magic, info_abi
        return 0, info
    nc.syslet_info, nc.release = fake, lambda: rel
    out, errout = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, errout
    sys.argv = ["native_check.py"] + ([series] if series else [])
    try:
        rc = nc.main()
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return rc, out.getvalue(), errout.getvalue()

ok = "6.1.192-syslet-0123456789abcdef"
cases = [
    # (errno, magic, abi, release, series wanted) -> rc, text
    ((0, magic, abi, ok, "0123456789abcdef"), 0,
     "series 0123456789abcdef (from the release)"),
    ((0, magic, abi, "6.1.192", None), 0, "series hash not exposed"),
    ((errno.ENOSYS, 0, 0, "6.18.0", None), 2, "answers ENOSYS"),
    ((0, 0x1234, abi, ok, None), 2, "is not syslet_info: magic 0x1234"),
    ((0, magic, abi + 1, ok, None), 2, "syslet ABI 2, this tree speaks 1"),
    ((0, magic, abi, ok, "fedcba9876543210"), 2,
     "runs series 0123456789abcdef, this tree's is fedcba9876543210"),
]
bad = 0
for args, want_rc, want_text in cases:
    rc, out, err = run(*args)
    text = out if want_rc == 0 else err
    lines = text.splitlines()
    if rc != want_rc or len(lines) != 1 or want_text not in text or \
            (want_rc and out) or (not want_rc and err):
        print("FAIL: %r -> rc %s, stdout %r, stderr %r" % (args, rc, out, err))
        bad = 1
sys.exit(bad)
PY
[ "$fail" = 0 ] && echo "PASS: native check"
exit "$fail"
