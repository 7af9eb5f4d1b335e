"""Shocks: scheduled changes inside a model run, compared against the unshocked run.

A shock happens to one actor at a round ``k``:

* ``leave`` — the actor leaves the talks (from round k on it has no weight, no stance and no
  veto in the bargaining analysis), e.g. the US stops aid and walks away;
* ``join`` — the actor, listed in the scenario, takes part only from round k on;
* ``salience`` / ``capability`` — the actor's salience (on one issue or all of its issues) or its
  capability jumps to a value (``to``) or by a factor (``scale``), e.g. BRICS states press
  Moscow (Russia's salience on an issue falls), the US cuts aid (Ukraine's capability × 0.6).

**The unshocked run** is the run in which none of these events happens: a leaving actor stays
throughout, a joining actor never joins, saliences and capabilities keep their values.

**Rounds.** Round-based models (those whose tags say ``round_based``: the expected-utility
model, the exchange model and the SMP) apply a shock at its round through the per-round
schedule (:meth:`ShockSchedule.rounds`); the SMP's rounds are its turns. One-shot models
(compromise, median voter, their ensemble) and
the bargaining analysis have no rounds: they see the state after every shock, as if each had
happened before the talks (round 0). So for them a shock's round makes no difference.

Shocks come from the command line (:func:`parse_shock`, ``--shock US:leave@3``) or from the
scenario (``extensions: {shocks: [...]}``, :func:`shocks_from_scenario`); both are checked
against the scenario (:func:`check_shocks`) and bad ones raise a :class:`ScenarioError` that
names the place, the rule and the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .arrays import ScenarioArrays
from .errors import Problem, ScenarioError
from .model import Scenario
from .syntax import SHOCK_SYNTAX

__all__ = [
    "SHOCK_SYNTAX",
    "Shock",
    "ShockSchedule",
    "baseline_shocks",
    "check_shocks",
    "parse_shock",
    "shocks_from_scenario",
]


class Shock(BaseModel):
    """One scheduled change to one actor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: str = Field(min_length=1)
    kind: Literal["leave", "join", "salience", "capability"]
    round: int = Field(0, ge=0, description="the round from which the change holds")
    issue: str | None = Field(None, description="for salience/capability: one issue (default all)")
    to: float | None = Field(None, description="the new value")
    scale: float | None = Field(None, ge=0, description="multiply the current value by this")
    label: str | None = Field(None, description="what happened, in words")

    def describe(self) -> str:
        what: str = self.kind
        if self.issue:
            what += f" on {self.issue}"
        if self.to is not None:
            what += f" to {self.to:g}"
        if self.scale is not None:
            what += f" × {self.scale:g}"
        text = f"{self.actor} {what} at round {self.round}"
        return f"{text} ({self.label})" if self.label else text


_SPEC = re.compile(
    r"^\s*(?P<actor>[^:\s]+)\s*:\s*(?P<kind>[a-z_]+)(?:\.(?P<issue>[^=*@\s]+))?"
    r"\s*(?:(?P<op>[=*])\s*(?P<num>[-+0-9.eE]+))?\s*(?:@\s*(?P<round>\d+))?\s*$"
)


def parse_shock(text: str, *, place: str = "--shock", file: str = "<command line>") -> Shock:
    """A :class:`Shock` from ``ACTOR:KIND[.ISSUE][=VALUE|*FACTOR][@ROUND]``.

    ``US:leave@3`` (the US leaves at round 3), ``CN:join@2``, ``UA:capability*0.6@1``,
    ``RU:salience.territory=0.4`` (round 0).
    """
    m = _SPEC.match(text)
    if m is None:
        raise ScenarioError([Problem(file, place, "is not a shock", text, f"write {SHOCK_SYNTAX}")])
    data: dict[str, Any] = {"actor": m["actor"], "kind": m["kind"]}
    if m["issue"]:
        data["issue"] = m["issue"]
    if m["round"]:
        data["round"] = int(m["round"])
    if m["op"]:
        try:
            num = float(m["num"])
        except ValueError:
            raise ScenarioError(
                [Problem(file, place, "has a value that is not a number", m["num"])]
            ) from None
        data["to" if m["op"] == "=" else "scale"] = num
    return _validate(data, file, place)


def _validate(data: Any, file: str, place: str) -> Shock:
    try:
        return Shock.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            rule = str(err["msg"]).removeprefix("Value error, ")
            rule = rule[:1].lower() + rule[1:]
            problems.append(
                Problem(
                    file,
                    f"{place}.{loc}" if loc else place,
                    f"is invalid: {rule}",
                    err.get("input"),
                    f"write {SHOCK_SYNTAX}",
                )
            )
        raise ScenarioError(problems) from None


def shocks_from_scenario(scenario: Scenario, *, file: str = "<scenario>") -> list[Shock]:
    """The shocks listed under ``extensions.shocks`` of ``scenario``, checked against it."""
    raw = scenario.extensions.get("shocks", [])
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScenarioError(
            [Problem(file, "extensions.shocks", "must be a list of shocks", type(raw).__name__)]
        )
    out, problems = [], []
    for k, item in enumerate(raw):
        try:
            out.append(_validate(item, file, f"extensions.shocks[{k}]"))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    check_shocks(
        scenario, out, file=file, places=[f"extensions.shocks[{k}]" for k in range(len(out))]
    )
    return out


def check_shocks(
    scenario: Scenario,
    shocks: list[Shock],
    *,
    file: str = "<command line>",
    places: list[str] | None = None,
) -> None:
    """Raise :class:`ScenarioError` listing every shock that does not fit ``scenario``."""
    places = places or [f"--shock[{k}]" for k in range(len(shocks))]
    problems: list[Problem] = []
    actors = set(scenario.actor_ids)
    issues = set(scenario.issue_ids)
    seen_moves: dict[str, str] = {}
    for s, place in zip(shocks, places, strict=True):
        if s.actor not in actors:
            problems.append(
                Problem(
                    file,
                    f"{place}.actor",
                    "names an actor that does not exist",
                    s.actor,
                    f"use one of {sorted(actors)}",
                )
            )
            continue
        if s.kind in ("leave", "join"):
            if s.to is not None or s.scale is not None or s.issue is not None:
                problems.append(
                    Problem(
                        file,
                        place,
                        f"a {s.kind} shock takes no issue, value or factor",
                        s.describe(),
                    )
                )
            if s.actor in seen_moves:
                problems.append(
                    Problem(
                        file,
                        f"{place}.kind",
                        "may appear once per actor (leave or join)",
                        s.actor,
                        f"{s.actor} already has a {seen_moves[s.actor]} shock",
                    )
                )
            seen_moves[s.actor] = s.kind
            continue
        if (s.to is None) == (s.scale is None):
            problems.append(
                Problem(
                    file,
                    place,
                    f"a {s.kind} shock needs exactly one of `to` and `scale`",
                    s.describe(),
                    "e.g. RU:salience=0.4 or UA:capability*0.6",
                )
            )
        if s.issue is not None:
            if s.issue not in issues:
                problems.append(
                    Problem(
                        file,
                        f"{place}.issue",
                        "names an issue that does not exist",
                        s.issue,
                        f"use one of {sorted(issues)}",
                    )
                )
            elif s.issue not in scenario.actor(s.actor).stances:
                problems.append(
                    Problem(
                        file,
                        f"{place}.issue",
                        f"is not an issue {s.actor} takes a stance on",
                        s.issue,
                    )
                )
        if s.to is not None:
            if s.kind == "salience" and not 0.0 <= s.to <= 1.0:
                problems.append(
                    Problem(file, f"{place}.to", "must be between 0 and 1 for a salience", s.to)
                )
            if s.kind == "capability" and s.to < 0:
                problems.append(
                    Problem(file, f"{place}.to", "must be zero or more for a capability", s.to)
                )
    if problems:
        raise ScenarioError(problems)


@dataclass(frozen=True)
class ShockSchedule:
    """Shocks as per-round changes to :class:`~accord.simulation.sampling.ScenarioArrays` arrays."""

    shocks: tuple[Shock, ...]

    @property
    def last_round(self) -> int:
        return max((s.round for s in self.shocks), default=0)

    def __bool__(self) -> bool:
        return bool(self.shocks)

    def _apply(
        self, draws: ScenarioArrays, shocks: list[Shock], *, joiners_absent: bool
    ) -> ScenarioArrays:
        scn = draws.scenario
        ai = {a: i for i, a in enumerate(scn.actor_ids)}
        ik = {s: k for k, s in enumerate(scn.issue_ids)}
        mask = draws.mask.copy()
        sal = draws.salience.copy()
        cap = draws.capability.copy()
        actor_cap = draws.actor_capability.copy()
        applied = {id(s) for s in shocks}
        if joiners_absent:
            for s in self.shocks:
                if s.kind == "join" and id(s) not in applied:
                    mask[ai[s.actor]] = False
        for s in shocks:
            i = ai[s.actor]
            if s.kind == "leave":
                mask[i] = False
            elif s.kind == "join":
                continue
            else:
                target = sal if s.kind == "salience" else cap
                cols = [ik[s.issue]] if s.issue else list(range(len(ik)))
                if s.kind == "capability" and not s.issue:  # the actor's own (models with one)
                    actor_cap[:, i] = s.to if s.to is not None else actor_cap[:, i] * s.scale
                for k in cols:
                    if s.to is not None:
                        target[:, i, k] = s.to
                    else:
                        target[:, i, k] = target[:, i, k] * s.scale
                if s.kind == "salience":
                    np.clip(sal, 0.0, 1.0, out=sal)
        pos = np.where(mask[None], draws.position, np.nan)
        red = np.where(mask[None], draws.red_line, np.nan)
        sal = np.where(mask[None], sal, 0.0)
        cap = np.where(mask[None], cap, 0.0)
        return replace(
            draws,
            mask=mask,
            salience=sal,
            capability=cap,
            position=pos,
            red_line=red,
            actor_capability=actor_cap,
            schedule=None,
        )

    def at_round(self, draws: ScenarioArrays, r: int) -> ScenarioArrays:
        """The state at round ``r``: every shock with ``round <= r`` applied, joiners before
        their round absent."""
        return self._apply(draws, [s for s in self.shocks if s.round <= r], joiners_absent=True)

    def final(self, draws: ScenarioArrays) -> ScenarioArrays:
        """The state after every shock: what one-shot models and the bargaining analysis see."""
        return self._apply(draws, list(self.shocks), joiners_absent=True)

    def baseline(self, draws: ScenarioArrays) -> ScenarioArrays:
        """The unshocked run's state: no events, so joiners are absent and leavers stay."""
        return self._apply(draws, [], joiners_absent=True)

    def rounds(self, draws: ScenarioArrays, n_rounds: int) -> dict[str, np.ndarray]:
        """Per-round arrays for round-based kernels: ``mask`` (R+1, n, m), ``salience``,
        ``capability`` (D, R+1, n, m) and ``actor_capability`` (D, R+1, n): the state in force
        during each round 0..R. Round 0 is the start (what the first round's challenges see
        is round 1's state); a model's round r uses row r.

        Only a capability shock on every issue changes ``actor_capability``: models with one
        capability per actor (the SMP) cannot represent an issue's own capability change."""
        states = [self.at_round(draws, r) for r in range(n_rounds + 1)]
        return {
            "mask": np.stack([s.mask for s in states]),
            "salience": np.stack([s.salience for s in states], axis=1),
            "capability": np.stack([s.capability for s in states], axis=1),
            "actor_capability": np.stack([s.actor_capability for s in states], axis=1),
        }


def baseline_shocks(shocks: list[Shock] | tuple[Shock, ...]) -> tuple[Shock, ...]:
    """The unshocked run expressed as shocks: each joining actor absent from round 0."""
    return tuple(
        Shock(actor=s.actor, kind="leave", round=0, label="never joins (unshocked run)")
        for s in shocks
        if s.kind == "join"
    )
