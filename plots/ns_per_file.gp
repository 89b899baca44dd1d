# SPDX-License-Identifier: MIT
# ns per file vs file count, one panel per cache state, one line per
# variant with its CI of the median as a translucent band (the legend names
# its real level, ci_label from extract.py).
# Run by plot.sh as:  gnuplot -c THIS.gp GROUPDIR OUTFILE png|svg PNGTERM PLOTDIR
gdir = ARG1; outfile = ARG2; fmt = ARG3; pngterm = ARG4; plotdir = ARG5
load gdir.'/params.gp'
n = words(ns_caches)
H = 720
key_extra = 1
key_lastlen = strlen(ci_label) + 5
load plotdir.'/common.gp'

nsfile(c, i) = sprintf('%s/ns__%s__%s.dat', gdir, c, word(variants, i))
vi(p, j) = int(word(p, j))
# Sideways offset of variant i (log x), used when there is one file count.
dodge(i) = 10.0 ** (0.4 * ((i - 0.5) / nvar - 0.5))

set multiplot title title_ns font ',14'
do for [k = 1:n] {
    c = word(ns_caches, k)
    p = value('ns_present_'.c)
    set lmargin at screen pleft(k, n)
    set rmargin at screen pright(k, n)
    set tmargin at screen ptop
    set bmargin at screen pbot
    set title value('ctitle_'.c) font ',13'
    set logscale xy
    set xrange [xmin:xmax]
    set yrange [ymin:ymax]
    set format x '%g'
    set format y '%.0s%c'
    set xtics autofreq
    do for [t = 1:words(files_list)] {
        set xtics add (word(files_list, t) real(word(files_list, t)))
    }
    set ytics autofreq
    eval add_logytics
    set mytics 10
    set xlabel 'files in set (log scale)'
    if (k == 1) { set ylabel 'ns per file (log scale)' } else { unset ylabel }
    unset key
    if (single) {
        # One file count: bars for the CI, variants dodged sideways so that
        # they do not hide each other.
        plot for [j = 1:words(p)] nsfile(c, vi(p, j)) \
                 using ($1 * dodge(vi(p, j))):2:3:4 \
                 with yerrorbars lc rgb word(vcolor, vi(p, j)) \
                 lw 1.5 pt int(word(vpt, vi(p, j))) ps 1.4 notitle
    } else {
        plot for [j = 1:words(p)] nsfile(c, vi(p, j)) using 1:3:4 \
                 with filledcurves lc rgb word(vcolor, vi(p, j)) \
                 fs transparent solid 0.13 noborder notitle, \
             for [j = 1:words(p)] nsfile(c, vi(p, j)) using 1:2 \
                 with linespoints lc rgb word(vcolor, vi(p, j)) \
                 dt int(word(vdt, vi(p, j))) lw real(word(vlw, vi(p, j))) \
                 pt int(word(vpt, vi(p, j))) ps 1.3 notitle
    }
}

# Key row: every variant of the group, plus what the band means.
unset title; unset xlabel; unset ylabel; unset grid; unset logscale
unset border; unset tics
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0.06; set rmargin at screen 0.94
set tmargin at screen keyh; set bmargin at screen 0.0
set key at screen 0.5, keyh / 2 center center vertical maxrows key_rows \
    reverse Left samplen 3 spacing 1.2 width 0
ks(j) = int(word(key_seq, j))
kdt(j) = ks(j) ? int(word(vdt, ks(j))) : 1
# (yerrorbars cannot sample NaN, so one file count gets a points sample.)
ci_key = single ? \
    "NaN with points lc rgb '#606060' pt 'I' ps 1.4 title '".ci_label." bars'" : \
    "NaN with filledcurves lc rgb '#808080' fs transparent solid 0.3 noborder title '".ci_label." band'"
plot for [j = 1:words(key_seq)] NaN with linespoints \
         lc rgb (ks(j) ? word(vcolor, ks(j)) : '#ffffff') \
         dt kdt(j) \
         lw (ks(j) ? real(word(vlw, ks(j))) : 0.1) \
         pt (ks(j) ? int(word(vpt, ks(j))) : -1) \
         ps 1.3 title (ks(j) ? word(vlabels, ks(j)) : ' '), \
     @ci_key
unset multiplot
