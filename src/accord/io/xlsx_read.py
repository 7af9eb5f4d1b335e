"""Reading the accord workbook (layout in :mod:`accord.io.xlsx_layout`): every fault is named
by sheet and row, and all of them are reported in one run."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.io._util import restore
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

from .xlsx_layout import EVIDENCE_PARTS, META_KEYS, NO_DEAL, PROCEDURE_KEYS, SHEETS
from .xlsx_zip import open_workbook

__all__ = ["read_xlsx", "sniff_xlsx"]


def sniff_xlsx(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".xlsx"


class _Sheet:
    """Rows of one sheet as {column: value}, with the problems found reading them."""

    def __init__(self, ws, name: str, label: str, problems: list[Problem]):
        self.name, self.label, self.problems = name, label, problems
        rows = ws.iter_rows(values_only=True) if ws is not None else iter(())
        head = next(rows, None) or ()
        self.cols: dict[int, str] = {}
        for j, h in enumerate(head):
            if h is None or (isinstance(h, str) and (not h.strip() or h.strip().startswith("#"))):
                continue
            key = str(h).strip().lower()
            if key not in SHEETS[name]:
                self.bad(
                    1,
                    f"has an unknown column {h!r}",
                    fix=f"use the template's columns: {', '.join(SHEETS[name])}",
                )
            elif key in self.cols.values():
                self.bad(1, f"names the column {key!r} twice")
            else:
                self.cols[j] = key
        self.rows: list[tuple[int, dict[str, Any]]] = []
        for r, row in enumerate(rows, start=2):
            rec = {
                self.cols[j]: v
                for j, v in enumerate(row)
                if j in self.cols and v is not None and not (isinstance(v, str) and v == "")
            }
            if rec:
                self.rows.append((r, rec))

    def bad(self, row: int, rule: str, *value: Any, fix: str | None = None) -> None:
        self.problems.append(
            Problem(
                self.label,
                f"{self.name} row {row}",
                rule,
                **({"value": value[0]} if value else {}),
                fix=fix,
            )
        )

    def text(self, r: int, rec: dict, col: str, required: bool = False) -> str | None:
        v = rec.get(col)
        if v is None:
            if required:
                self.bad(r, f"needs a value in column {col}")
            return None
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            return str(int(v))
        if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
            return (
                v.isoformat()[:10]
                if isinstance(v, _dt.datetime) and v.time() == _dt.time()
                else v.isoformat()
            )
        return restore(v) if isinstance(v, str) else str(v)

    def number(self, r: int, rec: dict, col: str, required: bool = False) -> float | None:
        v = rec.get(col)
        if v is None:
            if required:
                self.bad(r, f"needs a number in column {col}")
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            self.bad(r, f"{col} must be a number", v)
            return None
        out = _num(v) if isinstance(v, str) else (float(v) if _finite(v) else None)
        if out is None:
            self.bad(r, f"{col} must be a number", v)
        return out

    def boolean(self, r: int, rec: dict, col: str) -> bool | None:
        v = rec.get(col)
        if v is None:
            return None
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)) and v in (0, 1):
            return bool(v)
        if isinstance(v, str) and v.strip().lower() in ("true", "false", "yes", "no"):
            return v.strip().lower() in ("true", "yes")
        self.bad(r, f"{col} must be true or false", v)
        return None

    def quantity(self, r: int, rec: dict, name: str, required: bool = False) -> dict | None:
        value = self.number(r, rec, name, required)
        ev = {p: self.text(r, rec, f"{name}_{p}") for p in EVIDENCE_PARTS}
        unc: dict[str, Any] = {
            p: self.number(r, rec, f"{name}_{p}") for p in ("low", "high", "sd", "concentration")
        }
        unc["shape"] = self.text(r, rec, f"{name}_shape")
        range_ev = {p: self.text(r, rec, f"{name}_range_{p}") for p in EVIDENCE_PARTS}
        if any(v is not None for v in range_ev.values()):
            unc["evidence"] = {k: v for k, v in range_ev.items() if v is not None}
        has_ev = any(v is not None for v in ev.values())
        has_unc = any(v is not None for v in unc.values())
        if value is None:
            if (has_ev or has_unc) and name not in rec:
                self.bad(r, f"has evidence or uncertainty for {name} but no value in column {name}")
            return None
        out: dict[str, Any] = {"value": value}
        if has_ev:
            out["evidence"] = {k: v for k, v in ev.items() if v is not None}
        if has_unc:
            out["uncertainty"] = {k: v for k, v in unc.items() if v is not None}
        return out


def _finite(v: float) -> bool:
    import math

    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


def read_xlsx(path: Path, text: str = "") -> Scenario:
    """A Scenario from an accord workbook; every fault is named by sheet and row, all at once."""
    label = str(path)
    wb = open_workbook(Path(path), label)
    missing = [s for s in ("metadata", "actors", "issues", "stances") if s not in wb.sheetnames]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    label,
                    "file",
                    f"lacks the sheets {', '.join(missing)}",
                    fix="start from `accord template -o FILE.xlsx`",
                )
            ]
        )
    charts = [s for s in SHEETS if s in wb.sheetnames and not hasattr(wb[s], "iter_rows")]
    if charts:
        raise ScenarioError(
            [
                Problem(
                    label, "file", f"has chart sheets where data sheets belong: {', '.join(charts)}"
                )
            ]
        )
    problems: list[Problem] = []
    sh = {
        name: _Sheet(wb[name] if name in wb.sheetnames else None, name, label, problems)
        for name in SHEETS
    }
    b = _Build()
    _metadata(sh["metadata"], b)
    _sources(sh["sources"], b)
    _actors(sh["actors"], b)
    _issues(sh["issues"], b)
    _labels(sh["scale_labels"], b)
    _stances(sh["stances"], b)
    _war(sh["war"], b)
    _procedure(sh["procedure"], b)
    _panels(sh["panels"], b)
    try:
        scn = scenario_from_dict(b.data, label)
    except ScenarioError as exc:  # with the sheets' own faults: every problem in one run
        raise ScenarioError(problems + [_locate(p, b.rows) for p in exc.problems]) from None
    if problems:
        raise ScenarioError(problems)
    return scn


@dataclasses.dataclass
class _Build:
    """The scenario mapping being built, and the sheet row behind each of its places."""

    data: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"metadata": {}, "sources": [], "actors": [], "issues": []}
    )
    rows: dict[str, tuple[str, int]] = dataclasses.field(default_factory=dict)
    actor_index: dict[str, int] = dataclasses.field(default_factory=dict)
    issue_index: dict[str, int] = dataclasses.field(default_factory=dict)


def _metadata(m: _Sheet, b: _Build) -> None:
    import yaml

    for r, rec in m.rows:
        key = (m.text(r, rec, "key") or "").strip().lower()
        b.rows[f"metadata.{key}"] = ("metadata", r)
        if key not in META_KEYS:
            m.bad(r, "has an unknown key", rec.get("key"), fix=f"use one of {', '.join(META_KEYS)}")
        elif key == "accord":
            v = m.number(r, rec, "value", True)
            if v is not None:
                b.data["accord"] = int(v) if v.is_integer() else v
        elif key == "extensions":
            try:
                b.data["extensions"] = yaml.safe_load(m.text(r, rec, "value") or "") or {}
            except (yaml.YAMLError, RecursionError):
                m.bad(r, "extensions must be YAML text", rec.get("value"))
        else:
            value = m.text(r, rec, "value")
            if value is not None or key == "title":
                b.data["metadata"][key] = value or ""


def _sources(sh: _Sheet, b: _Build) -> None:
    for r, rec in sh.rows:
        b.rows[f"sources[{len(b.data['sources'])}]"] = ("sources", r)
        src = {c: sh.text(r, rec, c) for c in SHEETS["sources"]}
        src["title"] = src["title"] or ""
        b.data["sources"].append({k: v for k, v in src.items() if v is not None or k == "id"})


def _actors(sh: _Sheet, b: _Build) -> None:
    for r, rec in sh.rows:
        k = len(b.data["actors"])
        aid = sh.text(r, rec, "id", True)
        actor: dict[str, Any] = {
            "id": aid,
            "name": sh.text(r, rec, "name") or "",
            "capability": sh.quantity(r, rec, "capability", True),
        }
        if sh.text(r, rec, "description") is not None:
            actor["description"] = sh.text(r, rec, "description")
        if sh.boolean(r, rec, "party") is not None:
            actor["party"] = sh.boolean(r, rec, "party")
        if sh.boolean(r, rec, "ratifies") is not None:
            actor["ratifies"] = sh.boolean(r, rec, "ratifies")
        together = sh.quantity(r, rec, "red_lines_move_together")
        if together is not None:
            actor["red_lines_move_together"] = together
        nd = {f: sh.quantity(r, rec, f"no_deal_{f}") for f in NO_DEAL}
        if any(v is not None for v in nd.values()):
            actor["no_deal"] = {f: v for f, v in nd.items() if v is not None}
        actor["stances"] = {}
        b.rows[f"actors[{k}]"] = ("actors", r)
        if aid is not None:
            b.actor_index.setdefault(aid, k)
        b.data["actors"].append(actor)


def _issues(sh: _Sheet, b: _Build) -> None:
    for r, rec in sh.rows:
        k = len(b.data["issues"])
        iid = sh.text(r, rec, "id", True)
        scale: dict[str, Any] = {"labels": {}}
        for col, key in (("scale_min", "min"), ("scale_max", "max")):
            v = sh.number(r, rec, col)
            if v is not None:
                scale[key] = v
        if sh.boolean(r, rec, "discrete") is not None:
            scale["discrete"] = sh.boolean(r, rec, "discrete")
        issue: dict[str, Any] = {
            "id": iid,
            "question": sh.text(r, rec, "question") or "",
            "scale": scale,
        }
        if sh.text(r, rec, "name") is not None:
            issue["name"] = sh.text(r, rec, "name")
        sq = sh.quantity(r, rec, "status_quo")
        if sq is not None:
            issue["status_quo"] = sq
        b.rows[f"issues[{k}]"] = ("issues", r)
        if iid is not None:
            b.issue_index.setdefault(iid, k)
        b.data["issues"].append(issue)


def _labels(lab: _Sheet, b: _Build) -> None:
    for r, rec in lab.rows:
        iid, point = lab.text(r, rec, "issue_id", True), lab.number(r, rec, "point", True)
        if iid is None or point is None:
            continue
        if iid not in b.issue_index:
            lab.bad(r, "names an issue that is not in the issues sheet", iid)
            continue
        k = b.issue_index[iid]
        labels = b.data["issues"][k]["scale"]["labels"]
        if point in labels:
            lab.bad(r, f"repeats the point {point:g} of issue {iid!r}")
            continue
        labels[point] = lab.text(r, rec, "label") or ""
        b.rows[f"issues[{k}].scale.labels"] = ("scale_labels", r)


def _stances(sh: _Sheet, b: _Build) -> None:
    for r, rec in sh.rows:
        aid, iid = sh.text(r, rec, "actor_id", True), sh.text(r, rec, "issue_id", True)
        stance: dict[str, Any] = {}
        for name, required in (
            ("position", True),
            ("salience", True),
            ("red_line", False),
            ("capability", False),
        ):
            q = sh.quantity(r, rec, name, required)
            if q is not None:
                stance[name] = q
        if sh.boolean(r, rec, "red_line_follows_front"):
            stance["red_line_follows_front"] = True
        if aid is None or iid is None:
            continue
        if aid not in b.actor_index:
            sh.bad(r, "names an actor that is not in the actors sheet", aid)
            continue
        if iid not in b.issue_index:
            sh.bad(
                r,
                "names an issue that is not in the issues sheet",
                iid,
                fix=f"use one of {', '.join(sorted(b.issue_index))}",
            )
            continue
        k = b.actor_index[aid]
        if iid in b.data["actors"][k]["stances"]:
            sh.bad(r, f"repeats the stance of {aid!r} on {iid!r}")
            continue
        b.data["actors"][k]["stances"][iid] = stance
        b.rows[f"actors[{k}].stances.{iid}"] = ("stances", r)


def _war(sh: _Sheet, b: _Build) -> None:
    if not sh.rows:
        return
    war: dict[str, Any] = {"drift_per_month": {}}
    for r, rec in sh.rows:
        item = (sh.text(r, rec, "item") or "").strip().lower()
        if item == "drift_per_month":
            iid = sh.text(r, rec, "issue_id", True)
            q = sh.quantity(r, rec, "value", True)
            if iid is not None and q is not None:
                war["drift_per_month"][iid] = q
                b.rows[f"war.drift_per_month.{iid}"] = ("war", r)
        elif item == "discount_rate_per_month":
            q = sh.quantity(r, rec, "value", True)
            if q is not None:
                war["discount_rate_per_month"] = q
                b.rows["war.discount_rate_per_month"] = ("war", r)
        elif item != "present":
            sh.bad(
                r,
                "item must be drift_per_month, discount_rate_per_month or present",
                rec.get("item"),
            )
        b.rows.setdefault("war", ("war", r))
    b.data["war"] = war


def _procedure(sh: _Sheet, b: _Build) -> None:
    """The EU decision rule: key / value rows, one ``council_members`` row per member."""
    if not sh.rows:
        return
    proc: dict[str, Any] = {}
    for r, rec in sh.rows:
        key = (sh.text(r, rec, "key") or "").strip().lower()
        b.rows.setdefault("procedure", ("procedure", r))
        if key not in PROCEDURE_KEYS:
            sh.bad(
                r,
                "has an unknown key",
                rec.get("key"),
                fix=f"use one of {', '.join(PROCEDURE_KEYS)}",
            )
            continue
        value = sh.text(r, rec, "value", True)
        if value is None:
            continue
        if key == "council_members":
            members = proc.setdefault(key, [])
            b.rows[f"procedure.council_members[{len(members)}]"] = ("procedure", r)
            members.append(value)
        elif key in proc:
            sh.bad(r, f"repeats the key {key}", value, fix="keep one row per key")
        else:
            proc[key] = value
            b.rows[f"procedure.{key}"] = ("procedure", r)
    b.data["procedure"] = proc


def _at(data: Any, place: str) -> Any:
    """The node of the scenario mapping at ``place`` (``actors[1].stances.x.red_line``), or
    None."""
    node = data
    for part in place.split("."):
        name, _, rest = part.partition("[")
        if name:
            node = node.get(name) if isinstance(node, dict) else None
        for idx in rest.rstrip("]").split("][") if rest else ():
            ok = isinstance(node, list) and idx.isdigit() and int(idx) < len(node)
            node = node[int(idx)] if ok else None
        if node is None:
            return None
    return node


def _panels(sh: _Sheet, b: _Build) -> None:
    """Reviewers' views onto the numbers whose shape is ``panel``."""
    for r, rec in sh.rows:
        place, by = sh.text(r, rec, "place", True), sh.text(r, rec, "by", True)
        nums = {c: sh.number(r, rec, c, True) for c in ("value", "low", "high")}
        weight = sh.number(r, rec, "weight")
        if place is None or by is None or any(v is None for v in nums.values()):
            continue
        q = _at(b.data, place)
        unc = q.get("uncertainty") if isinstance(q, dict) else None
        if not isinstance(unc, dict) or unc.get("shape") != "panel":
            sh.bad(
                r,
                "names a place whose number has no `panel` shape",
                place,
                fix="set that number's _shape column to panel, or correct the place",
            )
            continue
        view: dict[str, Any] = {"by": by, **nums}
        if weight is not None:
            view["weight"] = weight
        ev = {p: t for p in EVIDENCE_PARTS if (t := sh.text(r, rec, f"evidence_{p}")) is not None}
        if ev:
            view["evidence"] = ev
        unc.setdefault("panel", []).append(view)
        b.rows.setdefault(f"{place}.uncertainty", ("panels", r))


def _locate(p: Problem, rows: dict[str, tuple[str, int]]) -> Problem:
    """Prefix the sheet and row that hold the place a problem names."""
    place = p.place
    if isinstance(p.value, str) and f"{place}.{p.value}" in rows:  # e.g. stances naming an issue
        place = f"{place}.{p.value}"
    best = None
    for known in rows:
        if (place == known or place.startswith((known + ".", known + "["))) and (
            best is None or len(known) > len(best)
        ):
            best = known
    if best is None:
        return p
    sheet, row = rows[best]
    return dataclasses.replace(p, place=f"{sheet} row {row} ({p.place})")
