# SPDX-License-Identifier: MIT
# Speedup relative to baseline_sync vs file count, one panel per cache
# state, with the 1.0 reference line (baseline_sync itself).
# Run by plot.sh as:  gnuplot -c THIS.gp GROUPDIR OUTFILE png|svg PNGTERM PLOTDIR
gdir = ARG1; outfile = ARG2; fmt = ARG3; pngterm = ARG4; plotdir = ARG5
load gdir.'/params.gp'
n = words(sp_caches)
H = 720
key_extra = 0
key_lastlen = 20
load plotdir.'/common.gp'

spfile(c, i) = sprintf('%s/sp__%s__%s.dat', gdir, c, word(variants, i))
vi(p, j) = int(word(p, j))
# Sideways offset of variant i (log x), used when there is one file count.
dodge(i) = single ? 10.0 ** (0.4 * ((i - 0.5) / nvar - 0.5)) : 1.0

set multiplot title title_sp font ',14'
do for [k = 1:n] {
    c = word(sp_caches, k)
    p = value('sp_present_'.c)
    set lmargin at screen pleft(k, n)
    set rmargin at screen pright(k, n)
    set tmargin at screen ptop
    set bmargin at screen pbot
    set title value('ctitle_'.c) font ',13'
    set logscale x
    set xrange [xmin:xmax]
    set yrange [spmin:spmax]
    set format x '%g'
    set format y '%.1f×'
    set xtics autofreq
    do for [t = 1:words(files_list)] {
        set xtics add (word(files_list, t) real(word(files_list, t)))
    }
    set ytics autofreq
    set mytics 2
    set xlabel 'files in set (log scale)'
    if (k == 1) {
        set ylabel 'speedup vs baseline_sync (sync median / median)'
    } else { unset ylabel }
    unset key
    set samples 2
    plot 1 with lines lc rgb '#000000' lw 2 dt 3 notitle, \
         for [j = 1:words(p)] spfile(c, vi(p, j)) \
             using ($1 * dodge(vi(p, j))):2 \
             with linespoints lc rgb word(vcolor, vi(p, j)) \
             dt int(word(vdt, vi(p, j))) lw real(word(vlw, vi(p, j))) \
             pt int(word(vpt, vi(p, j))) ps 1.3 notitle
}

# Key row: the reference line, then every async variant.
unset title; unset xlabel; unset ylabel; unset grid; unset logscale
unset border; unset tics
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0.06; set rmargin at screen 0.94
set tmargin at screen keyh; set bmargin at screen 0.0
set key at screen 0.5, keyh / 2 center center vertical maxrows key_rows \
    reverse Left samplen 3 spacing 1.2 width 0
ks(j) = int(word(key_seq_nosync, j))
kdt(j) = ks(j) ? int(word(vdt, ks(j))) : 1
plot NaN with lines lc rgb '#000000' lw 2 dt 3 \
         title 'baseline_sync (1.0×)', \
     for [j = 2:key_rows] NaN with lines lc rgb '#ffffff' lw 0.1 title ' ', \
     for [j = 1:words(key_seq_nosync)] NaN with linespoints \
         lc rgb (ks(j) ? word(vcolor, ks(j)) : '#ffffff') \
         dt kdt(j) \
         lw (ks(j) ? real(word(vlw, ks(j))) : 0.1) \
         pt (ks(j) ? int(word(vpt, ks(j))) : -1) \
         ps 1.3 title (ks(j) ? word(vlabels, ks(j)) : ' ')
unset multiplot
