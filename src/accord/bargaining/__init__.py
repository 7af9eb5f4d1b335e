"""Bargaining analysis: utilities over packages, red lines, no deal over time, the zone of possible
agreement, the Pareto frontier, Nash / Kalai–Smorodinsky / egalitarian solutions, ripeness.

>>> import accord
>>> from accord.bargaining import build_space
>>> space = build_space(accord.load_scenario("ukraine-2025"), resolution=11, month=0)
>>> space.packages.shape, space.utility.shape, space.no_deal.shape   # (P, m), (P, n), (n,)
((14400, 7), (14400, 6), (6,))
"""

from .analysis import SOLUTIONS, BargainResult, ContinuousSolution, analyse
from .frontier import pareto_mask, pareto_mask_reference
from .package import Package, make_package
from .refine import continuous_problem, kalai_smorodinsky_continuous, max_min_gain, nash_continuous
from .relax import BlockingRedLine, Relaxation, blocking_red_lines, smallest_relaxations
from .ripeness import RipenessPoint
from .solutions import egalitarian, kalai_smorodinsky, nash
from .space import PackageSpace, build_space
from .utility import (
    capabilities_at,
    issue_bounds,
    no_deal_utility,
    package_utility,
    red_line_ok,
    status_quo,
)

__all__ = [
    "SOLUTIONS",
    "BargainResult",
    "BlockingRedLine",
    "ContinuousSolution",
    "Package",
    "PackageSpace",
    "Relaxation",
    "RipenessPoint",
    "analyse",
    "blocking_red_lines",
    "build_space",
    "capabilities_at",
    "continuous_problem",
    "egalitarian",
    "issue_bounds",
    "kalai_smorodinsky",
    "kalai_smorodinsky_continuous",
    "make_package",
    "max_min_gain",
    "nash",
    "nash_continuous",
    "no_deal_utility",
    "package_utility",
    "pareto_mask",
    "pareto_mask_reference",
    "red_line_ok",
    "smallest_relaxations",
    "status_quo",
]
