"""A scenario's numbers as arrays with a leading draw axis: :class:`ScenarioArrays`.

The one array view every model, the bargaining analysis and the Monte Carlo read. A single
scenario is the one-draw case (:meth:`ScenarioArrays.from_scenario`); Monte Carlo draws
(:func:`accord.simulation.sampling.sample`) fill the same arrays with drawn values
(:mod:`accord.scenario.uncertainty` lists the uncertain inputs and their distributions). Shocks
ride along as a typed per-round schedule (:class:`accord.scenario.shocks.ShockSchedule`).

**Red lines stay consistent with positions.** A red line is the worst value an actor accepts;
the side of it away from the position is unacceptable, so the red line must never end up on
the position's far side. The side is fixed by the scenario's own values: ``side = sign(red line
− position)``; when the two are equal the side is taken from the midpoint of the red line's
uncertainty range, and when that too equals the position the red line stays at the position.
After drawing, a red line on the wrong side of its drawn position is moved onto the position
(``min(red line, position)`` for a red line below the position, ``max`` above it): the actor
then accepts nothing worse than its own position. Red lines without uncertainty keep their
value, and are clipped by the same rule when the position moves past them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.rng import draw_generator

from .model import Quantity, Scenario
from .uncertainty import (
    DEFAULT_BETA_CONCENTRATION,
    DEFAULT_SD_SHARE,
    InputKind,
    UncertainInput,
    red_side,
    uncertain_inputs,
)

if TYPE_CHECKING:
    from .shocks import ShockSchedule

__all__ = [
    "DEFAULT_BETA_CONCENTRATION",
    "DEFAULT_SD_SHARE",
    "InputKind",
    "ScenarioArrays",
    "UncertainInput",
    "inputs_at",
    "nominal",
    "uncertain_inputs",
]

# -- the drawn arrays ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioArrays:
    """D draws of every number the models and the bargaining analysis use, as arrays.

    Actor × issue arrays are ``(D, n, m)`` in scenario order; ``mask[i, k]`` says whether
    actor i takes a stance on issue k and is present (a shock may remove it). Where it is
    False, ``position`` and ``red_line`` are NaN and ``salience``, ``capability`` are 0.
    ``red_side[i, k]`` is −1 for a red line below the position, +1 above, 0 for none.
    ``values`` holds the drawn uncertain inputs (D × inputs, in :func:`uncertain_inputs` order)
    and ``index`` each draw's number, which with ``seed`` names its random stream.
    """

    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    index: np.ndarray
    values: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    red_line: np.ndarray
    red_side: np.ndarray
    mask: np.ndarray
    actor_capability: np.ndarray
    status_quo: np.ndarray
    no_deal_cost: np.ndarray
    no_deal_growth: np.ndarray
    no_deal_trend: np.ndarray
    no_deal_utility: np.ndarray
    drift: np.ndarray
    discount_rate: np.ndarray
    seed: int | None = None
    schedule: ShockSchedule | None = field(default=None, compare=False)

    @classmethod
    def from_scenario(cls, scenario: Scenario, *, seed: int | None = None) -> ScenarioArrays:
        """The scenario's own values as a batch of one draw (what a single forecast runs on)."""
        inputs = uncertain_inputs(scenario)
        values = np.array([[x.value for x in inputs]], dtype=float).reshape(1, len(inputs))
        return inputs_at(scenario, inputs, values, seed=seed)

    def with_schedule(self, schedule: ShockSchedule | None) -> ScenarioArrays:
        """The same arrays carrying a per-round schedule of shocks (None: no shocks)."""
        return replace(self, schedule=schedule)

    def for_model(self, round_based: bool) -> ScenarioArrays:
        """What a model sees: a round-based model gets these arrays with their schedule (it
        applies each shock at its round); a one-shot model the state after every shock."""
        if self.schedule is None or round_based:
            return self
        return self.schedule.final(self)

    @property
    def n_draws(self) -> int:
        return int(self.index.shape[0])

    @property
    def weight(self) -> np.ndarray:
        """Capability × salience, zero where an actor takes no stance: (D, n, m)."""
        return np.where(self.mask, self.capability * self.salience, 0.0)

    def rng(self, d: int, stream: int) -> np.random.Generator:
        """A generator for draw ``d`` (row of this batch) and a named sub-stream (e.g. a model)."""
        return draw_generator(self.seed, int(self.index[d]), stream)

    def take(self, rows: np.ndarray | slice) -> ScenarioArrays:
        """A sub-batch of the given rows."""
        kw = {name: getattr(self, name)[rows] for name in _PER_DRAW}
        return replace(self, **kw)

    def scenario_at(self, d: int) -> Scenario:
        """A :class:`Scenario` holding draw ``d``'s values (for models without a batch path).

        Actors a shock removed are dropped; salience and capability changes are written in.
        Built by shallow copies (the drawn numbers carry no evidence), so it is cheap.
        """
        scn = self.scenario

        def q(v: float) -> Quantity:
            return Quantity.model_construct(value=float(v), evidence=None, uncertainty=None)

        by_place = {inp.place: float(self.values[d, j]) for j, inp in enumerate(self.inputs)}
        actors = []
        for i, a in enumerate(scn.actors):
            if a.stances and not self.mask[i].any():
                continue
            stances = {}
            for k, issue_id in enumerate(scn.issue_ids):
                st = a.stances.get(issue_id)
                if st is None or not self.mask[i, k]:
                    continue
                cap = float(self.capability[d, i, k])
                override = st.capability is not None or cap != float(self.actor_capability[d, i])
                stances[issue_id] = st.model_copy(
                    update={
                        "position": q(self.position[d, i, k]),
                        "salience": q(self.salience[d, i, k]),
                        "red_line": None if st.red_line is None else q(self.red_line[d, i, k]),
                        "capability": q(cap) if override else None,
                    }
                )
            changes: dict[str, Any] = {
                "capability": q(self.actor_capability[d, i]),
                "stances": stances,
            }
            if a.no_deal is not None:
                nd = {
                    f: q(by_place[f"actors[{i}].no_deal.{f}"])
                    for f in type(a.no_deal).model_fields
                    if f"actors[{i}].no_deal.{f}" in by_place
                }
                changes["no_deal"] = a.no_deal.model_copy(update=nd)
            actors.append(a.model_copy(update=changes))
        issues = [
            iss.model_copy(update={"status_quo": q(by_place[f"issues[{k}].status_quo"])})
            if f"issues[{k}].status_quo" in by_place
            else iss
            for k, iss in enumerate(scn.issues)
        ]
        update: dict[str, Any] = {"actors": actors, "issues": issues}
        if scn.war is not None:
            drift = {
                i: q(by_place[f"war.drift_per_month.{i}"])
                if f"war.drift_per_month.{i}" in by_place
                else v
                for i, v in scn.war.drift_per_month.items()
            }
            war: dict[str, Any] = {"drift_per_month": drift}
            if "war.discount_rate_per_month" in by_place:
                war["discount_rate_per_month"] = q(by_place["war.discount_rate_per_month"])
            update["war"] = scn.war.model_copy(update=war)
        return scn.model_copy(update=update)


_PER_DRAW = (
    "index",
    "values",
    "position",
    "salience",
    "capability",
    "red_line",
    "actor_capability",
    "status_quo",
    "no_deal_cost",
    "no_deal_growth",
    "no_deal_trend",
    "no_deal_utility",
    "drift",
    "discount_rate",
)


def nominal(scenario: Scenario) -> dict[str, np.ndarray]:
    """The scenario's own values as the arrays :class:`ScenarioArrays` holds (one draw, no leading
    axis).
    """
    mats = scenario.matrices()
    n, m = len(scenario.actors), len(scenario.issues)
    mask = np.zeros((n, m), dtype=bool)
    for i, a in enumerate(scenario.actors):
        for k, iss in enumerate(scenario.issues):
            mask[i, k] = iss.id in a.stances
    nd = [a.no_deal for a in scenario.actors]

    def ndv(attr: str) -> np.ndarray:
        return np.array(
            [
                np.nan if x is None or getattr(x, attr) is None else getattr(x, attr).value
                for x in nd
            ]
        )

    war = scenario.war
    drift = np.array(
        [
            war.drift_per_month[i.id].value if war and i.id in war.drift_per_month else 0.0
            for i in scenario.issues
        ]
    )
    disc = war.discount_rate_per_month.value if war and war.discount_rate_per_month else 0.0
    return {
        "position": mats["position"],
        "salience": mats["salience"],
        "capability": mats["capability"],
        "red_line": mats["red_line"],
        "mask": mask,
        "actor_capability": np.array([a.capability.value for a in scenario.actors], dtype=float),
        "status_quo": np.array(
            [np.nan if i.status_quo is None else i.status_quo.value for i in scenario.issues]
        ),
        "no_deal_cost": ndv("cost_per_month"),
        "no_deal_growth": ndv("cost_growth_per_month"),
        "no_deal_trend": ndv("capability_trend_per_month"),
        "no_deal_utility": ndv("utility"),
        "drift": drift,
        "discount_rate": np.array(disc),
    }


def inputs_at(
    scenario: Scenario,
    inputs: list[UncertainInput] | tuple[UncertainInput, ...],
    values: np.ndarray,
    index: np.ndarray | None = None,
    seed: int | None = None,
) -> ScenarioArrays:
    """:class:`ScenarioArrays` holding the given input values (R × inputs); everything else nominal.

    This is the one place where input values become model arrays: Monte Carlo draws, tornado
    settings and Sobol samples all pass through it, so they obey the same rules (stance
    capability follows the actor's, red lines stay on their side).
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    rows = values.shape[0]
    if values.shape[1] != len(inputs):
        raise ValueError(
            f"values must have {len(inputs)} columns (one per input), got {values.shape[1]}"
        )
    nom = nominal(scenario)
    actor_ix = {a: i for i, a in enumerate(scenario.actor_ids)}
    issue_ix = {s: k for k, s in enumerate(scenario.issue_ids)}

    def tile(a: np.ndarray) -> np.ndarray:
        return np.repeat(np.asarray(a, dtype=float)[None, ...], rows, axis=0)

    arr = {k: tile(v) for k, v in nom.items() if k != "mask"}
    stance_cap_set = np.zeros((len(scenario.actors), len(scenario.issues)), dtype=bool)
    for i, a in enumerate(scenario.actors):
        for k, iss in enumerate(scenario.issues):
            st = a.stances.get(iss.id)
            stance_cap_set[i, k] = st is not None and st.capability is not None
    slot = {
        "position": "position",
        "salience": "salience",
        "red_line": "red_line",
        "stance_capability": "capability",
    }
    for j, inp in enumerate(inputs):
        col = values[:, j]
        a_ix = actor_ix.get(inp.actor or "", -1)
        i_ix = issue_ix.get(inp.issue or "", -1)
        if inp.kind in slot:
            arr[slot[inp.kind]][:, a_ix, i_ix] = col
        elif inp.kind == "capability":
            arr["actor_capability"][:, a_ix] = col
        elif inp.kind == "status_quo":
            arr["status_quo"][:, i_ix] = col
        elif inp.kind == "drift":
            arr["drift"][:, i_ix] = col
        elif inp.kind == "discount_rate":
            arr["discount_rate"][:] = col
        else:  # no-deal fields of an actor
            arr[inp.kind][:, a_ix] = col
    mask = nom["mask"]
    # a stance without its own capability uses the actor's (drawn) capability
    inherit = mask & ~stance_cap_set
    arr["capability"] = np.where(
        inherit[None], arr["actor_capability"][:, :, None], arr["capability"]
    )
    arr["capability"] = np.where(mask[None], arr["capability"], 0.0)
    side = red_side(scenario)
    red = arr["red_line"]
    pos = arr["position"]
    red = np.where(side < 0, np.minimum(red, pos), red)  # red line below: never above the position
    red = np.where(side > 0, np.maximum(red, pos), red)  # red line above: never below it
    has_red = ~np.isnan(nom["red_line"])
    red = np.where(has_red & (side == 0), pos, red)  # no side: the red line is the position
    arr["red_line"] = red
    idx = np.arange(rows, dtype=np.int64) if index is None else np.asarray(index, dtype=np.int64)
    return ScenarioArrays(
        scenario=scenario,
        inputs=tuple(inputs),
        index=idx,
        values=values,
        red_side=side,
        mask=mask,
        seed=seed,
        **arr,  # type: ignore[arg-type]
    )
