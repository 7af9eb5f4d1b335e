"""The brief's process section: how the talks end under each process (preparatory talks, a
summit, an ultimatum, a mediator), for talks starting now and, when a zone of agreement opens
later, for talks starting then."""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup

from . import charts
from .analyses import ensure_bargain, ensure_process
from .html import BriefContext, Section, escape, figure, table

__all__ = ["pct", "section_process"]


def pct(p: float | None) -> str:
    """A probability as a whole percentage; a dash when there is none."""
    return "–" if p is None or (isinstance(p, float) and np.isnan(p)) else f"{p:.0%}"


# -- process ------------------------------------------------------------------------------------


def _process_table(cmp: Any) -> str:
    rows = []
    for p in cmp.processes:
        months = "–" if not p.months_to_deal else f"{p.months_to_deal['median']:g}"
        deal = "–"
        if p.most_common_deal:
            deal = "; ".join(f"{escape(k)} {v:g}" for k, v in p.most_common_deal["values"].items())
            deal += f" ({p.most_common_deal['share_of_deals']:.0%} of deals)"
        rows.append(
            [
                escape(p.process),
                pct(p.p_deal),
                pct(p.p_breakdown),
                pct(p.p_escalation),
                months,
                deal,
            ]
        )
    return table(
        [
            "process",
            "P(deal)",
            "P(breakdown)",
            "P(escalation)",
            "months to deal (median)",
            "most common deal",
        ],
        rows,
    )


def _gain_table(cmp: Any, names: dict[str, str]) -> str:
    actors = list(cmp.processes[0].expected_gain) if cmp.processes else []
    rows = [
        [escape(names.get(a, a))] + [f"{p.expected_gain[a]:+.3f}" for p in cmp.processes]
        for a in actors
    ]
    return table(["expected gain over no deal"] + [escape(p.process) for p in cmp.processes], rows)


def _setting_titles(ctx: BriefContext, now: Any) -> dict[str, str]:
    opens = None if ctx.bargain is None else ctx.bargain.opens_at
    return {
        "now": f"talks starting now (month {now.settings.start_month:g}), the scenario's "
        "strategies",
        "later": f"talks starting when the zone opens (month {opens}), the scenario's strategies",
        "conceder": f"talks starting at month {opens}, every party conceding early (Conceder)",
    }


def _process_figure(ctx: BriefContext, title: str, cmp: Any) -> str:
    return figure(
        charts.process_chart(
            [p.process for p in cmp.processes],
            [p.p_deal for p in cmp.processes],
            [p.p_breakdown for p in cmp.processes],
            [p.p_escalation for p in cmp.processes],
            f"How the talks end: {title}",
            breakdown_label="breakdown (talks end, "
            + ("war goes on)" if ctx.scenario.war is not None else "no deal)"),
        ),
        "Share of runs ending in a deal (green), a breakdown (grey) or an escalation (red).",
    )


def _process_judgement(title: str, cmp: Any) -> str:
    best = max(cmp.processes, key=lambda p: (p.p_deal, -p.p_escalation))
    if best.p_deal > 0:
        return (
            f"Process, {escape(title)}: {escape(best.process)} is likeliest to end in a deal "
            f"({best.p_deal:.0%} of runs); "
            + escape(
                ", ".join(f"{p.process} {p.p_deal:.0%}" for p in cmp.processes if p is not best)
            )
            + "."
        )
    worst = max(cmp.processes, key=lambda p: p.p_escalation)
    return (
        f"Process, {escape(title)}: no process ends in a deal in any run"
        + (
            f"; a {escape(worst.process)} ends in escalation in {worst.p_escalation:.0%} of runs"
            if worst.p_escalation > 0
            else ""
        )
        + "."
    )


def section_process(ctx: BriefContext) -> Section | None:
    """The process comparisons; in the short brief, every setting's judgement, then the chart
    and the table of the setting likeliest to end in a deal only."""
    scn = ctx.scenario
    ensure_bargain(ctx)
    found = ensure_process(ctx)
    if found is None:
        return None
    names = {a.id: a.name for a in scn.actors}
    now = found[0][1]
    titles = _setting_titles(ctx, now)
    settings = [(titles[key], cmp) for key, cmp in found]
    parts = [
        f"<p>{ctx.runs} simulated runs per process and setting (seed {ctx.seed}). Strategies: "
        + escape(", ".join(f"{names.get(a, a)} {s}" for a, s in now.strategies.items()))
        + (f"; mediator {escape(names.get(now.mediator, now.mediator))}" if now.mediator else "")
        + (
            f"; ultimatum to {escape(names.get(now.ultimatum_target, now.ultimatum_target))}"
            if now.ultimatum_target
            else ""
        )
        + ". Processes: "
        + escape("; ".join(f"{p.process}: {p.description}" for p in now.processes))
        + ".</p>"
    ]
    judgements = [_process_judgement(title, cmp) for title, cmp in settings]
    if ctx.short:
        title, cmp = max(
            settings, key=lambda tc: max((p.p_deal, -p.p_escalation) for p in tc[1].processes)
        )
        parts.append("<ul>" + "".join(f"<li>{j}</li>" for j in judgements) + "</ul>")
        parts.append(f"<h3>{escape(title[0].upper() + title[1:])}</h3>")
        parts.append(_process_figure(ctx, title, cmp) + _process_table(cmp))
        parts.append(
            "<p class=meta>The full brief adds the chart and the table of every setting, talks "
            "in which every party concedes early, each party's expected gain and what the "
            "processes assume.</p>"
        )
    for title, cmp in [] if ctx.short else settings:
        parts.append(f"<h3>{escape(title[0].upper() + title[1:])}</h3>")
        parts.append(_process_figure(ctx, title, cmp))
        parts.append(_process_table(cmp))
        parts.append(_gain_table(cmp, names))
        # the process library's notes name war costs; without war dynamics they are no-deal costs
        notes = (
            cmp.notes
            if scn.war is not None
            else [n.replace("war costs", "no-deal costs") for n in cmp.notes]
        )
        parts.extend(f"<p class=meta>{escape(n)}</p>" for n in notes)
    if not ctx.short:
        parts.append(
            "<p>The processes share each run's prior beliefs about the others' red lines and "
            "no-deal payoffs (drawn around the truth with the scenario's uncertainty); "
            "preparatory talks narrow "
            f"them with private signals and take months of {ctx.no_deal}; a failed summit "
            "worsens the failing "
            "parties' no-deal payoffs; the ultimatum lowers its target's no-deal payoff at the "
            "deadline "
            "(see docs/process.md for every setting).</p>"
        )
    return Section(
        "process",
        "How the talks are run: preparatory talks, a summit, an ultimatum, a mediator",
        Markup("".join(parts)),
        judgements,
        [(30, judgements[0])] if judgements else [],
    )
