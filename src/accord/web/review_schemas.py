"""The team review API's request and answer shapes (pydantic: validated at the door, with
bounded sizes, and documented in OpenAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accord.scenario.address import ADDRESS_RE

__all__ = [
    "ActivityOut",
    "AddressIn",
    "DisputeOut",
    "EvidenceIn",
    "MeOut",
    "NewPost",
    "NewThread",
    "PanelOut",
    "PostOut",
    "RecordOut",
    "SignOffIn",
    "SignOffOut",
    "StatusOut",
    "ThreadOut",
    "ViewIn",
    "ViewOut",
]

#: the largest number a review may propose (the scales of accord's scenarios are far smaller)
MAX_ABS = 1e9
Number = float
Address = str
ADDRESS_FIELD = Field(
    min_length=1,
    max_length=200,
    pattern=f"^{ADDRESS_RE.pattern}$",
    description="the number's stable address, e.g. actor:russia/issue:nato/salience",
    examples=["actor:russia/issue:nato/salience"],
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceIn(Strict):
    """A quote from a source (``source`` and ``quote``) or a ``judgement`` with its reason."""

    source: str | None = Field(None, min_length=1, max_length=200)
    quote: str | None = Field(None, min_length=1, max_length=4000)
    judgement: str | None = Field(None, min_length=1, max_length=4000)

    @model_validator(mode="after")
    def _one_kind(self) -> EvidenceIn:
        if (self.source is None) != (self.quote is None):
            raise ValueError("a quote needs both `source` and `quote`")
        if self.quote is None and self.judgement is None:
            raise ValueError("give `source` + `quote`, or `judgement`")
        return self


def _bounded(x: float | None, what: str) -> None:
    if x is not None and abs(x) > MAX_ABS:
        raise ValueError(f"{what} must lie within ±{MAX_ABS:g}, got {x}")


class NewPost(Strict):
    kind: Literal["comment", "propose", "agree", "object", "resolve", "reopen"] = Field(
        description="comment or propose (analysts and reviewers); agree or object (reviewers); "
        "resolve or reopen (reviewers)"
    )
    text: str = Field(min_length=1, max_length=4000)
    proposed: float | None = Field(
        None, allow_inf_nan=False, description="another value for the number (propose, object)"
    )
    evidence: EvidenceIn | None = Field(None, description="the proposed value's evidence")

    @model_validator(mode="after")
    def _proposal(self) -> NewPost:
        _bounded(self.proposed, "proposed")
        if self.kind == "propose" and self.proposed is None:
            raise ValueError("a proposal needs `proposed`, the value proposed")
        if self.kind not in ("propose", "object") and self.proposed is not None:
            raise ValueError(f"a {self.kind} post proposes no value: leave out `proposed`")
        return self


class NewThread(NewPost):
    address: Address = ADDRESS_FIELD
    kind: Literal["comment", "propose", "object"] = Field(
        "comment", description="the thread's first post"
    )


class AddressIn(Strict):
    address: Address = ADDRESS_FIELD


class ViewIn(Strict):
    """A reviewer's own value for a number and the range they find plausible."""

    address: Address = ADDRESS_FIELD
    value: float = Field(allow_inf_nan=False)
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    evidence: EvidenceIn | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ViewIn:
        for what in ("value", "low", "high"):
            _bounded(getattr(self, what), what)
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"the range must contain the value (low <= value <= high), got "
                f"({self.low}, {self.value}, {self.high})"
            )
        return self


class SignOffIn(Strict):
    note: str | None = Field(None, max_length=4000)


class PostOut(BaseModel):
    id: str
    kind: str
    author: str
    at: str
    text: str
    proposed: float | None = None
    evidence: dict[str, str] | None = None
    version: str = Field(description="the scenario hash (first 12 characters) it was posted on")
    value_then: float | str | None = Field(None, description="the number when it was posted")


class ThreadOut(BaseModel):
    id: str
    scenario: str
    address: str
    place: str | None = Field(None, description="where the number is in the scenario now")
    status: str
    created_by: str
    created_at: str
    version: str
    value_then: float | str | None = None
    value_now: float | str | None = None
    changed: bool = Field(False, description="the number changed since the thread was started")
    change_note: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    posts: list[PostOut] = []


class ViewOut(BaseModel):
    address: str
    reviewer: str
    value: float
    low: float
    high: float
    evidence: dict[str, str] | None = None
    at: str
    version: str


class PanelOut(BaseModel):
    address: str
    place: str
    reviewers: list[str]
    low: float
    high: float


class SignOffOut(BaseModel):
    id: str
    version: str
    scenario_hash: str
    by: str
    at: str
    note: str | None = None


class DisputeOut(BaseModel):
    thread_id: str
    address: str
    who: str
    proposed: float | None = None
    text: str
    value_now: float | str | None = None


class StatusOut(BaseModel):
    scenario: str
    version: str
    scenario_hash: str
    signed_off: list[SignOffOut]
    earlier_signoffs: list[SignOffOut]
    disputes: list[DisputeOut]
    open_threads: int


class ActivityOut(BaseModel):
    at: str
    user: str
    action: str
    scenario: str | None = None
    detail: str


class MeOut(BaseModel):
    name: str
    role: str
    rights: list[str]
    team: bool = Field(description="a team server (users file) rather than one local analyst")


class RecordOut(BaseModel):
    """A scenario's whole review record: to keep with its brief."""

    scenario: str
    version: str
    status: StatusOut
    threads: list[ThreadOut]
    views: list[ViewOut]
    activity: list[ActivityOut]
