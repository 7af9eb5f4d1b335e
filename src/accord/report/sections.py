"""The brief's sections for the analyses beyond the forecast: how the talks are run (the process
comparison, from :mod:`accord.report.talks`), how robust the forecasts are (Monte Carlo spreads
and fan charts), and which inputs move them most (the tornado).

Each section is a function of the brief's context, listed in :data:`accord.report.brief.SECTIONS`
when this module is imported; each returns None when its analysis does not apply (no uncertain
inputs, no status quo, zero draws or runs), and says in the brief what it left out and why. The
analyses themselves run once per brief, in :mod:`accord.report.analyses`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup

from . import charts
from .analyses import PROCESSES, batched_models, ensure_montecarlo, ensure_tornado, mc_models
from .html import BriefContext, Section, escape, figure, table
from .style import actor_colours, model_colour
from .talks import pct, section_process

__all__ = [
    "PROCESSES",
    "batched_models",
    "ensure_tornado",
    "input_label",
    "section_process",
    "section_montecarlo",
    "section_sensitivity",
]

#: Inputs shown per tornado chart.
TORNADO_TOP = 8


# -- Monte Carlo --------------------------------------------------------------------------------


def _bdm_medians(draws: Any, k: int) -> np.ndarray | None:
    """(rounds + 1, D) the expected-utility model's median forecast after each round, per draw."""
    from accord.models.expected_utility import ExpectedUtility, run_expected_utility

    model = ExpectedUtility()
    cols = np.flatnonzero(np.asarray(draws.mask)[:, k])
    if len(cols) < 2:
        return None
    issue = draws.scenario.issues[k]
    d_scale = None if model.delta == "initial" else issue.scale.max - issue.scale.min
    res = run_expected_utility(
        draws.position[:, cols, k],
        draws.capability[:, cols, k],
        draws.salience[:, cols, k],
        rounds=model.rounds,
        delta=d_scale,
    )
    return res.medians


def _zone_judgement(ctx: BriefContext, res: Any) -> tuple[list[str], str | None]:
    """(paragraphs, judgement) on the probability that a zone of agreement exists now and opens
    within 12, 24, 48, 120 months; ([], None) without the bargaining outputs."""
    p_zone = res.p_zone_of_agreement()
    if p_zone is None:
        return [], None
    by = {t: res.p_zone_by(t) or 0.0 for t in (12, 24, 48, 120)}
    om = res.opening_month()
    median = (
        "in most draws no zone opens within ten years"
        if om.get("q50") is None
        else f"the median draw opens one at month {om['q50']:g}"
    )
    paragraphs = [
        f"<p>Probability that a zone of agreement exists today: <b>{p_zone:.0%}</b> of draws.</p>",
        "<p>Probability that a zone has opened by 12, 24, 48 and 120 months: "
        + ", ".join(f"<b>{p:.0%}</b>" for p in by.values())
        + f" ({median}; months on a quarterly grid, each draw with its own "
        + ("war" if ctx.scenario.war is not None else "no-deal")
        + " costs, discounting and drift).</p>",
    ]
    judgement = (
        f"Across {res.n_draws} draws of the uncertain inputs, a deal every party prefers to "
        f"no deal exists today in {p_zone:.0%} of them, and by 12 / 24 / 48 months in "
        f"{by[12]:.0%} / {by[24]:.0%} / {by[48]:.0%}; {median}."
    )
    return paragraphs, judgement


def _interval_rows(ctx: BriefContext, q: Any, issue: Any) -> list[dict[str, Any]]:
    """The spread chart's rows of one issue: each model's (and the Nash package's) quantiles."""
    rows = []
    for _, r in q[q["issue"] == issue.id].iterrows():
        if np.isnan(r["q50"]):
            continue
        nash = r["model"] == "nash"
        rows.append(
            {
                "model": r["model"],
                "label": "Nash package" if nash else ctx.labels.get(r["model"], r["model"]),
                "colour": "#000000" if nash else model_colour(r["model"]),
                **{c: float(r[c]) for c in ("q05", "q25", "q50", "q75", "q95")},
            }
        )
    return rows


def _widest_judgement(ctx: BriefContext, q: Any) -> str | None:
    """The least settled forecast: the model and issue with the widest 90 % range."""
    widest = None
    for issue in ctx.scenario.issues:
        for r in _interval_rows(ctx, q, issue):
            if r["model"] != "nash":
                span = (r["q95"] - r["q05"]) / (issue.scale.max - issue.scale.min)
                if widest is None or span > widest[0]:
                    widest = (span, issue, r["label"], r["q05"], r["q95"])
    if widest is None:
        return None
    span, issue, name, lo, hi = widest
    return (
        f"The least settled forecast: {escape(issue.name or issue.id)} under the "
        f"{escape(name)} model, "
        f"whose 90 % range runs from {lo:.0f} to {hi:.0f} ({span:.0%} of the scale)."
    )


def section_montecarlo(ctx: BriefContext) -> Section | None:
    """Spreads, fan charts and red-line breaches over the draws; in the short brief, only the
    judgements (for page one), no charts."""
    from accord.simulation.sampling import sample, uncertain_inputs

    scn = ctx.scenario
    title = "How robust are the forecasts?"
    if ctx.draws <= 0:
        return None
    inputs = uncertain_inputs(scn)
    if not inputs:
        return Section(
            "montecarlo",
            title,
            Markup(
                "<p>No number in the scenario carries an uncertainty range, so there is nothing "
                "to draw: give inputs an <code>uncertainty</code> to see the spread.</p>"
            ),
        )
    models, left_out = mc_models(ctx)
    res = ensure_montecarlo(ctx)
    labels = ctx.labels
    q = res.quantiles()
    judgements = []
    lead: list[tuple[int, str]] = []
    zone, said = _zone_judgement(ctx, res)
    if said is not None:
        judgements.append(said)
        lead.append((10, said))
    widest = _widest_judgement(ctx, q)
    if widest is not None:
        judgements.append(widest)
        lead.append((50, widest))
    if ctx.short:  # page one takes the judgements; the charts stay in the full brief
        return Section("montecarlo", title, Markup(""), judgements, lead)
    parts = [
        f"<p>{res.n_draws} draws of the {len(inputs)} uncertain inputs (seed {ctx.seed}); every "
        "model "
        "and the bargaining analysis on each draw. Models run: "
        f"{escape(', '.join(labels.get(m, m) for m in models))}."
        + (
            " Left out for speed (no batched kernel yet; run <code>accord simulate</code> for "
            "them): "
            f"{escape(', '.join(labels.get(m, m) for m in left_out))}."
            if left_out
            else ""
        )
        + "</p>",
        *zone,
    ]
    draws = sample(scn, ctx.draws, seed=ctx.seed) if "bdm" in models else None
    for k, issue in enumerate(scn.issues):
        rows = _interval_rows(ctx, q, issue)
        if rows:
            parts.append(f"<h3>{escape(issue.name or issue.id)}</h3>")
            parts.append(
                figure(
                    charts.interval_chart(
                        issue, rows, f"Spread over draws: {issue.name or issue.id}"
                    ),
                    "Dot: median draw; box: middle 50 % of draws; line: 90 % of draws.",
                )
            )
        if draws is not None:
            med = _bdm_medians(draws, k)
            if med is not None:
                parts.append(
                    figure(
                        charts.fan_chart(
                            issue,
                            med,
                            f"{labels.get('bdm', 'bdm')} round by round: {issue.name or issue.id}",
                            model_colour("bdm"),
                        ),
                        "Fan chart: the model's forecast after each round across the draws "
                        "(median, middle 50 %, 90 %).",
                    )
                )
    br = res.red_line_breaches()
    if not br.empty:
        br = (
            br[br["model"] != "nash"]
            .sort_values("p_breach", ascending=False, kind="stable")
            .head(10)
        )
        names = {a.id: a.name for a in scn.actors}
        cells = [
            [
                escape(labels.get(r.model, r.model)),
                escape(names.get(r.actor, r.actor)),
                escape(r.issue),
                f"{r.red_line:g}",
                pct(float(r.p_breach)),
            ]
            for r in br.itertuples()
        ]
        parts.append(
            "<h3>Red lines the forecasts cross</h3>"
            + table(
                ["model", "actor", "issue", "red line (nominal)", "P(forecast breaches it)"], cells
            )
        )
    return Section("montecarlo", title, Markup("".join(parts)), judgements, lead)


# -- tornado ------------------------------------------------------------------------------------


def input_label(row: Any, names: dict[str, str]) -> str:
    """An input in words: the actor's name, then what the number is."""
    actor = row.actor if isinstance(row.actor, str) else None
    if actor and row.label.startswith(actor + " "):
        return f"{names.get(actor, actor)}: {row.label[len(actor) + 1 :]}"
    return str(row.label)


def _critical_inputs(ctx: BriefContext, res: Any, models: list[str]) -> Any:
    """The ten inputs with the widest mean swing over every issue and model, as a share of the
    scale (a Series: input in words → share)."""
    names = {a.id: a.name for a in ctx.scenario.actors}
    frame = res.frame.dropna(subset=["swing"]).copy()
    frame["model"] = frame["output"].str.split(":").str[0]
    frame = frame[frame["model"].isin(models)]
    width = {i.id: i.scale.max - i.scale.min for i in ctx.scenario.issues}
    frame["share"] = frame["swing"] / frame["output"].str.split(":").str[1].map(width)
    frame["words"] = [input_label(r, names) for r in frame.itertuples()]
    return (
        frame.groupby("words")["share"].mean().sort_values(ascending=False, kind="stable").head(10)
    )


def section_sensitivity(ctx: BriefContext) -> Section | None:
    """Tornado charts and the critical inputs; in the short brief, only the judgement (for
    page one), no charts."""
    from accord.simulation.sampling import uncertain_inputs

    scn = ctx.scenario
    if ctx.draws <= 0 or not uncertain_inputs(scn):
        return None
    models, _ = mc_models(ctx)
    models = [m for m in models if m != "ensemble"]
    res = ensure_tornado(ctx)
    assert res is not None
    crit = _critical_inputs(ctx, res, models)
    judgements = []
    if len(crit):
        judgements.append(
            f"The input that moves the forecasts most: {escape(crit.index[0])} (a swing of "
            f"{crit.iloc[0]:.0%} of the scale on average over issues and models)."
        )
    lead = [(60, judgements[0])] if judgements else []
    title = "Which inputs matter most"
    if ctx.short:  # page one takes the judgement; the charts stay in the full brief
        return Section("sensitivity", title, Markup(""), judgements, lead)
    shown = "bdm" if "bdm" in models else models[0]
    colours = actor_colours(scn)
    labels = ctx.labels
    names = {a.id: a.name for a in scn.actors}
    parts = [
        "<p>Each uncertain input set to the low and then the high end of its range, all others at "
        "their "
        "values; bars span the forecast between the two. Charts: the "
        f"{escape(labels.get(shown, shown))} model "
        f"(top {TORNADO_TOP} inputs per issue; bar colour: the input's actor; numbers at the bar "
        "ends: "
        f"the input's low and high value).</p>"
    ]
    for issue in scn.issues:
        out = f"{shown}:{issue.id}"
        if out not in res.outputs:
            continue
        top = res.top(out, TORNADO_TOP)
        top = top[top["swing"] > 1e-3 * (issue.scale.max - issue.scale.min)]
        if top.empty:
            parts.append(
                f"<p>{escape(issue.name or issue.id)}: no single input moves this forecast.</p>"
            )
            continue
        rows = [
            {
                "label": input_label(r, names),
                "at_low": r.at_low,
                "at_high": r.at_high,
                "low": r.low,
                "high": r.high,
                "colour": colours.get(r.actor, "#666666")
                if isinstance(r.actor, str)
                else "#666666",
            }
            for r in top.itertuples()
        ]
        parts.append(
            figure(
                charts.tornado_chart(
                    issue,
                    rows,
                    res.base[out],
                    f"What moves the forecast on {issue.name or issue.id}",
                ),
                "Dashed line: the forecast with every input at its value.",
            )
        )
    cells = [[escape(lbl), f"{v:.1%}"] for lbl, v in crit.items()]
    parts.append(
        "<h3>Critical inputs</h3><p>Mean swing over every issue and model, as a share of the "
        "scale.</p>" + table(["input", "mean swing"], cells)
    )
    return Section("sensitivity", title, Markup("".join(parts)), judgements, lead)
