"""The processes the sources argue about, each a sequence of protocol runs (see
:mod:`.processes` for what each does and where it comes from)."""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from pydantic import BaseModel

from accord.scenario import Scenario

from .beliefs import Beliefs, RunStreams, spreads_from_scenario
from .protocols import NegotiationResult, alternating_offers, single_text
from .results import ProcessRuns
from .settings import ProcessSettings
from .space import OutcomeSpace
from .strategies import Strategy

__all__ = [
    "PROCESSES",
    "Context",
    "Direct",
    "Mediated",
    "PrepTalks",
    "Process",
    "Summit",
    "Ultimatum",
]

log = logging.getLogger(__name__)


# -- the processes -----------------------------------------------------------------------------
@dataclass
class Context:
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


def _shifted(ctx: Context, shift: dict[str, dict[str, float]]) -> Context:
    """The context after a failed summit moved some actors' positions (``summit.failure_shift``):
    the scenario with those positions moved (clipped to each scale) and every package's utility
    recomputed for it; red lines and everything else stay. Without a shift, ``ctx`` itself."""
    if not shift:
        return ctx
    from dataclasses import replace

    from accord.bargaining.utility import package_utility

    data = ctx.scenario.model_dump(mode="python")
    for actor in data["actors"]:
        for issue_id, delta in shift.get(actor["id"], {}).items():
            st = actor["stances"].get(issue_id)
            if st is None:
                continue
            sc = ctx.scenario.issue(issue_id).scale
            st["position"]["value"] = float(
                np.clip(st["position"]["value"] + delta, sc.min, sc.max)
            )
    scn = type(ctx.scenario).model_validate(data)
    assert ctx.space.packages is not None
    utility = package_utility(scn, ctx.space.packages, loss=ctx.settings.loss)
    return replace(ctx, scenario=scn, space=replace(ctx.space, utility=utility), _nd_cache={})


class Process:
    name: ClassVar[str]
    description: ClassVar[str]

    def settings(self, s: ProcessSettings) -> BaseModel:
        raise NotImplementedError

    def run(self, ctx: Context) -> ProcessRuns:
        raise NotImplementedError


def _sao(
    ctx: Context,
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
    ctx: Context,
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


class Direct(Process):
    name = "direct"
    description = "alternating offers on the actors' prior beliefs"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.direct

    def run(self, ctx: Context) -> ProcessRuns:
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


class PrepTalks(Process):
    name = "prep-talks"
    description = "private signals narrow beliefs, then formal alternating offers"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.prep_talks

    def run(self, ctx: Context) -> ProcessRuns:
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


class Summit(Process):
    name = "summit"
    description = "a few leader-level rounds on unrefined beliefs; failure escalates"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.summit

    def run(self, ctx: Context) -> ProcessRuns:
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
        spec = p.escalation_penalty
        ids = [ctx.scenario.actors[i].id for i in pi]
        pen = (  # a mapping: only the listed parties lose, each its own amount
            np.array([float(spec.get(a, 0.0)) for a in ids])
            if isinstance(spec, dict)
            else np.full(len(ids), float(spec))
        )
        pen_parties = np.where(failed[:, None] & failing, pen, 0.0)
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
        after = _shifted(ctx, p.failure_shift)  # the stances the failure leaves behind
        beliefs = after.prior.copy().redraw(
            after.parties_space(),
            st,
            factor=1.0 + p.trust_loss,
            no_deal=after.no_deal_at(m1)[pi] - pen_parties,
        )
        follow = _sao(
            after, beliefs, rounds=p.follow_up_rounds, month0=m1, streams=st, penalty=pen_parties
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


class Ultimatum(Process):
    name = "ultimatum"
    description = "talks under a deadline after which a penalty hits the target's no-deal payoff"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.ultimatum

    def run(self, ctx: Context) -> ProcessRuns:
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


class Mediated(Process):
    name = "mediated"
    description = "a mediator drafts and amends one text; rejections tell it why"

    def settings(self, s: ProcessSettings) -> BaseModel:
        return s.mediated

    def run(self, ctx: Context) -> ProcessRuns:
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


PROCESSES: dict[str, type[Process]] = {
    c.name: c for c in (Direct, PrepTalks, Summit, Ultimatum, Mediated)
}


def _track_time(beliefs: Beliefs, before: np.ndarray, after: np.ndarray) -> None:
    """War costs are public: beliefs about no-deal payoffs move with the months that pass."""
    delta = np.asarray(after) - np.asarray(before)
    if np.any(delta != 0):
        beliefs.no_deal += delta[None, None, :]
        beliefs.version += 1


def _with_mediator(ctx: Context, cols: list[int], streams: RunStreams) -> Beliefs:
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
