"""Negotiation strategies: how an actor sets its aspiration, makes offers and accepts them.

Every strategy works on arrays of runs (``R`` negotiations advancing in lock-step). At each of
its turns an actor gets a :class:`Turn` (the relative time ``t``, its rational utility range
``lo..hi``, the offers it has received, its previous target) and returns two targets in its own
utility: the level it offers at and the level it accepts at. The protocol turns targets into
packages (see :mod:`accord.process.protocols`): an offer is a package at or above
the offering target, an offer received is accepted when its utility reaches the accepting
target (minus a small tolerance) and it breaks none of the actor's red lines.

Time-dependent tactics [Faratin1998, "time-dependent tactics"]: with t ∈ [0, 1] the fraction of
the deadline elapsed, the concession fraction is

    polynomial:   α(t) = κ + (1 − κ) · t^(1/β)                     [Faratin1998, polynomial α]
    exponential:  α(t) = exp((1 − t)^β · ln κ)                     [Faratin1998, exponential α]

and the target utility u(t) = u_min + (1 − α(t)) · (u_max − u_min), i.e. the brief's
u_max − (u_max − u_min) · α(t). β < 1 is *Boulware* (holds out until the deadline nears),
β = 1 linear, β > 1 *Conceder*. NegMAS's ``PolyAspiration`` [Mohammad2021] writes the same
curve as a(t) = 1 − t^e with κ = 0 and e = 1/β; its named curves are e = 4 (boulware), 1
(linear) and 0.25 (conceder), which is what :data:`CURVES` uses (β = 0.25, 1, 4).

Imitative tactics (tit-for-tat) [Faratin1998, "behaviour-dependent tactics"], transposed from
issue values to the actor's own utility of the offers it receives (u(·) below), with δ the
window and x_n its previous target:

    relative:  x_{n+1} = clip(x_n · u(o_{−δ−1}) / u(o_{−δ}), u_min, u_max)
    absolute:  x_{n+1} = clip(x_n − (u(o_{−δ}) − u(o_{−δ−1})) − R(M), u_min, u_max)

where o_{−1} is the latest offer received, o_{−2} the one before, and R(M) uniform on [0, M]
(Faratin's *random absolute* tit-for-tat; M = 0 makes it deterministic). Before δ + 1 offers
have been received the actor asks for u_max, as Faratin's tactics start from the initial offer.

A *hard-liner* never concedes in its offers (the limit β → 0 of the time-dependent tactic,
NegMAS's "hardheaded" curve) and accepts only deals at or above a fixed share of the way from
its no-deal payoff to its best package (``firmness``); like every strategy it never crosses its
red lines. *Zeuthen* is the monotonic-concession strategy of [Zeuthen1930] as analysed by
[Harsanyi1956]: the party whose own proposal has the smaller (believed) Nash product concedes
just enough to offer a package with a larger one; with perfect information and no deadline
pressure it ends at (within a grid step of) the Nash bargaining solution [Nash1950].
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

__all__ = [
    "CURVES",
    "STRATEGIES",
    "HardLiner",
    "Strategy",
    "TimeDependent",
    "TitForTat",
    "Turn",
    "Zeuthen",
    "concession_alpha",
    "concession_target",
    "parse_strategy",
]

#: Named time-dependent curves: β of [Faratin1998] (NegMAS's exponent e = 1/β [Mohammad2021]).
CURVES: dict[str, float] = {"boulware": 0.25, "linear": 1.0, "conceder": 4.0}


def concession_alpha(
    t: np.ndarray | float,
    *,
    beta: float,
    kappa: float = 0.0,
    curve: Literal["polynomial", "exponential"] = "polynomial",
) -> np.ndarray:
    """Faratin's concession fraction α(t) for t = min(t, t_max)/t_max in [0, 1].

    ``beta = inf`` never concedes before the deadline (α = κ for t < 1), ``beta = 0`` concedes
    at once (α = 1 for t > 0).
    """
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if curve == "polynomial":
        if beta == 0:
            power = np.where(t > 0, 0.0, 1.0)
        else:
            with np.errstate(divide="ignore"):
                power = t ** (1.0 / beta) if np.isfinite(beta) else np.where(t >= 1.0, 1.0, 0.0)
        return kappa + (1.0 - kappa) * power  # [Faratin1998, polynomial α]
    if curve == "exponential":
        if not 0 < kappa <= 1:
            raise ValueError(f"the exponential curve needs 0 < kappa <= 1, got {kappa}")
        return np.exp((1.0 - t) ** beta * math.log(kappa))  # [Faratin1998, exponential α]
    raise ValueError(f"curve must be 'polynomial' or 'exponential', got {curve!r}")


def concession_target(
    t: np.ndarray | float,
    u_min: np.ndarray | float,
    u_max: np.ndarray | float,
    *,
    beta: float,
    kappa: float = 0.0,
    curve: Literal["polynomial", "exponential"] = "polynomial",
) -> np.ndarray:
    """Target utility u(t) = u_min + (1 − α(t)) (u_max − u_min) [Faratin1998]."""
    a = concession_alpha(t, beta=beta, kappa=kappa, curve=curve)
    return np.asarray(u_min) + (1.0 - a) * (np.asarray(u_max) - np.asarray(u_min))


@dataclass
class Turn:
    """What an actor knows when it acts, as arrays over the runs."""

    actor: int  # column of the actor in the outcome space
    t: np.ndarray  # (R,) relative time in [0, 1] of the actor's own deadline
    lo: np.ndarray  # (R,) lowest rational utility: max(no deal, worst own package)
    hi: np.ndarray  # (R,) best utility among packages within its red lines
    received: list[np.ndarray]  # utilities (own) of the offers received at its turns, NaN = none
    last_target: np.ndarray  # (R,) its previous offering target, NaN before its first offer
    own_last: np.ndarray  # (R,) its previous offer (package index), -1 before
    standing: np.ndarray  # (R,) the offer on the table, -1 if none
    u_standing: np.ndarray  # (R,) its utility of the standing offer, NaN if none
    engine: Engine | None = field(default=None, repr=False)
    rng: Any = field(default=None, repr=False)


class Strategy:
    """Base class: subclasses set ``name`` and implement :meth:`targets` (and may override
    :meth:`propose` to choose a package themselves)."""

    name: ClassVar[str] = "strategy"

    def targets(self, turn: Turn) -> tuple[np.ndarray, np.ndarray]:
        """(offering target, accepting target), each (R,) in the actor's utility."""
        raise NotImplementedError

    def propose(self, turn: Turn) -> np.ndarray | None:
        """A package per run, or None to let the protocol pick one at the offering target."""
        return None

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def describe(self) -> str:
        args = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.params().items()
        )
        return f"{self.name}({args})"


@dataclass(frozen=True)
class TimeDependent(Strategy):
    """Concede with time along Faratin's curve: β < 1 Boulware, β = 1 linear, β > 1 Conceder.

    Implements the polynomial and exponential time-dependent tactics of [Faratin1998] in
    utility space (see the module docstring); the same target is used to offer and to accept,
    as NegMAS's time-based negotiators do [Mohammad2021].
    """

    name: ClassVar[str] = "time-dependent"
    beta: float = 1.0
    kappa: float = 0.0
    curve: Literal["polynomial", "exponential"] = "polynomial"

    def __post_init__(self) -> None:
        if not self.beta >= 0:
            raise ValueError(f"beta must be >= 0, got {self.beta}")
        if not 0 <= self.kappa <= 1:
            raise ValueError(f"kappa must be between 0 and 1, got {self.kappa}")
        if self.curve not in ("polynomial", "exponential"):
            raise ValueError(f"curve must be 'polynomial' or 'exponential', got {self.curve!r}")
        if self.curve == "exponential" and self.kappa <= 0:
            raise ValueError(f"the exponential curve needs kappa > 0, got {self.kappa}")

    def targets(self, turn: Turn) -> tuple[np.ndarray, np.ndarray]:
        u = concession_target(
            turn.t, turn.lo, turn.hi, beta=self.beta, kappa=self.kappa, curve=self.curve
        )
        return u, u

    def describe(self) -> str:
        for label, b in CURVES.items():
            if self.beta == b and self.kappa == 0 and self.curve == "polynomial":
                return label
        return super().describe()


@dataclass(frozen=True)
class TitForTat(Strategy):
    """Reciprocate the concessions received [Faratin1998, imitative tactics], in own utility.

    ``mode`` ``relative`` mirrors the ratio of the last concession, ``absolute`` its size (plus
    a random extra concession up to ``noise``); ``delta`` is Faratin's window δ.
    """

    name: ClassVar[str] = "tit-for-tat"
    mode: Literal["relative", "absolute"] = "relative"
    delta: int = 1
    noise: float = 0.0

    def __post_init__(self) -> None:
        if self.mode not in ("relative", "absolute"):
            raise ValueError(f"mode must be 'relative' or 'absolute', got {self.mode!r}")
        if int(self.delta) != self.delta or self.delta < 1:
            raise ValueError(f"delta must be a whole number >= 1, got {self.delta}")
        if self.noise < 0:
            raise ValueError(f"noise must be >= 0, got {self.noise}")

    def targets(self, turn: Turn) -> tuple[np.ndarray, np.ndarray]:
        d = int(self.delta)
        prev = np.where(np.isnan(turn.last_target), turn.hi, turn.last_target)
        if len(turn.received) < d + 1:
            return turn.hi.copy(), turn.hi.copy()
        older, newer = turn.received[-d - 1], turn.received[-d]
        known = ~np.isnan(older) & ~np.isnan(newer)
        if self.mode == "relative":
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(known & (newer > 0), older / np.where(newer > 0, newer, 1.0), 1.0)
            x = prev * ratio  # [Faratin1998, relative TFT]
        else:
            x = prev - np.where(known, newer - older, 0.0)  # [Faratin1998, absolute TFT]
            if self.noise > 0:
                if turn.rng is None:
                    raise ValueError("tit-for-tat with noise needs the protocol's random streams")
                x = x - turn.rng.uniform(0.0, self.noise)  # [Faratin1998] R(M)
        x = np.clip(x, turn.lo, turn.hi)
        return x, x


@dataclass(frozen=True)
class HardLiner(Strategy):
    """Offer the best package within its red lines, never concede; accept only deals worth at
    least ``firmness`` of the way from no deal to its best package.

    The offering side is the β → 0 limit of [Faratin1998]'s time-dependent tactic (NegMAS's
    "hardheaded" curve [Mohammad2021]); ``firmness = 1`` accepts only its ideal.
    """

    name: ClassVar[str] = "hard-liner"
    firmness: float = 0.9

    def __post_init__(self) -> None:
        if not 0 <= self.firmness <= 1:
            raise ValueError(f"firmness must be between 0 and 1, got {self.firmness}")

    def targets(self, turn: Turn) -> tuple[np.ndarray, np.ndarray]:
        return turn.hi.copy(), turn.lo + self.firmness * (turn.hi - turn.lo)


@dataclass(frozen=True)
class Zeuthen(Strategy):
    """Monotonic concession by Zeuthen's risk criterion [Zeuthen1930; Harsanyi1956].

    At its turn the actor compares the (believed) Nash product Π_j (u_j − d_j) of its own last
    proposal with that of the offer on the table; Harsanyi showed that Zeuthen's rule "the
    party less willing to risk conflict concedes" is the rule "the proposal with the smaller
    Nash product is withdrawn". If its own is smaller it concedes: it offers the package best
    for itself among those with a larger Nash product than the table's; otherwise it repeats
    its proposal. It accepts an offer at least as good as its own proposal, or any rational
    offer when it must concede and no package has a larger Nash product. In a single-text
    procedure it accepts the text with the largest Nash product it believes possible.
    """

    name: ClassVar[str] = "zeuthen"

    def targets(self, turn: Turn) -> tuple[np.ndarray, np.ndarray]:
        eng = turn.engine
        if eng is None:
            raise ValueError("the Zeuthen strategy needs the protocol's outcome space")
        i = turn.actor
        nash = eng.log_nash(i)  # (R, P), −inf outside
        rows = np.arange(len(turn.standing))
        has_own = turn.own_last >= 0
        has_st = turn.standing >= 0
        u_own = np.where(has_own, eng.utility_of(i, np.where(has_own, turn.own_last, 0)), turn.hi)
        n_st = np.where(has_st, nash[rows, np.where(has_st, turn.standing, 0)], -np.inf)
        n_own = np.where(has_own, nash[rows, np.where(has_own, turn.own_last, 0)], -np.inf)
        must = has_own & (n_own <= n_st)
        better = (nash > n_st[:, None]) & eng.rational_mask(i, turn.lo)
        cannot = must & ~better.any(axis=1)
        if eng.single_text:
            best = nash.max(axis=1)
            acc = np.where(has_st & (n_st >= best - 1e-12), turn.lo, np.inf)
            return turn.hi.copy(), acc
        acc = np.where(cannot, turn.lo, u_own)
        return turn.hi.copy(), acc

    def propose(self, turn: Turn) -> np.ndarray | None:
        eng = turn.engine
        assert eng is not None, "the Zeuthen strategy needs the negotiation engine"
        i = turn.actor
        nash = eng.log_nash(i)
        rows = np.arange(len(turn.standing))
        u = eng.utility_rows(i)  # (B, P)
        ok = eng.rational_mask(i, turn.lo)  # (R, P)
        has_st = turn.standing >= 0
        has_own = turn.own_last >= 0
        n_st = np.where(has_st, nash[rows, np.where(has_st, turn.standing, 0)], -np.inf)
        n_own = np.where(has_own, nash[rows, np.where(has_own, turn.own_last, 0)], -np.inf)
        cand = ok & (nash > n_st[:, None])
        pick = np.argmax(np.where(cand, u, -np.inf), axis=1)  # best for itself among them
        first = np.argmax(np.where(ok, u, -np.inf), axis=1)  # opening: its best package
        hold = has_own & (n_own > n_st)
        out = np.where(has_own, np.where(hold | ~cand.any(axis=1), turn.own_last, pick), first)
        return out.astype(np.int64)


#: Strategy names accepted in scenarios and on the command line.
STRATEGIES: dict[str, Any] = {
    "boulware": lambda **kw: TimeDependent(beta=CURVES["boulware"], **kw),
    "linear": lambda **kw: TimeDependent(beta=CURVES["linear"], **kw),
    "conceder": lambda **kw: TimeDependent(beta=CURVES["conceder"], **kw),
    "time-dependent": TimeDependent,
    "tit-for-tat": TitForTat,
    "tft": TitForTat,
    "hard-liner": HardLiner,
    "hardliner": HardLiner,
    "zeuthen": Zeuthen,
}

_SPEC = re.compile(r"^\s*(?P<name>[a-z][a-z-]*)\s*(?:\((?P<args>[^)]*)\))?\s*$")


def parse_strategy(spec: str | dict[str, Any]) -> Strategy:
    """A strategy from ``"boulware"``, ``"tit-for-tat(mode=absolute, delta=2)"`` or a mapping
    ``{name: tit-for-tat, mode: absolute}``; raises ValueError saying what is wrong."""
    if isinstance(spec, dict):
        spec = dict(spec)
        name = spec.pop("name", None)
        if not isinstance(name, str):
            raise ValueError(
                # noqa: TRY004 (one error type for bad specs)
                "a strategy mapping needs `name` (one of " + ", ".join(sorted(STRATEGIES)) + ")"
            )
        kwargs = spec
    elif isinstance(spec, str):
        m = _SPEC.match(spec.lower())
        if not m:
            raise ValueError(
                f"cannot read strategy {spec!r}; write e.g. boulware or tit-for-tat(mode=absolute)"
            )
        name, kwargs = m["name"], {}
        for part in filter(None, (p.strip() for p in (m["args"] or "").split(","))):
            if "=" not in part:
                raise ValueError(f"strategy argument {part!r} must read key=value")
            k, v = (s.strip() for s in part.split("=", 1))
            kwargs[k] = _number(v)
    else:
        # noqa: TRY004
        raise ValueError(f"a strategy is a name or a mapping, got {type(spec).__name__}")
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; use one of " + ", ".join(sorted(STRATEGIES)))
    try:
        return STRATEGIES[name](**kwargs)
    except TypeError as exc:
        raise ValueError(f"strategy {name!r}: {exc}") from None


def _number(text: str) -> Any:
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and "." not in text and "e" not in text.lower() else v
