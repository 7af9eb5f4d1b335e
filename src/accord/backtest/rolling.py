"""Rolling-origin evaluation of the DEU backtest, every model on the same issues, and a paired
bootstrap of each model's MAE against a reference.

For each test year Y everything that is fitted (the capability set, the stacking weights, the
conformal half-widths) is fitted on the proposals introduced before Y only, and the proposals
of year Y are forecast: each issue with an outcome in a test year is scored out of sample
exactly once ([Tashman2000], rolling origin with re-fitting). Models are compared on the
issues where none of them failed; failures are counted per model, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accord.models.base import Forecaster

from .bootstrap import BootstrapDifference, check_argument, coverage_gaps, paired_bootstrap
from .capabilities import CAPABILITY_SETS
from .conformal import (
    DECAYS,
    MIN_PER_PROCEDURE,
    choose_decay,
    conformal_by_procedure,
    conformal_halfwidth,
    smoothed_cover_by_procedure,
)
from .deu import DeuData, read_deu
from .ensemble import fit_stacking_weights
from .procedure import check_deu_models, deu_model_forecasts
from .run import (
    BASELINES,
    component_models,
    period_of,
    proposal_forecasts,
    score,
    stacked_names,
)

__all__ = [
    "BootstrapDifference",
    "MIN_PER_PROCEDURE",
    "RollingResult",
    "conformal_by_procedure",
    "conformal_halfwidth",
    "paired_bootstrap",
    "rolling_backtest",
    "REFERENCE_MODEL",
    "INTERVAL_LEVELS",
]

#: The model every other one is compared with: the salience-weighted mean, the baseline the
#: DEU literature's models fail to beat ([Thomson2006]; [Achen2006]).
REFERENCE_MODEL = "baseline:salience_mean"
#: Levels of the conformal intervals whose out-of-sample coverage is reported.
INTERVAL_LEVELS = (0.5, 0.8)
#: Issue keys: an issue is identified by its proposal and its own id.
KEY = ["proposal", "issue"]


def _issue_rows(
    data: DeuData,
    chosen: Sequence[Forecaster],
    *,
    baselines: Sequence[str],
    capabilities: str,
    institution_share: float,
    seed: int,
    on_stage: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One row per (issue with an outcome, model): the forecast, or NaN and why it failed."""
    names = [*baselines, *(m.name for m in chosen)]
    rows = []
    for prop, preds, errors in proposal_forecasts(
        data,
        chosen,
        capabilities=capabilities,
        institution_share=institution_share,
        seed=seed,
        on_stage=on_stage,
    ):
        for iss in prop.issues:
            if iss.outcome is None:
                continue
            for name in names:
                value = preds.get(name, {}).get(iss.issue_id)
                if name in errors:
                    failure = f"raised {errors[name]}"
                elif value is None:
                    failure = "no forecast (its input is missing)"
                elif not np.isfinite(value):
                    failure = "not finite"
                else:
                    failure = ""
                rows.append(
                    {
                        "proposal": prop.proposal_id,
                        "issue": iss.issue_id,
                        "year": prop.year,
                        "period": period_of(prop.year),
                        "procedure": prop.procedure or "unknown",
                        "model": name,
                        "forecast": float("nan") if failure or value is None else float(value),
                        "failure": failure,
                        "outcome": iss.outcome,
                    }
                )
    return pd.DataFrame(rows)


def _with_ensemble(
    frame: pd.DataFrame, names: Sequence[str], train: pd.Series
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Fit the stacking weights on the ``train`` issues where every component forecast, and
    add the ensemble's rows (failing where a component failed)."""
    wide = frame[frame.model.isin(names)].pivot(index=KEY, columns="model", values="forecast")
    wide = wide[list(names)]
    fit = wide[train.reindex(wide.index).to_numpy() & wide.notna().all(axis=1).to_numpy()]
    if fit.empty:
        return frame, {}
    meta = frame.drop_duplicates(KEY).set_index(KEY)
    w = fit_stacking_weights(fit.to_numpy(), meta.loc[fit.index, "outcome"].to_numpy())
    ens = meta.loc[wide.index].drop(columns=["model", "forecast", "failure"]).copy()
    ens["forecast"] = wide.to_numpy() @ w
    ok = ens["forecast"].notna()
    ens["failure"] = np.where(ok, "", "a component failed")
    ens["model"] = "ensemble"
    ens = ens.reset_index()[frame.columns]
    return pd.concat([frame, ens], ignore_index=True), {
        n: float(v) for n, v in zip(names, w, strict=True)
    }


def _deu_rows(
    frame: pd.DataFrame, data: DeuData, name: str, year: int, cache: dict
) -> tuple[pd.DataFrame, dict]:
    """DEU model ``name`` fitted on the proposals introduced before ``year``: its rows for
    every issue of ``frame`` (failing where it has no forecast) and what it fitted."""
    train = [p.proposal_id for p in data.proposals if p.year is not None and p.year < year]
    preds, params = deu_model_forecasts(name, data, train, nash_cache=cache)
    rows = frame.drop_duplicates(KEY).copy()
    value = [preds.get(k) for k in zip(rows.proposal, rows.issue, strict=True)]
    rows["model"] = f"deu:{name}"
    rows["forecast"] = [np.nan if v is None else v for v in value]
    rows["failure"] = ["no forecast (its input is missing)" if v is None else "" for v in value]
    return rows, params


def _fold(
    frames: dict[str, pd.DataFrame],
    names: Sequence[str],
    year: int,
    *,
    ensemble: bool,
    data: DeuData,
    deu_models: Sequence[str] = (),
    cache: dict | None = None,
    rng: np.random.Generator | None = None,
    decays: tuple[float, ...] = DECAYS,
    past: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Fit on the proposals before ``year``, forecast those of ``year``; ``rng`` draws the
    tie-breaking uniforms of the smoothed coverage (one per test row); ``decays`` are the
    candidate yearly decays of the drift-aware intervals (``(1.0,)``: exchangeable only);
    ``past`` the earlier folds' out-of-sample rows, the intervals' calibration errors from the
    first fold on."""
    fitted: dict[str, tuple[pd.DataFrame, dict[str, float]]] = {}
    for cap, frame in frames.items():
        train = frame.drop_duplicates(KEY).set_index(KEY)["year"] < year
        needed = bool(names) and (ensemble or len(frames) > 1)
        fitted[cap] = _with_ensemble(frame, names, train) if needed else (frame, {})
    if len(fitted) > 1:  # choose the capability set by the ensemble's training MAE
        train_mae = {}
        for cap, (frame, _w) in fitted.items():
            ens = frame[(frame.model == "ensemble") & (frame.year < year)]
            train_mae[cap] = float(np.nanmean(np.abs(ens.forecast - ens.outcome)))
        cap = min(train_mae, key=lambda c: (train_mae[c], c))
    else:
        cap, train_mae = next(iter(fitted)), {}
    frame, weights = fitted[cap]
    if not ensemble:
        frame = frame[frame.model != "ensemble"]
    deu_fits: dict[str, dict] = {}
    for name in deu_models:
        rows, deu_fits[f"deu:{name}"] = _deu_rows(
            frame, data, name, year, cache if cache is not None else {}
        )
        frame = pd.concat([frame, rows[frame.columns]], ignore_index=True)
    test = frame[frame.year == year].copy()
    test["fold"] = year
    test["capabilities"] = cap
    train_rows = frame[(frame.year < year) & (frame.failure == "")]
    if past is not None and len(past):
        # calibrate on errors made out of sample: the earlier folds' own forecasts, and the
        # in-sample fit only for the years before the first fold (a model fitted on its
        # calibration errors under-covers: [Lei2018]'s split keeps fitting and calibrating apart)
        first = int(past.fold.min())
        done = past.loc[past.failure == "", list(train_rows.columns)]
        train_rows = pd.concat([train_rows[train_rows.year < first], done], ignore_index=True)
    errs = train_rows.assign(err=(train_rows.forecast - train_rows.outcome).abs())
    tau = (rng if rng is not None else np.random.default_rng(year)).uniform(size=len(test))
    # [Barber2023] each model's yearly decay of its errors' weights, from training errors only
    decay = {str(m): choose_decay(g, INTERVAL_LEVELS, decays) for m, g in errs.groupby("model")}
    for q in INTERVAL_LEVELS:
        tag = int(q * 100)
        for kind, rho in (("", decay), ("_exchangeable", None)):
            half = conformal_by_procedure(errs, test, q, year=year, decay=rho)
            test[f"halfwidth{tag}{kind}"] = half
            test[f"covered{tag}{kind}"] = smoothed_cover_by_procedure(
                errs, test, q, tau, year=year, decay=rho
            )
        test[f"expected{tag}"] = smoothed_cover_by_procedure(
            errs, test, q, tau, year=year, decay=decay, expected=True
        )
        test[f"lo{tag}"] = np.clip(test.forecast - test[f"halfwidth{tag}"], 0, 100)
        test[f"hi{tag}"] = np.clip(test.forecast + test[f"halfwidth{tag}"], 0, 100)
    train_props = frame.loc[frame.year < year, "proposal"].nunique()
    info = {
        "year": year,
        "train_proposals": int(train_props),
        "test_proposals": int(test.proposal.nunique()),
        "test_issues": int(test.drop_duplicates(KEY).shape[0]),
        "capabilities": cap,
        "capability_train_mae": train_mae,
        "ensemble_weights": weights,
        "conformal_decay": decay,
        "fitted": deu_fits,
    }
    return test, info


@dataclass(frozen=True)
class RollingResult:
    """Out-of-sample rows of a rolling-origin backtest: one per (scored issue, model), with the
    fold (test year), the forecast (NaN and a ``failure`` reason when the model failed) and its
    conformal intervals; ``folds`` says what each fold fitted."""

    rows: pd.DataFrame
    folds: tuple[dict, ...]
    first_year: int
    capabilities: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(self.rows.model))

    @property
    def issues(self) -> int:
        return int(self.rows.drop_duplicates(KEY).shape[0])

    def common(self) -> pd.DataFrame:
        """Rows of the issues on which no model failed."""
        bad = self.rows.loc[self.rows.failure != "", KEY].drop_duplicates()
        keys = pd.MultiIndex.from_frame(self.rows[KEY])
        return self.rows[~keys.isin(pd.MultiIndex.from_frame(bad))]

    def coverage(self) -> pd.DataFrame:
        """Per model: scored issues, failures, their share, and its MAE on its own issues."""
        out = []
        for model, grp in self.rows.groupby("model", sort=False):
            ok = grp[grp.failure == ""]
            out.append(
                {
                    "model": model,
                    "issues": len(grp),
                    "failures": int(len(grp) - len(ok)),
                    "failure_share": float(1 - len(ok) / len(grp)),
                    "failed_proposals": int(grp.loc[grp.failure != "", "proposal"].nunique()),
                    "mae_own_issues": score(ok.forecast - ok.outcome)["mae"],
                }
            )
        return pd.DataFrame(out)

    def failure_reasons(self) -> pd.DataFrame:
        bad = self.rows[self.rows.failure != ""]
        reason = bad.failure.str.split(";").str[0]
        return (
            bad.assign(reason=reason).groupby(["model", "reason"]).size().reset_index(name="issues")
        )

    def summary(self, by: Sequence[str] = ("model",)) -> pd.DataFrame:
        """MAE, RMSE, share within 10 points and interval coverage on the common issues."""
        out = []
        for key, grp in self.common().groupby(list(by), sort=False):
            key = key if isinstance(key, tuple) else (key,)
            row = {**dict(zip(by, key, strict=True)), **score(grp.forecast - grp.outcome)}
            for q in INTERVAL_LEVELS:
                tag = int(q * 100)
                row[f"cover{tag}"] = float(grp[f"covered{tag}"].mean())
                for col, name in (
                    ("covered{}_exchangeable", "cover{}_exchangeable"),
                    ("expected{}", "cover{}_expected"),
                ):
                    if col.format(tag) in grp:
                        row[name.format(tag)] = float(grp[col.format(tag)].mean())
            out.append(row)
        return pd.DataFrame(out)

    def calibration(
        self, *, n_resamples: int = 2000, level: float = 0.95, seed: int = 0
    ) -> pd.DataFrame:
        """Per model and interval level, on the common issues: the expected coverage, its gap
        to the nominal level with a 95 % interval by proposals, and whether it is within ±5
        points (:func:`~accord.backtest.bootstrap.coverage_gaps`)."""
        return coverage_gaps(
            self.common(), INTERVAL_LEVELS, n_resamples=n_resamples, level=level, seed=seed
        )

    def bootstrap(
        self,
        reference: str = REFERENCE_MODEL,
        *,
        n_resamples: int = 2000,
        level: float = 0.95,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Every model's MAE difference to ``reference`` on the common issues, by
        :func:`paired_bootstrap` over proposals; every model gets the same resamples."""
        common = self.common()
        check_argument("reference", reference in self.models, f"one of {self.models}", reference)
        base = common[common.model == reference].set_index(KEY)
        out = []
        for model, grp in common.groupby("model", sort=False):
            grp = grp.set_index(KEY).loc[base.index]
            if grp.empty:
                continue
            res = paired_bootstrap(
                (grp.forecast - grp.outcome).abs().to_numpy(),
                (base.forecast - base.outcome).abs().to_numpy(),
                base.index.get_level_values("proposal").to_numpy(),
                n_resamples=n_resamples,
                level=level,
                rng=np.random.default_rng(seed),
            )
            out.append(
                {
                    "model": model,
                    "difference": res.difference,
                    "low": res.low,
                    "high": res.high,
                    "proposals": res.n_groups,
                }
            )
        return pd.DataFrame(out)

    def headline(self, *, n_resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
        """The summary on the common issues, the bootstrap against the reference, and each
        model's failures, one row per model (best MAE first)."""
        table = self.summary()
        if REFERENCE_MODEL in self.models:
            boot = self.bootstrap(n_resamples=n_resamples, seed=seed)
            table = table.merge(boot, on="model", how="left")
        cov = self.coverage()[["model", "failures", "failure_share"]]
        return table.merge(cov, on="model").sort_values(["mae", "model"]).reset_index(drop=True)

    def to_dict(self, *, n_resamples: int = 2000, seed: int = 0) -> dict:
        common = self.common()
        return {
            "scheme": "rolling",
            "first_year": self.first_year,
            "capabilities": self.capabilities,
            "issues": self.issues,
            "common_issues": int(common.drop_duplicates(KEY).shape[0]),
            "reference": REFERENCE_MODEL,
            "bootstrap": {"resamples": n_resamples, "seed": seed, "level": 0.95},
            "headline": self.headline(n_resamples=n_resamples, seed=seed).to_dict("records"),
            "coverage": self.coverage().to_dict(orient="records"),
            "failure_reasons": self.failure_reasons().to_dict(orient="records"),
            "by_period": self.summary(("model", "period")).to_dict(orient="records"),
            "by_procedure": self.summary(("model", "procedure")).to_dict(orient="records"),
            "by_fold": self.summary(("model", "fold")).to_dict(orient="records"),
            "calibration": self.calibration(n_resamples=n_resamples, seed=seed).to_dict(
                orient="records"
            ),
            "folds": list(self.folds),
            "notes": list(self.notes),
        }


def rolling_backtest(
    dataset: str | Path | DeuData,
    models: Sequence[str | Forecaster] | None = None,
    *,
    first_year: int = 2000,
    baselines: Sequence[str] = BASELINES,
    capabilities: str = "equal",
    institution_share: float = 0.1,
    seed: int = 0,
    ensemble: bool = True,
    deu_models: Sequence[str] = (),
    decays: Sequence[float] = DECAYS,
    on_stage: Callable[[str], None] | None = None,
) -> RollingResult:
    """Rolling-origin backtest: for each year Y from ``first_year`` on, fit on the proposals
    introduced before Y and score the proposals of year Y. ``baselines`` (default: all of
    :data:`~accord.backtest.run.BASELINES`) are scored beside the models.

    The models' own forecasts use no outcome, so they are computed once per capability set
    (the same seeds as :func:`~accord.backtest.run.backtest`); per fold, the capability set
    (``'auto'``: the lowest training MAE of the stacking ensemble), the ensemble's weights and
    every model's conformal half-widths are fitted on the earlier proposals only; so are the
    ``deu_models`` (:data:`~accord.backtest.procedure.DEU_MODELS`, scored as ``deu:<name>``,
    outside the ensemble), whose fitted parameters each fold reports under ``fitted``. The
    intervals (``halfwidth50``/``80``, ``covered50``/``80``) weigh each training error by
    ρ^(Y − its year), ρ chosen per model and fold from ``decays`` on the training years alone
    (:func:`~accord.backtest.conformal.choose_decay`, [Barber2023]); ``covered50_exchangeable``
    and ``covered80_exchangeable`` keep the unweighted intervals beside them.
    """
    data = dataset if isinstance(dataset, DeuData) else read_deu(dataset)
    check_deu_models(deu_models)
    chosen = component_models(models)
    names = stacked_names(chosen)
    check_argument(
        "capabilities",
        capabilities in (*CAPABILITY_SETS, "auto"),
        f"'auto' or one of {sorted(CAPABILITY_SETS)}",
        capabilities,
    )
    unknown = [b for b in baselines if b not in BASELINES]
    check_argument("baselines", not unknown, f"among {list(BASELINES)}", unknown)
    check_argument("models and baselines", bool(chosen or baselines), "not both empty", ())
    sets = list(CAPABILITY_SETS) if capabilities == "auto" and chosen else [capabilities]
    if sets == ["auto"]:  # only baselines: capabilities play no part
        sets = ["equal"]
    years = pd.Series(
        [p.year for p in data.proposals if any(i.outcome is not None for i in p.issues)],
        dtype=float,
    )
    check_argument(
        "first_year",
        bool((years < first_year).any()),
        f"after the earliest year with an outcome ({int(years.min())}), to leave data to fit on",
        first_year,
    )
    test_years = sorted(int(y) for y in years.dropna().unique() if y >= first_year)
    check_argument(
        "first_year",
        bool(test_years),
        f"at most the latest year with an outcome ({int(years.max())})",
        first_year,
    )
    frames = {
        c: _issue_rows(
            data,
            chosen,
            baselines=baselines,
            capabilities=c,
            institution_share=institution_share,
            seed=seed,
            on_stage=on_stage,
        )
        for c in sets
    }
    tests: list[pd.DataFrame] = []
    folds: list[dict] = []
    cache: dict = {}
    streams = np.random.SeedSequence(seed).spawn(len(test_years))
    for year, stream in zip(test_years, streams, strict=True):
        if on_stage is not None:
            on_stage(f"fold {year}: fitting on the proposals before it")
        test, info = _fold(
            frames,
            names,
            year,
            ensemble=ensemble,
            data=data,
            deu_models=deu_models,
            cache=cache,
            rng=np.random.default_rng(stream),
            decays=tuple(float(d) for d in decays),
            past=pd.concat(tests, ignore_index=True) if tests else None,
        )
        tests.append(test)
        folds.append(info)
    notes = list(data.notes)
    first = frames[sets[0]]
    undated = int(first.loc[first.year.isna(), KEY].drop_duplicates().shape[0])
    if undated:
        notes.append(f"{undated} issues without an introduction year are not scored")
    return RollingResult(
        pd.concat(tests, ignore_index=True),
        tuple(folds),
        first_year,
        capabilities,
        tuple(notes),
    )
