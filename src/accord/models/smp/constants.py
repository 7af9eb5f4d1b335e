"""KTAB's named constants and the SMP's options, each with its place in KTAB's source ([KTAB])."""

from __future__ import annotations

__all__ = [
    "HALF_TOLERANCE",
    "VOTE_BINARY_TOL",
    "VOTE_NOISE",
    "VOTE_PROPBIN_SHARE",
    "VOTE_PROPCBC_SHARE",
    "VOTE_ASYM_GAIN",
    "COALITION_FLOOR",
    "ODD_VOTING_RULES",
    "CHALLENGE_FLOOR",
    "VP_BINARY_THRESHOLD",
    "VP_BINARY_MIN",
    "MARKOV_INCENTIVE_EPS",
    "MARKOV_INCENTIVE_TOL",
    "MARKOV_UNIFORM_TOL",
    "MARKOV_MAX_ITER",
    "MIN_SIGNIFICANT_GAIN",
    "INTERP_MIN_WEIGHT",
    "INTERP_ROUND",
    "POSITION_TOLERANCE",
    "POSITION_TOLERANCE_SLACK",
    "CAPABILITY_UNIT",
    "OPTIONS",
    "KTAB_DEFAULTS",
    "DEFAULT_ONLY",
]

#: ``Model::vote``: the binary response saturates at a utility difference of 1e-8.
VOTE_BINARY_TOL = 1e-8
#: accord: utility differences below this are rounding noise, not a binary vote (``_step``).
VOTE_NOISE = 1e-12
#: ``Model::vote``: weight of the binary part in PropBin.
VOTE_PROPBIN_SHARE = 0.2
#: ``Model::vote``: weight of the cubic part in PropCbc.
VOTE_PROPCBC_SHARE = 0.5
#: ``Model::vote``: ASymProsp scales gains (positive differences) by 2/3 ("prospect theory").
VOTE_ASYM_GAIN = 2.0 / 3.0
#: ``Model::coalitions``: every coalition starts with this strength.
COALITION_FLOOR = 1e-8
#: ``SMPState::probEduChlg``: the principals' coalitions start with this strength.
CHALLENGE_FLOOR = 1e-10
#: ``Model::vProb`` (Binary): a strength ratio of 1.10 wins for certain.
VP_BINARY_THRESHOLD = 1.10
#: ``Model::vProb`` (Binary): the loser's weight.
VP_BINARY_MIN = 1e-6
#: ``Model::markovIncentivePCE``: support of staying put, and convergence tolerance.
MARKOV_INCENTIVE_EPS = 1e-10
MARKOV_INCENTIVE_TOL = 1e-8
#: ``Model::markovUniformPCE``: convergence tolerance.
MARKOV_UNIFORM_TOL = 1e-6
#: both Markov PCEs give up after this many iterations (KTAB throws).
MARKOV_MAX_ITER = 1000
#: ``SMPState::bestChallenge``: smallest expected gain worth a challenge.
MIN_SIGNIFICANT_GAIN = 1e-5
#: ``SMPActor::interpBrgnSnPm``: weight added to the initiator's side (avoids 0/0).
INTERP_MIN_WEIGHT = 1e-6
#: ``interpBrgnSnPm``: bargains are rounded to 4 decimals on 0..1.
INTERP_ROUND = 1e4
#: accord: a bargain within this many grid steps of a half-step is a half, rounded towards the
#: centre 0.5 so that a run and its mirror image round alike (``round4``).
HALF_TOLERANCE = 1e-6
#: ``SMPModel::posTol``: positions closer than this (Euclidean, on 0..1) are one position.
POSITION_TOLERANCE = 1e-3
#: Bargains lie on a 1e-4 grid (``INTERP_ROUND``), so two positions exactly ten steps apart
#: are common, and their computed distance falls a rounding error either side of the tolerance
#: depending on which end of the scale is 0 (0.3944 − 0.3934 < 1e-3, 0.6066 − 0.6056 > 1e-3).
#: accord decides such a tie the same way in both orientations: a distance within this slack
#: of the tolerance counts as the tolerance itself, so the positions stay distinct (KTAB's
#: strict ``<`` taken in exact arithmetic).
POSITION_TOLERANCE_SLACK = 1e-9
#: KTAB's floors (1e-8, 1e-10) are absolute, sized for capabilities of about 100
#: (``SMPActor::randomize`` draws 10..200); accord multiplies them by mean capability / 100, so
#: the unit of capability does not matter. The results on KTAB's examples are unchanged
#: (tests/test_smp.py).
CAPABILITY_UNIT = 100.0

#: Every option with its allowed values; the first value is KTAB's default
#: (``kmodel.h`` ``Model`` members, ``smp.h`` ``SMPModel`` members).
OPTIONS: dict[str, tuple[str, ...]] = {
    "voting_rule": ("Proportional", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"),
    "victory_model": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "pce_model": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "state_transitions": ("Deterministic", "Stochastic"),
    "third_party": ("SemiCommit", "NoCommit", "FullCommit"),
    "big_r_range": ("Mid", "Min", "Max"),
    "big_r_adjust": ("OneThird", "None", "Half", "TwoThirds", "Full"),
    "interpolation": ("S2P2", "S1P1", "S2PMax"),
    "bargain_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
    "forecast_rule": ("most_probable", "weighted_mean"),
}
#: The voting rules whose vote is odd in the utility difference, v(−du) = −v(du) bit for bit
#: (every rule but ASymProsp, which counts gains at 2/3): for them a coalition against is
#: the mirror of one for (``Model::coalitions``), and only one needs summing.
ODD_VOTING_RULES: frozenset[str] = frozenset(OPTIONS["voting_rule"]) - {"ASymProsp"}
KTAB_DEFAULTS: dict[str, str] = {k: v[0] for k, v in OPTIONS.items() if k != "forecast_rule"}
#: KTAB's default options. Kept for callers of the former ``smp_batch`` module: every option
#: now runs in the batched kernel, so nothing depends on this any more.
DEFAULT_ONLY: dict[str, str] = dict(KTAB_DEFAULTS)
