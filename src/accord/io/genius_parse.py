"""GENIUS XML parsed: a domain's or profile's utility space, issues and evaluations, with the
line of every element (the reader that builds scenarios is :mod:`accord.io.genius`)."""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from accord.io._util import finite_number as _num
from accord.scenario import Problem, ScenarioError

__all__ = [
    "MAX_DEPTH",
    "MAX_XML",
    "GeniusIssue",
    "Node",
    "UtilitySpace",
    "best_position",
    "is_genius",
    "parse_xml",
    "sniff_genius",
    "utility_space",
]

MAX_XML = 20 * 1024 * 1024
MAX_DEPTH = 64
_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?"
    r"(?:<!--.*?-->\s*)*<\s*([A-Za-z_][\w.-]*)",
    re.DOTALL,
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[Node]:
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


def parse_xml(text: str, label: str) -> Node:
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
    stack: list[Node] = []
    root: list[Node] = []

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
        node = Node(tag.lower(), {k.lower(): v for k, v in attrs.items()}, parser.CurrentLineNumber)
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
class GeniusIssue:
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
class UtilitySpace:
    label: str
    issues: dict[str, GeniusIssue]
    reservation: float | None = None
    discount: float | None = None
    has_evaluations: bool = False


def utility_space(root: Node, label: str, problems: list[Problem]) -> UtilitySpace:
    def bad(node: Node, rule: str, *value: Any, fix: str | None = None) -> None:
        problems.append(
            Problem(
                label, f"line {node.line}", rule, **({"value": value[0]} if value else {}), fix=fix
            )
        )

    us = root if root.tag == "utility_space" else next(iter(root.kids("utility_space")), None)
    if us is None:
        bad(root, "must hold a <utility_space> element", root.tag)
        return UtilitySpace(label, {})
    space = UtilitySpace(label, {})
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

    def walk(obj: Node, weight: float) -> None:
        weights: dict[str, tuple[float, Node]] = {}
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


def _issue(node: Node, bad, space: UtilitySpace) -> GeniusIssue | None:
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
        issue = GeniusIssue(name, kind, node.line, [])
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
        issue = GeniusIssue(name, kind, node.line, [], lo, hi)
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


def best_position(
    issue: GeniusIssue, label: str, problems: list[Problem], notes: list[str], who: str
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
