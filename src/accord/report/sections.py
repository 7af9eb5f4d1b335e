"""The brief's sections for the analyses beyond the forecast: how the talks are run (the process
comparison), how robust the forecasts are (Monte Carlo spreads and fan charts), and which inputs
move them most (the tornado).

Each section is a function of the brief's context, listed in :data:`accord.report.brief.SECTIONS`
when this module is imported; each returns None when its analysis does not apply (no uncertain
inputs, no status quo, zero draws or runs), and says in the brief what it left out and why.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup

from accord.models.registry import MODELS

from . import charts
from .html import BriefContext, Section, escape, figure, table
from .style import actor_colours, model_colour

__all__ = [
    "batched_models",
    "ensure_tornado",
    "input_label",
    "section_process",
    "section_montecarlo",
    "section_sensitivity",
]

#: Processes compared in the brief, in the order the sources discuss them.
PROCESSES = ("prep-talks", "summit", "ultimatum", "mediated")
#: Inputs shown per tornado chart.
TORNADO_TOP = 8


def batched_models() -> list[str]:
    """Registered models with a batched Monte Carlo kernel (fast on many draws)."""
    return [m.name for m in MODELS if m.tags.batched]


def _mc_models(ctx: BriefContext) -> tuple[list[str], list[str]]:
    """(models run on the draws, models left out) by the brief's ``mc_models`` setting."""
    everyone = [m.name for m in MODELS]
    if ctx.mc_models == "all":
        return everyone, []
    fast = batched_models()
    return fast, [m for m in everyone if m not in fast]


def _pct(p: float | None) -> str:
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
                _pct(p.p_deal),
                _pct(p.p_breakdown),
                _pct(p.p_escalation),
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


def section_process(ctx: BriefContext) -> Section | None:
    from accord.process import compare_processes

    scn = ctx.scenario
    if ctx.runs <= 0 or any(i.status_quo is None for i in scn.issues):
        return None
    names = {a.id: a.name for a in scn.actors}
    now = compare_processes(scn, PROCESSES, runs=ctx.runs, seed=ctx.seed)
    settings: list[tuple[str, Any]] = [
        (f"talks starting now (month {now.settings.start_month:g}), the scenario's strategies", now)
    ]
    opens = None if ctx.bargain is None else ctx.bargain.opens_at
    if now.zone_at_start == 0 and opens is not None:
        later = compare_processes(
            scn, PROCESSES, runs=ctx.runs, seed=ctx.seed, overrides=[f"start_month={opens}"]
        )
        conceder = compare_processes(
            scn,
            PROCESSES,
            runs=ctx.runs,
            seed=ctx.seed,
            overrides=[f"start_month={opens}", "default_strategy=conceder"],
        )
        settings += [
            (
                f"talks starting when the zone opens (month {opens}), the scenario's strategies",
                later,
            ),
            (f"talks starting at month {opens}, every party conceding early (Conceder)", conceder),
        ]
    ctx.process = settings
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
    judgements = []
    for title, cmp in settings:
        parts.append(f"<h3>{escape(title[0].upper() + title[1:])}</h3>")
        parts.append(
            figure(
                charts.process_chart(
                    [p.process for p in cmp.processes],
                    [p.p_deal for p in cmp.processes],
                    [p.p_breakdown for p in cmp.processes],
                    [p.p_escalation for p in cmp.processes],
                    f"How the talks end: {title}",
                    breakdown_label="breakdown (talks end, "
                    + ("war goes on)" if scn.war is not None else "no deal)"),
                ),
                "Share of runs ending in a deal (green), a breakdown (grey) or an escalation "
                "(red).",
            )
        )
        parts.append(_process_table(cmp))
        parts.append(_gain_table(cmp, names))
        # the process library's notes name war costs; without war dynamics they are no-deal costs
        notes = (
            cmp.notes
            if scn.war is not None
            else [n.replace("war costs", "no-deal costs") for n in cmp.notes]
        )
        parts.extend(f"<p class=meta>{escape(n)}</p>" for n in notes)
        best = max(cmp.processes, key=lambda p: (p.p_deal, -p.p_escalation))
        if best.p_deal > 0:
            judgements.append(
                f"Process, {escape(title)}: {escape(best.process)} is likeliest to end in a deal "
                f"({best.p_deal:.0%} of runs); "
                + escape(
                    ", ".join(f"{p.process} {p.p_deal:.0%}" for p in cmp.processes if p is not best)
                )
                + "."
            )
        else:
            worst = max(cmp.processes, key=lambda p: p.p_escalation)
            judgements.append(
                f"Process, {escape(title)}: no process ends in a deal in any run"
                + (
                    f"; a {escape(worst.process)} ends in escalation in {worst.p_escalation:.0%} "
                    "of runs"
                    if worst.p_escalation > 0
                    else ""
                )
                + "."
            )
    parts.append(
        "<p>The processes share each run's prior beliefs about the others' red lines and no-deal "
        "payoffs (drawn around the truth with the scenario's uncertainty); preparatory talks "
        "narrow "
        f"them with private signals and take months of {ctx.no_deal}; a failed summit worsens the "
        "failing "
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


def section_montecarlo(ctx: BriefContext) -> Section | None:
    from accord.simulation.montecarlo import simulate
    from accord.simulation.sampling import sample, uncertain_inputs

    scn = ctx.scenario
    if ctx.draws <= 0:
        return None
    inputs = uncertain_inputs(scn)
    if not inputs:
        return Section(
            "montecarlo",
            "How robust are the forecasts?",
            Markup(
                "<p>No number in the scenario carries an uncertainty range, so there is nothing "
                "to draw: give inputs an <code>uncertainty</code> to see the spread.</p>"
            ),
        )
    models, left_out = _mc_models(ctx)
    res = simulate(scn, ctx.draws, seed=ctx.seed, models=ctx.models(models))
    ctx.montecarlo = res
    labels = ctx.labels
    q = res.quantiles()
    p_zone = res.p_zone_of_agreement()
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
        + "</p>"
    ]
    judgements = []
    lead: list[tuple[int, str]] = []
    if p_zone is not None:
        parts.append(
            f"<p>Probability that a zone of agreement exists today: <b>{p_zone:.0%}</b> of "
            "draws.</p>"
        )
        by = {t: res.p_zone_by(t) or 0.0 for t in (12, 24, 48, 120)}
        om = res.opening_month()
        median = (
            "in most draws no zone opens within ten years"
            if om.get("q50") is None
            else f"the median draw opens one at month {om['q50']:g}"
        )
        parts.append(
            "<p>Probability that a zone has opened by 12, 24, 48 and 120 months: "
            + ", ".join(f"<b>{p:.0%}</b>" for p in by.values())
            + f" ({median}; months on a quarterly grid, each draw with its own "
            + ("war" if scn.war is not None else "no-deal")
            + " costs, "
            "discounting and drift).</p>"
        )
        judgements.append(
            f"Across {res.n_draws} draws of the uncertain inputs, a deal every party prefers to "
            f"no deal exists today in {p_zone:.0%} of them, and by 12 / 24 / 48 months in "
            f"{by[12]:.0%} / {by[24]:.0%} / {by[48]:.0%}; {median}."
        )
        lead.append((10, judgements[-1]))
    widest = None
    draws = sample(scn, ctx.draws, seed=ctx.seed) if "bdm" in models else None
    for k, issue in enumerate(scn.issues):
        sub = q[q["issue"] == issue.id]
        rows = []
        for _, r in sub.iterrows():
            if np.isnan(r["q50"]):
                continue
            name = "Nash package" if r["model"] == "nash" else labels.get(r["model"], r["model"])
            rows.append(
                {
                    "label": name,
                    "colour": model_colour(r["model"]) if r["model"] != "nash" else "#000000",
                    **{c: float(r[c]) for c in ("q05", "q25", "q50", "q75", "q95")},
                }
            )
            if r["model"] != "nash":
                span = (r["q95"] - r["q05"]) / (issue.scale.max - issue.scale.min)
                if widest is None or span > widest[0]:
                    widest = (span, issue, name, r["q05"], r["q95"])
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
    if widest is not None:
        span, issue, name, lo, hi = widest
        judgements.append(
            f"The least settled forecast: {escape(issue.name or issue.id)} under the "
            f"{escape(name)} model, "
            f"whose 90 % range runs from {lo:.0f} to {hi:.0f} ({span:.0%} of the scale)."
        )
        lead.append((50, judgements[-1]))
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
                _pct(float(r.p_breach)),
            ]
            for r in br.itertuples()
        ]
        parts.append(
            "<h3>Red lines the forecasts cross</h3>"
            + table(
                ["model", "actor", "issue", "red line (nominal)", "P(forecast breaches it)"], cells
            )
        )
    return Section(
        "montecarlo", "How robust are the forecasts?", Markup("".join(parts)), judgements, lead
    )


# -- tornado ------------------------------------------------------------------------------------


def input_label(row: Any, names: dict[str, str]) -> str:
    """An input in words: the actor's name, then what the number is."""
    actor = row.actor if isinstance(row.actor, str) else None
    if actor and row.label.startswith(actor + " "):
        return f"{names.get(actor, actor)}: {row.label[len(actor) + 1 :]}"
    return str(row.label)


def section_sensitivity(ctx: BriefContext) -> Section | None:
    from accord.simulation.sampling import uncertain_inputs

    scn = ctx.scenario
    if ctx.draws <= 0 or not uncertain_inputs(scn):
        return None
    models, _ = _mc_models(ctx)
    models = [m for m in models if m != "ensemble"]
    res = ensure_tornado(ctx)
    assert res is not None
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
    frame = res.frame.dropna(subset=["swing"]).copy()
    frame["model"] = frame["output"].str.split(":").str[0]
    frame = frame[frame["model"].isin(models)]
    width = {i.id: i.scale.max - i.scale.min for i in scn.issues}
    frame["share"] = frame["swing"] / frame["output"].str.split(":").str[1].map(width)
    frame["words"] = [input_label(r, names) for r in frame.itertuples()]
    crit = (
        frame.groupby("words")["share"].mean().sort_values(ascending=False, kind="stable").head(10)
    )
    cells = [[escape(lbl), f"{v:.1%}"] for lbl, v in crit.items()]
    parts.append(
        "<h3>Critical inputs</h3><p>Mean swing over every issue and model, as a share of the "
        "scale.</p>" + table(["input", "mean swing"], cells)
    )
    judgements = []
    if len(crit):
        judgements.append(
            f"The input that moves the forecasts most: {escape(crit.index[0])} (a swing of "
            f"{crit.iloc[0]:.0%} of the scale on average over issues and models)."
        )
    return Section(
        "sensitivity",
        "Which inputs matter most",
        Markup("".join(parts)),
        judgements,
        [(60, judgements[0])] if judgements else [],
    )


def ensure_tornado(ctx: BriefContext) -> Any:
    """The tornado of every Monte Carlo model (the consensus too) and of the bargaining outputs
    (the opening month, the Nash package), run once per brief; None without uncertain inputs."""
    from accord.simulation.sampling import uncertain_inputs
    from accord.simulation.sensitivity import tornado

    if ctx.tornado is None and uncertain_inputs(ctx.scenario):
        models, _ = _mc_models(ctx)
        bargaining = all(i.status_quo is not None for i in ctx.scenario.issues)
        ctx.tornado = tornado(
            ctx.scenario, models=ctx.models(models), bargaining=bargaining, seed=ctx.seed
        )
    return ctx.tornado
