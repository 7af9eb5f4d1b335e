"""A straightforward per-dyad pure-Python implementation of the expected-utility model, in the
Scholz-code variant (the default of accord's `ExpectedUtility`), for benchmarking only.

Independent of accord's vectorised code: plain loops over voters, pairs and receivers,
following ../shared/notes/bdm-expected-utility.md and [Scholz2011].
"""

from __future__ import annotations


def weighted_median(x, w):
    order = sorted(range(len(x)), key=lambda i: x[i])
    total = sum(w)
    acc = 0.0
    for i in order:
        acc += w[i]
        if acc >= 0.5 * total - 1e-12:
            return x[i]
    return x[order[-1]]


def _vote(x, w, r, delta, k, i, j):
    return w[k] * ((abs(x[k] - x[j]) / delta) ** r[k] - (abs(x[k] - x[i]) / delta) ** r[k])


def probability_dyad(x, w, r, delta, i, j):
    """P_i(j) for one dyad, as the public port of Scholz's code computes it: the numerator sums
    the positive votes for i over j; the denominator sums |votes| over every voter and every
    ordered pair of actors, recomputed for each dyad (O(n³) per dyad, O(n⁵) per round)."""
    n = len(x)
    if x[i] == x[j]:
        return 0.0
    num = sum(max(0.0, _vote(x, w, r, delta, k, i, j)) for k in range(n))
    denom = 0.0
    for k in range(n):
        for a in range(n):
            for b in range(n):
                denom += abs(_vote(x, w, r, delta, k, a, b))
    return num / denom if denom else 0.0


def _probability(x, w, r, delta):
    n = len(x)
    return [[probability_dyad(x, w, r, delta, i, j) for j in range(n)] for i in range(n)]


def _eu(P, x, s, i, j, r, delta):
    dist = abs(x[i] - x[j]) / delta
    us = 2 - 4 * (0.5 - 0.5 * dist) ** r
    uf = 2 - 4 * (0.5 + 0.5 * dist) ** r
    usq = 2 - 4 * 0.5**r
    return s[j] * (P[i][j] * us + (1 - P[i][j]) * uf) + (1 - s[j]) * us - usq


def run(x, c, s, rounds):
    x = list(map(float, x))
    n = len(x)
    w = [c[k] * s[k] for k in range(n)]
    delta = (max(x) - min(x)) or 1.0
    medians = []
    for _ in range(rounds):
        P1 = _probability(x, w, [1.0] * n, delta)
        S = [sum(_eu(P1, x, s, j, i, 1.0, delta) for j in range(n) if j != i) for i in range(n)]
        smax, smin = max(S), min(S)
        if smax - smin > 1e-12:
            R = [(2 * S[i] - smax - smin) / (smax - smin) for i in range(n)]
            r = [(1 - R[i] / 3) / (1 + R[i] / 3) for i in range(n)]
        else:
            r = [1.0] * n
        P = _probability(x, w, r, delta)
        new = list(x)
        for i in range(n):
            conflicts, comps = [], []
            for j in range(n):
                if j == i or x[j] == x[i]:
                    continue
                eu_ij = _eu(P, x, s, i, j, r[i], delta)
                # j's expected utility of challenging i, seen with i's risk exponent
                dist = abs(x[i] - x[j]) / delta
                us = 2 - 4 * (0.5 - 0.5 * dist) ** r[i]
                uf = 2 - 4 * (0.5 + 0.5 * dist) ** r[i]
                usq = 2 - 4 * 0.5 ** r[i]
                eu_ji = s[i] * (P[j][i] * us + (1 - P[j][i]) * uf) + (1 - s[i]) * us - usq
                if eu_ji <= 0:
                    continue
                if eu_ij > 0 and eu_ji > eu_ij:
                    conflicts.append((abs(x[j] - x[i]), x[j], x[j]))
                elif eu_ij < 0 and eu_ji > abs(eu_ij):
                    key = (x[i] * abs(eu_ij) + x[j] * eu_ji) / (abs(eu_ij) + eu_ji)
                    comps.append((key, x[j], x[i] + (x[j] - x[i]) * abs(eu_ij / eu_ji)))
            for group in (conflicts, comps):
                if group:
                    new[i] = min(group)[2]
                    break
        x = new
        medians.append(weighted_median(x, w))
    return medians
