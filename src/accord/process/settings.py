"""The process simulator's settings: ``extensions: {process: {...}}`` of a scenario, validated.

Every setting of :mod:`accord.process.processes` with its default; errors name the place in the
scenario (``extensions.process.summit.escalation_penalty``) and the rule; the CLI's ``--set``
overrides go through the same validation.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from accord.scenario import Problem, Scenario, ScenarioError
from accord.scenario.model import Evidence

from .protocols import DEFAULT_TOLERANCE
from .strategies import parse_strategy

__all__ = ["ProcessSettings", "settings_from_scenario"]


# -- settings ----------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence: Evidence | None = Field(
        None, description="why these settings (a quote from a source, or the analyst's judgement)"
    )


class DirectSettings(_Strict):
    rounds: int = Field(12, ge=1, description="rounds of alternating offers")


class PrepTalksSettings(_Strict):
    signal_rounds: int = Field(6, ge=0, description="rounds of private signals before formal talks")
    months_per_signal_round: float = Field(
        1.0, ge=0, description="months each round of preparatory talks takes"
    )
    signal_noise: float = Field(
        1.0, gt=0, description="signal noise as a multiple of the prior belief spread"
    )
    rounds: int = Field(12, ge=1, description="rounds of formal talks after the preparation")


class SummitSettings(_Strict):
    rounds: int = Field(3, ge=1, description="rounds of talks at the summit")
    months_per_round: float = Field(0.0, ge=0, description="months a summit round takes")
    escalation_penalty: float | dict[str, float] = Field(
        0.05,
        description="no-deal utility the failing parties lose if it fails: one number for "
        "every party, or actor id -> loss (parties not listed lose nothing), e.g. only the "
        "party a furious broker turns against",
    )
    trust_loss: float = Field(
        0.5, ge=0, description="belief spreads grow by this share after a failure"
    )
    follow_up_rounds: int = Field(
        0, ge=0, description="rounds of talks after a failed summit (0: none)"
    )
    failure_shift: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="actor id -> {issue id: scale points}: where a failed summit moves an "
        "actor's position for the follow-up talks (a broker who turns against the party that "
        "refused), clipped to the issue's scale",
    )


class UltimatumSettings(_Strict):
    target: str | None = Field(
        None,
        description="actor given the ultimatum (default: strongest party other than the mediator)",
    )
    deadline: int = Field(
        7, ge=1, description="rounds until the deadline (7 weekly rounds = 50 days)"
    )
    penalty: float = Field(
        0.05, ge=0, description="no-deal utility the target loses at the deadline"
    )
    credibility: float = Field(
        1.0, ge=0, le=1, description="probability that the penalty is imposed"
    )
    rounds_after: int = Field(5, ge=0, description="rounds of talks after the deadline")


class MediatedSettings(_Strict):
    mediator: str | None = Field(
        None, description="the mediator (default: the process-wide mediator)"
    )
    rounds: int = Field(12, ge=1, description="rounds of drafting and amending the text")
    criticism_noise: float = Field(
        1.0, gt=0, description="noise of a rejecting party's criticism, × the prior spread"
    )


class BeliefSettings(_Strict):
    no_deal_sd: float | None = Field(
        None, ge=0, description="belief spread of no-deal payoffs without an uncertainty range"
    )
    red_line_sd: float | None = Field(
        None, ge=0, description="belief spread of red lines without a range, × scale width"
    )
    scale: float = Field(
        1.0, ge=0, description="multiplies every belief spread (0: perfect information)"
    )


class ProcessSettings(_Strict):
    """Every setting of the process simulation (``extensions.process`` of a scenario)."""

    strategies: dict[str, Any] = Field(
        default_factory=dict, description="actor id -> strategy (name or mapping)"
    )
    default_strategy: Any = Field(
        "boulware", description="strategy of the actors not listed in `strategies`"
    )
    mediator: str | None = Field(None, description="default: the party with the largest capability")
    start_month: float = Field(
        0.0, ge=0, description="month of continued war at which the talks start"
    )
    months_per_round: float = Field(
        0.25, ge=0, description="months each round of talks takes (0.25: weekly)"
    )
    offer_policy: Literal["believed", "aspiration"] = "believed"
    tolerance: float = Field(DEFAULT_TOLERANCE, ge=0)
    resolution: int = Field(
        11, ge=2, description="grid points per continuous issue (bargaining analysis)"
    )
    loss: Literal["linear", "quadratic"] = "linear"
    beliefs: BeliefSettings = Field(default_factory=BeliefSettings)
    direct: DirectSettings = Field(default_factory=DirectSettings)
    prep_talks: PrepTalksSettings = Field(default_factory=PrepTalksSettings, alias="prep-talks")
    summit: SummitSettings = Field(default_factory=SummitSettings)
    ultimatum: UltimatumSettings = Field(default_factory=UltimatumSettings)
    mediated: MediatedSettings = Field(default_factory=MediatedSettings)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("summit", mode="after")
    @classmethod
    def _penalties(cls, v: SummitSettings) -> SummitSettings:
        pen = v.escalation_penalty
        values = pen.values() if isinstance(pen, dict) else [pen]
        if any(not x >= 0 for x in values):
            raise ValueError("summit.escalation_penalty must be zero or more (per actor)")
        return v

    @field_validator("strategies", mode="before")
    @classmethod
    def _mapping(cls, v: Any) -> Any:
        if v is None:
            return {}
        return v


def settings_from_scenario(
    scenario: Scenario,
    *,
    file: str = "<scenario>",
    overrides: dict[str, Any] | list[str] | None = None,
    override_file: str = "<command line>",
) -> ProcessSettings:
    """Validated settings: the scenario's ``extensions.process``, then ``overrides``
    (``{"ultimatum.penalty": 0.1, "strategies.russia": "hard-liner"}`` or ``["KEY=VALUE"]``)."""
    raw = scenario.extensions.get("process", {}) or {}
    if not isinstance(raw, dict):
        raise ScenarioError(
            [
                Problem(
                    file,
                    "extensions.process",
                    "must be a mapping of process settings",
                    type(raw).__name__,
                )
            ]
        )
    data = _deep_copy(raw)
    problems: list[Problem] = []
    places: dict[str, str] = {}
    for k, (key, value) in enumerate(_override_items(overrides, override_file, problems)):
        _set_path(data, key.replace("prep-talks", "prep_talks").split("."), value)
        places[key.split(".")[0].replace("prep-talks", "prep_talks")] = f"--set[{k}]"
    if problems:
        raise ScenarioError(problems)
    if "prep-talks" in data and "prep_talks" not in data:
        data["prep_talks"] = data.pop("prep-talks")
    try:
        settings = ProcessSettings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            head = str(err["loc"][0]) if err["loc"] else ""
            src = override_file if head in places else file
            where = places.get(head, f"extensions.process.{loc}" if loc else "extensions.process")
            if src == override_file:
                where = f"{where} ({loc})"
            problems.append(Problem(src, where, _rule(err), err.get("input")))
        raise ScenarioError(problems) from None
    _check_actors(scenario, settings, file, problems)
    if problems:
        raise ScenarioError(problems)
    return settings


def _rule(err: Any) -> str:
    msg = err.get("msg", "is invalid")
    if err.get("type") == "extra_forbidden":
        return "is not a process setting"
    return msg[0].lower() + msg[1:] if msg else "is invalid"


def _override_items(overrides, file: str, problems: list[Problem]):
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return list(overrides.items())
    items = []
    for k, text in enumerate(overrides):
        if "=" not in text:
            problems.append(
                Problem(
                    file, f"--set[{k}]", "must read KEY=VALUE (e.g. ultimatum.penalty=0.1)", text
                )
            )
            continue
        key, value = (s.strip() for s in text.split("=", 1))
        items.append((key, _scalar(value)))
    return items


def _scalar(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and all(c not in low for c in ".e") else v


def _set_path(data: dict, path: list[str], value: Any) -> None:
    for key in path[:-1]:
        nxt = data.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            data[key] = nxt
        data = nxt
    data[path[-1]] = value


def _deep_copy(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _deep_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deep_copy(v) for v in obj]
    return obj


def _unknown_actor(file: str, place: str, actor: str, ids: list[str]) -> Problem:
    return Problem(file, place, "names an actor that does not exist", actor, f"use one of {ids}")


def _check_actors(scn: Scenario, s: ProcessSettings, file: str, problems: list[Problem]) -> None:
    ids = scn.actor_ids
    for actor, spec in s.strategies.items():
        place = f"extensions.process.strategies.{actor}"
        if actor not in ids:
            problems.append(_unknown_actor(file, place, actor, ids))
            continue
        try:
            parse_strategy(spec)
        except ValueError as exc:
            problems.append(Problem(file, place, f"is not a valid strategy: {exc}", spec))
    try:
        parse_strategy(s.default_strategy)
    except ValueError as exc:
        problems.append(
            Problem(
                file,
                "extensions.process.default_strategy",
                f"is not a valid strategy: {exc}",
                s.default_strategy,
            )
        )
    issues = set(scn.issue_ids)
    for actor, moves in s.summit.failure_shift.items():
        place = f"extensions.process.summit.failure_shift.{actor}"
        if actor not in ids:
            problems.append(_unknown_actor(file, place, actor, ids))
            continue
        for issue in moves:
            if issue not in issues:
                problems.append(
                    Problem(
                        file,
                        f"{place}.{issue}",
                        "names an issue that does not exist",
                        issue,
                        f"use one of {sorted(issues)}",
                    )
                )
    pen = s.summit.escalation_penalty
    for actor in pen if isinstance(pen, dict) else ():
        if actor not in ids:
            place = f"extensions.process.summit.escalation_penalty.{actor}"
            problems.append(_unknown_actor(file, place, actor, ids))
    named: tuple[tuple[str, str | None], ...] = (
        ("extensions.process.mediator", s.mediator),
        ("extensions.process.mediated.mediator", s.mediated.mediator),
        ("extensions.process.ultimatum.target", s.ultimatum.target),
    )
    for place, who in named:
        if who is not None and who not in ids:
            problems.append(
                Problem(file, place, "names an actor that does not exist", who, f"use one of {ids}")
            )
    parties = [a.id for a in scn.actors if a.party]
    if len(parties) < 2:
        problems.append(
            Problem(
                file, "actors", "need at least two parties (`party: true`) to negotiate", parties
            )
        )
    if (
        s.ultimatum.target is not None
        and s.ultimatum.target in ids
        and s.ultimatum.target not in parties
    ):
        problems.append(
            Problem(
                file,
                "extensions.process.ultimatum.target",
                "must be a party (`party: true`)",
                s.ultimatum.target,
            )
        )
