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
import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from .issue_arrays import IssueArrays

__all__ = [
    "Actor",
    "Evidence",
    "Issue",
    "Metadata",
    "NoDeal",
    "Quantity",
    "Scale",
    "Scenario",
    "Source",
    "Stance",
    "Uncertainty",
    "WarDynamics",
]


# -- validators shared by the fields: numbers, switches, ids and texts ---------------------------

_FLOAT_MAX = 1.7976931348623157e308
_FIX_KEY = "fix"


def _fail(rule: str, fix: str | None = None) -> PydanticCustomError:
    # the loader reads ``fix`` from the error's context (scenario.loader._from_pydantic)
    return PydanticCustomError("accord_rule", rule, {_FIX_KEY: fix} if fix else None)


def _text_number_fix(v: str) -> str:
    m = re.match(r"^\s*([-+]?\d+(?:\.\d*)?)[eE]([-+]?)(\d+)\s*$", v)
    if m is None:
        return "remove the quotes: write the number itself"
    mant = m.group(1) if "." in m.group(1) else m.group(1) + ".0"
    return (
        f"write it as {mant}e{m.group(2) or '+'}{m.group(3)}: YAML reads an exponent as a "
        "number only with a decimal point and a signed exponent"
    )


def finite_number(v: Any) -> Any:
    """``v`` if it is a finite number; a clear error for booleans, text and huge numbers."""
    if isinstance(v, bool):
        raise _fail(
            "must be a number, not true/false",
            "write a number; YAML reads yes/no/on/off/true/false as true/false",
        )
    if isinstance(v, str):
        try:
            float(v)
        except ValueError:
            raise _fail("must be a number") from None
        raise _fail("must be a number, not text", _text_number_fix(v))
    if isinstance(v, int):
        if abs(v) > _FLOAT_MAX:
            raise _fail("is too large: numbers must lie within ±1.8e308")
        return v
    if isinstance(v, float) and not math.isfinite(v):
        raise _fail("must be a finite number, not infinity or NaN")
    return v


def strict_bool(v: Any) -> Any:
    if not isinstance(v, bool):
        raise _fail("must be true or false")
    return v


def clean_id(v: Any) -> Any:
    if not isinstance(v, str):
        return v  # pydantic reports the type
    if not v.isprintable():
        raise _fail(
            "must hold printable characters only (no control characters, escape "
            "sequences, tabs or line breaks)",
            "retype the id",
        )
    if v != v.strip():
        raise _fail("must not begin or end with spaces", "remove the spaces")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Evidence(_Strict):
    """Why a number has the value it has: a quote from a source, or the analyst's judgement.

    Three kinds are kept apart: an article's own words (``source`` + ``quote``), a reader
    comment published under it (the same plus ``comment_by``: an opinion, not the author's
    reporting), and the analyst's ``judgement``. A reader comment may support a range (the
    evidence of an ``uncertainty``) or colour; a point value resting on one needs ``reason``.
    """

    source: str | None = Field(None, description="id of an entry in the scenario's `sources`")
    quote: str | None = Field(None, description="verbatim passage from that source")
    comment_by: str | None = Field(
        None, description="the quote is a reader comment under the source, by this reader"
    )
    reason: str | None = Field(
        None, description="why a reader comment may set this point value (not only its range)"
    )
    judgement: str | None = Field(
        None, description="the analyst's reasoning when no source says it"
    )
    note: str | None = Field(None, description="how the quote was turned into this number")

    @model_validator(mode="after")
    def _one_kind(self) -> Evidence:
        has_src = self.source is not None or self.quote is not None
        if has_src and (self.source is None or self.quote is None):
            raise ValueError("evidence from a source needs both `source` (an id) and `quote`")
        if not has_src and self.judgement is None:
            raise ValueError("evidence needs either `source` + `quote` or `judgement`")
        if self.comment_by is not None and not has_src:
            raise ValueError("`comment_by` names the reader of a quoted comment: add its quote")
        return self

    @property
    def kind(self) -> Literal["quote", "comment", "judgement"]:
        """ "quote" (the article's own words), "comment" (a reader's) or "judgement"."""
        if self.source is None:
            return "judgement"
        return "comment" if self.comment_by is not None else "quote"


class Uncertainty(_Strict):
    """The range an uncertain number may take, and the shape of its distribution.

    ``triangular`` peaks at the quantity's value; ``truncnorm`` is centred on the value with
    standard deviation ``sd`` (default: a quarter of the range) and cut at low/high; ``beta``
    is rescaled to [low, high] with its mean at the value and concentration ``concentration``.
    """

    low: float
    high: float
    shape: Literal["uniform", "triangular", "truncnorm", "beta"] = "triangular"
    evidence: Evidence | None = Field(
        None, description="why the range is this wide (a reader comment may support a range)"
    )
    sd: float | None = Field(None, gt=0)
    concentration: float | None = Field(None, gt=0)

    @field_validator("low", "high", "sd", "concentration", mode="before")
    @classmethod
    def _numbers(cls, v: Any) -> Any:
        return finite_number(v)

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class Quantity(_Strict):
    """A number with its evidence and, optionally, its uncertainty."""

    value: float
    evidence: Evidence | None = None
    uncertainty: Uncertainty | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        if isinstance(data, (bool, int, float, str)):
            return {"value": finite_number(data)}
        raise _fail("must be a number, or a mapping with `value` and optional `evidence`")

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, v: Any) -> Any:
        return finite_number(v)

    def __float__(self) -> float:
        return float(self.value)


class Source(_Strict):
    id: str = Field(min_length=1)
    title: str
    author: str | None = None
    publication: str | None = None
    date: str | None = None
    url: str | None = None

    @field_validator("id", mode="after")
    @classmethod
    def _id(cls, v: Any) -> Any:
        return clean_id(v)


class Metadata(_Strict):
    title: str
    date: str | None = None
    author: str | None = None
    description: str | None = None

    @field_validator("title", mode="after")
    @classmethod
    def _titled(cls, v: str) -> str:
        if not v.strip():
            raise _fail("must not be empty", "give the scenario a title")
        return v


class Scale(_Strict):
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
                    raise _fail("must be keyed by finite numbers")
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


class Issue(_Strict):
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


class Stance(_Strict):
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


class NoDeal(_Strict):
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


class Actor(_Strict):
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


class WarDynamics(_Strict):
    """How the no-deal situation moves with time."""

    drift_per_month: dict[str, Quantity] = Field(
        default_factory=dict, description="scale points per month the status quo of an issue moves"
    )
    discount_rate_per_month: Quantity | None = None


class Scenario(_Strict):
    accord: int = Field(1, description="scenario format version")
    metadata: Metadata
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor]
    issues: list[Issue]
    war: WarDynamics | None = None
    extensions: dict[str, Any] = Field(
        default_factory=dict, description="settings of later analyses (process, simulation, ...)"
    )

    @field_validator("accord", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, bool) or v != 1 or not isinstance(v, (int, float)):
            raise _fail(
                "is an unknown format version",
                "this version of accord reads format version 1: write `accord: 1`",
            )
        return 1

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


class EvidenceCoverage(BaseModel):
    """How the numbers of a scenario are supported: article quotes, reader comments (opinions
    under an article) and the analyst's judgement, counted apart."""

    total: int
    quoted: int
    judgement: int
    comments: int = 0

    @property
    def unsupported(self) -> int:
        return self.total - self.quoted - self.comments - self.judgement

    @property
    def share_evidenced(self) -> float:
        return (self.quoted + self.comments + self.judgement) / self.total if self.total else 1.0

    @property
    def share_quoted(self) -> float:
        return self.quoted / self.total if self.total else 1.0

    def __str__(self) -> str:
        return (
            f"{self.total} numbers: {self.quoted} quoted from sources, {self.comments} from "
            f"reader comments, {self.judgement} judgement, {self.unsupported} without evidence "
            f"({self.share_evidenced:.0%} evidenced)"
        )
