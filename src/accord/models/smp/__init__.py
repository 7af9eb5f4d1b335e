"""KTAB's Spatial Model of Politics (SMP): challenges, bargains, probabilistic Condorcet elections.

The model of [Wise2015] as KAPSARC's toolkit implements it ([KTAB], ``examples/smp/libsrc``
``smp.cpp``, ``smpbcn.cpp`` and the kernel ``KTAB/kmodel/libsrc/kmodel.cpp``), written anew
with numpy: every quantity of one turn is computed for all actors, and for any number of runs
(Monte Carlo draws) at once, by broadcasting over a leading batch axis, and the work KTAB
does only to fill its logs and databases (the utilities of every challenge
from every actor's perspective, O(n⁴) a turn) is not done at all.

One turn (``SMPState::stepBCN``):

1. Utilities ([KTAB] ``SMPState::setAllAUtil``). The salience-weighted distance from actor
   i's ideal to actor j's position is d_ij = sqrt(Σ_k (s_ik (ideal_ik − x_jk))² / Σ_k s_ik²)
   (``SMPModel::bvDiff``); the utility is u = (1 − d)(1 + d·R) (``bsUtil``). The risk
   attitudes R come from a probabilistic Condorcet election (PCE) over all positions with
   risk-neutral utilities and capabilities as weights, mapped to R by ``bigRfromProb``;
   actor h's estimate of i's R follows ``estNRA``. The result is one utility matrix per
   perspective h.
2. Challenges (``probEduChlg``, ``bestChallenge``). From i's own perspective, the expected
   gain of i challenging j, with principals voting with weight salience-sum × capability and
   third parties joining as ``Actor::vProbLittle`` and ``thirdPartyVoteSU`` say. Each actor
   targets the j with the largest gain if it exceeds 1e-5 (first in canonical order on ties).
3. Bargains (``SMPActor::interpolateBrgn``): the initiator proposes positions interpolated
   per dimension with weights (salience^a × probability^b), rounded to 4 decimals; the
   bargain is queued for both actors.
4. Resolution (``updateBestBrgnPositions``): each actor's queue holds its status quo and
   every bargain involving it; the value of a bargain to an actor is the mean utility of all
   positions after it; a PCE over the queue (capabilities as weights) gives probabilities;
   the most probable bargain (deterministic) or a drawn one (stochastic) is adopted.
5. Ideals move towards positions (``newIdeals``); with KTAB's identity accommodation matrix
   the ideals equal the positions.
6. Stop (``smpStopFn``, ``configExec``): after at least ``min_turns`` and at most
   ``max_turns`` turns, when the total movement of the last turn is below ``stop_ratio``
   times that of the first (+1e-4).

The winning probability of each actor's position per turn is KTAB's reported one
(``SMPModel::showVPHistory`` → ``pDist(-1)``): a PCE over the unique positions (tolerance 1e-3
on 0..1), each actor judging by its own utilities, capabilities as weights.

The subpackage (every equation written once, on arrays with a leading batch axis):

- :mod:`.constants` -- KTAB's named constants and the options, with their places in KTAB's source;
- :mod:`.equations` -- votes, victory probabilities, coalitions, PCEs, big R, utilities,
  interpolation;
- :mod:`.challenges` -- the challenge's equations (third-party votes, expected gain) and the
  two ways of gathering them ("blocked", "pairs");
- :mod:`.kernel` -- one turn for D runs (the only implementation of a turn);
- :mod:`.run` -- the run loop (stopping, ideals, stochastic draws, shocks, traces);
- :mod:`.inputs` -- a scenario as the SMP sees it, canonical order, per-draw inputs;
- :mod:`.model` -- the :class:`SMP` model.
"""

from __future__ import annotations

from .challenges import best_challenges, challenge, pair_challenges, third_party_votes
from .constants import (
    CAPABILITY_UNIT,
    CHALLENGE_FLOOR,
    COALITION_FLOOR,
    DEFAULT_ONLY,
    INTERP_MIN_WEIGHT,
    INTERP_ROUND,
    KTAB_DEFAULTS,
    MARKOV_INCENTIVE_EPS,
    MARKOV_INCENTIVE_TOL,
    MARKOV_MAX_ITER,
    MARKOV_UNIFORM_TOL,
    MIN_SIGNIFICANT_GAIN,
    OPTIONS,
    POSITION_TOLERANCE,
    POSITION_TOLERANCE_SLACK,
    VOTE_ASYM_GAIN,
    VOTE_BINARY_TOL,
    VOTE_PROPBIN_SHARE,
    VOTE_PROPCBC_SHARE,
    VP_BINARY_MIN,
    VP_BINARY_THRESHOLD,
)
from .equations import (
    big_r,
    coalitions,
    distances,
    estimated_r,
    forecast_position,
    interpolate,
    ordered_sum,
    pce,
    round4,
    scalar_pce,
    util,
    victory_matrix,
    victory_weights,
    vote,
)
from .inputs import SMPInputs, canonical_order, draw_inputs, smp_inputs
from .kernel import Report, SMPOptions, Turn, report, turn, unique_positions, utilities
from .model import SMP
from .run import (
    BatchRun,
    BatchStates,
    SMPBargain,
    SMPRun,
    TurnStates,
    run_batch,
    run_smp,
    run_smp_batch,
)

__all__ = [
    "SMP", "SMPRun", "SMPBargain", "SMPInputs", "SMPOptions", "BatchRun", "BatchStates",
    "TurnStates", "Report", "Turn", "run_smp", "run_smp_batch", "run_batch", "smp_inputs",
    "canonical_order", "draw_inputs", "KTAB_DEFAULTS", "OPTIONS", "DEFAULT_ONLY",
    "vote", "victory_weights", "victory_matrix", "coalitions", "pce", "scalar_pce", "big_r",
    "estimated_r", "util", "distances", "round4", "interpolate", "third_party_votes",
    "challenge", "forecast_position", "ordered_sum", "best_challenges", "pair_challenges",
    "utilities", "report", "turn", "unique_positions",
    "VOTE_BINARY_TOL", "VOTE_PROPBIN_SHARE", "VOTE_PROPCBC_SHARE", "VOTE_ASYM_GAIN",
    "COALITION_FLOOR", "CHALLENGE_FLOOR", "VP_BINARY_THRESHOLD", "VP_BINARY_MIN",
    "MARKOV_INCENTIVE_EPS", "MARKOV_INCENTIVE_TOL", "MARKOV_UNIFORM_TOL", "MARKOV_MAX_ITER",
    "MIN_SIGNIFICANT_GAIN", "INTERP_MIN_WEIGHT", "INTERP_ROUND", "POSITION_TOLERANCE",
    "POSITION_TOLERANCE_SLACK", "CAPABILITY_UNIT",
]  # fmt: skip
