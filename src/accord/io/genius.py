"""GENIUS negotiation domains and utility spaces (XML) [Lin2014].

A GENIUS *domain* (``<negotiation_template><utility_space><objective>`` with ``<issue>``
elements) lists the issues and their options; a *utility space* (profile; root
``<utility_space>``) gives one party's weight per issue (``<weight index= value=>``), the
evaluation of every option (``<item value= evaluation=>``), and optionally a reservation value
and a discount factor. The utility of a bid is the weighted sum of each chosen option's
evaluation divided by the issue's best evaluation.

Mapping onto a :class:`~accord.scenario.Scenario` (one actor per utility space):

- a discrete issue becomes a discrete scale with one labelled point per option, 0, 1, 2, ...
  in the domain's option order (the label is the option's ``value``);
- an integer or real issue keeps its bounds as the scale (``lowerbound``..``upperbound``);
- position = the best-valued option (ties: the first in the domain's order); for an integer
  or real issue, the bound its linear evaluator favours or a triangular evaluator's top;
- salience = the issue's weight (the product of the weights along nested objectives),
  normalised so that an actor's weights sum to 1, as GENIUS does;
- capability = 1 for every actor (GENIUS has no notion of power);
- reservation value = the actor's ``no_deal.utility`` (utility of no agreement, 0..1).

What a spatial scenario cannot hold is returned as notes (and logged, and listed in the
metadata description): the evaluations of the options other than the best, evaluations that
are not single-peaked in the domain's option order (a spatial model then misreads the party's
second choices), discount factors, and weights that had to be normalised.

The XML is parsed with the standard library's expat, which resolves no external entities; files
larger than :data:`MAX_XML` bytes and any ``<!DOCTYPE``/``<!ENTITY`` declaration (GENIUS files
have none) are refused, which rules out entity-expansion bombs without defusedxml.
"""

from __future__ import annotations

import logging
import math
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.io._util import safe_id
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

__all__ = ["MAX_XML", "is_genius", "read_genius", "read_genius_file", "sniff_genius"]

log = logging.getLogger(__name__)

MAX_XML = 20 * 1024 * 1024
MAX_DEPTH = 64
_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?"
    r"(?:<!--.*?-->\s*)*<\s*([A-Za-z_][\w.-]*)",
    re.DOTALL,
)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


def _root_tag(text: str) -> str | None:
    m = _ROOT.match(text[:4096])
    return m.group(1).lower() if m else None


def sniff_genius(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".xml" and _root_tag(text) in (
        "negotiation_template",
        "utility_space",
    )


def is_genius(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", "replace")
    except OSError:
        return False
    return sniff_genius(path, head)


def _parse(text: str, label: str) -> _Node:
    if len(text) > MAX_XML:
        raise ScenarioError(
            [Problem(label, "file", f"is larger than {MAX_XML // 2**20} MB", len(text))]
        )
    m = re.search(r"<!(DOCTYPE|ENTITY)", text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise ScenarioError(
            [
                Problem(
                    label,
                    f"line {line}",
                    "declares a DOCTYPE or ENTITY, which GENIUS files do "
                    "not use and accord refuses",
                    fix="remove the declaration",
                )
            ]
        )
    parser = xml.parsers.expat.ParserCreate()
    stack: list[_Node] = []
    root: list[_Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise ScenarioError(
                [
                    Problem(
                        label,
                        f"line {parser.CurrentLineNumber}",
                        f"nests elements deeper than {MAX_DEPTH} levels",
                    )
                ]
            )
        node = _Node(
            tag.lower(), {k.lower(): v for k, v in attrs.items()}, parser.CurrentLineNumber
        )
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ScenarioError(
            [
                Problem(
                    label,
                    f"line {exc.lineno}",
                    f"is not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}",
                )
            ]
        ) from None
    return root[0]


@dataclass
class _Issue:
    name: str
    kind: str  # "discrete", "integer" or "real"
    line: int
    options: list[str]  # discrete: option values in domain order
    lo: float = 0.0
    hi: float = 0.0
    weight: float | None = None  # profile: product of weights along the objective tree
    evals: dict[str, float] = field(default_factory=dict)
    evaluator: dict[str, str] = field(default_factory=dict)


@dataclass
class _Space:
    label: str
    issues: dict[str, _Issue]
    reservation: float | None = None
    discount: float | None = None
    has_evaluations: bool = False


def _space(root: _Node, label: str, problems: list[Problem]) -> _Space:
    def bad(node: _Node, rule: str, *value: Any, fix: str | None = None) -> None:
        problems.append(
            Problem(
                label, f"line {node.line}", rule, **({"value": value[0]} if value else {}), fix=fix
            )
        )

    us = root if root.tag == "utility_space" else next(iter(root.kids("utility_space")), None)
    if us is None:
        bad(root, "must hold a <utility_space> element", root.tag)
        return _Space(label, {})
    space = _Space(label, {})
    for tag, attr in (("reservation", "reservation"), ("discount_factor", "discount")):
        for node in us.kids(tag):
            v = _num(node.attrs.get("value", ""))
            if v is None:
                bad(node, f"<{tag}> needs a numeric value", node.attrs.get("value"))
            else:
                setattr(space, attr, v)
    objectives = us.kids("objective")
    if not objectives:
        bad(us, "must hold an <objective> with the issues")
        return space

    def walk(obj: _Node, weight: float) -> None:
        weights: dict[str, tuple[float, _Node]] = {}
        for wnode in obj.kids("weight"):
            v = _num(wnode.attrs.get("value", ""))
            if v is None or v < 0:
                bad(wnode, "weight must be a number, zero or more", wnode.attrs.get("value"))
                v = 0.0  # reported; read on so that later faults show too
            weights[wnode.attrs.get("index", "")] = (v, wnode)
        for child in obj.children:
            if child.tag not in ("issue", "objective"):
                continue
            own = weights.get(child.attrs.get("index", ""), (None, None))[0]
            w = None if own is None else weight * own
            if child.tag == "objective":
                walk(child, 1.0 if w is None else w)
            else:
                issue = _issue(child, bad, space)
                if issue is None:
                    continue
                issue.weight = w
                if issue.name in space.issues:
                    bad(child, "repeats the issue name", issue.name)
                    continue
                space.issues[issue.name] = issue

    for obj in objectives:
        walk(obj, 1.0)
    if not space.issues:
        bad(
            objectives[0],
            "defines no issues",
            fix='add <issue name="..." type="discrete"> elements with <item>s',
        )
    return space


def _issue(node: _Node, bad, space: _Space) -> _Issue | None:
    name = node.attrs.get("name", "").strip()
    if not name:
        bad(node, "an issue needs a name")
        return None
    kind = (
        node.attrs.get("type") or node.attrs.get("etype") or node.attrs.get("vtype") or "discrete"
    ).lower()
    if kind == "discrete":
        items = node.kids("item")
        if not items:
            bad(node, f"discrete issue {name!r} lists no <item> options")
            return None
        issue = _Issue(name, kind, node.line, [])
        for it in items:
            value = it.attrs.get("value")
            if value is None or not value.strip():
                bad(it, f"an option of issue {name!r} needs a value")
                continue
            if value in issue.options:
                bad(it, f"repeats the option {value!r} of issue {name!r}")
                continue
            issue.options.append(value)
            if "evaluation" in it.attrs:
                space.has_evaluations = True
                v = _num(it.attrs["evaluation"])
                if v is None or v < 0:
                    bad(
                        it,
                        f"evaluation of option {value!r} must be a number, zero or more",
                        it.attrs["evaluation"],
                    )
                else:
                    issue.evals[value] = v
        return issue if issue.options else None
    if kind in ("integer", "real"):
        rng = next(iter(node.kids("range")), None)
        src = rng.attrs if rng is not None else node.attrs
        lo, hi = _num(src.get("lowerbound", "")), _num(src.get("upperbound", ""))
        if lo is None or hi is None or not lo < hi:
            bad(
                node,
                f"{kind} issue {name!r} needs numeric lowerbound < upperbound",
                (src.get("lowerbound"), src.get("upperbound")),
            )
            return None
        issue = _Issue(name, kind, node.line, [], lo, hi)
        ev = next(iter(node.kids("evaluator")), None)
        if ev is not None:
            space.has_evaluations = True
            issue.evaluator = dict(ev.attrs, line=str(ev.line))
        return issue
    bad(
        node,
        f"issue {name!r} has a type accord cannot read",
        kind,
        fix="use discrete, integer or real issues",
    )
    return None


def _best(
    issue: _Issue, label: str, problems: list[Problem], notes: list[str], who: str
) -> float | None:
    """The scale point of the actor's best option on ``issue``."""
    if issue.kind == "discrete":
        missing = [o for o in issue.options if o not in issue.evals]
        if missing:
            problems.append(
                Problem(
                    label,
                    f"line {issue.line}",
                    f"gives no evaluation to the options "
                    f"{', '.join(map(repr, missing))} of issue {issue.name!r}",
                )
            )
            return None
        values = [issue.evals[o] for o in issue.options]
        top = max(values)
        k = values.index(top)
        if not (
            all(a <= b for a, b in pairwise(values[: k + 1]))
            and all(a >= b for a, b in pairwise(values[k:]))
        ):
            notes.append(
                f"{who} on {issue.name}: evaluations "
                f"{dict(zip(issue.options, values, strict=True))} are not "
                "single-peaked in the domain's option order; only the best option is kept"
            )
        return float(k)
    ev = issue.evaluator
    line = f"line {ev.get('line', issue.line)}"
    ftype = ev.get("ftype", "").lower()
    if ftype == "linear":
        slope: float | None = _num(ev.get("slope", ""))
        if slope is None:
            u0, u1 = _num(ev.get("utility0", "")), _num(ev.get("utility1", ""))
            slope = None if u0 is None or u1 is None else u1 - u0
        if slope is None:
            problems.append(
                Problem(label, line, f"linear evaluator of {issue.name!r} needs a slope")
            )
            return None
        return issue.hi if slope >= 0 else issue.lo
    if ftype == "triangular":
        peak = _num(ev.get("topvalue", ""))
        if peak is None or not issue.lo <= peak <= issue.hi:
            problems.append(
                Problem(
                    label,
                    line,
                    f"triangular evaluator of {issue.name!r} needs a topvalue "
                    f"between {issue.lo:g} and {issue.hi:g}",
                    ev.get("topvalue"),
                )
            )
            return None
        return peak
    problems.append(
        Problem(
            label,
            line,
            f"evaluator of {issue.name!r} has a type accord cannot read",
            ev.get("ftype"),
            fix="use a linear or triangular evaluator",
        )
    )
    return None


def _read(path: Path, label: str, problems: list[Problem]) -> _Space | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, "file", f"cannot be read ({exc.strerror})"))
        return None
    if len(raw) > MAX_XML:
        problems.append(Problem(label, "file", f"is larger than {MAX_XML // 2**20} MB", len(raw)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, f"byte {exc.start}", "is not valid UTF-8"))
        return None
    try:
        return _space(_parse(text, label), label, problems)
    except ScenarioError as exc:
        problems.extend(exc.problems)
        return None


def _siblings(path: Path) -> list[Path]:
    try:
        return sorted(
            p
            for p in path.parent.glob("*.xml")
            if p.is_file() and p.resolve() != path.resolve() and is_genius(p)
        )
    except OSError:
        return []


def read_genius(domain: Path, profiles: list[Path] | None = None) -> tuple[Scenario, list[str]]:
    """A Scenario from a GENIUS domain and utility spaces, and notes on what it could not hold.

    ``profiles`` default to every GENIUS utility space beside ``domain`` whose issues are the
    domain's. ``domain`` may itself be a utility space: then a domain beside it is used, or,
    without one, the utility space alone (a one-actor scenario).
    """
    domain = Path(domain)
    problems: list[Problem] = []
    notes: list[str] = []
    dom = _read(domain, str(domain), problems)
    if dom is None:
        raise ScenarioError(problems)
    candidates: list[tuple[Path, _Space]] = []
    if profiles is None and dom.has_evaluations:  # a utility space was given: look for its domain
        for p in _siblings(domain):
            other = _read(p, str(p), [])
            if (
                other is not None
                and not other.has_evaluations
                and set(other.issues) == set(dom.issues)
            ):
                domain, dom = p, other
                break
        else:  # none: the utility space is its own domain
            candidates, profiles = [(domain, dom)], []
    explicit = profiles is not None
    if profiles is None:
        profiles = _siblings(domain)
    for p in profiles:
        sub: list[Problem] = []
        sp = _read(Path(p), str(p), sub)
        problems.extend(sub)
        if sp is None or not sp.has_evaluations:  # another domain beside this one
            continue
        if set(sp.issues) != set(dom.issues):
            if explicit or set(sp.issues) & set(dom.issues):  # meant for this domain: a fault
                problems.append(_mismatch(Path(p), sp, dom, domain))
            else:  # another domain's profile
                notes.append(
                    f"{Path(p).name} skipped: its issues {sorted(sp.issues)} are not the "
                    "domain's (a profile of another domain)"
                )
            continue
        candidates.append((Path(p), sp))
    if not candidates and not problems:
        problems.append(
            Problem(
                str(domain),
                "file",
                "is a GENIUS domain with no utility space (profile) beside it",
                fix="put the utility-space XML files in the same folder or give them with "
                "--profile",
            )
        )
    return _scenario(domain, dom, candidates, notes, problems)


def _mismatch(path: Path, sp: _Space, dom: _Space, domain: Path) -> Problem:
    missing, extra = (
        sorted(set(dom.issues) - set(sp.issues)),
        sorted(set(sp.issues) - set(dom.issues)),
    )
    parts = ([f"lacks the domain's issues {', '.join(missing)}"] if missing else []) + (
        [f"names issues the domain does not have: {', '.join(extra)}"] if extra else []
    )
    return Problem(
        str(path),
        "file",
        f"does not match the domain {domain.name}: " + "; ".join(parts),
        fix="use the issue names of the domain, or leave this profile out",
    )


def _scenario(
    domain: Path,
    dom: _Space,
    spaces: list[tuple[Path, _Space]],
    notes: list[str],
    problems: list[Problem],
) -> tuple[Scenario, list[str]]:
    taken_issue: set[str] = set()
    issue_ids = {name: safe_id(name, taken_issue, "issue") for name in dom.issues}
    issues = []
    for name, iss in dom.issues.items():
        if iss.kind == "discrete":
            scale = {
                "min": 0.0,
                "max": float(max(1, len(iss.options) - 1)),
                "labels": {float(k): o for k, o in enumerate(iss.options)},
                "discrete": True,
            }
        else:
            scale = {"min": iss.lo, "max": iss.hi}
        issues.append(
            {
                "id": issue_ids[name],
                "name": name,
                "question": f"Which option for {name}?"
                if iss.kind == "discrete"
                else f"Which value for {name} ({iss.kind})?",
                "scale": scale,
            }
        )
    actors = []
    taken_actor: set[str] = set()
    discounts = []
    for path, sp in spaces:
        who = path.stem
        for name, iss in sp.issues.items():
            d = dom.issues[name]
            if iss.kind == "discrete" and d.kind == "discrete" and iss.options != d.options:
                if set(iss.options) != set(d.options):
                    problems.append(
                        Problem(
                            str(path),
                            f"line {iss.line}",
                            f"lists options of {name!r} that differ from the domain's",
                            sorted(set(iss.options) ^ set(d.options)),
                        )
                    )
                    continue
                iss.options = list(d.options)  # the domain's order decides the scale
            if (iss.kind == "discrete") != (d.kind == "discrete"):
                problems.append(
                    Problem(
                        str(path),
                        f"line {iss.line}",
                        f"gives issue {name!r} another type than the domain",
                        iss.kind,
                    )
                )
            elif iss.kind != "discrete" and (iss.lo, iss.hi) != (d.lo, d.hi):
                problems.append(
                    Problem(
                        str(path),
                        f"line {iss.line}",
                        f"gives issue {name!r} other bounds than the domain's {d.lo:g}..{d.hi:g}",
                        (iss.lo, iss.hi),
                    )
                )
        weights = {n: i.weight for n, i in sp.issues.items()}
        if any(w is None for w in weights.values()):
            missing = [n for n, w in weights.items() if w is None]
            problems.append(
                Problem(
                    str(path),
                    "file",
                    f"gives no <weight> to the issues {', '.join(missing)}",
                    fix='add <weight index="N" value="..."/> beside the issues',
                )
            )
            continue
        total = sum(w for w in weights.values() if w is not None)
        if total <= 0:
            problems.append(Problem(str(path), "file", "has weights that sum to zero", weights))
            continue
        if not math.isclose(total, 1.0, rel_tol=1e-6):
            notes.append(f"{who}: weights sum to {total:g}; normalised to 1")
        stances = {}
        for name, iss in sp.issues.items():
            pos = _best(iss, str(path), problems, notes, who)
            if pos is None:
                continue
            stances[issue_ids[name]] = {"position": pos, "salience": (weights[name] or 0.0) / total}
        actor: dict[str, Any] = {
            "id": safe_id(who, taken_actor, "actor"),
            "name": who,
            "capability": 1.0,
            "stances": stances,
        }
        if sp.reservation is not None:
            if not 0 <= sp.reservation <= 1:
                problems.append(
                    Problem(
                        str(path),
                        "file",
                        "reservation value must lie between 0 and 1",
                        sp.reservation,
                    )
                )
            else:
                actor["no_deal"] = {"utility": sp.reservation}
        if sp.discount is not None and sp.discount != 1:
            discounts.append(f"{who} {sp.discount:g}")
        actors.append(actor)
    if problems:
        raise ScenarioError(problems)
    notes.append("every actor gets capability 1 (GENIUS has no notion of power)")
    notes.append(
        "only each party's best option per issue is kept; the evaluations of the other options are "
        "not"
    )
    if discounts:
        notes.append(f"discount factors not represented: {', '.join(discounts)}")
    desc = (
        f"Imported from the GENIUS domain {domain.name} with the utility spaces "
        f"{', '.join(p.name for p, _ in spaces)}. Not represented: " + "; ".join(notes) + "."
    )
    for n in notes:
        log.info("%s: %s", domain, n)
    scn = scenario_from_dict(
        {
            "metadata": {"title": domain.stem, "description": desc},
            "issues": issues,
            "actors": actors,
        },
        str(domain),
    )
    return scn, notes


def read_genius_file(path: Path, text: str) -> Scenario:
    """The importer used by :func:`accord.load_scenario`: domain (or profile) and the utility spaces
    beside it.
    """
    return read_genius(path)[0]
