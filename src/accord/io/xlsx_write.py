"""Writing the accord workbook (layout in :mod:`accord.io.xlsx_layout`)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from accord.io._util import neutralise
from accord.scenario import Quantity, Scenario

from .xlsx_layout import EVIDENCE_PARTS, HELP, NO_DEAL, PROCEDURE_KEYS, README, SHEETS

__all__ = ["scenario_to_xlsx", "scenario_to_xlsx_bytes", "template_xlsx"]


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")


def _text_loss(value: str, where: str, losses: list[str]) -> str:
    if _ILLEGAL.search(value):
        losses.append(
            f"{where}: control characters or carriage returns a spreadsheet cell cannot hold were "
            "removed"
        )
        value = _ILLEGAL.sub("", value)
    return value


def _qcells(q: Quantity | None, name: str) -> dict[str, Any]:
    if q is None:
        return {}
    out: dict[str, Any] = {name: float(q.value)}
    if q.evidence is not None:
        for part in EVIDENCE_PARTS:
            out[f"{name}_{part}"] = getattr(q.evidence, part)
    if q.uncertainty is not None:
        u = q.uncertainty
        if u.evidence is not None:
            for part in EVIDENCE_PARTS:
                out[f"{name}_range_{part}"] = getattr(u.evidence, part)
        out.update(
            {
                f"{name}_low": float(u.low),
                f"{name}_high": float(u.high),
                f"{name}_shape": u.shape,
                f"{name}_sd": u.sd,
                f"{name}_concentration": u.concentration,
            }
        )
    return out


def _records(s: Scenario) -> dict[str, list[dict[str, Any]]]:
    import yaml

    from .export import YamlDumper, compact_plain

    meta = [{"key": "accord", "value": float(s.accord)}]
    for k in ("title", "date", "author", "description"):
        if getattr(s.metadata, k) is not None:
            meta.append({"key": k, "value": getattr(s.metadata, k)})
    if s.extensions:
        meta.append(
            {
                "key": "extensions",
                "value": yaml.dump(
                    compact_plain(s.extensions),
                    Dumper=YamlDumper,
                    sort_keys=False,
                    allow_unicode=True,
                ),
            }
        )
    actors = []
    for a in s.actors:
        row = {
            "id": a.id,
            "name": a.name,
            "description": a.description,
            "party": a.party,
            "ratifies": a.ratifies,
            **_qcells(a.capability, "capability"),
            **_qcells(a.red_lines_move_together, "red_lines_move_together"),
        }
        if a.no_deal is not None:
            for f in NO_DEAL:
                row.update(_qcells(getattr(a.no_deal, f), f"no_deal_{f}"))
        actors.append(row)
    issues, labels, stances, war = [], [], [], []
    for i in s.issues:
        issues.append(
            {
                "id": i.id,
                "name": i.name,
                "question": i.question,
                "scale_min": float(i.scale.min),
                "scale_max": float(i.scale.max),
                "discrete": i.scale.discrete,
                **_qcells(i.status_quo, "status_quo"),
            }
        )
        labels += [
            {"issue_id": i.id, "point": float(p), "label": t} for p, t in i.scale.labels.items()
        ]
    for a in s.actors:
        for issue_id, st in a.stances.items():
            stances.append(
                {
                    "actor_id": a.id,
                    "issue_id": issue_id,
                    **_qcells(st.position, "position"),
                    **_qcells(st.salience, "salience"),
                    **_qcells(st.red_line, "red_line"),
                    "red_line_follows_front": st.red_line_follows_front or None,
                    **_qcells(st.capability, "capability"),
                }
            )
    if s.war is not None:
        war = [
            {"item": "drift_per_month", "issue_id": k, **_qcells(q, "value")}
            for k, q in s.war.drift_per_month.items()
        ]
        if s.war.discount_rate_per_month is not None:
            war.append(
                {
                    "item": "discount_rate_per_month",
                    **_qcells(s.war.discount_rate_per_month, "value"),
                }
            )
        if not war:
            war.append({"item": "present"})
    procedure = []
    if s.procedure is not None:
        for k in PROCEDURE_KEYS:
            v = getattr(s.procedure, k)
            if k == "council_members":
                procedure += [{"key": k, "value": aid} for aid in v or ()]
            elif v is not None:
                procedure.append({"key": k, "value": v})
    sources = [{c: getattr(src, c) for c in SHEETS["sources"]} for src in s.sources]
    panels = [
        {
            "place": place,
            "by": v.by,
            "value": float(v.value),
            "low": float(v.low),
            "high": float(v.high),
            "weight": float(v.weight),
            **{
                f"evidence_{part}": getattr(v.evidence, part) if v.evidence else None
                for part in EVIDENCE_PARTS
            },
        }
        for place, q in s.quantities()
        if q.uncertainty is not None and q.uncertainty.panel
        for v in q.uncertainty.panel
    ]
    return {
        "metadata": meta,
        "sources": sources,
        "actors": actors,
        "issues": issues,
        "scale_labels": labels,
        "stances": stances,
        "war": war,
        "procedure": procedure,
        "panels": panels,
    }


def _losses(s: Scenario) -> list[str]:
    out = []
    for k, a in enumerate(s.actors):
        if a.no_deal is not None and all(getattr(a.no_deal, f) is None for f in NO_DEAL):
            out.append(f"actors[{k}].no_deal: an empty no-deal block is read back as absent")
    for place, value in _optional_texts(s):
        if value == "":
            out.append(f"{place}: an empty text is read back as absent")
    return out


def _optional_texts(s: Scenario):
    for k, a in enumerate(s.actors):
        yield f"actors[{k}].description", a.description
    for k, i in enumerate(s.issues):
        yield f"issues[{k}].name", i.name
    for k, src in enumerate(s.sources):
        for f in ("author", "publication", "date", "url"):
            yield f"sources[{k}].{f}", getattr(src, f)
    for f in ("date", "author", "description"):
        yield f"metadata.{f}", getattr(s.metadata, f)
    for place, q in s.quantities():
        if q.evidence is not None:
            for f in ("source", "quote", "judgement", "note"):
                yield f"{place}.evidence.{f}", getattr(q.evidence, f)


def _workbook(records: dict[str, list[dict[str, Any]]], losses: list[str]):
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    exact: dict[str, dict[str, float]] = {}
    for sheet, cols in SHEETS.items():
        ws = wb.create_sheet(sheet)
        exact[sheet] = {}
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(1, j, c)
            cell.font = Font(bold=True)
        ws.cell(1, 1).comment = Comment(HELP[sheet], "accord")
        ws.freeze_panes = "A2"
        for j in range(1, min(len(cols), 6) + 1):
            ws.column_dimensions[ws.cell(1, j).column_letter].width = 18
        for r, rec in enumerate(records.get(sheet, []), start=2):
            for j, c in enumerate(cols, start=1):
                v = rec.get(c)
                if v is None:
                    continue
                cell = ws.cell(r, j)
                if isinstance(v, str):
                    cell.value = neutralise(_text_loss(v, f"{sheet} row {r} {c}", losses))
                    cell.data_type = "s"  # never a formula, even when the text starts with '='
                else:
                    cell.value = v
                    if isinstance(v, float):
                        exact[sheet][cell.coordinate] = v
    readme = wb.create_sheet("README")
    for r, line in enumerate(README, start=1):
        readme.cell(r, 1, line).data_type = "s"
    readme.column_dimensions["A"].width = 120
    return wb, exact


def _save(wb, exact: dict[str, dict[str, float]]) -> bytes:
    """Save ``wb``, then put back every float whose 16-digit form openpyxl wrote is not exact."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    parts = {f"xl/worksheets/sheet{k}.xml": name for k, name in enumerate(wb.sheetnames, start=1)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            fix = {
                c: v
                for c, v in exact.get(parts.get(info.filename, ""), {}).items()
                if float(f"{v:.16g}") != v
            }
            if fix:

                def put(m: re.Match, fix: dict[str, float] = fix) -> str:
                    v = fix.get(m.group(1))
                    return (
                        m.group(0)
                        if v is None
                        else f"{m.group(0)[: m.start(3) - m.start(0)]}{v!r}</v>"
                    )

                text = re.sub(
                    r'<c r="([A-Z]+[0-9]+)"([^>]*)><v>([^<]*)</v>', put, data.decode("utf-8")
                )
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def scenario_to_xlsx(scenario: Scenario) -> tuple[bytes, list[str]]:
    """The workbook's bytes and what it could not hold."""
    losses = _losses(scenario)
    wb, exact = _workbook(_records(scenario), losses)
    return _save(wb, exact), losses


def scenario_to_xlsx_bytes(scenario: Scenario) -> bytes:
    return scenario_to_xlsx(scenario)[0]


def template_xlsx() -> bytes:
    """An empty workbook with every sheet, header and the README, for analysts to fill."""
    meta = [{"key": "accord", "value": 1}] + [
        {"key": k} for k in ("title", "date", "author", "description")
    ]
    wb, exact = _workbook({"metadata": meta}, [])
    return _save(wb, exact)
