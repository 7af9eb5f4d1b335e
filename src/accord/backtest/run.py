"""Backtest: run every model on every DEU issue and score it against the real outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from accord.forecast import resolve_models
from accord.models.base import Forecaster
from accord.models.median import weighted_median

from .capabilities import capabilities_for
from .deu import DeuData, DeuProposal, proposal_scenario, read_deu
from .ensemble import fit_stacking_weights
from .procedure import check_deu_models, deu_model_forecasts

__all__ = [
    "BacktestResult",
    "backtest",
    "score",
    "period_of",
    "BASELINES",
    "component_models",
    "stacked_names",
    "proposal_forecasts",
]

log = logging.getLogger(__name__)

#: Known baselines on DEU III, from the data set's documentation (tests/data/README.md);
#: reproduced by the reference test.
BASELINES = (
    "baseline:salience_mean",
    "baseline:median_actor",
    "baseline:commission",
    "baseline:reference_point",
)


def period_of(year: int | None) -> str:
    """The DEU wave a proposal belongs to, by introduction year ([Thomson2006]; [Arregui2021])."""
    if year is None:
        return "unknown"
    if year <= 2001:
        return "1996-2001 (DEU I)"
    if year <= 2010:
        return "2002-2010 (DEU II)"
    return "2011-2019 (DEU III)"


def score(err: np.ndarray) -> dict[str, float]:
    """MAE, RMSE and the share of issues within 10 points of the outcome."""
    err = np.asarray(err, dtype=float)
    if err.size == 0:
        return {"n": 0, "mae": float("nan"), "rmse": float("nan"), "within10": float("nan")}
    return {
        "n": int(err.size),
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "within10": float(np.mean(np.abs(err) <= 10.0)),
    }


@dataclass(frozen=True)
class BacktestResult:
    """Per-issue forecasts (``rows``) and their scores, overall, per period and per split."""

    rows: pd.DataFrame
    split: str
    test_from: int | None
    capabilities: str
    ensemble_weights: dict[str, float]
    notes: tuple[str, ...] = field(default_factory=tuple)
    failures: dict[str, int] = field(default_factory=dict)
    fitted: dict[str, dict] = field(default_factory=dict)

    def summary(self, by: Sequence[str] = ("model",), *, part: str | None = None) -> pd.DataFrame:
        frame = self.rows if part is None else self.rows[self.rows["split"] == part]
        out = []
        for key, grp in frame.groupby(list(by), sort=False):
            key = key if isinstance(key, tuple) else (key,)
            out.append(
                {**dict(zip(by, key, strict=True)), **score(grp["forecast"] - grp["outcome"])}
            )
        return pd.DataFrame(out)

    def intervals(self, levels: Sequence[float] = (0.5, 0.8), seed: int = 0) -> pd.DataFrame:
        """Split-conformal intervals ([Vovk2005]; [Lei2018]) and their out-of-sample coverage.

        For each model the half-width at level q is the ⌈(n+1)q⌉-th smallest absolute error
        on the n training issues; the interval forecast ± half-width (clipped to 0..100) is
        then scored on the test issues only: the share of real outcomes inside it
        (``cover50``, closed interval) and the same judged by the smoothed conformal rule
        (``cover50_smoothed``: a tie at the edge counts with a seeded uniform draw, as the
        rolling scheme does, :func:`accord.backtest.conformal.smoothed_covered`).
        """
        from .conformal import smoothed_covered

        rng = np.random.default_rng(seed)
        out = []
        for model, grp in self.rows.groupby("model", sort=False):
            train = np.abs(
                grp.loc[grp.split == "train", "forecast"] - grp.loc[grp.split == "train", "outcome"]
            ).to_numpy()
            test = grp[grp.split == "test"]
            if len(train) == 0 or len(test) == 0:
                continue
            row: dict = {"model": model, "n_train": len(train), "n_test": len(test)}
            srt = np.sort(train)
            for q in levels:
                k = (
                    min(int(np.ceil((len(srt) + 1) * q)), len(srt)) - 1
                )  # [Lei2018, split conformal]
                half = float(srt[k])
                lo = np.clip(test["forecast"] - half, 0, 100)
                hi = np.clip(test["forecast"] + half, 0, 100)
                row[f"halfwidth{int(q * 100)}"] = half
                row[f"cover{int(q * 100)}"] = float(
                    ((test["outcome"] >= lo) & (test["outcome"] <= hi)).mean()
                )
                score = np.abs(test["forecast"] - test["outcome"]).to_numpy(dtype=float)
                tau = rng.uniform(size=len(score))
                row[f"cover{int(q * 100)}_smoothed"] = float(
                    np.mean(
                        [smoothed_covered(srt, e, q, t) for e, t in zip(score, tau, strict=True)]
                    )
                )
            out.append(row)
        return pd.DataFrame(out)

    def bootstrap(
        self,
        reference: str = "baseline:salience_mean",
        *,
        models: Sequence[str] | None = None,
        n_resamples: int = 2000,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Every model's (or only ``models``' and the reference's) test MAE difference to
        ``reference`` with the paired-bootstrap interval of
        :func:`~accord.backtest.rolling.paired_bootstrap` (proposals resampled whole), on the
        test issues every one of them forecast; every model gets the same resamples."""
        from .bootstrap import paired_bootstrap

        test = self.rows[self.rows.split == "test"]
        if models is not None:
            test = test[test.model.isin([reference, *models])]
        models = list(dict.fromkeys(test.model))
        per_issue = test.groupby(["proposal", "issue"]).model.nunique()
        common = per_issue[per_issue == len(models)].index
        if reference not in models or common.empty:
            return pd.DataFrame()
        test = test.set_index(["proposal", "issue"])
        base = test[test.model == reference].loc[common]
        out = []
        for model, grp in test.groupby("model", sort=False):
            grp = grp.loc[common]
            res = paired_bootstrap(
                (grp.forecast - grp.outcome).abs().to_numpy(),
                (base.forecast - base.outcome).abs().to_numpy(),
                common.get_level_values("proposal").to_numpy(),
                n_resamples=n_resamples,
                rng=np.random.default_rng(seed),
            )
            out.append(
                {
                    "model": model,
                    "n": len(grp),
                    "mae": float((grp.forecast - grp.outcome).abs().mean()),
                    "difference": res.difference,
                    "low": res.low,
                    "high": res.high,
                    "proposals": res.n_groups,
                }
            )
        return pd.DataFrame(out)

    def to_dict(self) -> dict:
        return {
            "split": self.split,
            "test_from": self.test_from,
            "capabilities": self.capabilities,
            "ensemble_weights": self.ensemble_weights,
            "overall": self.summary().to_dict(orient="records"),
            "test": self.summary(part="test").to_dict(orient="records"),
            "train": self.summary(part="train").to_dict(orient="records"),
            "by_period": self.summary(("model", "period")).to_dict(orient="records"),
            "intervals": self.intervals().to_dict(orient="records"),
            "test_bootstrap": self.bootstrap().to_dict(orient="records"),
            "notes": list(self.notes),
            "failures": self.failures,
            "fitted": self.fitted,
        }


def _baselines(prop: DeuProposal) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {b: {} for b in BASELINES}
    for iss in prop.issues:
        if not iss.position:
            continue
        x = np.array(list(iss.position.values()))
        s = np.array([iss.salience[a] for a in iss.position])
        out["baseline:salience_mean"][iss.issue_id] = (
            float((s * x).sum() / s.sum()) if s.sum() > 0 else float(x.mean())
        )
        out["baseline:median_actor"][iss.issue_id] = float(
            weighted_median(x, s if s.sum() > 0 else np.ones_like(s))
        )
        if "com" in iss.position:
            out["baseline:commission"][iss.issue_id] = iss.position["com"]
        if iss.reference_point is not None:
            out["baseline:reference_point"][iss.issue_id] = iss.reference_point
    return out


def _assign_split(
    data: DeuData, split: str, test_from: int, seed: int, test_share: float
) -> dict[str, str]:
    if split == "year":
        return {
            p.proposal_id: (
                "unknown" if p.year is None else "test" if p.year >= test_from else "train"
            )
            for p in data.proposals
        }
    if split == "proposal":
        rng = np.random.default_rng(seed)
        ids = [p.proposal_id for p in data.proposals]
        test = set(rng.choice(ids, size=int(round(test_share * len(ids))), replace=False).tolist())
        return {i: "test" if i in test else "train" for i in ids}
    raise ValueError(f"split must be 'year' or 'proposal', got {split!r}")


def component_models(models: Sequence[str | Forecaster] | None) -> list[Forecaster]:
    """The models a backtest runs itself (default: every registered model but the ensemble,
    which the backtest fits from the others)."""
    return [m for m in resolve_models(models) if m.name != "ensemble"]


def stacked_names(chosen: Sequence[Forecaster]) -> list[str]:
    """The models the backtest's stacking ensemble combines: those that run on any scenario
    (no ``tags.needs``), because the registered ensemble must forecast every scenario with the
    weights fitted here; the procedure model is scored beside it, not inside it."""
    return [m.name for m in chosen if not m.tags.needs]


def proposal_forecasts(
    data: DeuData,
    chosen: Sequence[Forecaster],
    *,
    capabilities: str,
    institution_share: float,
    seed: int,
    on_stage: Callable[[str], None] | None = None,
) -> Iterator[tuple[DeuProposal, dict[str, dict[str, float]], dict[str, str]]]:
    """Every baseline's and model's forecast on every proposal, nothing fitted: per proposal,
    ``(proposal, {model: {issue: value}}, {model: error message})``.

    Proposal k's models draw from child k of ``SeedSequence(seed)``, so a proposal's forecasts
    do not depend on which other proposals are run or how they are split. A model that raises
    on a proposal is logged and reported in the error dict, never ends the run. ``on_stage``
    hears "proposal k of N" before each proposal (progress only).
    """
    seeds = np.random.SeedSequence(seed).spawn(len(data.proposals))
    total = len(data.proposals)
    for k, (prop, ss) in enumerate(zip(data.proposals, seeds, strict=True)):
        if on_stage is not None:
            on_stage(f"every model on proposal {k + 1} of {total} (capabilities {capabilities})")
        caps = capabilities_for(
            capabilities, prop.introduced, gdp=data.gdp, institution_share=institution_share
        )
        scn = proposal_scenario(prop, caps)
        preds: dict[str, dict[str, float]] = _baselines(prop)
        errors: dict[str, str] = {}
        if scn is not None:
            model_seeds = ss.spawn(len(chosen))
            for m, ms in zip(chosen, model_seeds, strict=True):
                try:
                    fc = m.forecast(scn, rng=np.random.default_rng(ms))
                except Exception as exc:  # one model's failure on one case must not end the run
                    errors[m.name] = f"{type(exc).__name__}: {exc}"
                    log.warning("%s failed on proposal %s: %s", m.name, prop.proposal_id, exc)
                    continue
                preds[m.name] = {k: v.value for k, v in fc.issues.items()}
        yield prop, preds, errors


def _row(prop, iss, parts: dict[str, str], model: str, forecast: float) -> dict:
    """One scored (issue, model) row of the split scheme."""
    return {
        "proposal": prop.proposal_id,
        "issue": iss.issue_id,
        "year": prop.year,
        "period": period_of(prop.year),
        "split": parts[prop.proposal_id],
        "model": model,
        "forecast": forecast,
        "outcome": iss.outcome,
    }


def backtest(
    dataset: str | Path | DeuData,
    models: Sequence[str | Forecaster] | None = None,
    *,
    split: str = "year",
    test_from: int = 2004,
    test_share: float = 0.3,
    capabilities: str = "equal",
    institution_share: float = 0.1,
    seed: int = 0,
    ensemble: bool = True,
    deu_models: Sequence[str] = (),
    on_stage: Callable[[str], None] | None = None,
) -> BacktestResult:
    """Run ``models`` (default: every registered model but the ensemble) on every DEU issue.

    ``split='year'`` trains on proposals introduced before ``test_from`` and tests on the rest
    (a time split); ``split='proposal'`` holds out a random ``test_share`` of proposals (seeded).
    The stacking ensemble's weights are fitted on training issues only and scored on test
    issues only. ``deu_models`` (names of :data:`~accord.backtest.procedure.DEU_MODELS`, scored
    as ``deu:<name>``, outside the ensemble) are fitted on the training proposals only; what
    they fitted is in ``fitted``.
    """
    data = dataset if isinstance(dataset, DeuData) else read_deu(dataset)
    check_deu_models(deu_models)
    if capabilities == "auto":
        # choose the capability set on the training split only, by the ensemble's training MAE
        from .capabilities import CAPABILITY_SETS

        trials = {
            c: backtest(
                data,
                models,
                split=split,
                test_from=test_from,
                test_share=test_share,
                capabilities=c,
                institution_share=institution_share,
                seed=seed,
                ensemble=True,
                deu_models=deu_models,
                on_stage=on_stage,
            )
            for c in CAPABILITY_SETS
        }
        train_mae = {
            c: r.summary(part="train").set_index("model").loc["ensemble", "mae"]
            for c, r in trials.items()
        }
        best = min(train_mae, key=lambda c: (train_mae[c], c))
        res = trials[best]
        note = "capability set chosen on the training split: " + ", ".join(
            f"{c} {v:.2f}" + (" (chosen)" if c == best else "") for c, v in train_mae.items()
        )
        return BacktestResult(
            res.rows,
            res.split,
            res.test_from,
            f"auto -> {best}",
            res.ensemble_weights,
            (*res.notes, note),
            res.failures,
            res.fitted,
        )
    chosen = component_models(models)
    parts = _assign_split(data, split, test_from, seed, test_share)
    rows = []
    failures: dict[str, int] = {}
    for prop, preds, errors in proposal_forecasts(
        data,
        chosen,
        capabilities=capabilities,
        institution_share=institution_share,
        seed=seed,
        on_stage=on_stage,
    ):
        for name in errors:
            failures[name] = failures.get(name, 0) + 1
        for iss in prop.issues:
            if iss.outcome is None:
                continue
            for model, by_issue in preds.items():
                if iss.issue_id in by_issue:
                    rows.append(_row(prop, iss, parts, model, by_issue[iss.issue_id]))
    fitted: dict[str, dict] = {}
    train_ids = [pid for pid, part in parts.items() if part == "train"]
    for name in deu_models:
        preds_deu, fitted[f"deu:{name}"] = deu_model_forecasts(name, data, train_ids)
        for prop in data.proposals:
            for iss in prop.issues:
                key = (prop.proposal_id, iss.issue_id)
                if iss.outcome is None or key not in preds_deu:
                    continue
                rows.append(_row(prop, iss, parts, f"deu:{name}", preds_deu[key]))
    frame = pd.DataFrame(rows)
    weights: dict[str, float] = {}
    if ensemble and stacked_names(chosen):
        names = stacked_names(chosen)
        wide = frame[frame.model.isin(names)].pivot_table(
            index=["proposal", "issue"], columns="model", values="forecast"
        )
        meta = frame.drop_duplicates(["proposal", "issue"]).set_index(["proposal", "issue"])
        wide = wide.dropna()
        train = wide[meta.loc[wide.index, "split"].to_numpy() == "train"]
        if len(train):
            y = meta.loc[train.index, "outcome"].to_numpy()
            w = fit_stacking_weights(train[names].to_numpy(), y)
            weights = {n: float(v) for n, v in zip(names, w, strict=True)}
            pred = wide[names].to_numpy() @ w
            ens = meta.loc[wide.index, ["year", "period", "split", "outcome"]].copy()
            ens["forecast"] = pred
            ens["model"] = "ensemble"
            ens = ens.reset_index()
            frame = pd.concat([frame, ens[frame.columns]], ignore_index=True)
    return BacktestResult(
        frame,
        split,
        test_from if split == "year" else None,
        capabilities,
        weights,
        data.notes,
        failures,
        fitted,
    )
