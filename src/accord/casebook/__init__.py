"""The casebook: real international negotiations with known outcomes, as scenario files.

Each case is a scenario coded from public sources as the negotiation stood *before* its deal
(positions as stated publicly in a named window), with the agreed terms recorded apart, in
``extensions.casebook`` (``outcome``: issue id to the agreed labelled value; ``outcome_date``;
``outcome_source``). `accord backtest casebook` forecasts every case and scores the forecasts
against the agreed terms (:mod:`accord.backtest.casebook`); docs/backtest.md gives the coding
rules and their limits.

The cases are listed here, not discovered: a file in this folder that is not in :data:`CASES`
is not part of the casebook (a test checks the two agree).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["CASES", "case_path"]

#: The cases, in the order of their deals.
CASES: tuple[str, ...] = (
    "camp-david-1978",
    "dayton-1995",
    "good-friday-1998",
    "jcpoa-2015",
    "brexit-2019",
)


def case_path(name: str) -> Path:
    """The file of the case ``name`` (one of :data:`CASES`)."""
    if name not in CASES:
        raise KeyError(f"name must be one of the casebook's cases {list(CASES)}; got {name!r}")
    return Path(str(resources.files("accord") / "casebook" / f"{name}.yaml"))
