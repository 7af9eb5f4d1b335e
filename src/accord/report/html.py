"""The brief's building blocks: its context, a section, and small HTML helpers."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from accord.forecast import ForecastResult
from accord.models.registry import MODELS
from accord.scenario import Scenario

from . import charts

__all__ = ["BriefContext", "Section", "escape", "figure", "footnote", "table"]


@dataclass
class Section:
    id: str
    title: str
    body: Markup
    judgements: list[str] = field(default_factory=list)
    #: The judgements fit for page one, each with its rank there (lower comes first).
    lead: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class BriefContext:
    scenario: Scenario
    seed: int = 0
    draws: int = 0
    runs: int = 0
    months: int = 120
    result: ForecastResult | None = None
    notes: list[str] = field(default_factory=list)
    footnotes: dict[str, int] = field(default_factory=dict)
    mc_models: str = "batched"  # "batched": models with a Monte Carlo kernel; "all": every model
    model_params: tuple[str, ...] = ()  # --model-param MODEL.OPTION=VALUE, for every section
    bargain: Any = None  # the bargaining analysis, once its section ran
    process: Any = None  # [(setting, ProcessComparison)], once the comparisons ran
    montecarlo: Any = None  # the SimulationResult, once the Monte Carlo section ran
    tornado: Any = None  # the TornadoResult (every model and the bargaining), once computed
    #: The short brief (page one, the deal, the process): the sections it does not print give
    #: page one their judgements without drawing their charts.
    short: bool = False
    #: Analyses handed to worker processes, by name, until their results are taken
    #: (:mod:`accord.report.analyses`).
    pending: dict[str, Any] = field(default_factory=dict)
    #: The background thread of a one-worker brief, fed the analyses that wait on the
    #: bargaining analysis once it is known (:mod:`accord.report.analyses`); None: none.
    lane: Any = None
    #: Told each slow stage as it starts ("bargaining analysis", "Monte Carlo, 200 draws", ...),
    #: for a progress display; None: nobody is told.
    on_stage: Any = None
    #: The version's review (an :class:`accord.store.review.ReviewStatus`) for the "Review
    #: status" section; None: no such section.
    review: Any = None

    def stage(self, what: str) -> None:
        if self.on_stage is not None:
            self.on_stage(what)

    @property
    def no_deal(self) -> str:
        """What failing to agree means here, in words: war only when the scenario has one."""
        return "continued war" if self.scenario.war is not None else "no deal"

    @property
    def labels(self) -> dict[str, str]:
        return {m.name: m.label for m in MODELS}

    def models(self, names: list[str] | None) -> list[Any]:
        """The named models (all by default) with the scenario's options and ``model_params``,
        so that every section runs the same configured models."""
        from accord.models.options import build_models

        return build_models(names, self.scenario, self.model_params)


def escape(x: Any) -> str:
    return html.escape(str(x))


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def figure(fig: Any, caption: str) -> str:
    return f"<figure>{charts.to_svg(fig)}<figcaption>{escape(caption)}</figcaption></figure>"


def footnote(ctx: BriefContext, place: str) -> str:
    """A footnote marker for the input number at ``place``."""
    n = ctx.footnotes.setdefault(place, len(ctx.footnotes) + 1)
    return f'<sup><a href="#fn{n}" id="ref{n}">{n}</a></sup>'
