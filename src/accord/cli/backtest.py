"""`accord backtest`: score every model against real outcomes (DEU data, or the casebook)."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.table import Table

import accord
from accord.backtest.capabilities import CAPABILITY_SETS

from ._common import SEED, bounded, console, emit_json, format_option, quiet_option, stages
from .casebook import CASEBOOK, check_casebook_options, run_casebook


def _cell(key: str, value) -> str:
    """Issue counts as integers, errors to 0.1 point, shares as percentages."""
    if key == "n":
        return str(value)
    return f"{value:.1f}" if key in ("mae", "rmse") else f"{value:.0%}"


def _table(title: str, frame) -> Table:
    t = Table(title=title, title_justify="left")
    scores = ["n", "mae", "rmse", "within10", "cover50", "cover80"]
    cols = [c for c in frame.columns if c not in scores]
    for c in cols:
        t.add_column(c)
    heads = {
        "n": "issues",
        "mae": "MAE",
        "rmse": "RMSE",
        "within10": "within 10",
        "cover50": "cover 50 %",
        "cover80": "cover 80 %",
    }
    shown = [k for k in scores if k in frame.columns]
    for key in shown:
        t.add_column(heads[key], justify="right")
    order = [*(c for c in cols if c != "model"), "mae"][-2:]  # e.g. by period, then MAE
    for r in frame.sort_values(order).itertuples(index=False):
        d = r._asdict()
        t.add_row(
            *[str(d[c]) for c in cols],
            *[_cell(k, d[k]) for k in shown],
        )
    return t


@click.command()
@click.argument("dataset", type=click.Path(dir_okay=False))
@click.option(
    "--models",
    "--model",
    "-m",
    "models",
    multiple=True,
    help="models to score, comma-separated or repeated (default: all registered)",
)
@click.option(
    "--deu-models",
    default="",
    help="DEU-specific models scored beside the others as deu:<name>, comma-separated: "
    "procedure, nash_reference, nash_procedure (accord.backtest.procedure.DEU_MODELS; fitted on "
    "the training proposals only; default none)",
)
@click.option(
    "--scheme",
    type=click.Choice(["split", "rolling"]),
    default="split",
    show_default=True,
    help="split: one train/test split (--split, --test-from); rolling: for each year from "
    "--first-year, fit on the proposals before it and test on that year's proposals",
)
@click.option(
    "--split",
    type=click.Choice(["year", "proposal"]),
    default="year",
    show_default=True,
    help="year: train on proposals before --test-from, test on later ones; proposal: random "
    "hold-out",
)
@click.option(
    "--test-from", type=int, default=2004, show_default=True, help="first test year (split=year)"
)
@click.option(
    "--first-year",
    type=int,
    default=2000,
    show_default=True,
    help="first test year (scheme=rolling)",
)
@click.option(
    "--baselines",
    default="salience_mean,median_actor,commission,reference_point",
    show_default=True,
    help="baselines scored beside the models, comma-separated (scheme=rolling; every one "
    "counts for the common issues)",
)
@click.option(
    "--resamples",
    type=bounded("resamples", 1),
    default=2000,
    show_default=True,
    help="paired-bootstrap resamples of proposals (scheme=rolling)",
)
@click.option(
    "--capabilities",
    type=click.Choice(["auto", *sorted(CAPABILITY_SETS)]),
    default="auto",
    show_default=True,
    help="capability set of the EU actors; auto chooses on the training split only",
)
@click.option(
    "--institution-share",
    type=float,
    default=0.1,
    show_default=True,
    help="Commission's and Parliament's capability as a share of the member states' total",
)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option(
    "--save-weights",
    type=click.Path(dir_okay=False),
    default=None,
    help="write the ensemble weights fitted on the training split to this JSON file",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="write per-issue rows (CSV)",
)
@format_option("table", "json")
@quiet_option
@click.pass_context
def backtest(
    ctx,
    dataset,
    models,
    deu_models,
    scheme,
    split,
    test_from,
    first_year,
    baselines,
    resamples,
    capabilities,
    institution_share,
    seed,
    save_weights,
    output,
    fmt,
    quiet,
):
    """Score every model's forecasts against the real outcomes of a DEU-format DATASET.

    DATASET `casebook` scores the shipped casebook of real negotiations with known outcomes
    instead (--models, --seed, --output and --format apply); a file of that name is ./casebook.
    """

    names = [x.strip() for chunk in models for x in chunk.split(",") if x.strip()] or None
    if dataset == CASEBOOK:
        check_casebook_options(ctx)
        run_casebook(names, seed=seed, output=output, fmt=fmt)
        return
    from accord.backtest.deu import read_deu
    from accord.backtest.procedure import DEU_MODELS

    _check_scheme_options(ctx, scheme)
    deu = tuple(x.strip().removeprefix("deu:") for x in deu_models.split(",") if x.strip())
    unknown = [x for x in deu if x not in DEU_MODELS]
    if unknown:
        raise click.UsageError(
            f"--deu-models must be among {', '.join(sorted(DEU_MODELS))}; got {', '.join(unknown)}"
        )
    data = read_deu(dataset)
    _run_scheme(ctx, data, dataset, names, scheme, deu, quiet=quiet or fmt == "json")


def _run_scheme(ctx, data, dataset, names, scheme, deu, *, quiet: bool) -> None:
    """The chosen scheme on the read data, with a progress line on stderr unless ``quiet``."""
    from accord._atomic import atomic_write_text
    from accord.backtest import backtest as run_backtest

    p = ctx.params
    split, test_from, capabilities = p["split"], p["test_from"], p["capabilities"]
    institution_share, seed, output, fmt = p["institution_share"], p["seed"], p["output"], p["fmt"]
    save_weights = p["save_weights"]
    if scheme == "rolling":
        _rolling(
            data,
            dataset,
            names,
            first_year=p["first_year"],
            baselines=p["baselines"],
            resamples=p["resamples"],
            capabilities=capabilities,
            institution_share=institution_share,
            seed=seed,
            output=output,
            fmt=fmt,
            deu_models=deu,
            quiet=quiet,
        )
        return
    with stages(quiet, "forecasting every proposal") as tell:
        res = run_backtest(
            data,
            names,
            split=split,
            test_from=test_from,
            capabilities=capabilities,
            institution_share=institution_share,
            seed=seed,
            deu_models=deu,
            on_stage=tell,
        )
    if output:
        atomic_write_text(output, res.rows.to_csv(index=False))
    if save_weights:
        payload = {
            "weights": res.ensemble_weights,
            "provenance": f"fitted by accord {accord.__version__} on {date.today().isoformat()} "
            f"on the training split ({split}, test from {test_from}) of {dataset}, capability set "
            f"'{capabilities}', least absolute error, w >= 0, sum 1",
        }
        atomic_write_text(save_weights, json.dumps(payload, indent=2) + "\n")
    if fmt == "json":
        emit_json(res.to_dict())
        return
    console.print(
        f"[bold]Backtest on {dataset}[/bold]: {len(data.proposals)} proposals, "
        f"{res.rows.drop_duplicates(['proposal', 'issue']).shape[0]} issues with an outcome; "
        f"capabilities '{capabilities}'"
    )
    for note in res.notes:
        console.print(f"  note: {note}")
    where = f"proposals from {test_from} on" if split == "year" else "held-out proposals"
    console.print(
        _table(f"Out of sample ({where}); ensemble fitted on the rest", res.summary(part="test"))
    )
    boot = res.bootstrap(seed=seed)
    if len(boot):
        t = Table(
            title=f"Out of sample, {boot.n.iloc[0]} test issues every model forecast: MAE "
            "difference to baseline:salience_mean, 95 % paired-bootstrap interval (2000 "
            f"resamples of proposals, seed {seed})",
            title_justify="left",
        )
        for c in ("model", "MAE", "Δ MAE", "95 % interval"):
            t.add_column(c, justify="left" if c == "model" else "right")
        for r in boot.sort_values(["mae", "model"]).itertuples(index=False):
            t.add_row(
                r.model, f"{r.mae:.2f}", f"{r.difference:+.2f}", f"[{r.low:+.2f}, {r.high:+.2f}]"
            )
        console.print(t)
    console.print(_table("All issues (in-sample for the ensemble)", res.summary()))
    console.print(_table("By period", res.summary(("model", "period"))))
    iv = res.intervals(seed=seed)
    if len(iv):
        t = Table(
            title="Intervals from training errors (split conformal), coverage on test issues",
            title_justify="left",
        )
        for c in ("model", "±50 %", "covers", "±80 %", "covers"):
            t.add_column(c, justify="left" if c == "model" else "right")
        for r in iv.itertuples(index=False):
            t.add_row(
                r.model,
                f"{r.halfwidth50:.1f}",
                f"{r.cover50:.0%}",
                f"{r.halfwidth80:.1f}",
                f"{r.cover80:.0%}",
            )
        console.print(t)
    if res.ensemble_weights:
        w = ", ".join(f"{k} {v:.2f}" for k, v in res.ensemble_weights.items() if v > 0.005)
        console.print(f"ensemble weights (fitted on training proposals only): {w}")
    for name, params in res.fitted.items():
        if params:
            console.print(f"{name} fitted on the training proposals: {_shares(params)}")
    for name, n in res.failures.items():
        console.print(f"[yellow]warning:[/yellow] {name} failed on {n} proposals (see the log)")


def _interval_table(res, head, cal) -> Table:
    """Coverage of the drift-aware intervals beside the exchangeable ones, each model's yearly
    decay ρ over the folds (Barber et al. 2023; 1.0 is exchangeable), and the expected
    coverage (no tie-breaking noise) with its 95 % interval by proposals (``cal``:
    :meth:`RollingResult.calibration`)."""
    t = Table(
        title="Conformal intervals on the common issues: drift-aware (training errors weighted "
        "ρ^age, ρ chosen per fold on training years) and exchangeable (ρ = 1)",
        title_justify="left",
    )
    heads = ("model", "cover 50 %", "cover 80 %", "ρ = 1: 50 %", "ρ = 1: 80 %", "ρ over folds")
    for c in (*heads, "expected 50 % [95 %]", "expected 80 % [95 %]"):
        t.add_column(c, justify="left" if c == "model" else "right")
    exp = {} if cal.empty else {(r.model, r.level): r for r in cal.itertuples(index=False)}

    def expected(model: str, q: float) -> str:
        r = exp.get((model, q))
        if r is None:
            return "—"
        return f"{r.coverage:.0%} [{q + r.low:.0%}, {q + r.high:.0%}]"

    for r in head.itertuples(index=False):
        rhos = [f["conformal_decay"].get(r.model) for f in res.folds]
        rhos = sorted({x for x in rhos if x is not None})
        span = (
            "—" if not rhos else f"{rhos[0]:g}" if len(rhos) == 1 else f"{rhos[0]:g}–{rhos[-1]:g}"
        )
        t.add_row(
            r.model,
            f"{r.cover50:.0%}",
            f"{r.cover80:.0%}",
            f"{getattr(r, 'cover50_exchangeable', float('nan')):.0%}",
            f"{getattr(r, 'cover80_exchangeable', float('nan')):.0%}",
            span,
            expected(r.model, 0.5),
            expected(r.model, 0.8),
        )
    return t


def _shares(params: dict) -> str:
    """The fitted Commission and Parliament shares per procedure, e.g. 'COD c 0.10 e 0.20'."""
    return "; ".join(
        f"{p} c {params['commission'][p]:.2f} e {params['parliament'][p]:.2f}"
        for p in params["commission"]
    )


_SCHEME_OPTIONS = {
    "split": ("split", "test_from", "save_weights"),
    "rolling": ("first_year", "baselines", "resamples"),
}


def _check_scheme_options(ctx: click.Context, scheme: str) -> None:
    """An option of the other scheme given explicitly is an error, not silently ignored."""
    from click.core import ParameterSource

    for other, params in _SCHEME_OPTIONS.items():
        if other == scheme:
            continue
        for name in params:
            if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None):
                flag = "--" + name.replace("_", "-")
                raise click.UsageError(f"{flag} applies to --scheme {other} only", ctx)


def _rolling(
    data,
    dataset,
    names,
    *,
    first_year,
    baselines,
    resamples,
    capabilities,
    output,
    fmt,
    quiet,
    **kw,
):
    from accord._atomic import atomic_write_text
    from accord.backtest.rolling import REFERENCE_MODEL, rolling_backtest

    chosen = tuple(
        b if b.startswith("baseline:") else f"baseline:{b}"
        for b in (x.strip() for x in baselines.split(","))
        if b
    )
    if REFERENCE_MODEL not in chosen:
        raise click.UsageError(
            f"--baselines must include salience_mean (the bootstrap's reference), got {baselines!r}"
        )
    try:
        with stages(quiet, "forecasting every proposal") as tell:
            res = rolling_backtest(
                data,
                names,
                first_year=first_year,
                baselines=chosen,
                capabilities=capabilities,
                on_stage=tell,
                **kw,
            )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if output:
        atomic_write_text(output, res.rows.to_csv(index=False))
    if fmt == "json":
        emit_json(res.to_dict(n_resamples=resamples, seed=kw["seed"]))
        return
    common = res.common().drop_duplicates(["proposal", "issue"]).shape[0]
    console.print(
        f"[bold]Rolling-origin backtest on {dataset}[/bold]: {len(res.folds)} test years from "
        f"{first_year} (each fitted on the proposals introduced before it); {res.issues} issues "
        f"scored out of sample, [bold]{common} common[/bold] to every model (no model failed "
        f"on them); capabilities '{capabilities}'"
    )
    for note in res.notes:
        console.print(f"  note: {note}")
    head = res.headline(n_resamples=resamples, seed=kw["seed"])
    t = Table(
        title=f"Out of sample, {common} common issues; MAE difference to {REFERENCE_MODEL} "
        f"with a 95 % paired-bootstrap interval ({resamples} resamples of proposals, seed "
        f"{kw['seed']})",
        title_justify="left",
    )
    heads = ("model", "MAE", "Δ MAE", "95 % interval", "RMSE", "within 10", "cover 50 %")
    for c in (*heads, "cover 80 %", "failed on"):
        t.add_column(c, justify="left" if c == "model" else "right")
    for r in head.itertuples(index=False):
        t.add_row(
            r.model,
            f"{r.mae:.2f}",
            f"{r.difference:+.2f}",
            f"[{r.low:+.2f}, {r.high:+.2f}]",
            f"{r.rmse:.1f}",
            f"{r.within10:.0%}",
            f"{r.cover50:.0%}",
            f"{r.cover80:.0%}",
            f"{r.failures} ({r.failure_share:.0%})",
        )
    console.print(t)
    cal = res.calibration(n_resamples=resamples, seed=kw["seed"])
    console.print(_interval_table(res, head, cal))
    cov = Table(title="Coverage: issues each model forecast", title_justify="left")
    for c in ("model", "issues", "failed", "share", "proposals", "MAE on its own issues"):
        cov.add_column(c, justify="left" if c == "model" else "right")
    for r in res.coverage().itertuples(index=False):
        cov.add_row(
            r.model,
            str(r.issues),
            str(r.failures),
            f"{r.failure_share:.1%}",
            str(r.failed_proposals),
            f"{r.mae_own_issues:.2f}",
        )
    console.print(cov)
    for reason in res.failure_reasons().itertuples(index=False):
        console.print(f"  {reason.model}: {reason.issues} issues: {reason.reason}")
    console.print(_table("Common issues by period", res.summary(("model", "period"))))
    console.print(_table("Common issues by procedure", res.summary(("model", "procedure"))))
    folds = Table(title="Folds (everything fitted before the test year)", title_justify="left")
    for c in ("test year", "train proposals", "test proposals", "test issues", "capabilities"):
        folds.add_column(c, justify="right")
    folds.add_column("ensemble weights")
    shown = next((n for f in res.folds[:1] for n, p in f["fitted"].items() if p), None)
    if shown:
        folds.add_column(f"{shown} c / e")
    for f in res.folds:
        w = ", ".join(f"{k} {v:.2f}" for k, v in f["ensemble_weights"].items() if v > 0.005)
        folds.add_row(
            str(f["year"]),
            str(f["train_proposals"]),
            str(f["test_proposals"]),
            str(f["test_issues"]),
            f["capabilities"],
            w,
            *([_shares(f["fitted"][shown])] if shown else []),
        )
    console.print(folds)
