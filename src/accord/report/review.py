"""The review table of a scenario: every number, its evidence, and what it moves.

For a reviewer who checks a scenario against its sources: one row per number (position,
salience, red line, capability, no-deal term, status quo, drift), with the kind of evidence
(article quote, reader comment, judgement), the quote or the judgement, how the quote became the
number, its range and the range's own evidence, and the conclusion it moves most in a one-at-a-
time sensitivity analysis (the tornado of :func:`accord.simulation.sensitivity.tornado`, on the
consensus model and the bargaining analysis). The five inputs the headline depends on most are
marked. ``accord review SCENARIO -o FILE.md`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from accord.scenario import Scenario
from accord.scenario.model import Evidence, Quantity

__all__ = ["ReviewRow", "review_rows", "review_markdown"]

#: Each output's natural width, so that swings of different outputs compare: forecasts on their
#: scale, the opening month on the ten-year scan, a probability on 0..1.
_MONTHS = 120.0


@dataclass(frozen=True)
class ReviewRow:
    place: str
    value: float
    kind: str  # quote | comment | judgement | none
    text: str  # the quote, or the judgement
    how: str  # the note: how the quote became the number
    range: str
    range_evidence: str
    moves: str  # the conclusion it moves most, with the swing
    score: float  # that swing, on the output's width (0..1); 0 without a range


def _evidence_text(ev: Evidence | None) -> tuple[str, str, str]:
    if ev is None:
        return "none", "", ""
    if ev.kind == "judgement":
        return "judgement", ev.judgement or "", ev.note or ""
    who = f" (reader comment by {ev.comment_by})" if ev.comment_by else ""
    why = f"; reason: {ev.reason}" if ev.reason else ""
    return ev.kind, f"{ev.source}: “{ev.quote}”{who}", (ev.note or "") + why


def _widths(scn: Scenario) -> dict[str, float]:
    out = {"opens": _MONTHS, "zopa": 1.0}
    for iss in scn.issues:
        out[iss.id] = float(iss.scale.max - iss.scale.min) or 1.0
    return out


def _swings(scn: Scenario, models: list[str], seed: int) -> dict[str, tuple[str, float, float]]:
    """place -> (output, swing, swing on the output's width) of the output it moves most."""
    from accord.simulation.sensitivity import tornado

    res = tornado(scn, models=models, bargaining=True, seed=seed)
    width = _widths(scn)
    best: dict[str, tuple[str, float, float]] = {}
    for row in res.frame.itertuples(index=False):
        swing = float(row.swing)
        if not np.isfinite(swing):
            continue
        out = str(row.output)
        key = out.split(":", 1)[-1]
        norm = swing / width.get(key, 1.0)
        if norm > best.get(str(row.input), ("", 0.0, -1.0))[2]:
            best[str(row.input)] = (out, swing, norm)
    return best


def review_rows(
    scn: Scenario, *, models: list[str] | None = None, seed: int = 0
) -> list[ReviewRow]:
    """One row per number of ``scn``, in the file's order."""
    swings = _swings(scn, models or ["ensemble"], seed)
    following = {
        f"actors[{i}].stances.{iid}.red_line"
        for i, a in enumerate(scn.actors)
        for iid, st in a.stances.items()
        if st.red_line_follows_front
    }
    rows = []
    for place, q in scn.quantities():
        row = _row(place, q, swings.get(place))
        if place in following:  # the number is where the red line stands now
            row = replace(row, how=(row.how + "; " if row.how else "") + "follows the front")
        rows.append(row)
    return rows


def _row(place: str, q: Quantity, swing: tuple[str, float, float] | None) -> ReviewRow:
    kind, text, how = _evidence_text(q.evidence)
    u = q.uncertainty
    rng = f"{u.low:g} to {u.high:g} ({u.shape})" if u is not None else "—"
    if u is not None and u.panel:  # the reviewers' own views, pooled
        views = "; ".join(
            f"{v.by} {v.value:g} [{v.low:g}, {v.high:g}]"
            + (f" ×{v.weight:g}" if v.weight != 1 else "")
            for v in u.panel
        )
        rng = f"{u.low:g} to {u.high:g} (pool of {views})"
    rkind, rtext, rhow = _evidence_text(u.evidence if u is not None else None)
    r_ev = "" if rkind == "none" else f"{rkind}: {rtext}" + (f" ({rhow})" if rhow else "")
    if swing is None:
        moves, score = ("—" if u is None else "nothing measurable"), 0.0
    else:
        out, s, score = swing
        moves = f"{out} by {s:.3g}"
    return ReviewRow(place, float(q.value), kind, text, how, rng, r_ev, moves, score)


def _label(scn: Scenario, place: str) -> str:
    """``actors[1].stances.nato.red_line`` -> ``russia · nato · red_line``."""
    import re

    m = re.match(r"actors\[(\d+)\]\.(.*)", place)
    if m:
        rest = m.group(2).replace("stances.", "").replace(".", " · ")
        return f"{scn.actors[int(m.group(1))].id} · {rest}"
    m = re.match(r"issues\[(\d+)\]\.(.*)", place)
    if m:
        return f"{scn.issues[int(m.group(1))].id} · {m.group(2)}"
    return place.replace(".", " · ")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def review_markdown(
    scn: Scenario, name: str, *, models: list[str] | None = None, seed: int = 0, top: int = 5
) -> str:
    """The review table as Markdown, the ``top`` inputs the conclusions depend on most marked."""
    rows = review_rows(scn, models=models, seed=seed)
    ranked = sorted((r for r in rows if r.score > 0), key=lambda r: -r.score)[:top]
    marked = {r.place for r in ranked}
    cov = scn.evidence_coverage()
    lines = [
        f"# Review table: {name}",
        "",
        f"{scn.metadata.title} (dated {scn.metadata.date}). Every number of the scenario with",
        "its evidence, how the quote became the number, its range, and the conclusion it moves",
        "most when set to either end of its range with everything else at its value (tornado on",
        f"the {', '.join(models or ['ensemble'])} forecast and the bargaining analysis: Nash",
        "package, zone of agreement now, month a zone opens). Written by",
        f"`accord review {name} -o docs/scenarios/{name}.md`; regenerate it after editing the",
        "scenario.",
        "",
        f"Evidence: {cov}. A reader comment (an opinion under Lieven's article) supports ranges",
        "only, unless a reason is given.",
        "",
        f"**The {len(ranked)} inputs the conclusions depend on most** (largest swing on the",
        "output's own scale):",
        "",
    ]
    for r in ranked:
        lines.append(f"1. {_label(scn, r.place)} = {r.value:g} (range {r.range}): moves {r.moves}")
    lines += [
        "",
        "| | number | value | evidence | quote or judgement | how it became the number | range "
        "| the range's evidence | moves most |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        star = "★" if r.place in marked else ""
        lines.append(
            f"| {star} | {_label(scn, r.place)} | {r.value:g} | {r.kind} | {_cell(r.text)} "
            f"| {_cell(r.how)} | {r.range} | {_cell(r.range_evidence)} | {_cell(r.moves)} |"
        )
    return "\n".join(lines) + "\n"
