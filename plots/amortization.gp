# SPDX-License-Identifier: MIT
# Amortization: extra cost per syscall over baseline_sync against chain
# length (reads per file), one line per variant, with the 0 line (as cheap
# as the synchronous loop). Falling lines amortize a fixed per-chain cost
# (Davide's claim for clets); flat ones pay per atom.
# Run by plot.sh as:  gnuplot -c THIS.gp GROUPDIR OUTFILE png|svg PNGTERM PLOTDIR
gdir = ARG1; outfile = ARG2; fmt = ARG3; pngterm = ARG4; plotdir = ARG5
load gdir.'/params.gp'
W = 1100
H = 640
load plotdir.'/common.gp'

set title title_am font ',12'
set logscale x 2
set xrange [xmin:xmax]
set xtics ()
do for [t = 1:words(xs)] { set xtics add (word(xs, t) real(word(xs, t))) }
set format x '%g'
set xlabel 'reads per file (file size / buffer): the chain length, log scale'
set ylabel 'extra ns per syscall of the sync loop / one null syscall'
set key outside right top vertical Left reverse samplen 3 spacing 1.3
set lmargin 12
set samples 2
plot 0 with lines lc rgb '#000000' lw 2 dt 3 title 'baseline_sync (0)', \
     for [i = 1:nvar] sprintf('%s/amort_%d.dat', gdir, i) using 1:2 \
         with linespoints lc rgb word(vcolor, i) dt int(word(vdt, i)) \
         lw 2 pt int(word(vpt, i)) ps 1.3 title word(vlabels, i)
