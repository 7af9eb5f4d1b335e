"""The negotiation engine: every run's packages, utilities, beliefs and bounds as arrays.

Shared by the protocols (:mod:`.protocols`) and the strategies that need the whole space
(Zeuthen); see :mod:`.protocols` for the protocols and their sources.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from accord import jit

from .beliefs import Beliefs, RunStreams
from .space import OutcomeSpace

__all__ = ["Engine", "lexmax", "log_phi", "no_deal_schedule", "runs_of", "time_fraction"]


#: ties in the believed probability of acceptance (log) when choosing an offer
LEXMAX_TOL = 1e-4
#: the compiled passes run from this many runs × packages per :data:`accord.jit.MIN_CASES`
COMPILED_MIN_ROWS = 1024


class Engine:
    """Shared state of a protocol run: utilities by run, red lines, beliefs and cached scores."""

    def __init__(
        self,
        space: OutcomeSpace,
        runs: int,
        *,
        beliefs: Beliefs | None,
        tolerance: float,
        streams: RunStreams | None,
        single_text: bool = False,
    ):
        self.space = space
        u = space.utility
        self.U = u if u.ndim == 3 else u[None]  # (B, P, n)
        self.B, self.P, self.n = self.U.shape
        if self.B not in (1, runs):
            raise ValueError(f"utility has {self.B} run matrices but {runs} runs were asked for")
        self.R = runs
        self.rows = np.arange(runs)
        self.b = self.rows if self.B == runs else np.zeros(runs, dtype=np.int64)
        self.ok = np.asarray(space.acceptable, dtype=bool)
        self.tolerance = float(tolerance)
        self.beliefs = beliefs
        self.streams = streams
        self.single_text = single_text
        self._cache: dict[tuple[str, int], tuple[int, np.ndarray]] = {}
        # best and worst utility within each actor's own red lines (all packages if none qualifies)
        if self.ok.all():
            self.umax, self.umin = self.U.max(axis=1), self.U.min(axis=1)  # (B, n)
        else:
            masked = np.where(self.ok[None], self.U, np.nan)
            empty = ~self.ok.any(axis=0)
            masked[:, :, empty] = self.U[:, :, empty]
            self.umax, self.umin = np.nanmax(masked, axis=1), np.nanmin(masked, axis=1)
        self._sorted = [self._sort(i) for i in range(self.n)]

    # -- utilities -------------------------------------------------------------------------
    def utility_rows(self, i: int) -> np.ndarray:
        """(B, P) actor i's utility of every package (B = 1 when shared by all runs)."""
        return self.U[:, :, i]

    def utility_of(self, i: int, idx: np.ndarray) -> np.ndarray:
        """(R,) actor i's utility of package idx[r] in run r."""
        return self.U[self.b, idx, i]

    def bounds(self, i: int, no_deal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) per run: lo = max(no deal, worst own package), hi = best own package."""
        return np.maximum(no_deal[:, i], self.umin[self.b, i]), self.umax[self.b, i]

    def rational_mask(self, i: int, lo: np.ndarray) -> np.ndarray:
        """(R, P) packages within i's red lines at or above lo[r]."""
        return self.ok[None, :, i] & (self.utility_rows(i) >= lo[:, None])

    # -- the aspiration offer: lowest own utility at or above the bound ---------------------
    def _sort(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """i's packages within its red lines sorted by its utility: (B, Pi) utilities and indices.
        Ties keep the lower package index (a stable sort), whether the runs share one matrix or
        each has its own, so a run gives the same result alone and in a batch."""
        ok = self.ok[:, i] if self.ok[:, i].any() else np.ones(self.P, dtype=bool)
        cand = np.flatnonzero(ok)
        u = self.U[:, cand, i] if len(cand) < self.P else self.U[:, :, i]  # (B, Pi)
        order, su = _stable_sort(u)  # one tie order for one run and a batch
        return su, cand[order]

    def aspiration_offer(self, i: int, bound: np.ndarray) -> np.ndarray:
        """Per run: the package within i's red lines with the lowest utility >= bound (the best
        one if none reaches it) — a binary search in each run's sorted row, all runs at once."""
        su, sidx = self._sorted[i]
        width = su.shape[1]
        if self.B == 1:
            k = np.minimum(np.searchsorted(su[0], bound, side="left"), width - 1)
            return sidx[0, k]
        lo = np.zeros(self.R, dtype=np.int64)
        hi = np.full(self.R, width, dtype=np.int64)
        for _ in range(int(np.ceil(np.log2(width + 1)))):
            mid = (lo + hi) >> 1
            right = su[self.b, np.minimum(mid, width - 1)] < bound
            lo = np.where(right, mid + 1, lo)
            hi = np.where(right, hi, mid)
        return sidx[self.b, np.minimum(lo, width - 1)]

    # -- compiled passes (accord.jit) ----------------------------------------------------------
    def _kernel(self, name: str) -> Callable[..., None] | None:
        """The compiled transcription :mod:`._compiled` ``name`` when compiled kernels are on
        and the runs × packages are many enough to pay for loading it; else None (numpy)."""
        if self.R * self.P < jit.MIN_CASES * COMPILED_MIN_ROWS or not jit.enabled():
            return None
        from ._compiled import accept_terms, lexmax_offer, surplus

        fns: dict[str, Callable[..., None]] = {
            "accept_terms": accept_terms,
            "lexmax_offer": lexmax_offer,
            "surplus": surplus,
        }
        return jit.compiled(fns[name])

    def _arrays(self, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Contiguous float64 utilities and believed no-deal payoffs for the kernels."""
        return np.ascontiguousarray(self.U, dtype=float), np.ascontiguousarray(d, dtype=float)

    # -- beliefs -----------------------------------------------------------------------------
    def _cached(self, key: str, i: int, build: Callable[[], np.ndarray]) -> np.ndarray:
        version = -1 if self.beliefs is None else self.beliefs.version
        hit = self._cache.get((key, i))
        if hit is not None and hit[0] == version:
            return hit[1]
        value = build()
        self._cache[(key, i)] = (version, value)
        return value

    def believed_red_ok(self, i: int) -> np.ndarray:
        """(R, P) packages observer i believes (at its point estimates) break no other actor's red
        line.
        """
        return self._cached("red", i, lambda: np.isfinite(self._red_log_prob(i, point=True)))

    def _red_log_prob(self, i: int, *, point: bool = False) -> np.ndarray:
        """(R, P) log-probability, by i's beliefs, that no other actor's red line rules a
        package out
        (``point``: at the point estimates, 0 or −inf)."""
        sp = self.space
        out = np.zeros((self.R, self.P), dtype=np.float32)
        if self.beliefs is None or not sp.has_red_lines or sp.packages is None:
            return out
        red = self.beliefs.red_line[:, i]  # (R, n, m)
        sd = self.beliefs.red_line_sd[:, i]
        assert sp.red_line is not None and sp.red_side is not None
        for k, g in enumerate(sp.grids):
            tol = 1e-9 * (sp.width[k] if sp.width is not None else 1.0)
            per_value = np.zeros((self.R, len(g)), dtype=np.float32)
            for j in range(self.n):
                if j == i or np.isnan(sp.red_line[j, k]):
                    continue
                side = sp.red_side[j, k]
                if side == 0:  # only r itself (known exactly)
                    per_value += np.where(np.abs(g - sp.red_line[j, k]) <= tol, 0.0, -np.inf)[None]
                    continue
                gap = (g[None, :] - red[:, j, k, None]) * (-side) + tol  # > 0: within the red line
                s = 0.0 if point else sd[:, j, k, None]
                per_value += log_phi(gap, s)  # P(red line at or beyond g)
            if not np.any(per_value != 0):
                continue
            if sp.mesh:  # Cartesian grid: broadcast, no gather
                shape = [self.R] + [1] * len(sp.grids)
                shape[k + 1] = len(g)
                out.reshape(self.R, *(len(h) for h in sp.grids))[...] += per_value.reshape(shape)
            else:
                out += per_value[:, sp.grid_index[k]]
        return out

    def believed_no_deal(self, i: int) -> np.ndarray:
        """(R, n) what i believes everyone's no-deal payoff is (the engine's truth without
        beliefs)."""
        if self.beliefs is None:
            return np.broadcast_to(self.space.no_deal, (self.R, self.n))
        return self.beliefs.no_deal[:, i, :]

    def believed_surplus(self, i: int) -> np.ndarray:
        """(R, P) smallest gain of the other actors over their no-deal payoffs as i believes
        them."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            kernel = self._kernel("surplus")
            if kernel is not None:
                out = np.empty((self.R, self.P), dtype=np.float32)
                kernel(*self._arrays(d), i, out)
                return out
            worst = np.full((self.R, self.P), np.inf, dtype=np.float32)
            for j in range(self.n):
                if j != i:
                    np.minimum(
                        worst,
                        self.U[:, :, j].astype(np.float32) - d[:, j, None].astype(np.float32),
                        out=worst,
                    )
            return np.where(np.isinf(worst), 0.0, worst).astype(np.float32)

        return self._cached("surplus", i, build)

    def acceptance_log_prob(self, i: int, who: np.ndarray | None = None) -> np.ndarray:
        """(R, P) log-probability, by i's beliefs, that every other actor (or those in ``who``)
        finds a package rational: within its red lines and above its no-deal payoff; beliefs are
        normal (mean, spread), so each term is a log Φ(z); independent across actors and issues."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            sd = (
                np.zeros((self.R, self.n))
                if self.beliefs is None
                else self.beliefs.no_deal_sd[:, i, :]
            )
            total = self._red_log_prob(i)
            kernel = self._kernel("accept_terms")
            if kernel is not None:
                who_ = np.ones(self.n, dtype=bool) if who is None else np.asarray(who, bool)
                u, dd = self._arrays(d)
                kernel(total, u, dd, _scale(sd), i, who_, _table(), _OFFSET)
                return total
            for j in range(self.n):
                if j == i or (who is not None and not who[j]):
                    continue
                gain = (
                    self.U[:, :, j].astype(np.float32)
                    - d[:, j, None].astype(np.float32)
                    + np.float32(1e-9)
                )
                total += log_phi(gain, sd[:, j, None])
            return np.broadcast_to(total, (self.R, self.P)).astype(np.float32)

        key = "accept" if who is None else "accept-" + "".join("1" if w else "0" for w in who)
        return self._cached(key, i, build)

    def log_nash(self, i: int) -> np.ndarray:
        """(R, P) Σ_j log(u_j − d_j) over every actor as i believes them [Nash1950], −inf where a
        gain is not positive or i believes (at its point estimates) a red line breaks; its own red
        lines are known."""

        def build() -> np.ndarray:
            d = self.believed_no_deal(i)
            total = np.zeros((self.R, self.P))
            valid = self.believed_red_ok(i) & self.ok[None, :, i]
            for j in range(self.n):
                gain = self.U[:, :, j] - d[:, j, None]
                valid &= gain > 0
                total += np.log(np.where(gain > 0, gain, 1.0))  # [Nash1950] log of the product
            return np.where(valid, total, -np.inf)

        return self._cached("nash", i, build)

    def believed_offer(self, i: int, bound: np.ndarray) -> np.ndarray:
        """Among i's packages at or above ``bound``: the largest believed probability that every
        other actor accepts, ties (within 1e-4 in log) broken by the largest smallest believed
        gain."""
        primary, secondary = self.acceptance_log_prob(i), self.believed_surplus(i)
        kernel = self._kernel("lexmax_offer")
        if kernel is not None:
            pick = np.empty(self.R, dtype=np.int64)
            found = np.empty(self.R, dtype=bool)
            ui = np.ascontiguousarray(self.utility_rows(i))
            ok = np.ascontiguousarray(self.ok[:, i])
            bound = np.ascontiguousarray(bound, dtype=float)
            kernel(ui, bound, ok, primary, secondary, np.float32(LEXMAX_TOL), pick, found)
        else:
            cand = self.utility_rows(i) >= bound[:, None]
            cand = cand & self.ok[None, :, i]
            pick, found = lexmax(cand, primary, secondary)
        return np.where(found, pick, self.aspiration_offer(i, bound))

    def blocking(self, offer: np.ndarray, no_deal: np.ndarray) -> np.ndarray:
        """(R, n) actors for whom ``offer`` breaks a red line or is below their no-deal payoff."""
        has = offer >= 0
        o = np.where(has, offer, 0)
        u = self.U[self.b[:, None], o[:, None], np.arange(self.n)[None, :]]
        bad = ~self.ok[o] | (u < no_deal)
        return bad & has[:, None]


#: log Φ(z) tabulated on z ∈ [−12, 12] in steps of 1/128 (nearest point; fine enough to rank
#: offers); z ≤ −12 counts as impossible (−inf), z ≥ 12 as certain (0).
_Z_STEP = 1.0 / 128
_Z_MAX = 12.0
_LOG_PHI = None


def _table() -> np.ndarray:
    global _LOG_PHI
    if _LOG_PHI is None:
        from scipy.special import log_ndtr

        table = log_ndtr(np.arange(-_Z_MAX, _Z_MAX + _Z_STEP / 2, _Z_STEP)).astype(np.float32)
        table[0], table[-1] = -np.inf, 0.0
        _LOG_PHI = table
    return _LOG_PHI


def _scale(sd) -> np.ndarray:
    """log_phi's float32 factor from x to the table's index: 1 / (sd · step), capped."""
    sd = np.asarray(sd, dtype=np.float32)
    with np.errstate(divide="ignore", over="ignore"):  # sd = 0: a step function
        return (
            np.minimum(np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0), 1e20), 1e20) / _Z_STEP
        ).astype(np.float32)


#: log_phi's index offset: z = 0 is the table's middle (nearest point)
_OFFSET = np.float32(_Z_MAX / _Z_STEP + 0.5)


def log_phi(x: np.ndarray, sd) -> np.ndarray:
    """log Φ(x / sd) as float32; sd = 0 gives 0 (x > 0) or −inf (x < 0)."""
    table = _table()
    z = np.asarray(x, dtype=np.float32) * _scale(sd)  # z / step
    np.copyto(z, np.float32(0.0), where=np.isnan(z))  # NaN -> 0; ±inf is clipped below
    z += _OFFSET
    np.clip(z, 0, len(table) - 1, out=z)
    return table[z.astype(np.int32)]


def _stable_sort(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, sorted rows) as ``np.argsort(u, axis=1, kind="stable")`` gives them, faster: a
    row without exact ties has one order, which quicksort finds; only rows with ties are sorted
    again stably (lower index first)."""
    order = np.argsort(u, axis=1)
    su = np.sort(u, axis=1)  # the same values as u in ``order``, without a gather
    tied = (su[:, 1:] == su[:, :-1]).any(axis=1)
    if tied.any():
        order[tied] = np.argsort(u[tied], axis=1, kind="stable")
        su[tied] = np.take_along_axis(u[tied], order[tied], axis=1)
    return order, su


def lexmax(cand: np.ndarray, primary: np.ndarray, secondary: np.ndarray, tol: float = LEXMAX_TOL):
    """Per run: the candidate with the largest ``primary`` (within ``tol``), then ``secondary``."""
    p = np.where(cand, primary, -np.inf)
    best = p.max(axis=1)
    found = np.isfinite(best)
    near = p >= (best - tol)[:, None]
    pick = np.argmax(np.where(near, secondary, -np.inf), axis=1)
    return pick, found


def no_deal_schedule(
    no_deal: np.ndarray | Callable[[int], np.ndarray], runs: int, n: int
) -> Callable[[int], np.ndarray]:
    if callable(no_deal):
        return lambda s: np.broadcast_to(np.asarray(no_deal(s), dtype=float), (runs, n))
    arr = np.broadcast_to(np.asarray(no_deal, dtype=float), (runs, n))
    return lambda s: arr


def runs_of(space: OutcomeSpace, runs: int | None, beliefs: Beliefs | None) -> int:
    if runs is not None:
        return int(runs)
    if space.utility.ndim == 3:
        return space.utility.shape[0]
    if space.no_deal.ndim == 2:
        return space.no_deal.shape[0]
    if beliefs is not None:
        return beliefs.runs
    return 1


def time_fraction(s: int, horizon: int) -> float:
    """NegMAS's relative time of round s of a deadline of ``horizon`` rounds, capped at 1."""
    return min(1.0, (s + 1) / (horizon + 1))
