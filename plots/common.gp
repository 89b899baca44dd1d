# SPDX-License-Identifier: MIT
# Shared terminal setup for the sysletbench charts.  Expects H (pixels),
# fmt ('png' or 'svg'), pngterm ('pngcairo' or 'png'), outfile, and either
# W (pixels) or n (panels), key_extra (key columns beyond the backends')
# and key_lastlen (characters in the longest label that is not a variant).
set encoding utf8
# Canvas wide enough for n panels and for the key row.  gnuplot gives
# every key column the width of the longest title in the key (about 8 px
# per character at 11 pt, plus the sample and gaps).
canvas_w(n, ncols, maxlen) = \
    (w1 = 160 + 600 * n, w2 = 120 + ncols * (8 * maxlen + 95), \
     w1 > w2 ? w1 : w2)

if (!exists('W')) { W = canvas_w(n, key_cols + key_extra, \
    (key_maxlen > key_lastlen ? key_maxlen : key_lastlen)) }
W = int(W < 1000 ? 1000 : W)

if (fmt eq 'svg') {
    set terminal svg size W,H dynamic noenhanced font 'DejaVu Sans,12' \
        background '#ffffff' rounded
} else {
    if (pngterm eq 'pngcairo') {
        set terminal pngcairo size W,H noenhanced font 'DejaVu Sans,11' \
            background '#ffffff' rounded
    } else {
        set terminal png size W,H noenhanced font 'DejaVu Sans,10' \
            background '#ffffff'
    }
}
set output outfile
set grid xtics ytics mytics lc rgb '#d8d8d8' lw 1 dt 1
set border 3 lc rgb '#404040'
set tics nomirror out
set datafile missing 'NaN'

# Key row shared by all panels of a multiplot: fraction of the height,
# grown with the number of key rows (concurrency levels).
keyh = (exists('key_rows') ? 0.035 + 0.026 * key_rows : 0.11)
# Plot area vertical extent (screen coordinates), below a two-line title.
ptop = 0.83
pbot = keyh + 0.12
# Panel k of n: left and right edges (screen coordinates); 95 px on the
# left for the y label and tics, 60 px between panels.
pleft(k, n) = 95.0 / W + (k - 1) * ((1.0 - 95.0 / W - 15.0 / W) / n)
pright(k, n) = pleft(k, n) + (1.0 - 95.0 / W - 15.0 / W) / n - 60.0 / W

# Labelled log-scale y tics at 1, 2 and 5 x 10^d inside [ymin:ymax]: a
# chart spanning one or two decades would otherwise show one or two labels.
# Use with:  eval add_logytics
add_logytics = 'do for [d = floor(log10(ymin)):ceil(log10(ymax))] { ' . \
    'do for [m in "1 2 5"] { v = real(m) * 10.0**d; ' . \
    'if (v >= ymin && v <= ymax) { set ytics add (v) } } }'
