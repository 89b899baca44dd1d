# SPDX-License-Identifier: MIT
# Syscalls per file as bars clustered by variant (hot cache, largest file
# count).  Left: the kernel crossings the backend counted and what a tracer
# saw ("n/a" where unknown).  Right: the median time per file in units of
# one null syscall (getppid) of the same run.
# Run by plot.sh as:  gnuplot -c THIS.gp GROUPDIR OUTFILE png|svg PNGTERM PLOTDIR
gdir = ARG1; outfile = ARG2; fmt = ARG3; pngterm = ARG4; plotdir = ARG5
load gdir.'/params.gp'
left = (any_counted || any_traced) ? 1 : 0
npan = left + any_null
# Side by side for up to 8 variants, stacked when there are more.
stack = (nbars > 8 && npan == 2) ? 1 : 0
W = stack ? 260 + 85 * nbars : 160 + npan * (140 + 95 * nbars)
W = (W < 1100) ? 1100 : W
H = stack ? 1150 : 680
load plotdir.'/common.gp'
f_cnt = gdir.'/sys_counted.dat'
f_trc = gdir.'/sys_traced.dat'
f_unk = gdir.'/sys_untraced.dat'
f_nul = gdir.'/sys_null.dat'

# Panel k: screen edges; side by side or stacked.
pl(k) = stack ? 0.08 : pleft(k, npan)
pr(k) = stack ? 0.97 : pright(k, npan)
pt_(k) = stack ? (k == 1 ? 0.85 : 0.43) : ptop
pb(k) = stack ? (k == 1 ? 0.58 : 0.15) : 0.26
set multiplot title title_sys font ',13'
set style fill solid 0.9 border rgb '#303030'
# Few variants: pad the x range so that bars keep a sane width.
xpad = nbars < 4 ? (4 - nbars) / 2.0 : 0.0
set xrange [-0.6 - xpad:nbars - 0.4 + xpad]
eval sys_xtics
set xtics rotate by 30 right nomirror scale 0 font ',11'
set grid noxtics ytics
set format y '%g'

# (A macro is expanded when its whole block is read: define it out here.)
kv = stack ? 'top' : 'bottom'
if (left) {
    set lmargin at screen pl(1)
    set rmargin at screen pr(1)
    set tmargin at screen pt_(1)
    set bmargin at screen pb(1)
    # Key under the rotated variant names, centred on this panel.
    set key at screen (pl(1) + pr(1)) / 2, (stack ? 0.935 : 0.02) \
        center @kv horizontal reverse Left samplen 2 width 2
    set yrange [0:bar_max * 1.22]
    set ylabel 'syscalls per file'
    set title 'syscalls issued per file' font ',12'
    # Two bars per variant when both counts exist, else one centred bar.
    both = any_counted && any_traced
    off = both ? 0.2 : 0.0
    set boxwidth (both ? 0.38 : 0.6)
    ttl_c = any_traced ? 'counted by the backend' \
                       : 'counted by the backend (tracer count unknown)'
    ttl_t = any_counted ? 'seen by the tracer' \
                        : 'seen by the tracer (backend count unknown)'
    # Only series with data are named: gnuplot opens a file named in a
    # plot command even inside an empty for [] range.
    c = ''
    if (any_counted) {
        c = c . "f_cnt using ($1 - off):2 with boxes lc rgb '#3a3a3a' " . \
            "title ttl_c, f_cnt using ($1 - off):2:(gprintf('%.3g', $2)) " . \
            "with labels offset 0, 0.7 font ',10' notitle, "
    }
    if (any_traced) {
        c = c . "f_trc using ($1 + off):2 with boxes lc rgb '#8fbfe0' " . \
            "title ttl_t, f_trc using ($1 + off):2:(gprintf('%.3g', $2)) " . \
            "with labels offset 0, 0.7 font ',10' notitle, "
    }
    if (any_traced_missing) {
        c = c . "f_unk using ($1 + off):2:('n/a') with labels " . \
            "offset 0, 0.7 font ',10' tc rgb '#707070' notitle, "
    }
    eval 'plot ' . c[1:strlen(c) - 2]
}

if (any_null) {
    set lmargin at screen pl(npan)
    set rmargin at screen pr(npan)
    set tmargin at screen pt_(npan)
    set bmargin at screen pb(npan)
    set yrange [0:null_max * 1.18]
    set ylabel 'median ns per file / ns per getppid()'
    set title 'time per file, in null syscalls' font ',12'
    set boxwidth 0.6
    unset key
    plot f_nul using 1:2:3 with boxes lc rgb variable notitle, \
         f_nul using 1:2:(gprintf('%.3g', $2)) \
             with labels offset 0, 0.7 font ',10' notitle
}
unset multiplot
