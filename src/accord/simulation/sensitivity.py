"""Which uncertain inputs move the forecasts: tornado, Sobol indices, critical actors.

* :func:`tornado` — one at a time: each uncertain input is set to the low and then the high end
  of its range while every other number keeps its value; the *swing* of an output is
  ``|output(high) − output(low)|``. Cheap (2k + 1 runs for k inputs) but blind to interactions.
* :func:`sobol` — variance-based, global: the first-order index S1 of an input is the share of
  an output's variance it explains alone, the total index ST the share it explains with all its
  interactions ([Sobol2001]). Samples come from Saltelli's scheme and indices from the
  Jansen/Saltelli estimators, both as implemented in SALib ([Saltelli2010]; [Herman2017]); the
  unit-hypercube samples are mapped through each input's quantile function, so the indices refer
  to the inputs' actual distributions (triangular, truncated normal, beta), not to uniform ranges.
* :func:`critical_actors` — the actors whose numbers matter most: each actor's total Sobol
  indices summed over all of its inputs (capability, positions, saliences, red lines, no-deal
  fields), averaged over the outputs. Because ST counts interactions once per input involved,
  the sum can exceed the variance share; it ranks, it does not apportion.

Outputs are every model's forecast of every issue (``compromise:year``) and, when the bargaining
analysis is available, the Nash package per issue and whether a zone of agreement exists.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from accord.bargaining.arrays import RIPENESS_MONTHS
from accord.models.base import Forecaster
from accord.scenario import Scenario

from .montecarlo import evaluate
from .saltelli import bootstrap_seed, saltelli_indices
from .sampling import UncertainInput, inputs_at, uncertain_inputs
from .shocks import Shock

__all__ = [
    "CriticalActor",
    "SobolResult",
    "TornadoResult",
    "critical_actors",
    "scenario_outputs",
    "sobol",
    "sobol_indices",
    "tornado",
]

log = logging.getLogger(__name__)

#: Rows evaluated at once when a Sobol design is run through the models (bounds memory).
EVAL_BATCH = 8192
#: Input kinds only the bargaining analysis reads (no forecasting model does; the test suite
#: checks every registered model): without the bargaining outputs they move nothing, so rows
#: of a design that differ only in them are run once (Saltelli's design has one such row per
#: input and base sample: most of the rows for the default scenario's red lines and war costs).
BARGAINING_ONLY_KINDS = frozenset(
    {
        "red_line",
        "no_deal_cost",
        "no_deal_growth",
        "no_deal_trend",
        "no_deal_utility",
        "drift",
        "discount_rate",
    }
)
#: Fewest rows worth handing to worker processes (below it, starting them costs more than the
#: models do).
PARALLEL_MIN_ROWS = 4096


#: The opening month given to a setting in which no zone opens within the Monte Carlo's horizon
#: (one quarter past it), so that the tornado can rank what brings the opening forward.
NO_OPENING = float(max(RIPENESS_MONTHS) + 3)


def _outputs_block(
    scenario: Scenario,
    inputs: tuple[UncertainInput, ...],
    chosen: tuple[Forecaster, ...],
    shocks: tuple[Shock, ...],
    bargaining: bool,
    bg_keys: tuple[str, ...],
    seed: int | None,
    block: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """The outputs of the design's rows number ``rows`` (``block``: their input values); each
    row draws from its own stream (its number), so blocks can run anywhere, in any order."""
    draws = inputs_at(scenario, list(inputs), block, rows, seed)
    fc, bgr = evaluate(draws, chosen, shocks=shocks, bargaining=bargaining)
    cols = [fc.reshape(len(block), -1)]
    for key in bg_keys:
        col = np.asarray(bgr[key], dtype=float).reshape(len(block), -1)
        if key == "opens":  # no zone within the horizon: one quarter past it
            col = np.where(np.isnan(col), NO_OPENING, col)
        cols.append(col)
    return np.concatenate(cols, axis=1)


def _ignore_sigint() -> None:  # worker processes: Ctrl-C is the parent's business
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _block_size(rows: int, workers: int) -> int:
    """Rows evaluated at once: :data:`EVAL_BATCH`, or with several workers (and at least
    :data:`PARALLEL_MIN_ROWS` rows) the largest size up to it that gives every worker the same
    number of blocks. The results do not depend on it."""
    if workers <= 1 or rows < PARALLEL_MIN_ROWS:
        return EVAL_BATCH
    blocks = workers * -(-rows // (workers * EVAL_BATCH))
    return max(1, -(-rows // max(blocks, 1)))


def scenario_outputs(
    scenario: Scenario,
    inputs: list[UncertainInput] | tuple[UncertainInput, ...],
    *,
    models: Sequence[str | Forecaster] | None = None,
    bargaining: bool = False,
    shocks: Sequence[Shock] = (),
    seed: int | None = 0,
    workers: int = 1,
) -> tuple[list[str], Callable[[np.ndarray], np.ndarray]]:
    """Output names and a function mapping input values (R × k) to outputs (R × outputs).

    ``workers`` > 1 evaluates blocks of rows on that many local worker processes (a
    ``forkserver`` pool that preloads accord); the outputs are the same, bit for bit.
    """
    from accord.forecast import resolve_models

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    chosen = tuple(resolve_models(models, scenario))
    names = [f"{m.name}:{i}" for m in chosen for i in scenario.issue_ids]
    probe = inputs_at(scenario, inputs, np.array([[x.value for x in inputs]]), seed=seed)
    _, bg = evaluate(probe, chosen, shocks=shocks, bargaining=bargaining)
    bg_keys = tuple(k for k in ("zopa", "opens", "nash") if k in bg)
    for key in bg_keys:
        names += [key] if bg[key].ndim == 1 else [f"{key}:{i}" for i in scenario.issue_ids]
    one = partial(
        _outputs_block,
        scenario,
        tuple(inputs),
        chosen,
        tuple(shocks),
        bargaining,
        bg_keys,
        seed,
    )
    read = np.array([bargaining or x.kind not in BARGAINING_ONLY_KINDS for x in inputs], bool)

    def run(values: np.ndarray) -> np.ndarray:
        """The outputs of every row; a row equal to an earlier one in every input an output
        reads takes that row's outputs (its own random stream would only add noise: the
        inputs it differs in move nothing)."""
        values = np.asarray(values, dtype=float)
        first, back = np.arange(len(values)), None
        if len(values) > 1 and not read.all():
            _, first, back = np.unique(
                values[:, read], axis=0, return_index=True, return_inverse=True
            )
            order = np.argsort(first, kind="stable")  # run them in the design's order
            first, back = first[order], np.argsort(order)[back.reshape(-1)]
        size = _block_size(len(first), workers)
        starts = list(range(0, len(first), size))
        blocks = [first[s : s + size] for s in starts]
        if workers > 1 and len(blocks) > 1:
            parts = _map_in_workers(one, values, blocks, workers)
        else:
            parts = [one(values[b], b) for b in blocks]
        out = np.concatenate(parts) if parts else np.empty((0, len(names)))
        return out if back is None else out[back]

    return names, run


def _map_in_workers(
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    values: np.ndarray,
    blocks: list[np.ndarray],
    workers: int,
) -> list[np.ndarray]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["accord.simulation.sensitivity"])
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(blocks)), mp_context=ctx, initializer=_ignore_sigint
    )
    try:
        return list(pool.map(fn, [values[b] for b in blocks], blocks))
    finally:
        pool.shutdown(cancel_futures=True)


# -- tornado ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoResult:
    """One row per (output, input): the output at the input's low and high end and the swing."""

    frame: pd.DataFrame
    base: dict[str, float]

    def top(self, output: str, n: int = 10) -> pd.DataFrame:
        """The ``n`` inputs that move ``output`` most, widest swing first."""
        sub = self.frame[self.frame["output"] == output]
        if sub.empty:
            raise KeyError(
                f"no output {output!r}; outputs are {sorted(self.frame['output'].unique())}"
            )
        return (
            sub.sort_values("swing", ascending=False, kind="stable").head(n).reset_index(drop=True)
        )

    @property
    def outputs(self) -> list[str]:
        return list(dict.fromkeys(self.frame["output"]))


def tornado(
    scenario: Scenario,
    *,
    models: Sequence[str | Forecaster] | None = None,
    bargaining: bool = False,
    shocks: Sequence[Shock] = (),
    seed: int | None = 0,
) -> TornadoResult:
    """One-at-a-time sensitivity: each uncertain input at its low and high end, others at value."""
    inputs = uncertain_inputs(scenario)
    k = len(inputs)
    names, run = scenario_outputs(
        scenario, inputs, models=models, bargaining=bargaining, shocks=shocks, seed=seed
    )
    base = np.array([x.value for x in inputs])
    design = np.repeat(base[None, :], 1 + 2 * k, axis=0)
    for j, inp in enumerate(inputs):
        design[1 + 2 * j, j] = inp.low
        design[2 + 2 * j, j] = inp.high
    y = run(design)
    rows = []
    for o, out in enumerate(names):
        for j, inp in enumerate(inputs):
            lo, hi = y[1 + 2 * j, o], y[2 + 2 * j, o]
            rows.append(
                {
                    "output": out,
                    "input": inp.place,
                    "label": inp.label,
                    "actor": inp.actor,
                    "issue": inp.issue,
                    "kind": inp.kind,
                    "low": inp.low,
                    "high": inp.high,
                    "base": y[0, o],
                    "at_low": lo,
                    "at_high": hi,
                    "swing": abs(hi - lo) if not (np.isnan(hi) or np.isnan(lo)) else np.nan,
                }
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "output",
            "input",
            "label",
            "actor",
            "issue",
            "kind",
            "low",
            "high",
            "base",
            "at_low",
            "at_high",
            "swing",
        ],
    )
    return TornadoResult(frame, {out: float(y[0, o]) for o, out in enumerate(names)})


# -- Sobol -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol indices with bootstrap confidence half-widths.

    ``frame`` has one row per (output, input): ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.
    ``n`` is SALib's base sample size; the models ran ``n·(k + 2)`` times.
    """

    frame: pd.DataFrame
    inputs: tuple[UncertainInput, ...]
    n: int
    evaluations: int
    seed: int | None
    variance: dict[str, float]

    def indices(self, output: str) -> pd.DataFrame:
        sub = self.frame[self.frame["output"] == output]
        if sub.empty:
            raise KeyError(
                f"no output {output!r}; outputs are {sorted(self.frame['output'].unique())}"
            )
        return sub.reset_index(drop=True)

    @property
    def outputs(self) -> list[str]:
        return list(dict.fromkeys(self.frame["output"]))


def _check_n(n: int) -> None:
    if n < 2 or n & (n - 1):
        raise ValueError(
            f"n (SALib's base sample size) must be a power of 2 of at least 2, got {n}"
        )


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    inputs: Sequence[UncertainInput],
    *,
    n: int = 1024,
    seed: int | None = 0,
    output_names: Sequence[str] | None = None,
    num_resamples: int = 100,
) -> SobolResult:
    """Sobol S1 and ST of ``func`` (values R × k → outputs R or R × outputs) over ``inputs``.

    Saltelli's sampling on the unit hypercube ([Saltelli2010], ``SALib.sample.sobol``, scrambled
    Sobol' sequence seeded by ``seed``), mapped through each input's quantile function, and
    ``SALib.analyze.sobol`` for the estimates ([Herman2017]). Outputs with zero variance get
    indices 0; outputs with missing values (NaN) are skipped with a log message.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    _check_n(n)
    k = len(inputs)
    if k == 0:
        raise ValueError(
            "the scenario has no uncertain inputs: give some quantities an `uncertainty`"
        )
    problem = {"num_vars": k, "names": [x.place for x in inputs], "bounds": [[0.0, 1.0]] * k}
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    values = np.column_stack(
        [inp.ppf(np.clip(unit[:, j], 0.0, 1.0)) for j, inp in enumerate(inputs)]
    )
    y = np.asarray(func(values), dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    names = list(output_names) if output_names is not None else [f"y{o}" for o in range(y.shape[1])]
    rows, variance = [], {}
    for o, out in enumerate(names):
        col = y[:, o]
        if np.isnan(col).any():
            log.info("Sobol: output %s has missing values in some samples; skipped", out)
            continue
        var = float(np.var(col))
        variance[out] = var
        if var <= 1e-24 * max(1.0, float(np.mean(col)) ** 2):
            res = {
                "S1": np.zeros(k),
                "S1_conf": np.zeros(k),
                "ST": np.zeros(k),
                "ST_conf": np.zeros(k),
            }
        else:
            boot = bootstrap_seed(seed)
            if boot is None:  # SALib's own global-state bootstrap, as it draws it
                res = sobol_analyze.analyze(
                    problem,
                    col,
                    calc_second_order=False,
                    num_resamples=num_resamples,
                    seed=boot,
                    print_to_console=False,
                )
            else:
                res = saltelli_indices(col, k, num_resamples=num_resamples, seed=boot)
        for j, inp in enumerate(inputs):
            rows.append(
                {
                    "output": out,
                    "input": inp.place,
                    "label": inp.label,
                    "actor": inp.actor,
                    "issue": inp.issue,
                    "kind": inp.kind,
                    "S1": float(res["S1"][j]),
                    "S1_conf": float(res["S1_conf"][j]),
                    "ST": float(res["ST"][j]),
                    "ST_conf": float(res["ST_conf"][j]),
                }
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "output",
            "input",
            "label",
            "actor",
            "issue",
            "kind",
            "S1",
            "S1_conf",
            "ST",
            "ST_conf",
        ],
    )
    return SobolResult(frame, tuple(inputs), n, len(values), seed, variance)


def sobol(
    scenario: Scenario,
    *,
    n: int = 1024,
    seed: int | None = 0,
    models: Sequence[str | Forecaster] | None = None,
    bargaining: bool = False,
    shocks: Sequence[Shock] = (),
    workers: int = 1,
) -> SobolResult:
    """Sobol indices of every output (model × issue forecasts, bargaining) over every uncertain
    input. ``workers`` > 1 runs the models on that many local processes (same indices).
    """
    inputs = uncertain_inputs(scenario)
    if not inputs:
        raise ValueError(
            "the scenario has no uncertain inputs: give some quantities an `uncertainty`"
        )
    names, run = scenario_outputs(
        scenario,
        inputs,
        models=models,
        bargaining=bargaining,
        shocks=shocks,
        seed=seed,
        workers=workers,
    )
    return sobol_indices(run, inputs, n=n, seed=seed, output_names=names)


# -- critical actors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriticalActor:
    """An actor and how much of the forecasts' variance its numbers carry."""

    actor: str
    score: float
    by_output: dict[str, float]
    top_input: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "score": self.score,
            "by_output": self.by_output,
            "top_input": self.top_input,
        }


def critical_actors(
    result: SobolResult, outputs: Sequence[str] | None = None
) -> list[CriticalActor]:
    """Actors ranked by their total Sobol indices summed over their inputs, mean over outputs."""
    frame = result.frame[result.frame["actor"].notna()]
    if outputs is not None:
        frame = frame[frame["output"].isin(list(outputs))]
    if frame.empty:
        return []
    per = frame.groupby(["actor", "output"], sort=False)["ST"].sum().clip(lower=0.0)
    out = []
    for actor, sub in per.groupby(level=0, sort=False):
        by_output = {o: float(v) for (_, o), v in sub.items()}
        inputs = frame[frame["actor"] == actor].groupby("input", sort=False)["ST"].mean()
        out.append(
            CriticalActor(
                str(actor),
                float(np.mean(list(by_output.values()))),
                by_output,
                str(inputs.idxmax()) if len(inputs) else None,
            )
        )
    out.sort(key=lambda c: (-c.score, c.actor))
    return out
