"""Page one of the brief: the question, one overview figure, the key judgements with their
probabilities, and what would change them.

The overview figure puts every issue on its own row, normalised to its scale (0 = the scale's
minimum, 1 = its maximum): the range of the models' forecasts, the declared consensus
(:data:`accord.forecast.CONSENSUS_MODEL`) and its Monte Carlo interval, the labelled deal terms
as ticks, and each red line of a party (or a ratifier) with the side it rules out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup

from accord.charts.overview import label_lines
from accord.forecast import CONSENSUS_MODEL

from .charts import overview_chart
from .html import BriefContext, Section, escape, figure
from .sections import ensure_tornado, input_label

__all__ = [
    "CHANGE_TOP",
    "KEY_MAX",
    "KEY_MIN",
    "key_judgements",
    "label_lines",
    "overview_chart",
    "page_one",
    "what_would_change",
]

#: Page one's key judgements: at least ``KEY_MIN`` (topped up with the issues' headlines), at
#: most ``KEY_MAX``.
KEY_MIN, KEY_MAX = 3, 5
#: Inputs listed under "what would change them", per output kind (opening month, consensus).
CHANGE_TOP = 3
#: Rank of the most contested issue's judgement among the sections' leads (see
#: :attr:`accord.report.html.Section.lead`: the Monte Carlo's zone 10, the deal 20–21, the
#: process 30, the widest Monte Carlo range 50, the critical input 60).
CONTESTED_RANK = 40


def _consensus_intervals(ctx: BriefContext) -> dict[str, tuple[float, float, float, float, float]]:
    if ctx.montecarlo is None:
        return {}
    q = ctx.montecarlo.quantiles()
    q = q[q["model"] == CONSENSUS_MODEL]
    cols = ("q05", "q25", "q50", "q75", "q95")
    return {
        r["issue"]: tuple(float(r[c]) for c in cols)  # type: ignore[misc]
        for _, r in q.iterrows()
        if not np.isnan(r["q50"])
    }


def _issue_judgement(ctx: BriefContext, s: Any, interval: tuple | None) -> str:
    issue = ctx.scenario.issue(s.issue_id)
    name = escape(issue.name or issue.id)
    if s.consensus is None:
        return f"<b>{name}</b>: the models range from {s.low:.0f} to {s.high:.0f}."
    text = (
        f"<b>{name}</b>: the consensus is {s.consensus:.0f} on {issue.scale.min:g}..."
        f"{issue.scale.max:g} ({escape(issue.scale.describe(s.consensus))}); the models range "
        f"from {s.low:.0f} to {s.high:.0f}"
    )
    if interval is not None:
        text += f", and 90 % of the draws put the consensus between {interval[0]:.0f} and "
        text += f"{interval[4]:.0f}"
    return text + "."


def key_judgements(ctx: BriefContext, sections: list[Section]) -> list[str]:
    """Three to five judgements for page one: the sections' leads in rank order, then the most
    contested issues (widest spread between models first) until there are ``KEY_MIN``."""
    ranked = sorted((r, k, j) for k, s in enumerate(sections) for r, j in s.lead)
    res = ctx.result
    contested = [] if res is None else sorted(res.issues(), key=lambda s: -s.spread_share)
    intervals = _consensus_intervals(ctx)
    if contested:  # the most contested issue ranks after the deal and the process
        first = _issue_judgement(ctx, contested[0], intervals.get(contested[0].issue_id))
        ranked = sorted([*ranked, (CONTESTED_RANK, len(sections), first)])
    out = [j for _, _, j in ranked][:KEY_MAX]
    for s in contested[1 : 1 + max(KEY_MIN - len(out), 0)]:
        out.append(_issue_judgement(ctx, s, intervals.get(s.issue_id)))
    return out


def _months(v: float) -> str:
    from accord.simulation.sensitivity import NO_OPENING

    return "none within the horizon" if v >= NO_OPENING else f"month {v:g}"


def what_would_change(ctx: BriefContext) -> list[str]:
    """The inputs that move the opening month and the consensus forecasts most, with their
    ranges and what each end of the range does (one-at-a-time tornado)."""
    res = ensure_tornado(ctx)
    if res is None:
        return []
    names = {a.id: a.name for a in ctx.scenario.actors}
    items, seen = [], set()
    if "opens" in res.outputs:
        top = res.top("opens", CHANGE_TOP)
        for r in top[top["swing"] > 0].itertuples():
            seen.add(r.input)
            items.append(
                f"<b>{escape(input_label(r, names))}</b> ({r.low:g} to {r.high:g}): the zone of "
                f"agreement opens at {_months(r.at_low)} at the low end, {_months(r.at_high)} at "
                "the high end."
            )
    width = {i.id: i.scale.max - i.scale.min for i in ctx.scenario.issues}
    frame = res.frame[res.frame["output"].str.startswith(CONSENSUS_MODEL + ":")].dropna(
        subset=["swing"]
    )
    frame = frame.assign(
        share=frame["swing"] / frame["output"].str.split(":").str[1].map(width)
    ).sort_values("share", ascending=False, kind="stable")
    shown = 0
    for r in frame.itertuples():
        if shown >= CHANGE_TOP or r.share < 0.01:
            break
        if r.input in seen:
            continue
        seen.add(r.input)
        shown += 1
        issue = ctx.scenario.issue(r.output.split(":", 1)[1])
        items.append(
            f"<b>{escape(input_label(r, names))}</b> ({r.low:g} to {r.high:g}): moves the "
            f"consensus on {escape(issue.name or issue.id)} from {r.at_low:.0f} to "
            f"{r.at_high:.0f} ({r.share:.0%} of the scale)."
        )
    return items


def page_one(ctx: BriefContext, sections: list[Section]) -> Markup:
    """The question, the overview figure, the key judgements and what would change them."""
    res = ctx.result
    assert res is not None
    md = ctx.scenario.metadata
    parts = [
        "<section id=page-one class=page-one><h2 id=question>The question</h2>",
        f"<p>{escape(md.description or md.title)}</p>",
        figure(
            overview_chart(ctx.scenario, list(res.issues()), _consensus_intervals(ctx)),
            "Every issue on one row, on its own scale (left: the scale's minimum; right: its "
            "maximum). Grey bar: the range of the models' forecasts; star: the consensus "
            f"({ctx.labels.get(CONSENSUS_MODEL, CONSENSUS_MODEL)})"
            + (
                ", box and line: the middle 50 % and 90 % of the Monte Carlo draws"
                if ctx.montecarlo is not None
                else ""
            )
            + "; ticks: the labelled deal terms; coloured bars: red lines, the triangle pointing "
            "at the side the actor rules out. Right: the deal term nearest the consensus.",
        ),
        "<h2 id=key>Key judgements</h2><div class=key><ul>",
        *(f"<li>{j}</li>" for j in key_judgements(ctx, sections)),
        "</ul></div>",
    ]
    change = what_would_change(ctx)
    parts.append("<h3 id=change>What would change them</h3>")
    if change:
        parts.append(
            "<p>The inputs that move these judgements most, each set to the low and then the "
            "high end of its range with every other input at its value:</p><ul class=change>"
            + "".join(f"<li>{c}</li>" for c in change)
            + "</ul>"
        )
    else:
        parts.append("<p>No input carries an uncertainty range, so none was varied.</p>")
    parts.append("</section>")
    return Markup("".join(parts))
