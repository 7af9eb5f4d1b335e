"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith (2011).

Actors challenge one another's positions on one issue; each weighs the expected utility of
challenging against the status quo, the challenged actor compares what it expects from a
contest with what the challenger expects, and gives way (conflict), meets it part way
(compromise) or capitulates. All move at once; the forecast each round is the weighted median
([BDM1985]; [BDM1994]; [BDM1997]; equations as reconstructed in [Scholz2011]).

Notation (docs/expected-utility.md): positions x, capabilities c, saliences
s, Δ the range that scales distances, r the risk exponents. Every function works on a leading
batch axis: arrays shaped (..., n), so thousands of Monte Carlo draws run at once.

Where the public versions disagree, keyword options choose (defaults reproduce the Python port
of Scholz's own code, which gives the EU emissions medians 8.416, 9.611, 9.962, 9.962, 9.962,
7.472, 8.825, 9.671; the published Table 2 differs only in round 2):

``probability``
    ``"scholz"`` (default): Σ_k max(0, v_k(i, j)) over Σ_k Σ_a Σ_b |v_k(a, b)|, the all-pairs
    denominator of Scholz's code; ``"bdm"``: Σ_{k: v>0} v_k / Σ_k |v_k| for the pair
    ([BDM1985]); ``"dmasad"``: max(Σ_k v_k, 0) / Σ_k |v_k|.
``delta``
    ``"initial"`` (default): max − min of the initial positions, fixed for all rounds;
    ``"scale"``: the issue's scale width.
``vote_risk``
    ``"own"`` (default): each voter's vote uses its own risk exponent; ``"one"``: r = 1.
``capitulation``
    ``"replication"`` (default): the port's test never fires (``eu_ji < abs(eu_ji)``);
    ``"corrected"``: i capitulates when |EU_i| > EU_j > 0 > EU_i ([Scholz2011], sec. 3).
``offer_rule``
    ``"scholz"`` (default): conflicts first (closest proposer), then compromises (smallest
    |EU|-weighted mean of the two positions), then capitulations; ``"closest"``: among all
    credible offers the one needing the least move ([BDM1997]).
``rounds`` and ``stop_after``
    a fixed number of rounds (default 10), or stop once the median has not changed for
    ``stop_after`` rounds ([BDM1994] gives no threshold; [Scholz2011] ran 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from .base import IssueForecast, IssueTrace, ModelTags, PerIssueModel, TraceEvent
from .median import weighted_median
from .params import Param

if TYPE_CHECKING:
    from accord.scenario import IssueArrays
    from accord.scenario.arrays import ScenarioArrays

__all__ = [
    "ExpectedUtility",
    "run_expected_utility",
    "EUResult",
    "Schedule",
    "risk_exponents",
    "success_probability",
    "expected_utilities",
]

_EPS = 1e-12


@dataclass(frozen=True)
class Schedule:
    """Changes inside a run: per-round capability, salience and presence, each (rounds, ..., n).

    Round k (1-based) uses row k − 1; a missing array keeps the initial values. An inactive
    actor casts no vote, makes and receives no offers, and is left out of the median.
    """

    capability: np.ndarray | None = None
    salience: np.ndarray | None = None
    active: np.ndarray | None = None
    initial_active: np.ndarray | None = None  # (..., n): who is present at round 0


@dataclass(frozen=True)
class EUResult:
    """Positions (rounds+1, ..., n), medians (rounds+1, ...), risk exponents (rounds, ..., n),
    and per round the kind of offer each actor accepted (0 none, 1 conflict, 2 compromise,
    3 capitulation) and from whom (-1 none)."""

    positions: np.ndarray
    medians: np.ndarray
    risk: np.ndarray
    kind: np.ndarray
    proposer: np.ndarray
    eu_own: np.ndarray
    eu_proposer: np.ndarray


def _pair_abs_sum(y: np.ndarray) -> np.ndarray:
    """Σ_a Σ_b |y_a − y_b| along the last axis in O(n log n): 2 Σ_i (2i − n − 1) y_(i)
    over the ascending order statistics (the Gini mean-difference identity, [David1968])."""
    ys = np.sort(y, axis=-1)
    n = ys.shape[-1]
    coef = 2.0 * np.arange(1, n + 1) - n - 1
    return 2.0 * (ys * coef).sum(axis=-1)


def _vote_sums_linear(x, w, delta):
    """For r = 1 on one case: Σ_k w_k |d_kj − d_ki| and Σ_k w_k (d_kj − d_ki) for all i, j in
    O(n² log n) with sorted prefix sums (exact; replaces the O(n³) sum over voters).

    With lo = min(x_i, x_j), hi = max: voters at or outside [lo, hi] contribute (hi − lo);
    a voter strictly between contributes |lo + hi − 2 x_k|, split at the midpoint.
    """
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cw = np.concatenate([[0.0], np.cumsum(ws)])
    cx = np.concatenate([[0.0], np.cumsum(ws * xs)])
    lo = np.minimum(x[:, None], x[None, :])
    hi = np.maximum(x[:, None], x[None, :])
    mid = 0.5 * (lo + hi)
    a = np.searchsorted(xs, lo, side="right")  # first voter strictly above lo
    m = np.searchsorted(xs, mid, side="right")  # first voter strictly above the midpoint
    b = np.searchsorted(xs, hi, side="left")  # first voter at or above hi
    m = np.clip(m, a, b)
    w_left, x_left = cw[m] - cw[a], cx[m] - cx[a]
    w_right, x_right = cw[b] - cw[m], cx[b] - cx[m]
    between = (lo + hi) * w_left - 2 * x_left + 2 * x_right - (lo + hi) * w_right
    outside = (hi - lo) * (cw[-1] - (cw[b] - cw[a]))
    abs_sum = (outside + between) / delta
    dk = np.abs(x[:, None] - x[None, :]) / delta  # d[k, a]
    wd = (w[:, None] * dk).sum(axis=0)  # Σ_k w_k d_ka
    net = wd[None, :] - wd[:, None]  # Σ_k w_k (d_kj − d_ki)
    return abs_sum, net


def _same(x):
    return np.abs(x[..., :, None] - x[..., None, :]) <= 1e-12


def success_probability(
    x,
    w,
    r,
    delta,
    *,
    rule: str = "scholz",
    chunk: int = 64,
    d=None,
    same=None,
    unit: bool | None = None,
) -> np.ndarray:
    """P[..., i, j]: probability that i prevails over j with third parties' votes.

    Votes v_k(i, j) = c_k s_k [(|x_k − x_j|/Δ)^{r_k} − (|x_k − x_i|/Δ)^{r_k}]  # [Scholz2011, eq. 1]
    """
    if d is None:
        d = np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None]  # d[k, a]
    if unit is None:
        unit = bool(np.all(r == 1.0))
    if same is None:
        same = _same(x)
    y = d if unit else d ** r[..., :, None]  # y[k, a] = d_ka^{r_k}
    n = x.shape[-1]
    if x.ndim == 1 and n > 48 and unit:
        abs_sum, net = _vote_sums_linear(x, w, float(delta))
        pos, tot = 0.5 * (net + abs_sum), abs_sum  # max(0, v) = (v + |v|) / 2
        return _finish_probability(x, w, y, pos, tot, net, rule, same)
    if n <= 24 and rule == "scholz":  # small cases: one n³ array is cheapest
        wy = w[..., :, None] * y  # c_k s_k d_ka^{r_k}
        v = wy[..., :, None, :] - wy[..., :, :, None]  # [Scholz2011, eq. 1]
        pos = np.maximum(v, 0.0, out=v).sum(axis=-3)
        # v is antisymmetric in (a, b), so Σ_k Σ_a Σ_b |v_k(a, b)| = 2 Σ max(0, v)  [Scholz2011,
        # code]
        denom = 2.0 * pos.sum(axis=(-2, -1))[..., None, None]
        P = pos / np.where(denom > 0, denom, np.inf)  # no votes at all: P = 0 (pos is 0 too)
        return np.where(same, 0.0, P)
    pos = np.zeros(x.shape[:-1] + (n, n))
    tot = np.zeros(x.shape[:-1] + (n, n))
    net = np.zeros(x.shape[:-1] + (n, n))
    for k0 in range(0, n, chunk):  # chunks over voters keep memory at n²·chunk
        yk = y[..., k0 : k0 + chunk, :]
        wk = w[..., k0 : k0 + chunk, None, None]
        v = wk * (yk[..., :, None, :] - yk[..., :, :, None])  # v[k, i, j]  [Scholz2011, eq. 1]
        pos += np.clip(v, 0, None).sum(axis=-3)
        if rule != "scholz":
            tot += np.abs(v).sum(axis=-3)
            net += v.sum(axis=-3)
    return _finish_probability(x, w, y, pos, tot, net, rule, same)


def _finish_probability(x, w, y, pos, tot, net, rule, same):
    if rule == "scholz":
        denom = (w * _pair_abs_sum(y)).sum(axis=-1)[..., None, None]  # Σ_k Σ_a Σ_b |v_k(a,b)|
        P = np.where(denom > 0, pos / np.where(denom > 0, denom, 1.0), 0.0)  # [Scholz2011, code]
    elif rule == "bdm":
        P = np.where(tot > 0, pos / np.where(tot > 0, tot, 1.0), 0.0)  # [BDM1985, eq. 2]
    elif rule == "dmasad":
        P = np.where(tot > 0, np.clip(net, 0, None) / np.where(tot > 0, tot, 1.0), 0.0)
    else:
        raise ValueError(f"probability must be 'scholz', 'bdm' or 'dmasad', got {rule!r}")
    return np.where(same, 0.0, P)


def _utilities(dist, r):
    """U^s, U^f, U^sq for distance dist/Δ and exponent r  # [Scholz2011, eqs. 3-7] (Q = 1)."""
    us = 2 - 4 * (0.5 - 0.5 * dist) ** r  # [Scholz2011, eq. 3] success
    uf = 2 - 4 * (0.5 + 0.5 * dist) ** r  # [Scholz2011, eq. 4] failure
    usq = 2 - 4 * 0.5**r  # [Scholz2011, eq. 7] status quo
    return us, uf, usq


def expected_utilities(P, dist, s, r_row):
    """EU[..., i, j] of i challenging j, utilities with exponent r_row[..., i]:
    s_j[P U^s + (1 − P) U^f] + (1 − s_j) U^s − U^sq   # [Scholz2011, eq. 8] with Q = 1."""
    us, uf, usq = _utilities(dist, r_row[..., :, None])
    sj = s[..., None, :]
    return sj * (P * us + (1 - P) * uf) + (1 - sj) * us - usq


def risk_exponents(x, w, s, delta, d=None, same=None) -> np.ndarray:
    """r_i from how attractive i is as a target ([BDM1985]; [Scholz2011, eqs. 9-10]).

    S_i = Σ_{j≠i} EU_j(Δx_ji) with r = 1; R_i = (2S_i − S_max − S_min)/(S_max − S_min);
    r_i = (1 − R_i/3)/(1 + R_i/3). All equal S (everyone converged) gives r = 1.
    """
    dist = np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None] if d is None else d
    P1 = success_probability(x, w, 1.0, delta, d=dist, same=same, unit=True)
    h = 0.5 * dist
    us, uf = 2 - 4 * (0.5 - h), 2 - 4 * (0.5 + h)  # [Scholz2011, eqs. 3-4], r = 1; U^sq = 0 (eq. 7)
    # s_j[P U^s + (1 − P) U^f] + (1 − s_j) U^s − U^sq = U^s − s_j (1 − P)(U^s − U^f)   [Scholz2011,
    # eq. 8], r = 1
    E1 = us - s[..., None, :] * (1 - P1) * (us - uf)
    S = E1.sum(axis=-2) - np.diagonal(E1, axis1=-2, axis2=-1)  # S_i = Σ_{j≠i} EU_j(challenge i)
    smax, smin = S.max(axis=-1, keepdims=True), S.min(axis=-1, keepdims=True)
    span = smax - smin
    R = (2 * S - smax - smin) / np.where(
        span > _EPS, span, np.inf
    )  # [Scholz2011, eq. 9]; all S equal: R = 0
    return (1 - R / 3) / (1 + R / 3)  # [Scholz2011, eq. 10]


def _pick(a: np.ndarray, idx: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """a[..., i, idx[..., i]] (``rows``: a cached ``arange`` for the one-case layout)"""
    if a.ndim == 2:
        return a[np.arange(a.shape[0]) if rows is None else rows, idx]
    return np.take_along_axis(a, idx[..., None], axis=-1)[..., 0]


def run_expected_utility(
    position,
    capability,
    salience,
    *,
    rounds: int = 10,
    delta: float | np.ndarray | None = None,
    probability: str = "scholz",
    vote_risk: str = "own",
    capitulation: str = "replication",
    offer_rule: str = "scholz",
    schedule: Schedule | None = None,
) -> EUResult:
    """Run the model on arrays shaped (..., n); every leading axis is an independent case."""
    x = np.array(position, dtype=float)
    c0 = np.broadcast_to(np.asarray(capability, dtype=float), x.shape)
    s0 = np.broadcast_to(np.asarray(salience, dtype=float), x.shape)
    if delta is None:
        delta = x.max(axis=-1) - x.min(axis=-1)  # range of the initial positions
    delta = np.broadcast_to(np.asarray(delta, dtype=float), x.shape[:-1]).copy()
    delta[delta <= 0] = 1.0
    pos = [x.copy()]
    act0 = np.ones(x.shape, dtype=bool)
    if schedule is not None and schedule.initial_active is not None:
        act0 = np.broadcast_to(np.asarray(schedule.initial_active, dtype=bool), x.shape)
    med = [weighted_median(x, np.where(act0, c0 * s0, 0.0))]
    risks, kinds, props, eu_own_all, eu_prop_all = [], [], [], [], []
    w_positive = bool(np.any(c0 * s0 > 0))  # without a schedule the weights never change
    delta_nn = delta[..., None, None]
    rows = np.arange(x.shape[0]) if x.ndim == 1 else None
    for t in range(rounds):
        c = c0 if schedule is None or schedule.capability is None else schedule.capability[t]
        s = s0 if schedule is None or schedule.salience is None else schedule.salience[t]
        active = None if schedule is None else schedule.active
        everyone = active is None
        act = act0 if active is None else active[t].astype(bool)
        w = c * s if everyone else np.where(act, c * s, 0.0)
        gap = np.abs(x[..., :, None] - x[..., None, :])
        dist = gap / delta_nn
        same = gap <= 1e-12
        r = risk_exponents(x, w, s, delta, d=dist, same=same)
        if not everyone:
            r = np.where(act, r, 1.0)
        rv = r if vote_risk == "own" else np.ones_like(r)
        P = success_probability(
            x, w, rv, delta, rule=probability, d=dist, same=same, unit=vote_risk != "own"
        )
        us, uf, usq = _utilities(dist, r[..., :, None])  # receiver i's exponent on row i
        # s[P U^s + (1 − P) U^f] + (1 − s) U^s − U^sq = (U^s − U^sq) − s (1 − P)(U^s − U^f)
        a_, b_ = us - usq, us - uf
        eu_ij = a_ - s[..., None, :] * (1 - P) * b_  # [Scholz2011, eq. 8] i challenges j
        # proposer j's EU of challenging i, as receiver i perceives it (i's exponent)  [Scholz2011,
        # sec. 3]
        eu_ji = a_ - s[..., :, None] * (1 - np.swapaxes(P, -1, -2)) * b_
        valid = ~same & (eu_ji > 0)
        if not everyone:
            valid &= act[..., :, None] & act[..., None, :]
        conflict = valid & (eu_ij > 0) & (eu_ji > eu_ij)  # i expects to lose
        comp = valid & (eu_ij < 0) & (eu_ji > np.abs(eu_ij))
        if capitulation == "corrected":
            capit = valid & (eu_ij < 0) & (np.abs(eu_ij) > eu_ji)
        elif capitulation == "replication":
            capit = np.False_  # no capitulations
        else:
            raise ValueError(
                f"capitulation must be 'replication' or 'corrected', got {capitulation!r}"
            )
        xi, xj = x[..., :, None], x[..., None, :]
        ratio = np.abs(eu_ij) / np.where(eu_ji > 0, eu_ji, 1.0)
        x_comp = xi + (xj - xi) * ratio  # [Scholz2011, eq. 11] compromise
        x_new = np.where(comp, x_comp, xj)
        big = np.inf
        if offer_rule == "scholz":
            # lexicographic: any conflict beats any compromise beats any capitulation; within a tier
            # conflicts and capitulations go to the closest proposer, compromises to the smallest
            # |EU|-weighted mean of the two positions ([Scholz2011] replication)
            aeu = np.abs(eu_ij)
            wavg = (xi * aeu + xj * eu_ji) / np.where(aeu + eu_ji > 0, aeu + eu_ji, 1.0)
            within = np.where(comp, wavg, np.abs(xj - xi))
            tier = np.where(conflict, 0.0, np.where(comp, 1.0, np.where(capit, 2.0, np.inf)))
            best_tier = tier.min(axis=-1, keepdims=True)
            key = np.where(tier == best_tier, within, big)
        elif offer_rule == "closest":
            any_offer = conflict | comp | capit
            key = np.where(any_offer, np.abs(x_new - xi), big)
        else:
            raise ValueError(f"offer_rule must be 'scholz' or 'closest', got {offer_rule!r}")
        # ties go to the proposer whose position is lowest, then the first listed: argmin is stable
        kmin = key.min(axis=-1, keepdims=True)
        tie = (key <= kmin + 1e-12) & np.isfinite(key)
        pick = np.argmin(np.where(tie, xj, np.inf), axis=-1)
        has = np.isfinite(kmin[..., 0])
        chosen_x = _pick(x_new, pick, rows)
        kind = np.where(conflict, 1, np.where(comp, 2, np.where(capit, 3, 0)))
        chosen_kind = np.where(has, _pick(kind, pick, rows), 0)
        x = np.where(has, chosen_x, x)
        pos.append(x.copy())
        wpos = w_positive if schedule is None else bool(np.any(w > 0))
        med.append(weighted_median(x, w) if wpos else weighted_median(x, np.ones_like(w)))
        risks.append(r)
        kinds.append(chosen_kind)
        props.append(np.where(has, pick, -1))
        eu_own_all.append(_pick(eu_ij, pick, rows))
        eu_prop_all.append(_pick(eu_ji, pick, rows))
    return EUResult(
        np.stack(pos),
        np.stack(med),
        np.stack(risks) if risks else np.zeros((0,) + x.shape),
        np.stack(kinds) if kinds else np.zeros((0,) + x.shape, int),
        np.stack(props) if props else np.zeros((0,) + x.shape, int),
        np.stack(eu_own_all) if eu_own_all else np.zeros((0,) + x.shape),
        np.stack(eu_prop_all) if eu_prop_all else np.zeros((0,) + x.shape),
    )


_KINDS = {1: "conflict", 2: "compromise", 3: "capitulation"}


class ExpectedUtility(PerIssueModel):
    """Bueno de Mesquita's expected-utility ("challenge") model, per [Scholz2011].

    Options (keyword-only, stored unchanged) choose among the public versions; see the
    module docstring for each and its source. The defaults reproduce the Python port of
    Scholz's code on the EU emissions case ([BDM1994], p. 78).
    """

    name: ClassVar[str] = "bdm"
    label: ClassVar[str] = "Expected utility (BDM)"
    citation: ClassVar[str] = "[Scholz2011]"
    tags: ClassVar[ModelTags] = ModelTags(round_based=True)
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param(
            "rounds", int, 10, low=0, high=1000, source="[Scholz2011]", help="rounds of challenges"
        ),
        Param(
            "stop_after",
            int,
            None,
            low=1,
            high=1000,
            none=True,
            source="[Scholz2011] ran 8",
            help="stop once the median has not changed for this many rounds",
        ),
        Param(
            "probability",
            str,
            "scholz",
            choices=("scholz", "bdm", "dmasad"),
            source="[Scholz2011]; [BDM1985]",
            help="probability of success (see the module)",
        ),
        Param(
            "delta",
            str,
            "initial",
            choices=("initial", "scale"),
            source="[Scholz2011]",
            help="the range that scales distances",
        ),
        Param(
            "vote_risk",
            str,
            "own",
            choices=("own", "one"),
            source="[Scholz2011]",
            help="risk exponent inside the votes",
        ),
        Param(
            "capitulation",
            str,
            "replication",
            choices=("replication", "corrected"),
            source="[Scholz2011], sec. 3",
            help="whether capitulations can happen",
        ),
        Param(
            "offer_rule",
            str,
            "scholz",
            choices=("scholz", "closest"),
            source="[Scholz2011]; [BDM1997]",
            help="which offer an actor accepts",
        ),
    )

    def __init__(
        self,
        *,
        rounds: int = 10,
        stop_after: int | None = None,
        probability: Literal["scholz", "bdm", "dmasad"] = "scholz",
        delta: Literal["initial", "scale"] = "initial",
        vote_risk: Literal["own", "one"] = "own",
        capitulation: Literal["replication", "corrected"] = "replication",
        offer_rule: Literal["scholz", "closest"] = "scholz",
    ):
        self.rounds = rounds
        self.stop_after = stop_after
        self.probability = probability
        self.delta = delta
        self.vote_risk = vote_risk
        self.capitulation = capitulation
        self.offer_rule = offer_rule
        self._check_params()

    def run(self, arr: IssueArrays) -> EUResult:
        d = None if self.delta == "initial" else arr.scale_max - arr.scale_min
        if self.delta not in ("initial", "scale"):
            raise ValueError(f"delta must be 'initial' or 'scale', got {self.delta!r}")
        return run_expected_utility(
            arr.position,
            arr.capability,
            arr.salience,
            rounds=self.rounds,
            delta=d,
            probability=self.probability,
            vote_risk=self.vote_risk,
            capitulation=self.capitulation,
            offer_rule=self.offer_rule,
        )

    def _last_round(self, medians: np.ndarray) -> np.ndarray:
        """Index of the reported round along axis 0 (per case): fixed, or the stopping rule's."""
        rounds = medians.shape[0] - 1
        last = np.full(medians.shape[1:], rounds)
        if self.stop_after:
            same = np.zeros(medians.shape[1:], dtype=int)
            done = np.zeros(medians.shape[1:], dtype=bool)
            for t in range(1, rounds + 1):
                same = np.where(np.abs(medians[t] - medians[t - 1]) < 1e-9, same + 1, 0)
                hit = (same >= self.stop_after) & ~done
                last = np.where(hit, t, last)
                done |= hit
        return last

    def _issue_inputs(
        self, arrays: ScenarioArrays, k: int, per_round: dict[str, np.ndarray] | None
    ):
        """Issue k's kernel inputs over every draw: columns of the actors with a stance, and
        with shocks the per-round schedule (row t: the state in force during round t + 1)."""
        present = np.asarray(arrays.mask, dtype=bool)[:, k]
        cols = np.flatnonzero(present)
        x = arrays.position[:, cols, k]
        if per_round is None:
            return cols, x, arrays.capability[:, cols, k], arrays.salience[:, cols, k], None
        act = per_round["mask"][:, cols, k]  # (R+1, c)
        cap = np.moveaxis(per_round["capability"][:, :, cols, k], 1, 0)  # (R+1, D, c)
        sal = np.moveaxis(per_round["salience"][:, :, cols, k], 1, 0)
        shape = (act.shape[0], x.shape[0], len(cols))
        sched = Schedule(
            capability=cap[1:],
            salience=sal[1:],
            active=np.broadcast_to(act[:, None, :], shape)[1:],
            initial_active=np.broadcast_to(act[0], x.shape),
        )
        return cols, x, cap[0], sal[0], sched

    def forecast_arrays(
        self, arrays: ScenarioArrays, *, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """(draws, issues) forecasts, each issue's draws in one batched run of the kernel.

        With a shock schedule every shock applies at its round through the kernel's
        :class:`Schedule`; without one the run is the plain kernel (bit for bit).
        """
        scn = arrays.scenario
        per_round = None if arrays.schedule is None else arrays.schedule.rounds(arrays, self.rounds)
        out = np.empty((arrays.n_draws, len(scn.issues)))
        for k, issue in enumerate(scn.issues):
            cols, x, cap, sal, sched = self._issue_inputs(arrays, k, per_round)
            if len(cols) == 0:
                out[:, k] = np.nan
                continue
            d_scale = None if self.delta == "initial" else issue.scale.max - issue.scale.min
            res = run_expected_utility(
                x,
                cap,
                sal,
                rounds=self.rounds,
                delta=d_scale,
                probability=self.probability,
                vote_risk=self.vote_risk,
                capitulation=self.capitulation,
                offer_rule=self.offer_rule,
                schedule=sched,
            )
            last = self._last_round(res.medians)
            out[:, k] = np.take_along_axis(res.medians, last[None, :], axis=0)[0]
        return out

    def forecast_issue(self, arr: IssueArrays, *, rng: np.random.Generator) -> IssueForecast:
        res = self.run(arr)
        last = int(self._last_round(res.medians[:, None])[0])
        events = []
        for t in range(last):
            for i in range(arr.n):
                k = int(res.kind[t, i])
                if k == 0:
                    continue
                j = int(res.proposer[t, i])
                events.append(
                    TraceEvent(
                        t + 1,
                        _KINDS[k],
                        arr.actor_ids[i],
                        arr.issue_id,
                        arr.actor_ids[j],
                        float(res.positions[t, i]),
                        float(res.positions[t + 1, i]),
                        {
                            "eu_own": float(res.eu_own[t, i]),
                            "eu_challenger": float(res.eu_proposer[t, i]),
                            "risk_exponent": float(res.risk[t, i]),
                        },
                    )
                )
        trace = IssueTrace(
            arr.actor_ids, res.positions[: last + 1], res.medians[: last + 1], tuple(events)
        )
        return IssueForecast(arr.issue_id, float(res.medians[last]), trace, {"rounds": last})
