"""The equations of the Stokman–Van Oosten exchange model, and its named constants.

Notation, on each issue's scale rescaled to 0..100: ``x`` positions, ``s`` saliences, ``c``
capabilities, ``w = c·s`` weights, ``D_d = Σ_k w_kd``. An exchange is between actor A, who
*supplies* (moves on) issue ``IA`` and *demands* ``IB``, and actor B, who supplies ``IB`` and
demands ``IA``. ``rA``, ``rB`` are the shifts of the outcome on ``IA``, ``IB`` that their moves
cause (exchange ratios). Equations of [Stokman1994] cited on the lines below, by label:

- (O) outcome: O_d = Σ_k w_kd x_kd / D_d, the Nash bargaining solution of the model;
- (R) roles, the paper's conditions (1)-(2): if s_ip/s_iq < s_jp/s_jq, i supplies p, else q;
- (S) shift: r = |Δx| w / D, so a move is Δx = r D / w;
- (U) utility gain of A: rB s_A,IB − rA s_A,IA (B's likewise);
- (E) equal gain: rB = k rA with k = (s_A,IA + s_B,IA) / (s_A,IB + s_B,IB).

Every function here is elementwise over its arguments (or reduces over the actor axis, the
second to last), so the same code serves one run and a batch of draws, with the same result
for a case whichever batch it is in.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CONSTANTS",
    "FIXED_WEIGHT",
    "FULL_SHIFT",
    "GAIN_TOL",
    "MIN_GAIN",
    "MIN_MOVE",
    "SALIENCE_WEIGHT",
    "TIE_RTOL",
    "equal_gain",
    "exchange_ratio",
    "nbs",
    "next_start",
    "outcome_shift",
    "randomized_gain",
    "supplies_other",
]

#: Named constants and where they come from: name -> (value, source).
CONSTANTS: dict[str, tuple[float, str]] = {
    "salience_weight": (
        0.4,
        (
            "weight of (1 - salience) in the share of the move to the voting "
            "position kept next round; [DecideExchange] SALIENCE_WEIGHT"
        ),
    ),
    "fixed_weight": (0.1, "fixed share of the move kept next round; [DecideExchange] FIXED_WEIGHT"),
    "min_gain": (1e-10, "an exchange whose gain is below this is invalid ([DecideExchange])"),
    "min_move": (
        1e-10,
        "a move of at most this is no move: the exchange is invalid ([DecideExchange])",
    ),
    "tie_rtol": (
        1e-11,
        (
            "gains this close (relative) are an exact tie, broken by the rule "
            "documented on ExchangeModel; [DecideExchange] uses 1e-20 in Decimal"
        ),
    ),
    "gain_tol": (
        1e-9,
        (
            "randomized gain: a partner's utility gain may fall this far below 0 "
            "(float rounding) before the exchange is invalid"
        ),
    ),
    "full_shift": (
        1.0 - 1e-12,
        "a shift this close (relative) to the full one is the full move (float rounding; accord)",
    ),
}
SALIENCE_WEIGHT = CONSTANTS["salience_weight"][0]
FIXED_WEIGHT = CONSTANTS["fixed_weight"][0]
MIN_GAIN = CONSTANTS["min_gain"][0]
MIN_MOVE = CONSTANTS["min_move"][0]
TIE_RTOL = CONSTANTS["tie_rtol"][0]
GAIN_TOL = CONSTANTS["gain_tol"][0]
FULL_SHIFT = CONSTANTS["full_shift"][0]


def nbs(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Outcome per issue: O_d = Σ_i c_id s_id x_id / Σ_i c_id s_id ([Stokman1994], (O)).

    ``x`` and ``w`` are (..., actors, issues); the result is (..., issues). Where an issue has
    no weight, its plain mean position.
    """
    total = w.sum(axis=-2)
    num = (w * x).sum(axis=-2)  # [Stokman1994, (O)]
    out = num / np.where(total > 0, total, 1.0)
    if np.any(total <= 0):
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(np.where(w > 0, x, np.nan), axis=-2)
        out = np.where(total > 0, out, mean)
    return out


def next_start(x_start: np.ndarray, y: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Position the next round starts from: part of the way to the voting position.

    x' = (1 - 0.4(1 - s) - 0.1) x + (0.4(1 - s) + 0.1) y; more salient issues keep less of
    the move ([DecideExchange], ``new_start_position``).
    """
    keep = (
        SALIENCE_WEIGHT * (1.0 - s) + FIXED_WEIGHT
    )  # [DecideExchange]: SALIENCE_WEIGHT, FIXED_WEIGHT
    return (1.0 - keep) * x_start + keep * y


def supplies_other(
    s_ip: np.ndarray, s_iq: np.ndarray, s_jp: np.ndarray, s_jq: np.ndarray
) -> np.ndarray:
    """Roles for actors i, j on issues p < q: True where j supplies q and i supplies p.

    [Stokman1994], (R): if s_ip/s_iq < s_jp/s_jq, i supplies p (cross-multiplied: no division).
    """
    return s_ip * s_jq < s_jp * s_iq  # [Stokman1994, (R)]


def exchange_ratio(
    sA_sup: np.ndarray, sA_dem: np.ndarray, sB_sup: np.ndarray, sB_dem: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` with rB = k rA, which keeps the partners' gains equal, and A's gain per unit of rA.

    ``sB_dem`` is B's salience of IA, ``sA_dem`` A's salience of IB.
    """
    k = (sA_sup + sB_dem) / (sA_dem + sB_sup)  # [Stokman1994, (E)]
    gfac = k * sA_dem - sA_sup  # gain = rB s_A,dem − rA s_A,sup = rA gfac, [Stokman1994, (U)]
    return k, gfac


def outcome_shift(w: np.ndarray, dy: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Shift of an outcome when an actor of weight ``w`` moves by ``dy`` ([Stokman1994], (O))."""
    return w * dy / total  # [Stokman1994, (O)]


def equal_gain(
    f: np.ndarray,
    kk: np.ndarray,
    target: np.ndarray,
    gfac: np.ndarray,
    start: np.ndarray,
    cur: np.ndarray,
    view: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The equal-gain exchange of candidates from the current positions.

    Arrays are (2, E) with rows A, B (moves per unit of outcome shift ``f = D / w``, the
    partner's position ``target``, round-start ``start`` and current ``cur`` positions, the
    demanders' views of the outcomes ``view``: row 0 is B's view of IA, row 1 A's of IB;
    ``kk``: rows 1 and the exchange ratio k), or (E,) (``gfac``).

    [Stokman1994], (S), (E), (U): B first moves all the way to A's position on IB; the outcome
    shift rB = |Δx_B| w_B / D_IB sets rA = rB / k; A's move is rA D_IA / w_A. If that
    overshoots B's position, A moves fully and B's move follows. Then (decide's ``check_nbs``,
    A then B) a shift is cut where it would carry the outcome, as the demander has seen it move
    this round, past the demander's own position; with no room left the exchange is invalid.
    Invalid too: a gain or a move of at most 1e-10, or a move against the direction the actor
    already moved on that issue this round.

    Returns ``gain, move, valid, full, cap, d``: the equal gain, the signed moves (2, E),
    validity, the outcome shifts of full moves, the room for each outcome to move and the
    distances to the partners' positions (the last three for :func:`randomized_gain`).
    """
    k = kk[1]
    d = target - cur
    sgn = np.sign(d)
    dist = np.abs(d)
    full = dist / f  # outcome shifts if A (row 0) or B (row 1) moved all the way
    # B moves fully (rB = full_B, rA = rB / k) unless A would pass B's position
    rA = np.minimum(full[1] / k, full[0])  # [Stokman1994, (S), (E)]
    gain0 = rA * gfac  # [Stokman1994, (U)], before the outcome check
    # room for each outcome to move towards its demander, as the demander has seen it
    cap = np.maximum(sgn * (target - view), 0.0)  # [DecideExchange] check_nbs, [Stokman1994, (O)]
    rA = np.minimum(np.minimum(rA, cap[0]), cap[1] / k)  # [DecideExchange] check_nbs: A, then B
    r = rA * kk  # rows rA and rB = k rA, [Stokman1994, (E)]
    # [Stokman1994, (S)] inverted: the sizes of the actors' moves, a full move exactly the
    # distance (so that it lands on target); the moves point towards the partners
    size = r * f  # [Stokman1994, (S)]
    np.putmask(size, r >= full * FULL_SHIFT, dist)  # whole moves: exactly the distance
    move = sgn * size  # [Stokman1994, (S)]: towards the partner
    # valid: real gain and moves, and no move against one already realised this round
    # ((cur - start)·sgn >= 0: no move yet this round, or only ones the same way)
    ok = (size > MIN_MOVE) & ((cur - start) * sgn >= 0)
    valid = (gain0 >= MIN_GAIN) & ok[0] & ok[1]
    gain = rA * gfac  # [Stokman1994, (U)]
    return gain, move, valid, full, cap, d


def randomized_gain(
    uvz: np.ndarray,
    p: float,
    gain: np.ndarray,
    valid: np.ndarray,
    full: np.ndarray,
    cap: np.ndarray,
    d: np.ndarray,
    f: np.ndarray,
    sal: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Randomized gain ([Dijkstra2008]): one partner takes more or less of the surplus.

    ``uvz`` (3, E): u, v, z ~ U(0, 1) for every exchange calculated; ``sal`` (4, E): A's
    saliences of IA and IB, B's of IB and IA. u < 0.5 makes A the focal actor, otherwise B. The
    focal actor's utility becomes eu + p·z·(eu_max − eu) if v < 0.5, else eu − p·z·eu, where eu
    is the equal gain and eu_max the most the focal actor can get while its partner gains
    nothing less than 0, within the feasible box of outcome shifts (no one passes the partner's
    position, ``full``, no outcome passes its demander, ``cap``). The shifts are then the
    largest on the line of that utility inside the box, so p = 0 gives the equal-gain exchange.
    Exchanges are still ordered by equal gain. Returns the moves, both partners' utility gains
    (2, E) and validity.
    """
    u, v, z = uvz
    sAs, sAd, sBs, sBd = sal
    boxA, boxB = np.minimum(full, cap)
    focalA = u < 0.5
    # A's best with B indifferent: rA = rB sBs/sBd, rB as large as the box allows
    eumaxA = np.minimum(boxB, boxA * sBd / sBs) * (sAd - sAs * sBs / sBd)  # [Dijkstra2008]
    eumaxB = np.minimum(boxA, boxB * sAd / sAs) * (sBd - sBs * sAs / sAd)  # [Dijkstra2008]
    eumax = np.where(focalA, eumaxA, eumaxB)
    eu_f = np.where(v < 0.5, gain + p * z * (eumax - gain), gain - p * z * gain)  # [Dijkstra2008]
    # A focal: rB sAd − rA sAs = eu_f, rA as large as the box allows
    rA1 = np.minimum(boxA, (boxB * sAd - eu_f) / sAs)
    rB1 = (eu_f + rA1 * sAs) / sAd  # [Stokman1994, (U)]
    # B focal: rA sBd − rB sBs = eu_f, rB as large as the box allows
    rB2 = np.minimum(boxB, (boxA * sBd - eu_f) / sBs)
    rA2 = (eu_f + rB2 * sBs) / sBd  # [Stokman1994, (U)]
    r = np.stack([np.where(focalA, rA1, rA2), np.where(focalA, rB1, rB2)])
    move = np.where(r >= full * FULL_SHIFT, d, np.sign(d) * r * f)  # [Stokman1994, (S)]
    eu = np.stack(
        [
            r[1] * sAd - r[0] * sAs,  # [Stokman1994, (U)], shares now unequal
            r[0] * sBd - r[1] * sBs,  # [Stokman1994, (U)]
        ]
    )
    ok = valid & (np.abs(move) > MIN_MOVE).all(axis=0) & (eu >= -GAIN_TOL).all(axis=0)
    return move, eu, ok
