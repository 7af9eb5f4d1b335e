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
from pathlib import Path
from typing import Any

from accord.io._util import safe_id
from accord.scenario import Problem, Scenario, ScenarioError, scenario_from_dict

from .genius_parse import (
    MAX_XML,
    UtilitySpace,
    best_position,
    is_genius,
    parse_xml,
    sniff_genius,
    utility_space,
)

__all__ = ["MAX_XML", "is_genius", "read_genius", "read_genius_file", "sniff_genius"]

log = logging.getLogger(__name__)


def _read(path: Path, label: str, problems: list[Problem]) -> UtilitySpace | None:
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
        return utility_space(parse_xml(text, label), label, problems)
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
    candidates: list[tuple[Path, UtilitySpace]] = []
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


def _mismatch(path: Path, sp: UtilitySpace, dom: UtilitySpace, domain: Path) -> Problem:
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
    dom: UtilitySpace,
    spaces: list[tuple[Path, UtilitySpace]],
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
            pos = best_position(iss, str(path), problems, notes, who)
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
