"""Bargaining analysis: utilities over packages, red lines, no deal over time, the zone of possible
agreement, the Pareto frontier, Nash / Kalai–Smorodinsky / egalitarian solutions, ripeness."""

from .analysis import BargainResult, Package, Relaxation, RipenessPoint, analyse
from .frontier import pareto_mask, pareto_mask_reference
from .solutions import egalitarian, kalai_smorodinsky, nash
from .space import PackageSpace, build_space
from .utility import capabilities_at, no_deal_utility, package_utility, red_line_ok, status_quo

__all__ = ["BargainResult", "Package", "Relaxation", "RipenessPoint", "analyse", "pareto_mask",
           "pareto_mask_reference", "egalitarian", "kalai_smorodinsky", "nash", "PackageSpace", "build_space",
           "capabilities_at", "no_deal_utility", "package_utility", "red_line_ok", "status_quo"]
