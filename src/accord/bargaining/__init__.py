"""Bargaining analysis: utilities over packages, red lines, no deal over time, the zone of possible
agreement, the Pareto frontier, Nash / Kalai–Smorodinsky / egalitarian solutions, ripeness.

>>> import accord
>>> from accord.bargaining import build_space
>>> space = build_space(accord.load_scenario("ukraine-2025"), resolution=11, month=0)
>>> space.packages.shape, space.utility.shape, space.no_deal.shape   # (P, m), (P, n), (n,)
((21600, 7), (21600, 6), (6,))

Names are imported lazily, so importing :mod:`accord.bargaining.arrays` (the Monte Carlo's
kernel) loads neither scipy nor the full analysis.
"""

from __future__ import annotations

from accord.lazy import lazy_exports

_EXPORTS = {
    "SOLUTIONS": "analysis",
    "BargainResult": "analysis",
    "ContinuousSolution": "analysis",
    "analyse": "analysis",
    "pareto_mask": "frontier",
    "pareto_mask_reference": "frontier",
    "Package": "package",
    "make_package": "package",
    "continuous_problem": "refine",
    "kalai_smorodinsky_continuous": "refine",
    "max_min_gain": "refine",
    "nash_continuous": "refine",
    "BlockingRedLine": "relax",
    "Relaxation": "relax",
    "blocking_red_lines": "relax",
    "smallest_relaxations": "relax",
    "RipenessPoint": "ripeness",
    "egalitarian": "solutions",
    "kalai_smorodinsky": "solutions",
    "nash": "solutions",
    "PackageSpace": "space",
    "build_space": "space",
    "capabilities_at": "utility",
    "issue_bounds": "utility",
    "no_deal_utility": "utility",
    "package_utility": "utility",
    "red_line_ok": "utility",
    "status_quo": "utility",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
