"""How the talks are run: preparatory talks, a leaders' summit, an ultimatum, a mediator.

Analysts argue about process as much as about terms: secret preparatory talks that reveal
which conditions are non-negotiable, leader-level summits with their risk of escalation after a
failure, ultimatums with deadlines, a mediator's single text (the debate over the default
scenario is quoted in docs/process.md and in the scenario's own evidence). Each process below is
a sequence of protocol runs (:mod:`.protocols`) among the scenario's parties (``Actor.party``)
over the bargaining analysis's package grid (:func:`accord.bargaining.build_space`), on many
runs at once:

* ``direct`` — alternating offers for ``rounds`` rounds on the actors' prior beliefs (baseline);
* ``prep-talks`` — ``signal_rounds`` rounds of private signals between every pair of parties
  (each round takes ``months_per_signal_round`` months of continued war), then alternating
  offers on the narrowed beliefs;
* ``summit`` — ``rounds`` high-stakes rounds of alternating offers on unrefined beliefs; if it
  fails, the *failing parties* (those for whom the last offer on the table broke a red line or
  fell below their no-deal payoff; all parties if none) lose ``escalation_penalty`` of no-deal
  utility (escalation), and, if ``follow_up_rounds`` > 0, talks resume on beliefs re-formed
  with spreads × (1 + ``trust_loss``);
* ``ultimatum`` — alternating offers for ``deadline`` + ``rounds_after`` rounds; the ``target``
  concedes towards the deadline, at which (with probability ``credibility``) its no-deal
  payoff falls by ``penalty`` — publicly, so everyone's beliefs move with it;
* ``mediated`` — a single negotiating text drafted and amended by the ``mediator`` for
  ``rounds`` rounds [Raiffa1982].

Time: each round of talks lasts ``months_per_round`` months; the true no-deal payoffs follow
:func:`accord.bargaining.no_deal_utility` at the month reached (war costs, drift of the line).
Outcome of a run: the deal's utilities, or each actor's no-deal payoff at the end (after any
penalty). Gains are measured against the no-deal payoffs when the talks start.

Settings come from ``extensions: {process: {...}}`` of the scenario (validated, errors name the
place) and from keyword overrides (the CLI's ``--set``); see :class:`ProcessSettings`.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from typing import Any

import numpy as np

from accord.scenario import Problem, Scenario, ScenarioError

from .beliefs import Beliefs, RunStreams, spreads_from_scenario
from .kinds import PROCESSES, Context, Process
from .results import IssueDistribution, ProcessComparison, ProcessRuns, ProcessSummary
from .settings import ProcessSettings, settings_from_scenario
from .space import from_package_space
from .strategies import parse_strategy

__all__ = [
    "DEFAULT_COMPARE",
    "PROCESSES",
    "QUANTILES",
    "IssueDistribution",
    "ProcessComparison",
    "ProcessRuns",
    "ProcessSettings",
    "ProcessSummary",
    "compare_processes",
    "settings_from_scenario",
]

log = logging.getLogger(__name__)

DEFAULT_COMPARE = ("prep-talks", "summit", "ultimatum", "mediated")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


# -- the comparison ----------------------------------------------------------------------------
def _default_mediator(scn: Scenario, s: ProcessSettings) -> int:
    name = s.mediated.mediator or s.mediator
    if name is not None:
        return scn.actor_ids.index(name)
    caps = [(a.capability.value if a.party else -np.inf) for a in scn.actors]
    return int(np.argmax(caps))


def _default_target(scn: Scenario, s: ProcessSettings, mediator: int) -> int:
    if s.ultimatum.target is not None:
        return scn.actor_ids.index(s.ultimatum.target)
    caps = [
        (a.capability.value if a.party and i != mediator else -np.inf)
        for i, a in enumerate(scn.actors)
    ]
    return int(np.argmax(caps))


def compare_processes(
    scenario: Scenario,
    processes: tuple[str, ...] | list[str] = DEFAULT_COMPARE,
    *,
    runs: int = 400,
    seed: int | None = 0,
    settings: ProcessSettings | None = None,
    overrides: dict[str, Any] | list[str] | None = None,
    file: str = "<scenario>",
) -> ProcessComparison:
    """Run each process ``runs`` times on ``scenario`` and summarise (see the module docstring).

    All processes share the runs' prior beliefs (common random numbers, drawn from ``seed``);
    each process draws its own signals from a stream named after it, so adding or dropping a
    process changes nothing in the others.

    >>> import accord
    >>> from accord.process import compare_processes
    >>> scn = accord.load_scenario("ukraine-2025")
    >>> res = compare_processes(scn, ["direct", "summit"], runs=20, seed=1)
    >>> [p.process for p in res.processes], res.runs
    (['direct', 'summit'], 20)
    """
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    unknown = [p for p in processes if p not in PROCESSES]
    if unknown:
        raise ScenarioError(
            [
                Problem(
                    "<command line>",
                    "--compare",
                    "names a process that does not exist",
                    ",".join(unknown),
                    f"use some of {sorted(PROCESSES)}",
                )
            ]
        )
    if settings is None:
        settings = settings_from_scenario(scenario, file=file, overrides=overrides)
    from accord.bargaining import build_space

    pkg = build_space(
        scenario, resolution=settings.resolution, month=settings.start_month, loss=settings.loss
    )
    space = from_package_space(pkg)
    parties = np.array([a.party for a in scenario.actors], dtype=bool)
    party_idx = np.flatnonzero(parties)
    strategies = [
        parse_strategy(settings.strategies.get(a.id, settings.default_strategy))
        for a in scenario.actors
    ]
    mediator = _default_mediator(scenario, settings)
    target = _default_target(scenario, settings, mediator)
    sd_nd, sd_rl = spreads_from_scenario(
        scenario,
        list(party_idx),
        no_deal_sd=settings.beliefs.no_deal_sd,
        red_line_sd=settings.beliefs.red_line_sd,
        scale=settings.beliefs.scale,
    )
    prior = Beliefs.draw(
        space.select(party_idx),
        runs,
        no_deal_sd=sd_nd,
        red_line_sd=sd_rl,
        streams=RunStreams(
            np.random.SeedSequence([0 if seed is None else seed, zlib.crc32(b"beliefs")]), runs
        ),
        no_deal=space.no_deal[party_idx],
    )
    ctx = Context(
        scenario,
        settings,
        space,
        parties,
        party_idx,
        strategies,
        runs,
        seed,
        prior,
        (sd_nd, sd_rl),
        mediator,
        target,
    )
    summaries, details = [], {}
    for name in processes:
        proc = PROCESSES[name]()
        log.info("process %s: %d runs", name, runs)
        out = proc.run(ctx)
        details[name] = out
        summaries.append(_summarise(ctx, proc, out))
    notes = []
    zone = int(pkg.zopa.sum())
    if zone == 0:
        notes.append(
            f"no zone of agreement at month {settings.start_month:g}: no package breaks no red "
            "line and "
            "beats no deal for every party, so no process can end in a deal unless no-deal payoffs "
            "fall "
            "during the talks (war costs, escalation, an ultimatum)"
        )
    return ProcessComparison(
        scenario,
        runs,
        seed,
        settings,
        tuple(scenario.actor_ids[i] for i in party_idx),
        scenario.actor_ids[mediator],
        scenario.actor_ids[target],
        {a.id: s.describe() for a, s in zip(scenario.actors, strategies, strict=True) if a.party},
        dict(zip(scenario.actor_ids, map(float, space.no_deal), strict=True)),
        zone,
        space.n_packages,
        tuple(summaries),
        details,
        tuple(notes),
    )


def _stats(x: np.ndarray) -> dict[str, float] | None:
    if len(x) == 0:
        return None
    q = np.quantile(x, QUANTILES)
    return {
        "mean": float(x.mean()),
        "median": float(np.median(x)),
        **{f"q{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
    }


def _summarise(ctx: Context, proc: Process, out: ProcessRuns) -> ProcessSummary:
    scn = ctx.scenario
    R = out.runs
    deal = out.deal
    d0 = ctx.space.no_deal
    gain = out.utility - d0[None, :]
    issues = []
    packages = ctx.space.packages
    assert packages is not None
    if deal.any():
        vals = packages[out.package[deal]]
        for k, issue in enumerate(scn.issues):
            q = np.quantile(vals[:, k], QUANTILES)
            keys = [f"q{round(p * 100):02d}" for p in QUANTILES]
            issues.append(
                IssueDistribution(
                    issue.id,
                    dict(zip(keys, map(float, q), strict=True)),
                    {kk: issue.scale.describe(float(v)) for kk, v in zip(keys, q, strict=True)},
                    float(vals[:, k].mean()),
                )
            )
        idx, count = Counter(out.package[deal].tolist()).most_common(1)[0]
        values = packages[idx]
        common = {
            "share_of_deals": count / int(deal.sum()),
            "values": {i.id: float(v) for i, v in zip(scn.issues, values, strict=True)},
            "labels": {
                i.id: i.scale.describe(float(v)) for i, v in zip(scn.issues, values, strict=True)
            },
        }
    else:
        common = None
    return ProcessSummary(
        proc.name,
        proc.description,
        proc.settings(ctx.settings).model_dump(),
        R,
        float(deal.mean()),
        float((~deal & ~out.escalated).mean()),
        float(out.escalated.mean()),
        _stats(out.rounds[deal].astype(float)),
        _stats(out.months[deal]),
        tuple(issues),
        {a: float(g) for a, g in zip(scn.actor_ids, gain.mean(axis=0), strict=True)},
        {
            a: (float(g) if deal.any() else None)
            for a, g in zip(
                scn.actor_ids,
                gain[deal].mean(axis=0) if deal.any() else np.zeros(len(scn.actor_ids)),
                strict=True,
            )
        },
        common,
    )
