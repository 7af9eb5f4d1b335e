"""What each actor believes about the others' red lines and no-deal payoffs, and how talks
narrow it.

Beliefs are point estimates with a spread, per run: ``no_deal[r, i, j]`` is what actor i
believes j's no-deal payoff is in run r, ``red_line[r, i, j, k]`` where it believes j's red line
on issue k lies (NaN where j has none; that j has a red line there is common knowledge, as the
scenario's stated conditions are public). An actor knows its own values exactly.

Prior beliefs are drawn around the truth: b = truth + ε, ε ~ N(0, σ²), with σ from the
scenario's uncertainty (:func:`spreads_from_scenario`). A *private signal* s = truth + η,
η ~ N(0, τ²), moves a belief by the conjugate normal update (a Gaussian prior and a Gaussian
signal give a Gaussian posterior):

    σ'² = 1 / (1/σ² + 1/τ²),   b' = σ'² (b/σ² + s/τ²)

so k signals with τ = σ shrink the spread to σ/√(k+1). Preparatory talks send such signals
between every pair of parties (each learns which of the other's conditions are non-negotiable);
in a single-text procedure a party that rejects the text sends one to the mediator (its
criticism, [Raiffa1982]).

Randomness: every run has its own generator spawned from a ``numpy.random.SeedSequence``
(:class:`RunStreams`), so run r draws the same numbers whatever the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from accord.scenario import Scenario

from .space import OutcomeSpace

__all__ = [
    "DEFAULT_NO_DEAL_SD",
    "DEFAULT_RED_LINE_SD",
    "Beliefs",
    "RunStreams",
    "spreads_from_scenario",
]

#: Spread (standard deviation, utility points) of beliefs about a no-deal payoff when the
#: scenario gives no uncertainty for it: a twentieth of the utility scale (analyst's default).
DEFAULT_NO_DEAL_SD = 0.05
#: Spread of beliefs about a red line without an uncertainty range: a tenth of the scale width.
DEFAULT_RED_LINE_SD = 0.10
#: A range (low, high) maps to σ = (high − low)/4, as the scenario format's truncnorm default.
RANGE_TO_SD = 0.25


class RunStreams:
    """One ``numpy.random.Generator`` per run, spawned from ``seed``."""

    def __init__(self, seed: np.random.SeedSequence | int | None, runs: int):
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        self.generators = [np.random.default_rng(s) for s in ss.spawn(runs)]

    def __len__(self) -> int:
        return len(self.generators)

    def normal(self, shape: tuple[int, ...] = ()) -> np.ndarray:
        return (
            np.stack([g.standard_normal(shape) for g in self.generators])
            if self.generators
            else np.zeros((0, *shape))
        )

    def uniform(
        self, low: float = 0.0, high: float = 1.0, shape: tuple[int, ...] = ()
    ) -> np.ndarray:
        return (
            np.stack([g.uniform(low, high, shape) for g in self.generators])
            if self.generators
            else np.zeros((0, *shape))
        )


def spreads_from_scenario(
    scenario: Scenario,
    actors: list[int] | None = None,
    *,
    no_deal_sd: float | None = None,
    red_line_sd: float | None = None,
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(σ_no_deal (n,), σ_red_line (n, m)) for the chosen actors.

    A red line's σ is a quarter of its ``uncertainty`` range (or its ``sd``); without one,
    ``red_line_sd`` × the issue's scale width (default :data:`DEFAULT_RED_LINE_SD`). A no-deal
    payoff's σ is a quarter of the range of ``no_deal.utility`` when given, else ``no_deal_sd``
    (default :data:`DEFAULT_NO_DEAL_SD`). Everything is multiplied by ``scale``.
    """
    idx = list(range(len(scenario.actors))) if actors is None else list(actors)
    m = len(scenario.issues)
    rl_default = DEFAULT_RED_LINE_SD if red_line_sd is None else red_line_sd
    nd_default = DEFAULT_NO_DEAL_SD if no_deal_sd is None else no_deal_sd
    sd_nd = np.full(len(idx), nd_default, dtype=float)
    sd_rl = np.zeros((len(idx), m))
    for a, i in enumerate(idx):
        actor = scenario.actors[i]
        if (
            actor.no_deal is not None
            and actor.no_deal.utility is not None
            and actor.no_deal.utility.uncertainty
        ):
            sd_nd[a] = _sd(actor.no_deal.utility.uncertainty)
        for k, issue in enumerate(scenario.issues):
            st = actor.stances.get(issue.id)
            if st is None or st.red_line is None:
                continue
            unc = st.red_line.uncertainty
            sd_rl[a, k] = (
                _sd(unc) if unc is not None else rl_default * (issue.scale.max - issue.scale.min)
            )
    return sd_nd * scale, sd_rl * scale


def _sd(unc) -> float:
    if unc.sd is not None and unc.shape == "truncnorm":
        return float(unc.sd)
    return RANGE_TO_SD * (unc.high - unc.low)


@dataclass
class Beliefs:
    """Per-run beliefs of every actor about every actor (see the module docstring)."""

    no_deal: np.ndarray  # (R, n, n)
    no_deal_sd: np.ndarray  # (R, n, n)
    red_line: np.ndarray  # (R, n, n, m), NaN where the subject has no red line
    red_line_sd: np.ndarray  # (R, n, n, m)
    version: int = 0
    signal_sd: tuple[np.ndarray, np.ndarray] | None = (
        None  # prior spreads: a signal's noise is set against them
    )

    @property
    def runs(self) -> int:
        return self.no_deal.shape[0]

    @classmethod
    def perfect(
        cls, space: OutcomeSpace, runs: int, *, no_deal: np.ndarray | None = None
    ) -> Beliefs:
        """Everyone knows everyone's red lines and no-deal payoffs."""
        n = space.n_actors
        d = _truth_no_deal(space, runs, no_deal)
        m = 0 if space.red_line is None else space.red_line.shape[1]
        red = np.full((n, m), np.nan) if space.red_line is None else space.red_line
        return cls(
            np.broadcast_to(d[:, None, :], (runs, n, n)).copy(),
            np.zeros((runs, n, n)),
            np.broadcast_to(red, (runs, n, n, m)).copy(),
            np.zeros((runs, n, n, m)),
        )

    @classmethod
    def draw(
        cls,
        space: OutcomeSpace,
        runs: int,
        *,
        no_deal_sd: np.ndarray,
        red_line_sd: np.ndarray,
        streams: RunStreams,
        no_deal: np.ndarray | None = None,
    ) -> Beliefs:
        """Beliefs drawn around the truth (own values exact)."""
        b = cls.perfect(space, runs, no_deal=no_deal)
        n, m = b.red_line.shape[2], b.red_line.shape[3]
        own = np.eye(n, dtype=bool)
        sd_nd = np.where(own, 0.0, np.broadcast_to(np.asarray(no_deal_sd, float)[None, :], (n, n)))
        sd_rl = np.where(
            own[:, :, None],
            0.0,
            np.broadcast_to(np.asarray(red_line_sd, float).reshape(1, n, m), (n, n, m)),
        )
        has = ~np.isnan(b.red_line[0])
        sd_rl = np.where(has, sd_rl, 0.0)
        eps = streams.normal((n, n + n * m))
        b.no_deal = b.no_deal + sd_nd[None] * eps[:, :, :n]
        b.red_line = _clip_scale(
            space, b.red_line + sd_rl[None] * eps[:, :, n:].reshape(runs, n, n, m)
        )
        b.no_deal_sd = np.broadcast_to(sd_nd, (runs, n, n)).copy()
        b.red_line_sd = np.broadcast_to(sd_rl, (runs, n, n, m)).copy()
        b.signal_sd = (b.no_deal_sd.copy(), b.red_line_sd.copy())
        return b

    def copy(self) -> Beliefs:
        return replace(
            self,
            no_deal=self.no_deal.copy(),
            no_deal_sd=self.no_deal_sd.copy(),
            red_line=self.red_line.copy(),
            red_line_sd=self.red_line_sd.copy(),
        )

    def _prior_sd(self) -> tuple[np.ndarray, np.ndarray]:
        return self.signal_sd if self.signal_sd is not None else (self.no_deal_sd, self.red_line_sd)

    def signal(
        self,
        space: OutcomeSpace,
        streams: RunStreams,
        *,
        pairs: np.ndarray,
        noise: float = 1.0,
        no_deal: np.ndarray | None = None,
    ) -> Beliefs:
        """One private signal per (observer, subject) where ``pairs`` (n, n) or (R, n, n) is True,
        with noise τ = ``noise`` × the prior spread (so k signals with noise 1 leave σ/√(k+1));
        conjugate normal update."""
        if noise <= 0:
            raise ValueError(f"signal noise must be > 0, got {noise}")
        runs, n = self.runs, self.no_deal.shape[1]
        m = self.red_line.shape[3]
        truth = Beliefs.perfect(space, runs, no_deal=no_deal)
        mask = (
            np.broadcast_to(np.asarray(pairs, dtype=bool), (runs, n, n))
            & ~np.eye(n, dtype=bool)[None]
        )
        eps = streams.normal((n, n + n * m))
        tau_nd, tau_rl = (noise * s for s in self._prior_sd())
        self.no_deal, self.no_deal_sd = _update(
            self.no_deal, self.no_deal_sd, truth.no_deal, tau_nd, eps[:, :, :n], mask
        )
        red, red_sd = _update(
            np.nan_to_num(self.red_line),
            self.red_line_sd,
            np.nan_to_num(truth.red_line),
            tau_rl,
            eps[:, :, n:].reshape(runs, n, n, m),
            mask[..., None],
        )
        self.red_line = _clip_scale(space, np.where(np.isnan(self.red_line), np.nan, red))
        self.red_line_sd = red_sd
        self.version += 1
        return self

    def shift_no_deal(self, subject: int, amount: np.ndarray) -> Beliefs:
        """Public news: everyone's belief about ``subject``'s no-deal payoff moves by ``amount``
        (R,).
        """
        self.no_deal[:, :, subject] += np.asarray(amount, dtype=float)[:, None]
        self.version += 1
        return self

    def redraw(
        self,
        space: OutcomeSpace,
        streams: RunStreams,
        *,
        factor: float,
        no_deal: np.ndarray | None = None,
    ) -> Beliefs:
        """Lost trust: beliefs re-formed around the truth with every prior spread × ``factor``."""
        runs, n = self.runs, self.no_deal.shape[1]
        m = self.red_line.shape[3]
        truth = Beliefs.perfect(space, runs, no_deal=no_deal)
        eps = streams.normal((n, n + n * m))
        prior_nd, prior_rl = self._prior_sd()
        self.no_deal_sd = prior_nd * factor
        self.red_line_sd = prior_rl * factor
        self.signal_sd = (self.no_deal_sd.copy(), self.red_line_sd.copy())
        self.no_deal = truth.no_deal + self.no_deal_sd * eps[:, :, :n]
        self.red_line = _clip_scale(
            space, truth.red_line + self.red_line_sd * eps[:, :, n:].reshape(runs, n, n, m)
        )
        self.version += 1
        return self


def _update(mean, sd, truth, tau, eps, mask):
    """Conjugate normal update of ``mean`` (current σ = ``sd``) by the signal s = truth + τ·eps."""
    ok = mask & (sd > 0) & (tau > 0)
    s = truth + tau * eps
    with np.errstate(divide="ignore", invalid="ignore"):
        prec = 1.0 / sd**2 + 1.0 / tau**2
        post_sd = np.sqrt(1.0 / prec)
        post = (mean / sd**2 + s / tau**2) / prec  # conjugate normal update
    return np.where(ok, post, mean), np.where(ok, post_sd, sd)


def _truth_no_deal(space: OutcomeSpace, runs: int, no_deal: np.ndarray | None) -> np.ndarray:
    d = space.no_deal if no_deal is None else np.asarray(no_deal, dtype=float)
    return np.broadcast_to(d, (runs, space.n_actors)).astype(float)


def _clip_scale(space: OutcomeSpace, red: np.ndarray) -> np.ndarray:
    if space.scale_min is None or space.scale_max is None:
        return red
    return np.clip(red, space.scale_min, space.scale_max)
