"""The scenario: actors, issues on labelled scales, stances, evidence.

A scenario is validated once, at the door (see :mod:`accord.scenario.checks` for the checks
across fields). Every number an analyst enters is a :class:`Quantity`: a value that may carry
``evidence`` (a source id with a verbatim quote, or a judgement with its reason) and an
``uncertainty`` (a range and a shape, used by the Monte Carlo). In YAML a bare number is
accepted wherever a quantity is expected.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from .fields import (  # re-exported: the scenario's building blocks
    Evidence,
    EvidenceCoverage,
    Quantity,
    Source,
    StrictModel,
    Uncertainty,
    clean_id,
    finite_number,
    rule_error,
    strict_bool,
)
from .procedure import Procedure

if TYPE_CHECKING:
    from .issue_arrays import IssueArrays

__all__ = [
    "Actor",
    "Evidence",
    "Issue",
    "Metadata",
    "NoDeal",
    "Procedure",
    "Quantity",
    "Scale",
    "Scenario",
    "Source",
    "Stance",
    "Uncertainty",
    "WarDynamics",
]


class Metadata(StrictModel):
    title: str
    date: str | None = None
    author: str | None = None
    description: str | None = None

    @field_validator("title", mode="after")
    @classmethod
    def _titled(cls, v: str) -> str:
        if not v.strip():
            raise rule_error("must not be empty", "give the scenario a title")
        return v


class Scale(StrictModel):
    """An issue's numeric scale and the deal term each labelled point stands for."""

    min: float = 0.0
    max: float = 100.0
    labels: dict[float, str] = Field(default_factory=dict)
    discrete: bool = Field(
        False, description="only the labelled points are possible outcomes (options, not a range)"
    )

    @field_validator("min", "max", mode="before")
    @classmethod
    def _bounds(cls, v: Any) -> Any:
        return finite_number(v)

    @field_validator("discrete", mode="before")
    @classmethod
    def _discrete(cls, v: Any) -> Any:
        return strict_bool(v)

    @field_validator("labels", mode="before")
    @classmethod
    def _points(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for point in v:
                if not isinstance(point, str):  # JSON keys are text: "0" is the point 0
                    finite_number(point)
                elif point.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
                    raise rule_error("must be keyed by finite numbers")
        return v

    @model_validator(mode="after")
    def _range(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"scale min ({self.min}) must be below max ({self.max})")
        return self

    def nearest_label(self, value: float) -> tuple[float, str] | None:
        if not self.labels:
            return None
        point = min(self.labels, key=lambda p: (abs(p - value), p))
        return point, self.labels[point]

    def describe(self, value: float) -> str:
        """Text of the nearest labelled point, marked '≈' when the value is not on it."""
        hit = self.nearest_label(value)
        if hit is None:
            return ""
        point, text = hit
        tol = 1e-9 * (self.max - self.min)
        return text if abs(point - value) <= tol else f"≈ {text} ({_fmt(point)})"


def _fmt(x: float) -> str:
    return f"{x:g}"


class Issue(StrictModel):
    id: str = Field(min_length=1)
    name: str | None = None
    question: str
    scale: Scale = Field(default_factory=Scale)
    status_quo: Quantity | None = Field(
        None, description="where the issue stands if no deal is made (today's facts)"
    )

    @field_validator("id", mode="after")
    @classmethod
    def _id(cls, v: Any) -> Any:
        return clean_id(v)


class Stance(StrictModel):
    """One actor's stance on one issue."""

    position: Quantity
    salience: Quantity
    red_line: Quantity | None = Field(
        None,
        description="the worst value the actor would accept (the side away from its position is "
        "unacceptable)",
    )
    capability: Quantity | None = Field(
        None, description="overrides the actor's capability on this issue"
    )
    red_line_follows_front: bool = Field(
        False,
        description="the red line moves with the no-deal status quo (`war.drift_per_month`): at "
        "month t it lies where it lies now plus the line's drift since now, as for a party that "
        "signs nothing behind the ground it holds when it signs",
    )

    @field_validator("red_line_follows_front", mode="before")
    @classmethod
    def _follows(cls, v: Any) -> Any:
        return strict_bool(v)

    @model_validator(mode="after")
    def _follows_needs_red_line(self) -> Stance:
        if self.red_line_follows_front and self.red_line is None:
            raise ValueError(
                "`red_line_follows_front: true` moves a red line with the front: add `red_line`"
            )
        return self


class NoDeal(StrictModel):
    """What continued conflict means for one actor, per month (used by the bargaining analysis)."""

    cost_per_month: Quantity | None = Field(
        None, description="utility lost per month of continued war (utility scale 0..1)"
    )
    cost_growth_per_month: Quantity | None = Field(
        None,
        description="relative change of that cost per month: month τ of war costs "
        "cost_per_month·(1 + g)^(τ−1); above 0 where strain mounts, below 0 where endurance rises",
    )
    capability_trend_per_month: Quantity | None = Field(
        None, description="relative change of capability per month (0.01 = +1 % a month)"
    )
    utility: Quantity | None = Field(
        None, description="fixed utility of no deal (overrides the status-quo package) on 0..1"
    )


class Actor(StrictModel):
    id: str = Field(min_length=1)
    name: str
    description: str | None = None
    capability: Quantity
    stances: dict[str, Stance] = Field(default_factory=dict)
    no_deal: NoDeal | None = None
    party: bool = Field(
        True,
        description="whether a deal needs this actor's consent (a signatory or veto player); "
        "False: it shapes the forecasts but not the zone of agreement",
    )
    red_lines_move_together: Quantity | None = Field(
        None,
        description="ρ in [0, 1): how strongly this actor's uncertain red lines move together "
        "in the Monte Carlo (a Gaussian copula: a draw that softens one tends to soften all); "
        "none or 0: independently",
    )
    ratifies: bool = Field(
        False,
        description="not at the table (party: false) but its red lines bind every deal, on the "
        "issues it takes a stance on: a legislature that must pass the sanctions relief or "
        "fund the guarantees; it is not asked whether a deal beats war",
    )

    @field_validator("id", mode="after")
    @classmethod
    def _id(cls, v: Any) -> Any:
        return clean_id(v)

    @field_validator("party", "ratifies", mode="before")
    @classmethod
    def _party(cls, v: Any) -> Any:
        return strict_bool(v)

    @field_validator("red_lines_move_together", mode="after")
    @classmethod
    def _rho(cls, q: Quantity | None) -> Quantity | None:
        if q is None:
            return q
        if not 0.0 <= q.value < 1.0:
            raise rule_error(
                f"must lie in [0, 1), got {q.value:g}", "give a correlation such as 0.5"
            )
        if q.uncertainty is not None:
            raise rule_error(
                "cannot itself be uncertain (the Monte Carlo draws the red lines, not ρ)",
                "remove its uncertainty and compare runs with two values instead",
            )
        return q

    @model_validator(mode="after")
    def _ratifier_is_not_a_party(self) -> Actor:
        if self.ratifies and self.party:
            raise ValueError(
                "`ratifies: true` is for an actor outside the talks: set `party: false` too "
                "(a party's red lines bind already)"
            )
        return self

    @property
    def binds_red_lines(self) -> bool:
        """Whether this actor's red lines limit a deal: a party's or a ratifier's."""
        return self.party or self.ratifies


class WarDynamics(StrictModel):
    """How the no-deal situation moves with time."""

    drift_per_month: dict[str, Quantity] = Field(
        default_factory=dict, description="scale points per month the status quo of an issue moves"
    )
    discount_rate_per_month: Quantity | None = None


class Scenario(StrictModel):
    accord: int = Field(1, description="scenario format version")
    metadata: Metadata
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor]
    issues: list[Issue]
    war: WarDynamics | None = None
    procedure: Procedure | None = Field(
        None,
        description="the EU decision rule (legislative procedure, the Council's voting rule) and "
        "the actors' institutional roles, for the procedure-aware compromise model",
    )
    extensions: dict[str, Any] = Field(
        default_factory=dict, description="settings of later analyses (process, simulation, ...)"
    )

    @field_validator("accord", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, bool) or v != 1 or not isinstance(v, (int, float)):
            raise rule_error(
                "is an unknown format version",
                "this version of accord reads format version 1: write `accord: 1`",
            )
        return 1

    @model_serializer(mode="wrap")
    def _without_empty_procedure(self, handler: SerializerFunctionWrapHandler) -> Any:
        """A scenario without a procedure is written as before the field existed (no
        ``procedure: null``), so its files and its content hash do not change."""
        out = handler(self)
        if isinstance(out, dict) and out.get("procedure", "") is None:
            del out["procedure"]
        return out

    # -- lookups ---------------------------------------------------------------------------
    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    def red_line_holders(self) -> np.ndarray:
        """(n,) bool: the actors whose red lines limit a deal (parties and ratifiers)."""
        return np.array([a.binds_red_lines for a in self.actors], dtype=bool)

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor with id {actor_id!r}; actors are {self.actor_ids}")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue with id {issue_id!r}; issues are {self.issue_ids}")

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    # -- arrays for the models -------------------------------------------------------------
    def arrays(self, issue_id: str) -> IssueArrays:
        from .issue_arrays import IssueArrays

        """Arrays of the actors that take a stance on ``issue_id`` (in scenario order)."""
        issue = self.issue(issue_id)
        ids, pos, sal, cap, red = [], [], [], [], []
        for a in self.actors:
            st = a.stances.get(issue_id)
            if st is None:
                continue
            ids.append(a.id)
            pos.append(st.position.value)
            sal.append(st.salience.value)
            cap.append((st.capability or a.capability).value)
            red.append(np.nan if st.red_line is None else st.red_line.value)
        return IssueArrays(
            issue_id=issue_id,
            actor_ids=tuple(ids),
            position=np.asarray(pos, dtype=float),
            salience=np.asarray(sal, dtype=float),
            capability=np.asarray(cap, dtype=float),
            red_line=np.asarray(red, dtype=float),
            scale_min=issue.scale.min,
            scale_max=issue.scale.max,
        )

    def matrices(self) -> dict[str, np.ndarray]:
        """Actor × issue matrices (NaN where an actor takes no stance; salience 0 there)."""
        n, m = len(self.actors), len(self.issues)
        pos = np.full((n, m), np.nan)
        sal = np.zeros((n, m))
        cap = np.zeros((n, m))
        red = np.full((n, m), np.nan)
        for i, a in enumerate(self.actors):
            for k, iss in enumerate(self.issues):
                st = a.stances.get(iss.id)
                if st is None:
                    continue
                pos[i, k] = st.position.value
                sal[i, k] = st.salience.value
                cap[i, k] = (st.capability or a.capability).value
                if st.red_line is not None:
                    red[i, k] = st.red_line.value
        return {"position": pos, "salience": sal, "capability": cap, "red_line": red}

    # -- evidence --------------------------------------------------------------------------
    def quantities(self) -> list[tuple[str, Quantity]]:
        """Every number in the scenario with its place (``actors[1].stances.nato.salience``)."""
        return list(_walk_quantities(self, ""))

    def evidence_coverage(self) -> EvidenceCoverage:
        items = self.quantities()
        kinds = Counter(q.evidence.kind for _, q in items if q.evidence is not None)
        return EvidenceCoverage(
            total=len(items),
            quoted=kinds["quote"],
            comments=kinds["comment"],
            judgement=kinds["judgement"],
        )

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the scenario (stable across key order)."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


def _walk_quantities(obj: Any, place: str):
    if isinstance(obj, Quantity):
        yield place, obj
        return
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            val = getattr(obj, name)
            if val is None:
                continue
            yield from _walk_quantities(val, f"{place}.{name}" if place else name)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk_quantities(v, f"{place}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_quantities(v, f"{place}.{k}")
