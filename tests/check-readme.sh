#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The READMEs' example tables and quoted figures agree with the checked-in
# runs they name (tests/check_readme.py --check on README.md, docs/*.md and
# kernel/README.md), and the check can fail: a figure changed by hand and
# a link to a chart that is not there are reported (exit 1), a marker
# naming an unknown kind or a missing run is bad input (exit 2), and
# --write renders a stale block back.
# Exit: 0 pass, 1 fail, 77 skip (python3 absent).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=$top/tests/check_readme.py name=check_readme
. "$top/tests/tool_checks.sh"

expect 0 readmes && has readmes 'agree with their runs'

# A page quoting the example run, rendered from it (so the test follows a
# regenerated example), then changed by hand in one cell and one figure.
src=results/example-quick/guest-icount
cat >"$tmp/good.md" <<MD
null syscall <!-- fig source=$src key=null_syscall_ns.median fmt={:.1f} -->0<!-- /fig --> ns
<!-- table:sizes source=$src files=100 cache=hot sizes=4096 rows=baseline_sync/1,atoms-kernel/1 -->
<!-- /table -->
MD
expect 0 render --write "$tmp/good.md"
expect 0 good "$tmp/good.md"

med=$(sed -n 's/^| atoms-kernel | 1 | \([0-9]*\) \[.*/\1/p' "$tmp/good.md")
null=$(sed -n 's/^null syscall .*-->\([0-9.]*\)<!-- \/fig.*/\1/p' "$tmp/good.md")
if [ -z "$med" ] || [ -z "$null" ]; then
	echo "FAIL: the rendered page lacks the atoms-kernel row or the figure:"
	sed 's/^/    /' "$tmp/good.md"
	fail=1
fi
sed "s/| $med \[/| $((med + 100)) [/" "$tmp/good.md" >"$tmp/table.md"
expect 1 table "$tmp/table.md" && has table "^\+\| atoms-kernel \| 1 \| $med "
sed "s/-->$null</-->$null to be wrong</" "$tmp/good.md" >"$tmp/fig.md"
expect 1 fig "$tmp/fig.md" && has fig "^\+null syscall .*-->$null<"

expect 0 write --write "$tmp/table.md"
cmp -s "$tmp/good.md" "$tmp/table.md" || {
	echo "FAIL: --write did not render the table back"
	fail=1
}

sed 's/table:sizes/table:nosuch/' "$tmp/good.md" >"$tmp/kind.md"
expect 2 kind "$tmp/kind.md" && has kind 'unknown table kind'
sed "s|$src|results/nosuch|" "$tmp/good.md" >"$tmp/run.md"
expect 2 run "$tmp/run.md" && has run 'nosuch/results.json'
sed 's|rows=baseline_sync/1,|rows=baseline_sync/3,|' "$tmp/good.md" \
	>"$tmp/row.md"
expect 2 row "$tmp/row.md" && has row '0 configurations baseline_sync/c3'
{ cat "$tmp/good.md"; echo "![chart]($top/results/example-quick/charts/host-nosuch.png)"; } >"$tmp/link.md"
expect 1 link "$tmp/link.md" && has link 'host-nosuch.png, which does not exist'

grep -v '/table' "$tmp/good.md" >"$tmp/open.md"
expect 2 open "$tmp/open.md" && has open 'not closed'

finish
