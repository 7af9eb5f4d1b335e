"""The XLSX workbook for analysts who live in spreadsheets: template, reader and writer.

Sheets (``SHEETS``), one header row each, one record per row:

- ``metadata``: ``key`` / ``value`` rows (accord, title, date, author, description, and
  ``extensions`` as YAML text);
- ``sources``: id, title, author, publication, date, url;
- ``actors``: id, name, description, party, capability, and the no-deal terms;
- ``issues``: id, name, question, scale_min, scale_max, discrete, status_quo;
- ``scale_labels``: issue_id, point, label (the deal term each scale point stands for);
- ``stances``: actor_id, issue_id, position, salience, red_line, capability;
- ``war``: item (``drift_per_month``, ``discount_rate_per_month`` or ``present``), issue_id;
- ``README``: how to fill the workbook (ignored on reading).

Every number column ``Q`` comes with evidence and uncertainty columns ``Q_source``,
``Q_quote``, ``Q_judgement``, ``Q_note``, ``Q_low``, ``Q_high``, ``Q_shape``, ``Q_sd``,
``Q_concentration``; leave them empty where there is nothing to say. Problems are named by
sheet, row and column (``stances row 7``). Numbers are written with all 17 significant digits
(openpyxl writes 16), so a workbook reads back exactly equal to the scenario written.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.scenario import Problem, Quantity, Scenario, ScenarioError, scenario_from_dict

__all__ = [
    "MAX_BYTES",
    "MAX_UNZIPPED",
    "SHEETS",
    "read_xlsx",
    "scenario_to_xlsx",
    "scenario_to_xlsx_bytes",
    "sniff_xlsx",
    "template_xlsx",
]

MAX_BYTES = 20 * 1024 * 1024        # largest workbook file read
MAX_UNZIPPED = 200 * 1024 * 1024    # largest total size of its unpacked parts (zip-bomb guard)

Q_PARTS = ("source", "quote", "judgement", "note", "low", "high", "shape", "sd", "concentration")
_NO_DEAL = ("cost_per_month", "capability_trend_per_month", "utility")


def _q(name: str) -> list[str]:
    return [name] + [f"{name}_{p}" for p in Q_PARTS]


SHEETS: dict[str, list[str]] = {
    "metadata": ["key", "value"],
    "sources": ["id", "title", "author", "publication", "date", "url"],
    "actors": ["id", "name", "description", "party", *_q("capability"),
               *[c for f in _NO_DEAL for c in _q(f"no_deal_{f}")]],
    "issues": ["id", "name", "question", "scale_min", "scale_max", "discrete", *_q("status_quo")],
    "scale_labels": ["issue_id", "point", "label"],
    "stances": ["actor_id", "issue_id", *_q("position"), *_q("salience"), *_q("red_line"), *_q("capability")],
    "war": ["item", "issue_id", *_q("value")],
}
META_KEYS = ("accord", "title", "date", "author", "description", "extensions")
_TEXT_NUM = {"point", "scale_min", "scale_max"}
_BOOLS = {"party", "discrete"}

HELP = {
    "metadata": "one row per key: title (required), date, author, description; extensions holds YAML",
    "sources": "one row per source that evidence may cite by its id",
    "actors": "one row per actor: id (short, unique), name, capability (any number >= 0)",
    "issues": "one row per issue: id, question, the scale's min and max; discrete = only labelled points",
    "scale_labels": "the deal term each scale point stands for: issue_id, point, label",
    "stances": "one row per actor and issue: position on the issue's scale, salience 0..1, optional red "
               "line (worst acceptable value) and capability on this issue",
    "war": "optional: drift_per_month rows (issue_id, value) and one discount_rate_per_month row",
}
README = [
    "accord scenario workbook",
    "",
    ("Fill one row per record in each sheet; keep the header rows. Read it with "
     "`accord validate FILE.xlsx` or `accord import FILE.xlsx -o scenario.yaml`."),
    ("Every number column Q has companion columns: Q_source + Q_quote (a source id from the sources "
     "sheet and the verbatim passage), or Q_judgement (your reasoning); Q_note says how the quote "
     "became the number; Q_low, Q_high (and Q_shape: uniform, triangular, truncnorm or beta; Q_sd; "
     "Q_concentration) give its uncertainty range for the Monte Carlo."),
    "Every problem is reported at once with its sheet and row.",
    "",
    *[f"{k}: {v}" for k, v in HELP.items()],
]

# -- writing ---------------------------------------------------------------------------------

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")


def _text_loss(value: str, where: str, losses: list[str]) -> str:
    if _ILLEGAL.search(value):
        losses.append(f"{where}: control characters or carriage returns a spreadsheet cell cannot hold were "
                      "removed")
        value = _ILLEGAL.sub("", value)
    return value


def _qcells(q: Quantity | None, name: str) -> dict[str, Any]:
    if q is None:
        return {}
    out: dict[str, Any] = {name: float(q.value)}
    if q.evidence is not None:
        for part in ("source", "quote", "judgement", "note"):
            out[f"{name}_{part}"] = getattr(q.evidence, part)
    if q.uncertainty is not None:
        u = q.uncertainty
        out.update({f"{name}_low": float(u.low), f"{name}_high": float(u.high), f"{name}_shape": u.shape,
                    f"{name}_sd": u.sd, f"{name}_concentration": u.concentration})
    return out


def _records(s: Scenario) -> dict[str, list[dict[str, Any]]]:
    import yaml

    from .export import _compact, _Dumper

    meta = [{"key": "accord", "value": float(s.accord)}]
    for k in ("title", "date", "author", "description"):
        if getattr(s.metadata, k) is not None:
            meta.append({"key": k, "value": getattr(s.metadata, k)})
    if s.extensions:
        meta.append({"key": "extensions", "value": yaml.dump(_compact(s.extensions), Dumper=_Dumper,
                                                             sort_keys=False, allow_unicode=True)})
    actors = []
    for a in s.actors:
        row = {"id": a.id, "name": a.name, "description": a.description, "party": a.party,
               **_qcells(a.capability, "capability")}
        if a.no_deal is not None:
            for f in _NO_DEAL:
                row.update(_qcells(getattr(a.no_deal, f), f"no_deal_{f}"))
        actors.append(row)
    issues, labels, stances, war = [], [], [], []
    for i in s.issues:
        issues.append({"id": i.id, "name": i.name, "question": i.question, "scale_min": float(i.scale.min),
                       "scale_max": float(i.scale.max), "discrete": i.scale.discrete,
                       **_qcells(i.status_quo, "status_quo")})
        labels += [{"issue_id": i.id, "point": float(p), "label": t} for p, t in i.scale.labels.items()]
    for a in s.actors:
        for issue_id, st in a.stances.items():
            stances.append({"actor_id": a.id, "issue_id": issue_id, **_qcells(st.position, "position"),
                            **_qcells(st.salience, "salience"), **_qcells(st.red_line, "red_line"),
                            **_qcells(st.capability, "capability")})
    if s.war is not None:
        war = [{"item": "drift_per_month", "issue_id": k, **_qcells(q, "value")}
               for k, q in s.war.drift_per_month.items()]
        if s.war.discount_rate_per_month is not None:
            war.append({"item": "discount_rate_per_month", **_qcells(s.war.discount_rate_per_month, "value")})
        if not war:
            war.append({"item": "present"})
    sources = [{c: getattr(src, c) for c in SHEETS["sources"]} for src in s.sources]
    return {"metadata": meta, "sources": sources, "actors": actors, "issues": issues, "scale_labels": labels,
            "stances": stances, "war": war}


def _losses(s: Scenario) -> list[str]:
    out = []
    for k, a in enumerate(s.actors):
        if a.no_deal is not None and all(getattr(a.no_deal, f) is None for f in _NO_DEAL):
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
                    cell.value = _text_loss(v, f"{sheet} row {r} {c}", losses)
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
            fix = {c: v for c, v in exact.get(parts.get(info.filename, ""), {}).items() if float(f"{v:.16g}") != v}
            if fix:
                def put(m: re.Match, fix: dict[str, float] = fix) -> str:
                    v = fix.get(m.group(1))
                    return m.group(0) if v is None else f"{m.group(0)[:m.start(3) - m.start(0)]}{v!r}</v>"
                text = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*)><v>([^<]*)</v>', put, data.decode("utf-8"))
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
    meta = [{"key": "accord", "value": 1}] + [{"key": k} for k in ("title", "date", "author", "description")]
    wb, exact = _workbook({"metadata": meta}, [])
    return _save(wb, exact)


# -- reading ---------------------------------------------------------------------------------

def sniff_xlsx(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".xlsx"


def _open(path: Path, label: str):
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError([Problem(label, "file", f"cannot be read ({exc.strerror})")]) from None
    if size > MAX_BYTES:
        raise ScenarioError([Problem(label, "file", f"is larger than {MAX_BYTES // 2**20} MB", size)])
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ScenarioError([Problem(label, "file", "is not an XLSX workbook (not a zip archive)",
                                     fix="save it from your spreadsheet program as .xlsx")]) from None
    if unpacked > MAX_UNZIPPED:
        raise ScenarioError([Problem(label, "file", f"unpacks to more than {MAX_UNZIPPED // 2**20} MB", unpacked)])
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds on a damaged file; all mean bad input)
        raise ScenarioError([Problem(label, "file", f"cannot be read as an XLSX workbook ({type(exc).__name__}: "
                                     f"{str(exc)[:120]})", fix="save it again from your spreadsheet program")]) from None


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
                self.bad(1, f"has an unknown column {h!r}", fix=f"use the template's columns: {', '.join(SHEETS[name])}")
            elif key in self.cols.values():
                self.bad(1, f"names the column {key!r} twice")
            else:
                self.cols[j] = key
        self.rows: list[tuple[int, dict[str, Any]]] = []
        for r, row in enumerate(rows, start=2):
            rec = {self.cols[j]: v for j, v in enumerate(row) if j in self.cols and v is not None
                   and not (isinstance(v, str) and v == "")}
            if rec:
                self.rows.append((r, rec))

    def bad(self, row: int, rule: str, *value: Any, fix: str | None = None) -> None:
        self.problems.append(Problem(self.label, f"{self.name} row {row}", rule, *value, fix=fix))

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
            return v.isoformat()[:10] if isinstance(v, _dt.datetime) and v.time() == _dt.time() else v.isoformat()
        return str(v)

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
        ev = {p: self.text(r, rec, f"{name}_{p}") for p in ("source", "quote", "judgement", "note")}
        unc: dict[str, Any] = {p: self.number(r, rec, f"{name}_{p}") for p in ("low", "high", "sd", "concentration")}
        unc["shape"] = self.text(r, rec, f"{name}_shape")
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
    """A Scenario from an accord workbook; every fault is named by sheet and row."""
    import yaml

    label = str(path)
    wb = _open(Path(path), label)
    problems: list[Problem] = []
    missing = [s for s in ("metadata", "actors", "issues", "stances") if s not in wb.sheetnames]
    if missing:
        raise ScenarioError([Problem(label, "file", f"lacks the sheets {', '.join(missing)}",
                                     fix="start from `accord template -o FILE.xlsx`")])
    charts = [s for s in SHEETS if s in wb.sheetnames and not hasattr(wb[s], "iter_rows")]
    if charts:
        raise ScenarioError([Problem(label, "file", f"has chart sheets where data sheets belong: {', '.join(charts)}")])
    sh = {name: _Sheet(wb[name] if name in wb.sheetnames else None, name, label, problems) for name in SHEETS}
    rows: dict[str, int] = {}   # scenario place -> sheet row, to name the row behind later problems

    data: dict[str, Any] = {"metadata": {"title": ""}}
    m = sh["metadata"]
    for r, rec in m.rows:
        key = (m.text(r, rec, "key") or "").strip().lower()
        if key not in META_KEYS:
            m.bad(r, "has an unknown key", rec.get("key"), fix=f"use one of {', '.join(META_KEYS)}")
        elif key == "accord":
            v = m.number(r, rec, "value", True)
            if v is not None:
                data["accord"] = int(v) if v.is_integer() else v
        elif key == "extensions":
            try:
                ext = yaml.safe_load(m.text(r, rec, "value") or "") or {}
            except (yaml.YAMLError, RecursionError):
                m.bad(r, "extensions must be YAML text", rec.get("value"))
            else:
                data["extensions"] = ext
        else:
            data["metadata"][key] = m.text(r, rec, "value") or ("" if key == "title" else None)
        rows[f"metadata.{key}"] = r

    data["sources"] = []
    for r, rec in sh["sources"].rows:
        rows[f"sources[{len(data['sources'])}]"] = r
        src = {c: sh["sources"].text(r, rec, c) for c in SHEETS["sources"]}
        src["title"] = src["title"] or ""
        data["sources"].append({k: v for k, v in src.items() if v is not None or k == "id"})

    data["actors"] = []
    index: dict[str, int] = {}
    a_sheet = sh["actors"]
    for r, rec in a_sheet.rows:
        k = len(data["actors"])
        aid = a_sheet.text(r, rec, "id", True)
        actor: dict[str, Any] = {"id": aid, "name": a_sheet.text(r, rec, "name") or "",
                                 "capability": a_sheet.quantity(r, rec, "capability", True)}
        if a_sheet.text(r, rec, "description") is not None:
            actor["description"] = a_sheet.text(r, rec, "description")
        if a_sheet.boolean(r, rec, "party") is not None:
            actor["party"] = a_sheet.boolean(r, rec, "party")
        nd = {f: a_sheet.quantity(r, rec, f"no_deal_{f}") for f in _NO_DEAL}
        if any(v is not None for v in nd.values()):
            actor["no_deal"] = {f: v for f, v in nd.items() if v is not None}
        actor["stances"] = {}
        rows[f"actors[{k}]"] = r
        if aid is not None:
            index.setdefault(aid, k)
        data["actors"].append(actor)

    data["issues"] = []
    issue_index: dict[str, int] = {}
    i_sheet = sh["issues"]
    for r, rec in i_sheet.rows:
        k = len(data["issues"])
        iid = i_sheet.text(r, rec, "id", True)
        scale: dict[str, Any] = {"labels": {}}
        for col, key in (("scale_min", "min"), ("scale_max", "max")):
            v = i_sheet.number(r, rec, col)
            if v is not None:
                scale[key] = v
        if i_sheet.boolean(r, rec, "discrete") is not None:
            scale["discrete"] = i_sheet.boolean(r, rec, "discrete")
        issue: dict[str, Any] = {"id": iid, "question": i_sheet.text(r, rec, "question") or "", "scale": scale}
        if i_sheet.text(r, rec, "name") is not None:
            issue["name"] = i_sheet.text(r, rec, "name")
        sq = i_sheet.quantity(r, rec, "status_quo")
        if sq is not None:
            issue["status_quo"] = sq
        rows[f"issues[{k}]"] = r
        if iid is not None:
            issue_index.setdefault(iid, k)
        data["issues"].append(issue)

    lab = sh["scale_labels"]
    for r, rec in lab.rows:
        iid, point, text_ = lab.text(r, rec, "issue_id", True), lab.number(r, rec, "point", True), lab.text(r, rec, "label")
        if iid is None or point is None:
            continue
        if iid not in issue_index:
            lab.bad(r, "names an issue that is not in the issues sheet", iid)
            continue
        labels = data["issues"][issue_index[iid]]["scale"]["labels"]
        if point in labels:
            lab.bad(r, f"repeats the point {point:g} of issue {iid!r}")
            continue
        labels[point] = text_ or ""
        rows[f"issues[{issue_index[iid]}].scale.labels"] = r

    st_sheet = sh["stances"]
    for r, rec in st_sheet.rows:
        aid, iid = st_sheet.text(r, rec, "actor_id", True), st_sheet.text(r, rec, "issue_id", True)
        stance: dict[str, Any] = {}
        for name, required in (("position", True), ("salience", True), ("red_line", False), ("capability", False)):
            q = st_sheet.quantity(r, rec, name, required)
            if q is not None:
                stance[name] = q
        if aid is None or iid is None:
            continue
        if aid not in index:
            st_sheet.bad(r, "names an actor that is not in the actors sheet", aid)
            continue
        k = index[aid]
        if iid in data["actors"][k]["stances"]:
            st_sheet.bad(r, f"repeats the stance of {aid!r} on {iid!r}")
            continue
        data["actors"][k]["stances"][iid] = stance
        rows[f"actors[{k}].stances.{iid}"] = r

    w_sheet = sh["war"]
    if w_sheet.rows:
        war: dict[str, Any] = {"drift_per_month": {}}
        for r, rec in w_sheet.rows:
            item = (w_sheet.text(r, rec, "item") or "").strip().lower()
            if item == "drift_per_month":
                iid = w_sheet.text(r, rec, "issue_id", True)
                q = w_sheet.quantity(r, rec, "value", True)
                if iid is not None and q is not None:
                    war["drift_per_month"][iid] = q
            elif item == "discount_rate_per_month":
                q = w_sheet.quantity(r, rec, "value", True)
                if q is not None:
                    war["discount_rate_per_month"] = q
            elif item != "present":
                w_sheet.bad(r, "item must be drift_per_month, discount_rate_per_month or present", rec.get("item"))
            rows["war"] = rows.get("war", r)
        data["war"] = war

    if problems:
        raise ScenarioError(problems)
    try:
        return scenario_from_dict(data, label)
    except ScenarioError as exc:
        raise ScenarioError([_locate(p, rows) for p in exc.problems]) from None


def _locate(p: Problem, rows: dict[str, int]) -> Problem:
    """Prefix the sheet and row that hold the place a problem names."""
    best = None
    for place in rows:
        if (p.place == place or p.place.startswith(place + ".") or p.place.startswith(place + "[")) and (
                best is None or len(place) > len(best)):
            best = place
    if best is None:
        return p
    sheet = {"actors": "actors", "issues": "issues", "sources": "sources", "metadata": "metadata",
             "war": "war"}[re.split(r"[.\[]", best)[0]]
    if ".stances." in best:
        sheet = "stances"
    elif best.endswith(".scale.labels"):
        sheet = "scale_labels"
    return dataclasses.replace(p, place=f"{sheet} row {rows[best]} ({p.place})")
