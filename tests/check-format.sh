#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every C source and header of the suite is formatted by the committed
# .clang-format (kernel style). atoms/syslet.h is left out: it must stay
# byte for byte the uapi header of the kernel series (check-uapi.sh), which
# follows the kernel's hand-aligned uapi layout. Exit 0 clean, 1 with the
# files that differ, 77 without clang-format.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v clang-format >/dev/null || {
	echo "check-format: SKIP: clang-format is not installed"
	exit 77
}
cd "$top" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files '*.c' '*.h')
else
	mapfile -t files < <(find . -name '*.[ch]' -not -path './build*' | sed 's|^\./||')
fi
bad=0
for f in "${files[@]}"; do
	[ "$f" = atoms/syslet.h ] && continue
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "check-format: $f is not clang-formatted (clang-format -i $f)"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "check-format: ${#files[@]} files clean"
exit "$bad"
