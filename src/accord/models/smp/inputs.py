"""The SMP's inputs: a scenario as KTAB sees it, in a canonical actor order, for one run or
for every Monte Carlo draw at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from accord.scenario import Scenario

__all__ = ["SMPInputs", "canonical_order", "smp_inputs", "draw_inputs"]


@dataclass(frozen=True)
class SMPInputs:
    """A scenario as the SMP sees it, in the run's canonical actor order."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: np.ndarray  # actors × issues, on 0..1
    saliences: np.ndarray  # actors × issues, rows summing to at most 1
    capabilities: np.ndarray
    has_stance: np.ndarray  # actors × issues, bool
    low: np.ndarray  # per issue: scale minimum
    span: np.ndarray  # per issue: scale width
    accommodation: np.ndarray | None
    order: np.ndarray  # canonical index -> index in scenario.actors
    left_out: tuple[str, ...] = ()  # actors with no salience on any issue (not in the run)

    def to_issue(self, k: int | np.ndarray, v: Any) -> Any:
        """Values on 0..1 back to issue k's own scale."""
        return self.low[k] + np.asarray(v) * self.span[k]


def canonical_order(scenario: Scenario) -> np.ndarray:
    """The order in which the SMP takes the actors (it decides ties: KTAB's scans take the first).

    KTAB takes its input file's order; accord's KTAB importers record it in
    ``extensions["ktab"]["actor_order"]``, which is used when it names exactly the scenario's
    actors. Otherwise actors are taken by ascending id, so that the order in which a scenario
    lists its actors never changes a result.
    """
    ids = scenario.actor_ids
    recorded = (scenario.extensions.get("ktab") or {}).get("actor_order")
    if (
        isinstance(recorded, list | tuple)
        and sorted(map(str, recorded)) == sorted(ids)
        and len(set(ids)) == len(ids)
    ):
        where = {a: i for i, a in enumerate(ids)}
        return np.array([where[str(a)] for a in recorded], dtype=int)
    return np.array(sorted(range(len(ids)), key=lambda i: ids[i]), dtype=int)


def smp_inputs(scenario: Scenario) -> SMPInputs:
    """Positions on 0..1 per issue scale, KTAB-style saliences and capabilities, canonical order.

    - Every issue is one dimension, mapped to 0..1 from its scale (KTAB divides 0..100 by 100).
    - Saliences: KTAB reads 0..100, divides by 100 and refuses totals above 100 per actor
      (``SMPModel::csvRead``). accord's saliences are 0..1 per issue; an actor whose total
      exceeds 1 has its saliences divided by their total (as ``SMPActor::randomize`` builds
      them); totals up to 1 are kept, so KTAB files give KTAB's numbers.
    - An actor without a stance on an issue has salience 0 there, and its position there is
      the capability-weighted mean of the positions of those with a stance (it does not care,
      and others judge it as standing at the centre of opinion).
    - Capability: the actor's capability (KTAB has one per actor).
    - Accommodation (``IdealAdjustment`` of KTAB's XML): ``extensions["ktab"]["ideal_adjustment"]``,
      a list of ``{"actor", "reference", "adjust"}``; the identity matrix otherwise.
    """
    order = canonical_order(scenario)
    actors = [scenario.actors[i] for i in order]
    ids = tuple(a.id for a in actors)
    issues = scenario.issues
    n, m = len(actors), len(issues)
    low = np.array([iss.scale.min for iss in issues], dtype=float)
    span = np.array([iss.scale.max - iss.scale.min for iss in issues], dtype=float)
    pos = np.full((n, m), np.nan)
    sal = np.zeros((n, m))
    cap = np.array([float(a.capability.value) for a in actors])
    for i, a in enumerate(actors):
        for k, iss in enumerate(issues):
            st = a.stances.get(iss.id)
            if st is not None:
                pos[i, k] = (st.position.value - low[k]) / span[k]
                sal[i, k] = st.salience.value
    has = ~np.isnan(pos)
    for k in range(m):
        if not has[:, k].all():
            w = cap[has[:, k]]
            fill = float(np.average(pos[has[:, k], k], weights=w)) if w.sum() > 0 else 0.5
            pos[~has[:, k], k] = fill
    pos = np.clip(pos, 0.0, 1.0)
    bad = [ids[i] for i in range(n) if cap[i] < 0 or not np.isfinite(cap[i])]
    if bad:
        raise ValueError(
            f"the SMP needs capabilities of zero or more (KTAB ``Model::vote``); negative or not "
            f"a number for {bad}"
        )
    total = sal.sum(axis=1)
    # an actor with no salience on any issue cares about nothing (KTAB's distance is 0/0 for it,
    # ``SMPModel::bvDiff``), and one with no capability has no vote (KTAB refuses zero weights,
    # ``Model::vote``): either is left out of the run and said so (``left_out``)
    cares = (total > 0) & (cap > 0)
    left_out = tuple(ids[i] for i in range(n) if not cares[i])
    if cares.sum() < 2:
        raise ValueError(
            f"the SMP needs at least two actors with a positive capability and a positive "
            f"salience on some issue (KTAB ``SMPModel::bvDiff``, ``Model::vote``); not so for "
            f"{list(left_out)}"
        )
    if left_out:
        keep = np.flatnonzero(cares)
        ids, actors = tuple(ids[i] for i in keep), [actors[i] for i in keep]
        pos, sal, cap, has, total = pos[keep], sal[keep], cap[keep], has[keep], total[keep]
        order, n = order[keep], len(keep)
    sal = np.where(total[:, None] > 1.0, sal / total[:, None], sal)
    acc = None
    spec = (scenario.extensions.get("ktab") or {}).get("ideal_adjustment")
    if spec:
        where = {a: i for i, a in enumerate(ids)}
        acc = np.eye(n)
        for pair in spec:
            if pair["actor"] in where and pair["reference"] in where:  # not a left-out actor
                acc[where[pair["actor"]], where[pair["reference"]]] = float(pair["adjust"])
    return SMPInputs(
        ids, tuple(scenario.issue_ids), pos, sal, cap, has, low, span, acc, order, left_out
    )


def draw_inputs(
    scenario: Scenario, draws: Any, order: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-draw SMP inputs as :func:`smp_inputs` builds them, for every draw at once:
    positions (D, n, m) and saliences on 0..1, capabilities (D, n), canonical order, and
    whether each draw is valid (positive capabilities and some salience for every actor)."""
    low = np.array([iss.scale.min for iss in scenario.issues], dtype=float)
    span = np.array([iss.scale.max - iss.scale.min for iss in scenario.issues], dtype=float)
    has = mask[order]  # (n, m)
    pos = (np.asarray(draws.position, dtype=float)[:, order] - low) / span
    sal = np.where(has[None], np.asarray(draws.salience, dtype=float)[:, order], 0.0)
    cap = np.asarray(draws.actor_capability, dtype=float)[:, order]
    for k in range(pos.shape[2]):
        if not has[
            :, k
        ].all():  # no stance: the capability-weighted mean of those with one (smp_inputs)
            w = np.where(has[:, k], cap, 0.0)
            tot = w.sum(axis=1)
            mean = np.where(
                tot > 0,
                (np.where(has[:, k], pos[:, :, k], 0.0) * w).sum(axis=1)
                / np.where(tot > 0, tot, 1.0),
                0.5,
            )
            pos[:, :, k] = np.where(has[None, :, k], pos[:, :, k], mean[:, None])
    pos = np.clip(pos, 0.0, 1.0)
    total = sal.sum(axis=2)
    sal = np.where(total[:, :, None] > 1.0, sal / np.where(total > 0, total, 1.0)[:, :, None], sal)
    ok = (cap > 0).all(axis=1) & (total > 0).all(axis=1) & np.isfinite(pos).all(axis=(1, 2))
    return pos, sal, cap, ok
