"""How the talks are run: preparatory talks, a leaders' summit, an ultimatum, a mediator.

The sources disagree about process more than about terms. Lieven argues that "formal
negotiations will therefore have to be preceded by preparatory talks, preferably in secret",
so each side learns which conditions are "basic and non-negotiable"; Moscow fears a summit
offer that "fails to meet minimal Russian conditions" followed by a violent American turn; a
reader argues for leader-level "agile" dealmaking over slow preparation [Lieven2024]; the later
article describes a 50-day ultimatum [SecondRound2025]. Each process below is a sequence of
protocol runs (:mod:`.protocols`) among the scenario's parties (``Actor.party``) over the
bargaining analysis's package grid (:func:`accord.bargaining.build_space`), on many runs at once:

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
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel

from accord.scenario import Problem, Scenario, ScenarioError

from .beliefs import Beliefs, RunStreams, spreads_from_scenario
from .protocols import NegotiationResult, alternating_offers, single_text
from .results import IssueDistribution, ProcessComparison, ProcessRuns, ProcessSummary
from .settings import ProcessSettings, settings_from_scenario
from .space import OutcomeSpace, from_package_space
from .strategies import Strategy, parse_strategy

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


# -- the processes -----------------------------------------------------------------------------
@dataclass
class _Context:
    scenario: Scenario
    settings: ProcessSettings
    space: OutcomeSpace  # every actor
    parties: np.ndarray  # (n_all,) bool
    party_idx: np.ndarray
    strategies: list[Strategy]  # every actor (scenario order)
    runs: int
    seed: int | None
    prior: Beliefs  # parties' beliefs about the parties
    spreads: tuple[np.ndarray, np.ndarray]
    mediator: int
    target: int
    _nd_cache: dict[float, np.ndarray] = field(default_factory=dict)

    def no_deal_at(self, month: float) -> np.ndarray:
        from accord.bargaining import no_deal_utility

        key = round(float(month), 9)
        if key not in self._nd_cache:
            self._nd_cache[key] = no_deal_utility(self.scenario, key, loss=self.settings.loss)
        return self._nd_cache[key]

    def streams(self, name: str) -> RunStreams:
        return RunStreams(
            np.random.SeedSequence(
                [0 if self.seed is None else self.seed, zlib.crc32(name.encode())]
            ),
            self.runs,
        )

    def parties_space(self) -> OutcomeSpace:
        return self.space.select(self.party_idx)


class _Process:
    name: ClassVar[str]
    description: ClassVar[str]

    def settings(self, s: ProcessSettings) -> BaseModel:
        raise NotImplementedError

    def run(self, ctx: _Context) -> ProcessRuns:
        raise NotImplementedError


def _sao(
    ctx: _Context,
    beliefs: Beliefs,
    *,
    rounds: int,
    month0: float,
    streams: RunStreams,
    penalty: np.ndarray | None = None,
    horizons: list[int] | None = None,
    on_round=None,
    penalty_from: int = 0,
    months_per_round: float | None = None,
) -> NegotiationResult:
    """Alternating offers among the parties from ``month0`` (penalty (R, n_parties) from a round
    on).
    """
    s = ctx.settings
    sp = ctx.parties_space()
    pi = ctx.party_idx
    mpr = s.months_per_round if months_per_round is None else months_per_round

    def nd(r: int) -> np.ndarray:
        d = np.broadcast_to(ctx.no_deal_at(month0 + r * mpr)[pi], (ctx.runs, len(pi)))
        if penalty is not None and r >= penalty_from:
            d = d - penalty
        return d

    return alternating_offers(
        sp,
        [ctx.strategies[i] for i in pi],
        rounds=rounds,
        runs=ctx.runs,
        beliefs=beliefs,
        offer_policy=s.offer_policy,
        no_deal=nd,
        tolerance=s.tolerance,
        streams=streams,
        horizons=horizons,
        on_round=on_round,
    )


def _finish(
    ctx: _Context,
    name: str,
    res: NegotiationResult,
    *,
    month0: float,
    months_per_round: float,
    months_end: float,
    penalty_all: np.ndarray | None = None,
    escalated: np.ndarray | None = None,
    round_offset: int = 0,
) -> ProcessRuns:
    """Turn a protocol result among the parties into a ProcessRuns over every actor."""
    R = ctx.runs
    nd_end = np.broadcast_to(ctx.no_deal_at(months_end), (R, len(ctx.scenario.actors))).copy()
    if penalty_all is not None:
        nd_end -= penalty_all
    U = ctx.space.utility
    pkg = res.package
    util = np.where(res.agreed[:, None], U[np.where(pkg >= 0, pkg, 0)], nd_end)
    rounds = np.where(res.agreed, res.round + 1 + round_offset, -1)
    months = np.where(
        res.agreed, month0 - ctx.settings.start_month + (res.round + 1) * months_per_round, np.nan
    )
    esc = np.zeros(R, dtype=bool) if escalated is None else escalated & ~res.agreed
    return ProcessRuns(name, res.agreed.copy(), pkg.copy(), rounds, months, esc, nd_end, util)


class Direct(_Process):
    name = "direct"
    description = "alternating offers on the actors' prior beliefs"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.direct

    def run(self, ctx: _Context) -> ProcessRuns:
        p = ctx.settings.direct
        m0 = ctx.settings.start_month
        res = _sao(
            ctx, ctx.prior.copy(), rounds=p.rounds, month0=m0, streams=ctx.streams(self.name)
        )
        return _finish(
            ctx,
            self.name,
            res,
            month0=m0,
            months_per_round=ctx.settings.months_per_round,
            months_end=m0 + p.rounds * ctx.settings.months_per_round,
        )


class PrepTalks(_Process):
    name = "prep-talks"
    description = "private signals narrow beliefs, then formal alternating offers"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.prep_talks

    def run(self, ctx: _Context) -> ProcessRuns:
        p = ctx.settings.prep_talks
        st = ctx.streams(self.name)
        beliefs = ctx.prior.copy()
        sp = ctx.parties_space()
        pi = ctx.party_idx
        n = len(pi)
        m0 = ctx.settings.start_month
        for k in range(p.signal_rounds):
            month = m0 + (k + 1) * p.months_per_signal_round
            _track_time(
                beliefs,
                ctx.no_deal_at(month - p.months_per_signal_round)[pi],
                ctx.no_deal_at(month)[pi],
            )
            beliefs.signal(
                sp,
                st,
                pairs=np.ones((n, n), dtype=bool),
                noise=p.signal_noise,
                no_deal=ctx.no_deal_at(month)[pi],
            )
        m1 = m0 + p.signal_rounds * p.months_per_signal_round
        res = _sao(ctx, beliefs, rounds=p.rounds, month0=m1, streams=st)
        return _finish(
            ctx,
            self.name,
            res,
            month0=m1,
            months_per_round=ctx.settings.months_per_round,
            months_end=m1 + p.rounds * ctx.settings.months_per_round,
        )


class Summit(_Process):
    name = "summit"
    description = "a few leader-level rounds on unrefined beliefs; failure escalates"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.summit

    def run(self, ctx: _Context) -> ProcessRuns:
        p = ctx.settings.summit
        st = ctx.streams(self.name)
        m0 = ctx.settings.start_month
        R, pi = ctx.runs, ctx.party_idx
        n_all = len(ctx.scenario.actors)
        mpr = p.months_per_round
        res = _sao(
            ctx, ctx.prior.copy(), rounds=p.rounds, month0=m0, streams=st, months_per_round=mpr
        )
        failed = ~res.agreed
        failing = res.blocking.copy()
        none = failed & ~failing.any(axis=1)
        failing[none] = True  # talks collapsed on everyone
        pen_parties = np.where(failed[:, None] & failing, p.escalation_penalty, 0.0)
        penalty_all = np.zeros((R, n_all))
        penalty_all[:, pi] = pen_parties
        m1 = m0 + p.rounds * mpr
        if p.follow_up_rounds == 0 or not failed.any():
            return _finish(
                ctx,
                self.name,
                res,
                month0=m0,
                months_per_round=mpr,
                months_end=m1,
                penalty_all=penalty_all,
                escalated=failed,
            )
        beliefs = ctx.prior.copy().redraw(
            ctx.parties_space(),
            st,
            factor=1.0 + p.trust_loss,
            no_deal=ctx.no_deal_at(m1)[pi] - pen_parties,
        )
        follow = _sao(
            ctx, beliefs, rounds=p.follow_up_rounds, month0=m1, streams=st, penalty=pen_parties
        )
        agreed = res.agreed | follow.agreed
        package = np.where(res.agreed, res.package, follow.package)
        rnd = np.where(res.agreed, res.round, np.where(follow.agreed, follow.round + p.rounds, -1))
        merged = NegotiationResult(
            agreed,
            package,
            rnd,
            np.where(res.agreed, res.final_offer, follow.final_offer),
            np.where(res.agreed[:, None], False, follow.blocking),
            p.rounds + p.follow_up_rounds,
        )
        months_end = m1 + p.follow_up_rounds * ctx.settings.months_per_round
        out = _finish(
            ctx,
            self.name,
            merged,
            month0=m0,
            months_per_round=mpr,
            months_end=months_end,
            penalty_all=penalty_all,
            escalated=failed,
        )
        # deals reached in the follow-up took the summit's months plus the follow-up rounds
        late = follow.agreed & ~res.agreed
        months = out.months.copy()
        months[late] = (
            m1 - ctx.settings.start_month + (follow.round[late] + 1) * ctx.settings.months_per_round
        )
        return ProcessRuns(
            out.process,
            out.deal,
            out.package,
            out.rounds,
            months,
            out.escalated,
            out.no_deal_end,
            out.utility,
        )


class Ultimatum(_Process):
    name = "ultimatum"
    description = "talks under a deadline after which a penalty hits the target's no-deal payoff"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.ultimatum

    def run(self, ctx: _Context) -> ProcessRuns:
        p = ctx.settings.ultimatum
        st = ctx.streams(self.name)
        R, pi = ctx.runs, ctx.party_idx
        n_all = len(ctx.scenario.actors)
        tcol = int(np.flatnonzero(pi == ctx.target)[0])
        enforced = st.uniform(0.0, 1.0) < p.credibility  # (R,) the threat is carried out
        pen = np.zeros((R, len(pi)))
        pen[:, tcol] = np.where(enforced, p.penalty, 0.0)
        total = p.deadline + p.rounds_after
        horizons = [total] * len(pi)
        horizons[tcol] = p.deadline  # the target concedes towards the deadline
        beliefs = ctx.prior.copy()

        def news(s: int) -> None:
            if s == p.deadline:
                beliefs.shift_no_deal(tcol, -pen[:, tcol])  # the penalty is public

        m0 = ctx.settings.start_month
        res = _sao(
            ctx,
            beliefs,
            rounds=total,
            month0=m0,
            streams=st,
            penalty=pen,
            penalty_from=p.deadline,
            horizons=horizons,
            on_round=news,
        )
        penalty_all = np.zeros((R, n_all))
        penalty_all[:, ctx.target] = pen[:, tcol]
        return _finish(
            ctx,
            self.name,
            res,
            month0=m0,
            months_per_round=ctx.settings.months_per_round,
            months_end=m0 + total * ctx.settings.months_per_round,
            penalty_all=penalty_all,
            escalated=enforced,
        )


class Mediated(_Process):
    name = "mediated"
    description = "a mediator drafts and amends one text; rejections tell it why"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.mediated

    def run(self, ctx: _Context) -> ProcessRuns:
        p = ctx.settings.mediated
        st = ctx.streams(self.name)
        med = ctx.mediator
        cols = list(ctx.party_idx) + ([] if ctx.parties[med] else [med])
        sp = ctx.space.select(cols)
        mcol = cols.index(med)
        parties = np.array([ctx.parties[c] for c in cols])
        beliefs = _with_mediator(ctx, cols, st)
        m0 = ctx.settings.start_month
        mpr = ctx.settings.months_per_round
        res = single_text(
            sp,
            [ctx.strategies[c] if ctx.parties[c] else None for c in cols],
            mediator=mcol,
            rounds=p.rounds,
            runs=ctx.runs,
            beliefs=beliefs,
            no_deal=lambda r: ctx.no_deal_at(m0 + r * mpr)[cols],
            criticism_noise=p.criticism_noise,
            tolerance=ctx.settings.tolerance,
            streams=st,
            parties=parties,
        )
        return _finish(
            ctx, self.name, res, month0=m0, months_per_round=mpr, months_end=m0 + p.rounds * mpr
        )


PROCESSES: dict[str, type[_Process]] = {
    c.name: c for c in (Direct, PrepTalks, Summit, Ultimatum, Mediated)
}


def _track_time(beliefs: Beliefs, before: np.ndarray, after: np.ndarray) -> None:
    """War costs are public: beliefs about no-deal payoffs move with the months that pass."""
    delta = np.asarray(after) - np.asarray(before)
    if np.any(delta != 0):
        beliefs.no_deal += delta[None, None, :]
        beliefs.version += 1


def _with_mediator(ctx: _Context, cols: list[int], streams: RunStreams) -> Beliefs:
    """Beliefs over ``cols`` (parties, then a non-party mediator, who knows only itself exactly)."""
    n_p = len(ctx.party_idx)
    if len(cols) == n_p:
        return ctx.prior.copy()
    sp = ctx.space.select(cols)
    sd_nd, sd_rl = spreads_from_scenario(
        ctx.scenario,
        cols,
        no_deal_sd=ctx.settings.beliefs.no_deal_sd,
        red_line_sd=ctx.settings.beliefs.red_line_sd,
        scale=ctx.settings.beliefs.scale,
    )
    b = Beliefs.draw(
        sp,
        ctx.runs,
        no_deal_sd=sd_nd,
        red_line_sd=sd_rl,
        streams=streams,
        no_deal=ctx.no_deal_at(ctx.settings.start_month)[cols],
    )
    b.no_deal[:, :n_p, :n_p] = ctx.prior.no_deal  # the parties keep their common prior
    b.red_line[:, :n_p, :n_p] = ctx.prior.red_line
    return b


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
    ctx = _Context(
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


def _summarise(ctx: _Context, proc: _Process, out: ProcessRuns) -> ProcessSummary:
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
