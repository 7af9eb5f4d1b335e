"""The scenario's building blocks: numbers with their evidence and range, and the sources.

Every number an analyst enters is a :class:`Quantity`: a value that may carry ``evidence``
(:class:`Evidence`: a source id with a verbatim quote, a reader comment, or a judgement with its
reason) and an ``uncertainty`` (:class:`Uncertainty`: a range and a shape, used by the Monte
Carlo, with the range's own evidence). :class:`EvidenceCoverage` counts how a scenario's
numbers are supported. The shared validators (finite numbers, strict switches, clean ids) live
here too; :mod:`.model` builds the scenario from these.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "Evidence",
    "EvidenceCoverage",
    "Quantity",
    "Source",
    "Uncertainty",
    "clean_id",
    "finite_number",
    "rule_error",
    "StrictModel",
    "strict_bool",
]


# -- validators shared by the fields: numbers, switches, ids and texts ---------------------------

_FLOAT_MAX = 1.7976931348623157e308
_FIX_KEY = "fix"


def rule_error(rule: str, fix: str | None = None) -> PydanticCustomError:
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
        raise rule_error(
            "must be a number, not true/false",
            "write a number; YAML reads yes/no/on/off/true/false as true/false",
        )
    if isinstance(v, str):
        try:
            float(v)
        except ValueError:
            raise rule_error("must be a number") from None
        raise rule_error("must be a number, not text", _text_number_fix(v))
    if isinstance(v, int):
        if abs(v) > _FLOAT_MAX:
            raise rule_error("is too large: numbers must lie within ±1.8e308")
        return v
    if isinstance(v, float) and not math.isfinite(v):
        raise rule_error("must be a finite number, not infinity or NaN")
    return v


def strict_bool(v: Any) -> Any:
    if not isinstance(v, bool):
        raise rule_error("must be true or false")
    return v


def clean_id(v: Any) -> Any:
    if not isinstance(v, str):
        return v  # pydantic reports the type
    if not v.isprintable():
        raise rule_error(
            "must hold printable characters only (no control characters, escape "
            "sequences, tabs or line breaks)",
            "retype the id",
        )
    if v != v.strip():
        raise rule_error("must not begin or end with spaces", "remove the spaces")
    return v


#: Control characters a text may not hold (C0 and C1, DEL; tabs and line breaks are text): a
#: terminal obeys an escape sequence printed in a table.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(v: Any) -> Any:
    """A text (or the texts of a mapping) without control characters."""
    texts = v.values() if isinstance(v, dict) else (v,)
    for t in texts:
        if isinstance(t, str) and (hit := _CONTROL.search(t)) is not None:
            raise rule_error(
                f"holds the control character {hit.group()!r} (a terminal would obey it)",
                "retype the text without it",
            )
    return v


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, v: Any, info: ValidationInfo) -> Any:
        return v if info.field_name == "id" else clean_text(v)  # ids: clean_id, stricter


class Evidence(StrictModel):
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


class PanelView(StrictModel):
    """One reviewer's view of a number: their own value and range, and why."""

    by: str = Field(min_length=1, description="the reviewer's name")
    value: float
    low: float
    high: float
    weight: float = Field(
        1.0,
        ge=0,
        description="the reviewer's weight in the pool (equal by default; e.g. a performance "
        "weight from calibration questions, Cooke's classical model)",
    )
    evidence: Evidence | None = None

    @field_validator("value", "low", "high", "weight", mode="before")
    @classmethod
    def _numbers(cls, v: Any) -> Any:
        return finite_number(v)

    @model_validator(mode="after")
    def _ordered(self) -> PanelView:
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"{self.by}'s range must contain their value (low <= value <= high), got "
                f"({self.low}, {self.value}, {self.high})"
            )
        return self


class Uncertainty(StrictModel):
    """The range an uncertain number may take, and the shape of its distribution.

    ``triangular`` peaks at the quantity's value; ``truncnorm`` is centred on the value with
    standard deviation ``sd`` (default: a quarter of the range) and cut at low/high; ``beta``
    is rescaled to [low, high] with its mean at the value and concentration ``concentration``;
    ``panel`` is the linear opinion pool of the reviewers' views in ``panel`` (each a
    triangular distribution on its own range, weighted by ``weight``), and low/high, when not
    written, are the panel's widest range.
    """

    low: float
    high: float
    shape: Literal["uniform", "triangular", "truncnorm", "beta", "panel"] = "triangular"
    panel: list[PanelView] | None = Field(
        None, description="the reviewers' own values and ranges (shape: panel)"
    )
    evidence: Evidence | None = Field(
        None, description="why the range is this wide (a reader comment may support a range)"
    )
    sd: float | None = Field(None, gt=0)
    concentration: float | None = Field(None, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _panel_range(cls, data: Any) -> Any:
        """A panel's range, when not written, is the widest of its reviewers' ranges."""
        if not isinstance(data, dict) or data.get("shape") != "panel":
            return data
        views = [v for v in data.get("panel") or [] if isinstance(v, dict)]
        lows = [v["low"] for v in views if isinstance(v.get("low"), int | float)]
        highs = [v["high"] for v in views if isinstance(v.get("high"), int | float)]
        if lows and highs:
            data = {"low": min(lows), "high": max(highs), **data}
        return data

    @field_validator("low", "high", "sd", "concentration", mode="before")
    @classmethod
    def _numbers(cls, v: Any) -> Any:
        return finite_number(v)

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        if (self.shape == "panel") != bool(self.panel):
            raise ValueError(
                "`shape: panel` takes its distribution from `panel`, a list of reviewers' views "
                "(by, value, low, high): give both or neither"
            )
        if self.panel:
            names = [v.by for v in self.panel]
            if len(set(names)) < len(names):
                raise ValueError(f"each reviewer gives one view: {names} repeats a name")
            if sum(v.weight for v in self.panel) <= 0:
                raise ValueError("the reviewers' weights must not all be 0")
            if any(v.low < self.low or v.high > self.high for v in self.panel):
                raise ValueError(
                    f"every reviewer's range must lie within low..high ({self.low}..{self.high})"
                )
        return self


class Quantity(StrictModel):
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
        raise rule_error("must be a number, or a mapping with `value` and optional `evidence`")

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, v: Any) -> Any:
        return finite_number(v)

    def __float__(self) -> float:
        return float(self.value)


class Source(StrictModel):
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
