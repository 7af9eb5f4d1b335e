"""The brief: one self-contained HTML file (inline SVG charts and CSS, no network at view time).

Sections are built by small functions over a shared context; each analysis that exists adds
its own section. Key judgements come first, in plain words; every input number is footnoted
with its quote or judgement; the assumptions close the brief.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

import accord
from accord.charts import render
from accord.forecast import CONSENSUS_MODEL, forecast
from accord.models.base import not_applicable
from accord.models.registry import MODELS
from accord.scenario import Scenario

from . import analyses, charts
from .analyses import ensure_bargain
from .html import BriefContext, Section, escape, figure, footnote, table
from .overview import page_one
from .review_status import section_review
from .sections import section_montecarlo, section_process, section_sensitivity

__all__ = ["BriefContext", "Section", "build_brief", "SECTIONS"]


# -- sections ------------------------------------------------------------------------------------


#: Said once, with the first headline: where the consensus model's weights come from.
FITTED_ON = (
    " (the consensus is the stacking ensemble; its weights were fitted on EU legislation,"
    " DEU III, not on negotiations of this kind)"
)


def _headline(ctx: BriefContext, issue: Any, s: Any) -> str:
    """The key judgement on one issue: the declared consensus, the models' range, the agreement
    in deal terms, and what must be said next to the consensus (convergence, red lines)."""
    name = escape(issue.name or issue.id)
    if s.consensus is None:
        return (
            f"<b>{name}</b>: no consensus (the {CONSENSUS_MODEL} model did not run); models' "
            f"range {s.low:.1f}–{s.high:.1f}; {escape(s.agreement)}."
        )
    notes = s.notes.get(CONSENSUS_MODEL, ())
    said = f" Note: {escape('; '.join(notes))}." if notes else ""
    fitted = (
        (
            " (the consensus is the stacking ensemble, its weights fitted on EU legislation, "
            "DEU III, not on negotiations of this kind)"
        )
        if ctx.scenario.issues[0] is issue
        else ""
    )
    return (
        f"<b>{name}</b>: heading for {s.consensus:.0f} on {issue.scale.min:g}..{issue.scale.max:g}"
        f" — {escape(issue.scale.describe(s.consensus))}{fitted}; models' range "
        f"{s.low:.1f}–{s.high:.1f}; {escape(s.agreement)}.{said}"
    )


def section_forecasts(ctx: BriefContext) -> Section:
    res = ctx.result
    assert res is not None
    parts, judgements = [], []
    for s in res.issues():
        issue = ctx.scenario.issue(s.issue_id)
        rows = [
            [
                escape(ctx.labels.get(m, m) + (" (consensus)" if m == CONSENSUS_MODEL else "")),
                f"{v:.1f}",
                escape(s.labels[m]),
                escape("; ".join(s.notes.get(m, ()))),
            ]
            for m, v in s.values.items()
        ]
        verdict = s.agreement
        judgements.append(_headline(ctx, issue, s))
        parts.append(
            f"<h3>{escape(issue.name or issue.id)}</h3><p class=q>{escape(issue.question)}</p>"
        )
        parts.append(table(["model", "forecast", "nearest deal term", "said next to it"], rows))
        parts.append(
            f"<p>{escape(verdict)}; spread between models {s.spread:.1f} points "
            f"({s.spread_share:.0%} of the scale).</p>"
        )
        parts.append(
            figure(
                charts.forecast_chart(res, s.issue_id),
                "Dots: actors' positions (area ∝ capability × salience). Markers: each model's "
                "forecast.",
            )
        )
    return Section("forecasts", "Where each issue is heading", Markup("".join(parts)), judgements)


def section_trajectories(ctx: BriefContext) -> Section | None:
    res = ctx.result
    assert res is not None
    parts = []
    for mf in res.models:
        for issue in ctx.scenario.issues:
            fc = mf.issues[issue.id]
            if fc.trace is None or fc.trace.rounds < 1:
                continue
            label = ctx.labels.get(mf.model, mf.model)
            title = f"{label}: positions by round on {issue.name or issue.id}"
            parts.append(
                figure(
                    charts.trajectory_chart(ctx.scenario, fc, title),
                    "Coloured lines: each actor's position after each round; black: the model's "
                    "forecast (dashed on short runs).",
                )
            )
    if not parts:
        return None
    return Section("trajectories", "How positions move, round by round", Markup("".join(parts)))


def section_bargaining(ctx: BriefContext) -> Section | None:
    res = ensure_bargain(ctx)
    if res is None:
        return None
    names = {a.id: a.name for a in ctx.scenario.actors}
    parts, judgements = [], []

    def pkg_table(pkg) -> str:
        rows = [
            [escape(i.name or i.id), f"{pkg.values[i.id]:g}", escape(pkg.labels[i.id])]
            for i in ctx.scenario.issues
        ]
        gains = "; ".join(
            f"{escape(names[a])} {g:+.3f}"
            for a, g in sorted(pkg.gain.items(), key=lambda kv: -kv[1])
        )
        return table(["issue", "value", "deal term"], rows) + f"<p>Gains over no deal: {gains}.</p>"

    war = ctx.scenario.war is not None
    parts.append(f"<p class=grid>{escape(res.space.grid_text())}</p>")
    lead: list[tuple[int, str]] = []
    if res.zone_exists:
        judgements.append(
            f"A deal every party prefers to {ctx.no_deal} exists now ({res.zopa_size} packages)."
        )
        lead.append((20, judgements[-1]))
        parts.append("<h3>Nash bargaining solution</h3>" + pkg_table(res.solutions["nash"]))
        if res.solutions["kalai_smorodinsky"] is not None:
            parts.append(
                "<h3>Kalai–Smorodinsky solution</h3>"
                + pkg_table(res.solutions["kalai_smorodinsky"])
            )
    else:
        text = f"No {'deal' if war else 'package'} beats {ctx.no_deal} for every party today"
        if res.relaxation is not None:
            who = ", ".join(names[a] for a in res.relaxation.actors)
            text += f"; the smallest change that opens one involves {who}"
        judgements.append(escape(text) + ".")
        lead.append((20, judgements[-1]))
        parts.append(f"<p>{escape(text)}.</p>")
    if res.opens_at is not None and res.package_at_opening is not None:
        judgements.append(
            f"As {'war costs' if war else 'the costs of no deal'} mount, a zone of agreement "
            f"opens at month {res.opens_at} under the scenario's assumptions; its Nash package is "
            "shown below."
        )
        lead.append((21, judgements[-1].replace("; its Nash package is shown below", "")))
        parts.append(
            f"<h3>When the zone opens: month {res.opens_at}</h3>"
            + pkg_table(res.package_at_opening)
        )
    else:
        judgements.append(
            f"No zone of agreement opens within {ctx.months} months under the scenario's "
            "assumptions."
        )
        lead.append((21, judgements[-1]))
    oc, pc = res.opens_at_continuous, res.continuous_at_opening
    if oc is not None and pc is not None and oc != res.opens_at:
        judgements.append(
            f"Between the labelled deal terms (on the continuous scales) a zone opens earlier, at "
            f"month {oc}; its Nash package: "
            + escape(
                ", ".join(f"{i.name or i.id} {pc.values[i.id]:.0f}" for i in ctx.scenario.issues)
            )
            + "."
        )
        parts.append(f"<h3>On the continuous scales: month {oc}</h3>" + pkg_table(pc))
    parts.append(
        figure(
            charts.ripeness_chart(
                res,
                "Ripeness: the zone of agreement as "
                + ("the war goes on" if war else "time passes without a deal"),
                xlabel=f"months of {ctx.no_deal}",
            ),
            "Top: packages every party prefers to no deal, by month. Bottom: each party's no-deal "
            "utility.",
        )
    )
    many = sum(a.party for a in ctx.scenario.actors) > 2
    spec = charts.bargaining_map(
        res, "Bargaining map" + (": the two most opposed parties" if many else "")
    )
    if spec is not None:
        parts.append(
            figure(
                spec,
                "Grey: every package; blue: within every party's red lines; green: the zone of "
                "agreement; dotted lines: no-deal utilities today."
                + (
                    " The two parties shown are the pair whose utilities over the packages run "
                    "most against each other (the dashboard draws any pair)."
                    if many
                    else ""
                ),
            )
        )
    return Section(
        "bargaining",
        "Is there a deal, which one, and when?",
        Markup("".join(parts)),
        judgements,
        lead,
    )


def section_inputs(ctx: BriefContext) -> Section:
    scn = ctx.scenario
    rows = []
    for a_idx, actor in enumerate(scn.actors):
        cap = f"{actor.capability.value:g}{footnote(ctx, f'actors[{a_idx}].capability')}"
        for issue_id, st in actor.stances.items():
            base = f"actors[{a_idx}].stances.{issue_id}"
            red = (
                "—"
                if st.red_line is None
                else f"{st.red_line.value:g}{footnote(ctx, base + '.red_line')}"
            )
            rows.append(
                [
                    escape(actor.name),
                    cap,
                    escape(issue_id),
                    f"{st.position.value:g}{footnote(ctx, base + '.position')}",
                    f"{st.salience.value:g}{footnote(ctx, base + '.salience')}",
                    red,
                ]
            )
            cap = ""
    body = table(
        ["actor", "capability", "issue", "position", "salience", "red line"], rows, "inputs"
    )
    cov = scn.evidence_coverage()
    body += f"<p>Evidence: {escape(cov)}.</p>"
    return Section("inputs", "Inputs and their evidence", Markup(body))


def section_assumptions(ctx: BriefContext) -> Section:
    items = []
    for place, q in ctx.scenario.quantities():
        if q.evidence is not None and q.evidence.kind == "judgement":
            items.append(
                f"<li><code>{escape(place)}</code> = {q.value:g}: "
                f"{escape(q.evidence.judgement)}</li>"
            )
        elif q.evidence is None:
            items.append(f"<li><code>{escape(place)}</code> = {q.value:g}: no evidence given</li>")
    models = "".join(
        f"<li>{escape(m.label)} {escape(m.citation)}: default options ({escape(repr(m()))})</li>"
        for m in MODELS
        if not_applicable(m, ctx.scenario) is None
    )
    body = (
        "<p>Numbers that rest on the analyst's judgement rather than a "
        f"quote:</p><ul>{''.join(items) or '<li>none</li>'}</ul>"
        f"<p>Models and their settings:</p><ul>{models}</ul><p>Seed: {ctx.seed}.</p>"
    )
    return Section("assumptions", "Assumptions", Markup(body))


def _footnotes(ctx: BriefContext) -> Markup:
    by_place = dict(ctx.scenario.quantities())
    src = {s.id: s for s in ctx.scenario.sources}
    items = []
    for place, n in sorted(ctx.footnotes.items(), key=lambda kv: kv[1]):
        q = by_place.get(place)
        ev = q.evidence if q is not None else None
        if ev is None:
            text = "no evidence given"
        elif ev.kind in ("quote", "comment"):
            s = src.get(ev.source or "")
            cite = escape(s.title if s else ev.source) + (
                f", {escape(s.publication)}" if s and s.publication else ""
            )
            if ev.comment_by:  # an opinion under the article, not its author's reporting
                cite = f"reader comment by {escape(ev.comment_by)} under " + cite
            text = f"“{escape(ev.quote)}” — {cite}" + (
                f". <i>{escape(ev.note)}</i>" if ev.note else ""
            )
        else:
            text = f"Judgement: {escape(ev.judgement)}"
        items.append(
            f'<li id="fn{n}"><code>{escape(place)}</code>: {text} <a href="#ref{n}">↩</a></li>'
        )
    return Markup(f"<ol class=fn>{''.join(items)}</ol>")


#: The brief's sections in order, listed explicitly (nothing registers itself); the tail
#: sections come after every analysis.
SECTIONS: tuple[Callable[[BriefContext], Section | None], ...] = (
    section_forecasts,
    section_trajectories,
    section_bargaining,
    section_process,
    section_montecarlo,
    section_sensitivity,
    section_review,
)
TAIL: tuple[Callable[[BriefContext], Section | None], ...] = (section_inputs, section_assumptions)
#: The sections the short brief prints after page one (the review status only when given).
SHORT: tuple[str, ...] = ("bargaining", "process", "review")
#: Print rules for US letter, added after the page's own (A4) ones when a PDF is printed on
#: letter: the page is 18 mm shorter, so page one's figure and type shrink to keep it on one page.
LETTER_PRINT_CSS = (
    "@page{size:letter;margin:11mm 14mm}"
    "@media print{.page-one{font-size:.86em} .page-one figure svg{max-height:245px}}"
)
#: The sections the short brief runs: those it prints, and those that give page one its
#: judgements (in the short brief these draw no charts; the forecasts and the trajectories
#: give page one nothing, and page one reads the forecast itself).
SHORT_RUN: tuple[Callable[[BriefContext], Section | None], ...] = (
    section_bargaining,
    section_process,
    section_montecarlo,
    section_sensitivity,
    section_review,
)


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }} — accord brief</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:2em} h3{margin-bottom:.2em}
.meta{color:#666;font-size:.9em} .q{color:#555;font-style:italic;margin-top:0}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3} table.inputs td:nth-child(n+4){text-align:right}
.key{background:#f7f9fc;border-left:4px solid #0072B2;padding:.6em 1.2em} .key li{margin:.3em 0}
figure{margin:1em 0} figure svg{max-width:100%;height:auto} figcaption{font-size:.85em;color:#555}
ol.fn{font-size:.85em} code{font-size:.9em} nav a{margin-right:1em}
@page{size:A4;margin:12mm 14mm}
@media print{body{font-size:10pt;line-height:1.35;max-width:none;margin:0;padding:0}
h1{margin:0 0 .1em;font-size:1.4em} h2{margin:1.1em 0 .4em} figure{margin:.5em 0}
h2{font-size:1.3em} .page-one{break-after:page;font-size:.9em} .page-one h2{margin-top:.6em}
.page-one p,.page-one ul{margin:.4em 0} .page-one h3{margin:.6em 0 .2em}
.page-one figure svg{max-height:280px} .key{padding:.2em .8em} .key li{margin:.15em 0}
nav{display:none} h2,h3{break-after:avoid} figure{break-inside:avoid}}
</style></head><body>
<h1>{{ title }}</h1>
<p class=meta>{{ meta }}</p>
{{ page_one }}
<nav>{% for s in sections %}<a href="#{{ s.id }}">{{ s.title }}</a>{% endfor %}</nav>
{% if short %}<p class=meta>The short brief: page one, the deal and the process. The full brief
(<code>accord report</code> without <code>--short</code>) adds every model's forecast, the
trajectories, the Monte Carlo, the sensitivity analysis, the inputs with their evidence and the
assumptions.</p>{% else %}<h2 id=judgements>Every judgement</h2>
<div class=key><ul>{% for j in judgements %}<li>{{ j }}</li>{% endfor %}</ul></div>{% endif %}
{% for s in sections %}<h2 id="{{ s.id }}">{{ s.title }}</h2>{{ s.body }}{% endfor %}
{% if not short %}<h2 id=evidence>Evidence for every input number</h2>{{ footnotes }}{% endif %}
<p class=meta>Made by accord {{ version }} on {{ made }}. Scenario hash {{ hash }}.</p>
</body></html>"""


def build_brief(
    scenario: Scenario,
    *,
    seed: int = 0,
    draws: int = 0,
    runs: int = 0,
    months: int = 120,
    models: list[str] | None = None,
    mc_models: str = "batched",
    model_params: tuple[str, ...] = (),
    short: bool = False,
    workers: int = 1,
    on_stage: Callable[[str], None] | None = None,
    review: Any = None,
) -> str:
    """The whole brief as one HTML string, page one first.

    ``on_stage`` is told each slow stage as it starts (for a progress display).

    ``short``: page one, then only the deal and the process sections (:data:`SHORT`); the
    sections it does not print run without their charts, for page one's judgements only.
    ``workers`` > 1 runs the slow analyses (the Monte Carlo, the tornado, the process
    comparisons) side by side in that many worker processes; the brief is the same.

    ``draws`` > 0 adds the Monte Carlo and sensitivity sections (``mc_models``: "batched", the
    models with a Monte Carlo kernel, or "all"); ``runs`` > 0 adds the process comparison.
    ``model_params`` (``MODEL.OPTION=VALUE``, as ``--model-param``) configure the models of
    every section, on top of the scenario's own options (a KTAB file's ``ModelParameters``).
    ``review`` (an :class:`accord.store.review.ReviewStatus`) adds the "Review status" section:
    the version, its sign-off, the numbers still disputed and the review record.
    """
    if mc_models not in ("batched", "all"):
        raise ValueError(f"mc_models must be 'batched' or 'all', got {mc_models!r}")
    ctx = BriefContext(
        scenario,
        seed=seed,
        draws=draws,
        runs=runs,
        months=months,
        mc_models=mc_models,
        model_params=tuple(model_params),
        short=short,
        on_stage=on_stage,
        review=review,
    )
    pool = analyses.start(ctx, workers)
    render.start()  # the chart renderer warms up while the models run
    try:
        ctx.stage("forecasts")
        ctx.result = forecast(scenario, ctx.models(models), seed=seed)
        run = SHORT_RUN if short else (*SECTIONS, *TAIL)
        sections = [s for fn in run if (s := fn(ctx)) is not None]
        ctx.stage("page one")
        first = page_one(ctx, sections)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    judgements = [Markup(j) for s in sections for j in s.judgements]
    if short:
        sections = [s for s in sections if s.id in SHORT]
    md = scenario.metadata
    meta = " · ".join(x for x in (md.author, md.date) if x)
    env = Environment(autoescape=True)
    return env.from_string(TEMPLATE).render(
        title=md.title,
        meta=meta,
        page_one=first,
        short=short,
        sections=sections,
        judgements=judgements,
        footnotes=_footnotes(ctx),
        version=accord.__version__,
        hash=scenario.content_hash()[:12],
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
