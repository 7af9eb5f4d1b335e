"""The Stokman–Van Oosten exchange model of voting positions, and its randomized-gain variant.

Actors trade moves across pairs of issues: each concedes on the issue that matters less to it
in return for a concession on the issue that matters more ([Stokman1994]). Exchanges are
realised greedily, highest gain first, within a round; at the end of the round actors'
positions shift part of the way towards their voting positions, and the next round starts.
The randomized-gain variant lets one partner take more or less of the surplus
([Dijkstra2008]).

Order of operations, thresholds and bookkeeping follow decide-exchange-model
([DecideExchange]; read for its details, not copied; docs/exchange.md),
except where the output of the original implementation on CoP21 (the reference test) shows
decide departs from it: (1) the outcome check measures the room left between the outcome *as
the demanding actor has seen it move this round* and the demander's position, and an exchange
with no room left is invalid; (2) an actor's moves on one issue in a round must all go one
way, judged against what it has actually moved (decide also sums moves it never made);
(3) exact ties are broken by a documented deterministic rule, not a coin (see
:class:`ExchangeModel`).

Layout: :mod:`.equations` (the equations and the named constants), :mod:`.kernel` (one round
in lock-step over a leading draw axis: the only implementation of a round), :mod:`.run` (the
run loop, shocks per round, one run with its realised exchanges), :mod:`.model`
(:class:`ExchangeModel`). One run is the one-draw batch of the kernel.
"""

from __future__ import annotations

from .equations import CONSTANTS, nbs, next_start
from .kernel import exchange_round
from .model import BATCH_CHUNK, ExchangeModel
from .run import (
    BatchRun,
    Chooser,
    ExchangeRun,
    RealizedExchange,
    RoundStates,
    run_batch,
    run_exchange_model,
)

__all__ = [
    "BATCH_CHUNK",
    "CONSTANTS",
    "BatchRun",
    "Chooser",
    "ExchangeModel",
    "ExchangeRun",
    "RealizedExchange",
    "RoundStates",
    "exchange_round",
    "nbs",
    "next_start",
    "run_batch",
    "run_exchange_model",
]
