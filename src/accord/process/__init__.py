"""Process simulation: how talks are run — alternating offers, a mediated single text,
preparatory talks, a leaders' summit, an ultimatum — on many runs at once.

Layers, innermost first: :mod:`.strategies` (time-dependent concession [Faratin1998],
tit-for-tat, hard-liner, Zeuthen), :mod:`.space` (packages, utilities, red lines as arrays),
:mod:`.beliefs` (what each actor believes about the others, and signals that narrow it),
:mod:`.protocols` (stacked alternating offers [Rubinstein1982; Mohammad2021] and the mediated
single text [Raiffa1982], vectorised across runs) and :mod:`.processes` (the processes the
sources argue about, compared on a scenario).

>>> import numpy as np
>>> from accord.process import OutcomeSpace, alternating_offers, parse_strategy
>>> share = np.linspace(0, 1, 101)                      # split a pie: share of actor 0
>>> space = OutcomeSpace(np.stack([share, 1 - share], axis=1), no_deal=[0.0, 0.0])
>>> pair = [parse_strategy("boulware"), parse_strategy("conceder")]
>>> res = alternating_offers(space, pair, rounds=20)
>>> bool(res.agreed[0]), round(float(share[res.package[0]]), 2)
(True, 0.86)
"""

from .beliefs import (
    DEFAULT_NO_DEAL_SD,
    DEFAULT_RED_LINE_SD,
    Beliefs,
    RunStreams,
    spreads_from_scenario,
)
from .processes import (
    DEFAULT_COMPARE,
    PROCESSES,
    IssueDistribution,
    ProcessComparison,
    ProcessRuns,
    ProcessSettings,
    ProcessSummary,
    compare_processes,
    settings_from_scenario,
)
from .protocols import NegotiationResult, TraceTurn, alternating_offers, single_text
from .space import OutcomeSpace, from_package_space, from_scenario
from .strategies import (
    CURVES,
    STRATEGIES,
    HardLiner,
    Strategy,
    TimeDependent,
    TitForTat,
    Zeuthen,
    concession_alpha,
    concession_target,
    parse_strategy,
)

__all__ = [
    "CURVES",
    "DEFAULT_COMPARE",
    "DEFAULT_NO_DEAL_SD",
    "DEFAULT_RED_LINE_SD",
    "PROCESSES",
    "STRATEGIES",
    "Beliefs",
    "HardLiner",
    "IssueDistribution",
    "NegotiationResult",
    "OutcomeSpace",
    "ProcessComparison",
    "ProcessRuns",
    "ProcessSettings",
    "ProcessSummary",
    "RunStreams",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "TraceTurn",
    "Zeuthen",
    "alternating_offers",
    "compare_processes",
    "concession_alpha",
    "concession_target",
    "from_package_space",
    "from_scenario",
    "parse_strategy",
    "settings_from_scenario",
    "single_text",
    "spreads_from_scenario",
]
