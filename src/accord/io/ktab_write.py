"""Writing a scenario as a KTAB SMP CSV (the reader is :mod:`accord.io.ktab`)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from accord._atomic import atomic_write_text
from accord.scenario import Scenario

COMMA_ESCAPE = "$$"  # KTAB's CSV reader turns "$$" into a comma (``set_delimiter(',', "$$")``)

__all__ = ["COMMA_ESCAPE", "scenario_to_ktab_csv", "write_ktab_csv"]


# -- export --------------------------------------------------------------------------------------
def scenario_to_ktab_csv(scenario: Scenario) -> tuple[str, list[str]]:
    """The scenario as a KTAB SMP CSV, and the list of what that format cannot hold.

    Positions are mapped to 0..100 from each issue's scale; saliences × 100 (an actor whose
    saliences total more than 1 has them divided by their total, as KTAB refuses totals above
    100); an actor without a stance on an issue gets salience 0 and the scale's midpoint.
    Actors are written in the scenario's order. Commas inside texts are written as KTAB's
    escape "$$"; line breaks become spaces (reported).
    """
    losses: list[str] = []
    issues = scenario.issues
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")

    def txt(value: str | None, what: str) -> str:
        value = value or ""
        if "\n" in value or "\r" in value:
            losses.append(f"{what}: line breaks (written as spaces)")
            value = " ".join(value.split())
        return value.replace(",", COMMA_ESCAPE).replace('"', "'")

    w.writerow(
        [
            txt(scenario.metadata.title, "title"),
            txt(scenario.metadata.description, "description"),
            len(scenario.actors),
            len(issues),
        ]
    )
    header = ["Actor", "Description", "Power"]
    for iss in issues:
        label = txt(iss.name or iss.id, f"issue {iss.id}")
        header += [f"{label} Position", f"{label} Salience"]
    w.writerow(header)
    for iss in issues:
        if (iss.scale.min, iss.scale.max) != (0, 100):
            losses.append(
                f"issue {iss.id}: scale {iss.scale.min:g}..{iss.scale.max:g} written as 0..100"
            )
        if iss.scale.labels:
            losses.append(f"issue {iss.id}: scale labels")
        if iss.status_quo is not None:
            losses.append(f"issue {iss.id}: status quo")
    for a in scenario.actors:
        sal = {iss.id: a.stances[iss.id].salience.value for iss in issues if iss.id in a.stances}
        total = sum(sal.values())
        scale = 1.0 / total if total > 1 else 1.0
        if total > 1:
            losses.append(
                f"actor {a.id}: saliences total {total:g}; divided by it (KTAB allows at most 100 "
                "in all)"
            )
        row = [
            txt(a.name, f"actor {a.id}"),
            txt(a.description, f"actor {a.id}"),
            _fmt(a.capability.value),
        ]
        for iss in issues:
            st = a.stances.get(iss.id)
            if st is None:
                losses.append(
                    f"actor {a.id}: no stance on {iss.id}; written as salience 0 at the midpoint"
                )
                row += ["50", "0"]
                continue
            x = (st.position.value - iss.scale.min) / (iss.scale.max - iss.scale.min) * 100.0
            row += [_fmt(x), _fmt(sal[iss.id] * scale * 100.0)]
            if st.red_line is not None or st.capability is not None:
                losses.append(f"actor {a.id}: red line or per-issue capability on {iss.id}")
        w.writerow(row)
        if a.no_deal is not None:
            losses.append(f"actor {a.id}: no-deal terms")
    if scenario.sources or any(
        q.evidence is not None or q.uncertainty is not None for _, q in scenario.quantities()
    ):
        losses.append("sources, evidence and uncertainty")
    if scenario.war is not None:
        losses.append("war dynamics")
    if set(scenario.extensions) - {"ktab"}:
        losses.append("extensions other than ktab")
    return out.getvalue(), losses


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x} to a KTAB CSV")
    return f"{x:.10g}"


def write_ktab_csv(scenario: Scenario, path: str | Path) -> list[str]:
    """Write :func:`scenario_to_ktab_csv` atomically; returns the losses."""
    text, losses = scenario_to_ktab_csv(scenario)
    atomic_write_text(Path(path), text)
    return losses
