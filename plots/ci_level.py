# SPDX-License-Identifier: MIT
"""The real coverage of the harness's CI of the median, and its label.

The harness (harness/stats.c) reports, for n samples, the widest order
statistics [x_(l), x_(n-l+1)] whose coverage 1 - 2 P(B < l), B ~ Bin(n, 1/2),
is at least 95%, or min..max when no l reaches it (n < 6): 75% at n = 3,
93.75% at n = 5, 96.9% at n = 6. Tools that only see the sample count (the
summary.csv "samples" column) label intervals with the level it implies.
"""

import math


def _binom_half_cdf(n, k):
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2.0 ** n


def median_ci_level(n):
    """Coverage of the interval the harness gives for N samples (0 for
    fewer than 2: no interval)."""
    if n < 2:
        return 0.0
    l = 0
    while l + 1 <= n // 2 and _binom_half_cdf(n, l) <= 0.025:
        l += 1
    if l == 0:
        return 1.0 - 2.0 * _binom_half_cdf(n, 0)
    return 1.0 - 2.0 * _binom_half_cdf(n, l - 1)


def _pct(level):
    """The level in percent rounded down to 0.1, as harness/stats.c does:
    a 94.96% interval never reads as 95%."""
    tenths = math.floor(level * 1000 + 1e-9)
    return "%d%%" % (tenths // 10) if tenths % 10 == 0 else \
        "%.1f%%" % (tenths / 10.0)


def ci_label(levels):
    """'96.8% CI' for one level, '75-96.8% CI' for several, 'no CI' when
    none is above 0. LEVELS: an iterable of coverages in 0..1."""
    known = sorted({lv for lv in levels if lv and lv > 0})
    if not known:
        return "no CI"
    if len(known) == 1:
        return _pct(known[0]) + " CI"
    return "%s-%s CI" % (_pct(known[0]).rstrip("%"), _pct(known[-1]))
