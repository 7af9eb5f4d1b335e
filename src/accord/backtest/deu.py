"""Reading DEU-format data (Decision-making in the European Union, [Thomson2006]; DEU III,
[Arregui2021]) into one scenario per legislative proposal, with the real outcomes.

The file has the official DEU column names: ``p<actor>`` positions and ``s<actor>`` saliences
(0..100) for the Commission (``com``), the Parliament (``ep``) and the member states, the
reference point ``rp`` and the outcome ``out``. Its second row (blank first columns) holds a
GDP figure per member state in the position columns; it is read as the ``gdp`` capability set,
not as an issue. Dates are partly mangled (see :func:`parse_deu_date`); every repair and every
dropped value is reported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = [
    "DeuIssue",
    "DeuProposal",
    "DeuData",
    "read_deu",
    "parse_deu_date",
    "DEU_ACTORS",
    "ACTOR_NAMES",
]

#: Actor codes in the official DEU column order (after the ``p``/``s`` prefix).
DEU_ACTORS = (
    "com",
    "ep",
    "at",
    "be",
    "bu",
    "cr",
    "cy",
    "cz",
    "dk",
    "ee",
    "fi",
    "fr",
    "de",
    "el",
    "hu",
    "ie",
    "it",
    "lv",
    "lt",
    "lu",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "si",
    "sk",
    "es",
    "se",
    "uk",
)
ACTOR_NAMES = {
    "com": "European Commission",
    "ep": "European Parliament",
    "at": "Austria",
    "be": "Belgium",
    "bu": "Bulgaria",
    "cr": "Croatia",
    "cy": "Cyprus",
    "cz": "Czech Republic",
    "dk": "Denmark",
    "ee": "Estonia",
    "fi": "Finland",
    "fr": "France",
    "de": "Germany",
    "el": "Greece",
    "hu": "Hungary",
    "ie": "Ireland",
    "it": "Italy",
    "lv": "Latvia",
    "lt": "Lithuania",
    "lu": "Luxembourg",
    "mt": "Malta",
    "nl": "Netherlands",
    "pl": "Poland",
    "pt": "Portugal",
    "ro": "Romania",
    "si": "Slovenia",
    "sk": "Slovakia",
    "es": "Spain",
    "se": "Sweden",
    "uk": "United Kingdom",
}
REQUIRED = (
    ("prnr", "isnr", "prname", "intro", "rp", "out")
    + tuple(f"p{a}" for a in DEU_ACTORS)
    + tuple(f"s{a}" for a in DEU_ACTORS)
)

#: DEU's procedure codes as a scenario's ``procedure.legislative`` ([Arregui2021]).
_PROCEDURES = {"COD": "co-decision", "CNS": "consultation"}
#: Voting-rule codes of DEU's ``counvte`` column read as unanimity (the rest is QMV).
UNANIMITY = ("Unan", "unan", "UNAN", "unanimity")


@dataclass(frozen=True)
class DeuIssue:
    issue_id: str
    position: dict[str, float]
    salience: dict[str, float]
    reference_point: float | None
    outcome: float | None


@dataclass(frozen=True)
class DeuProposal:
    proposal_id: str
    name: str
    introduced: date | None
    procedure: str
    voting_rule: str
    issues: tuple[DeuIssue, ...]

    @property
    def year(self) -> int | None:
        return None if self.introduced is None else self.introduced.year


@dataclass(frozen=True)
class DeuData:
    path: str
    proposals: tuple[DeuProposal, ...]
    gdp: dict[str, float]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def issues(self) -> list[tuple[DeuProposal, DeuIssue]]:
        return [(p, i) for p in self.proposals for i in p.issues]


_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_deu_date(text: str) -> tuple[date | None, str]:
    """Parse a DEU date and say how it was read.

    Forms found in the DEU III file: ``dd-mm-yy`` (``26-01-00``), ``dd-mm-yyyy``
    (``13-12-2016``), ``999`` (missing), and ``yyyy-mm-dd`` strings that are really
    ``dd-mm-yy`` dates a spreadsheet misread as ``yy-mm-dd`` (``2014-07-04`` is 14 July 2004,
    ``1930-05-01`` is 30 May 2001). The misread form is repaired when its last part is at most
    09 (a 2000-2009 date: the DEU II proposals, which carry no 4-digit years otherwise); a
    ``yyyy-mm-dd`` with a later last part is taken as a genuine ISO date. Two-digit years
    below 50 are 20xx, others 19xx.
    """
    s = text.strip()
    if s in ("", "999", ".", "NA"):
        return None, "missing"
    m = _DMY.match(s)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            y += 2000 if y < 50 else 1900
        try:
            return date(y, mo, d), "dd-mm-yy" if len(m.group(3)) == 2 else "dd-mm-yyyy"
        except ValueError:
            return None, "invalid"
    m = _ISO.match(s)
    if m:
        a, mo, b = (int(g) for g in m.groups())
        if b <= 9:
            try:
                return date(2000 + b, mo, a % 100), "repaired yy-mm-dd misreading"
            except ValueError:
                return None, "invalid"
        try:
            return date(a, mo, b), "iso"
        except ValueError:
            return None, "invalid"
    return None, "invalid"


def _num(text: str) -> float | None:
    t = text.strip().strip('"')
    if t in ("", ".", "NA", "999"):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU-format TSV; raise :class:`ScenarioError` naming every structural fault."""
    path = Path(path)
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(label, "file", f"cannot be read as UTF-8 text ({exc})")]
        ) from None
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise ScenarioError([Problem(label, "file", "is empty")])
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    label,
                    "line 1",
                    "lacks the official DEU columns",
                    ", ".join(missing[:8]),
                    "use the DEU column names (prnr, isnr, p<actor>, s<actor>, rp, out)",
                )
            ]
        )
    col = {h: k for k, h in enumerate(header)}
    notes: list[str] = []
    problems: list[Problem] = []
    gdp: dict[str, float] = {}
    by_prop: dict[str, list[tuple[int, list[str]]]] = {}
    date_forms: dict[str, int] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        if not row[col["prnr"]].strip() and not row[col["isnr"]].strip():
            # the GDP row: figures in the member states' position columns
            for a in DEU_ACTORS:
                v = _num(row[col[f"p{a}"]])
                if v is not None and a not in ("com", "ep"):
                    gdp[a] = v
            notes.append(
                f"line {lineno}: GDP row (no proposal id) read as the 'gdp' capability set"
            )
            continue
        by_prop.setdefault(row[col["prnr"]].strip(), []).append((lineno, row))
    proposals = []
    dropped_pos = 0
    for pid, items in by_prop.items():
        first = items[0][1]
        intro, form = parse_deu_date(first[col["intro"]])
        date_forms[form] = date_forms.get(form, 0) + 1
        if intro is None:
            notes.append(
                f"proposal {pid}: introduction date {first[col['intro']]!r} unreadable; "
                "kept out of time splits"
            )
        issues = []
        for lineno, row in items:
            pos, sal = {}, {}
            for a in DEU_ACTORS:
                p = _num(row[col[f"p{a}"]])
                s = _num(row[col[f"s{a}"]])
                if p is None:
                    continue
                if s is None:
                    dropped_pos += 1
                    continue
                if not 0 <= p <= 100 or not 0 <= s <= 100:
                    problems.append(
                        Problem(label, f"line {lineno}", f"p{a}/s{a} must be on 0..100", (p, s))
                    )
                    continue
                pos[a], sal[a] = p, s
            issues.append(
                DeuIssue(
                    row[col["isnr"]].strip(), pos, sal, _num(row[col["rp"]]), _num(row[col["out"]])
                )
            )
        proposals.append(
            DeuProposal(
                pid,
                first[col["prname"]].strip(),
                intro,
                first[col["proc"]].strip() if "proc" in col else "",
                first[col["counvte"]].strip() if "counvte" in col else "",
                tuple(issues),
            )
        )
    if problems:
        raise ScenarioError(problems)
    notes.append("dates: " + ", ".join(f"{n} proposals {k}" for k, n in sorted(date_forms.items())))
    if dropped_pos:
        notes.append(
            f"{dropped_pos} positions without a salience were dropped (no weight to give them)"
        )
    return DeuData(label, tuple(proposals), gdp, tuple(notes))


def proposal_scenario(
    prop: DeuProposal, capabilities: dict[str, float], *, min_actors: int = 1
) -> Scenario | None:
    """One scenario per proposal: its issues (0..100), the actors with a stance on any of them.

    Saliences are divided by 100. Issues with fewer than ``min_actors`` stances are left out;
    returns ``None`` when no issue is left. The proposal's procedure (DEU's ``proc``: COD, CNS)
    and Council voting rule (``counvte``: ``Unan`` is unanimity, anything else QMV, as
    :mod:`~accord.backtest.procedure` reads it) become the scenario's ``procedure:``, with
    ``com`` the Commission and ``ep`` the Parliament; a proposal with another procedure (or
    none) gets no ``procedure:``.
    """
    issues: list[dict[str, Any]] = []
    actors: dict[str, dict[str, Any]] = {}
    for iss in prop.issues:
        if len(iss.position) < min_actors:
            continue
        issues.append(
            {
                "id": iss.issue_id,
                "question": f"{prop.name}: issue {iss.issue_id}",
                "scale": {"min": 0, "max": 100},
            }
        )
        for a, p in iss.position.items():
            st = actors.setdefault(a, {})
            st[iss.issue_id] = {"position": p, "salience": iss.salience[a] / 100.0}
    if not issues:
        return None
    actor_list = [
        {
            "id": a,
            "name": ACTOR_NAMES[a],
            "capability": float(capabilities.get(a, 0.0)),
            "stances": st,
        }
        for a, st in actors.items()
    ]
    data: dict[str, Any] = {
        "metadata": {
            "title": f"DEU proposal {prop.proposal_id} ({prop.name})",
            "date": prop.introduced.isoformat() if prop.introduced else None,
        },
        "actors": actor_list,
        "issues": issues,
    }
    if prop.procedure in _PROCEDURES:
        data["procedure"] = {
            "legislative": _PROCEDURES[prop.procedure],
            "council": "unanimity" if prop.voting_rule.strip() in UNANIMITY else "qmv",
            **{role: a for role, a in (("commission", "com"), ("parliament", "ep")) if a in actors},
        }
    return scenario_from_dict(data, f"DEU proposal {prop.proposal_id}")
