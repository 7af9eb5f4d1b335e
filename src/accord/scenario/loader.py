"""Reading scenarios: YAML natively, other tools' files through :mod:`accord.io`.

Every reader reports all problems at once as a :class:`ScenarioError`; nothing here lets a
traceback reach the user for a bad file.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .checks import check_data, check_runnable, check_warnings
from .errors import Problem, ScenarioError
from .model import Scenario
from .shipped import DEFAULT_SCENARIO, resolve_alias, shipped_path, shipped_scenarios

__all__ = [
    "load_scenario",
    "scenario_from_dict",
    "shipped_scenarios",
    "shipped_path",
    "resolve_scenario_path",
    "Importer",
]

#: A reader for another tool's format: (name, sniff, read). ``read`` takes (path, text) and
#: returns a Scenario or raises ScenarioError; ``sniff`` decides from the suffix and the first
#: lines whether it applies. The readers are listed explicitly in :data:`accord.io.IMPORTERS`
#: and passed in by the caller (:func:`accord.io.read_any`); nothing registers itself.
Importer = tuple[str, Callable[[Path, str], bool], Callable[[Path, str], Scenario]]

#: Suffixes of binary formats: their readers get ``text=""`` and read the file themselves.
BINARY_SUFFIXES = (".xlsx",)

log = logging.getLogger(__name__)


def resolve_scenario_path(ref: str | os.PathLike | None) -> Path:
    """A path for ``ref``: a shipped scenario's name or a file path."""
    if ref is None:
        ref = DEFAULT_SCENARIO
    ref_s = os.fspath(ref)
    path = Path(ref_s)
    if path.exists():
        return path
    shipped = shipped_scenarios()
    if resolve_alias(ref_s) in shipped:
        return shipped[resolve_alias(ref_s)]
    raise ScenarioError(
        [
            Problem(
                ref_s,
                "file",
                "does not exist and is not a shipped scenario",
                fix=f"give a path, or one of: {', '.join(shipped)}",
            )
        ]
    )


def load_scenario(
    ref: str | os.PathLike | None = None,
    *,
    importers: Sequence[Importer] = (),
    warnings: list[Problem] | None = None,
    runnable: bool = False,
) -> Scenario:
    """Read and validate a scenario from a shipped name or a YAML file; other tools' files
    through the ``importers`` given (:func:`accord.io.read_any` passes every reader).

    Raises :class:`ScenarioError` listing every problem found. Suspicious but legal inputs
    (:func:`~accord.scenario.checks.check_warnings`) are appended to ``warnings`` when a list
    is given, else logged as warnings (printed on stderr when logging is not configured).
    With ``runnable``, also what every model needs (:func:`~accord.scenario.checks.check_runnable`:
    two actors, capabilities and saliences above zero): `accord validate` and the commands
    that run models ask for it, so that nothing they accept fails inside a model.
    """
    path = resolve_scenario_path(ref)
    label = str(ref) if ref is not None and not Path(os.fspath(ref)).exists() else str(path)
    scn, node = _read_any(path, label, importers, runnable)
    plain = scn.model_dump()
    if runnable:  # YAML was checked with its other faults; an importer's result is checked here
        faults = [_with_line(p, node) for p in check_runnable(plain, label)]
        if faults:
            raise ScenarioError(faults)
    found = [_with_line(p, node) for p in check_warnings(plain, label)]
    if warnings is not None:
        warnings.extend(found)
    else:
        for p in found:
            log.warning("warning: %s", p)
    return scn


def _read_any(
    path: Path, label: str, importers: Sequence[Importer], runnable: bool = False
) -> tuple[Scenario, Any]:
    """The scenario in ``path`` and, for YAML, its node tree (for the lines of warnings)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(label, "file", f"cannot be read ({exc.strerror})")]) from None
    suffix = path.suffix.lower()
    if suffix in BINARY_SUFFIXES:  # zip containers (XLSX): the reader opens the file itself
        for _name, sniff, read in importers:
            if sniff(path, ""):
                return read(path, ""), None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [
                Problem(
                    label, f"byte {exc.start}", "is not valid UTF-8", fix="save the file as UTF-8"
                )
            ]
        ) from None
    if "\x00" in text:
        raise ScenarioError([Problem(label, "file", "is binary, not a text scenario file")])

    if suffix not in (".yaml", ".yml", ".json"):
        for _name, sniff, read in importers:
            if sniff(path, text):
                return read(path, text), None
        raise ScenarioError(
            [
                Problem(
                    label,
                    "file",
                    "is in no format accord can read",
                    fix="use a YAML scenario, a BDM table (Actor,Capability,Position,Salience), "
                    "a KTAB SMP CSV or XML, a decide TSV/CSV, a GENIUS XML domain or an accord "
                    "XLSX workbook",
                )
            ]
        )
    return _load_yaml_text(text, label, runnable)


#: libyaml's safe loader when PyYAML was built with it (about 20 times faster), else PyYAML's own.
_YAML_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_YAML_BASE):  # type: ignore[misc,valid-type]
    """libyaml's parser with a constructor that does not crash on integers too long to convert
    (Python refuses more than 4300 digits): they become infinite, and :func:`_scan_nodes` has
    reported them already."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return -math.inf if str(node.value).lstrip().startswith("-") else math.inf


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)

_MERGE = "tag:yaml.org,2002:merge"
_TRUE = ("yes", "true", "on", "y")
_MAX_INT_CHARS = 320  # an integer literal this long is beyond a float's range (1.8e308)


def _key_of(node: Any) -> Any:
    """What a scalar mapping key means (``yes`` and ``true`` are the same key), or None."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag.endswith(":bool"):
        return ("bool", str(node.value).lower() in _TRUE)
    return (node.tag, node.value)


def _scan_nodes(root: Any, label: str) -> list[Problem]:
    """Faults the YAML parser lets through: repeated mapping keys (YAML keeps the last value
    silently) and integers too large for a float. Aliased nodes are visited once."""
    out: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _scan_mapping(node, loc, label, out, stack)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, (*loc, k)) for k, v in enumerate(node.value))
        elif node.tag.endswith(":int") and len(str(node.value)) > _MAX_INT_CHARS:
            digits = sum(c.isdigit() for c in str(node.value))
            out.append(
                Problem(
                    label,
                    _place(loc) or "file",
                    f"is a number too large for a float ({digits} digits)",
                    fix="numbers must lie within ±1.8e308",
                    line=node.start_mark.line + 1,
                )
            )
    return sorted(out, key=lambda p: p.line or 0)


def _scan_mapping(
    node: yaml.MappingNode,
    loc: tuple[Any, ...],
    label: str,
    out: list[Problem],
    stack: list[tuple[Any, tuple[Any, ...]]],
) -> None:
    first: dict[Any, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = _key_of(key_node)
        name = str(getattr(key_node, "value", "?"))
        if key is not None and key_node.tag != _MERGE:
            if key in first:
                out.append(
                    Problem(
                        label,
                        _place((*loc, name)),
                        f"repeats a key (first on line {first[key]}); YAML would keep "
                        "only the last value",
                        name,
                        "remove one of the two, or rename it",
                        line=line,
                    )
                )
            else:
                first[key] = line
        stack.append((value_node, (*loc, name)))


def _load_yaml_text(text: str, label: str, runnable: bool = False) -> tuple[Scenario, Any]:
    try:
        loader = _Loader(text)
        try:  # parse once: the node tree gives line numbers, the same tree gives the data
            node = loader.get_single_node()
            found = _scan_nodes(node, label) if node is not None else []
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(
            [
                Problem(
                    label,
                    place,
                    f"is not valid YAML: {problem}",
                    fix="check indentation and quotes",
                )
            ]
        ) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(label, "file", "is nested too deeply to be a scenario")]
        ) from None
    return scenario_from_dict(data, label, node=node, runnable=runnable, _found=found), node


def scenario_from_dict(
    data: Any,
    file: str = "<scenario>",
    *,
    node: Any = None,
    runnable: bool = False,
    _found: list[Problem] | None = None,
) -> Scenario:
    """Validate a plain mapping as a scenario, reporting every problem with its place.

    Field validation and the checks across fields both run, so one run reports all faults;
    a cross-field fault at (or inside) a place whose field is already wrong is left out.
    ``runnable`` adds what the models need (see :func:`load_scenario`).
    """
    found = list(_found or [])
    if not isinstance(data, dict):
        raise ScenarioError(
            found
            + [
                Problem(
                    file,
                    "file",
                    "must hold a mapping with metadata, actors and issues",
                    type(data).__name__,
                )
            ]
        )
    scn: Scenario | None = None
    field: list[Problem] = []
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        field = _from_pydantic(exc, file, data, node)
    except RecursionError:
        raise ScenarioError(
            [Problem(file, "file", "is nested too deeply to be a scenario")]
        ) from None
    try:
        cross = check_data(data, file) + (check_runnable(data, file) if runnable else [])
        cross = [_with_line(p, node) for p in cross]
    except RecursionError:
        cross = []
    problems = found + _not_within(field, found) + _not_within(cross, found + field)
    if problems or scn is None:
        raise ScenarioError(problems or field)
    return scn


def _within(place: str, outer: str) -> bool:
    return place == outer or place.startswith((outer + ".", outer + "["))


def _not_within(problems: list[Problem], earlier: list[Problem]) -> list[Problem]:
    """``problems`` except those at or inside a place an earlier problem names."""
    places = [p.place for p in earlier if p.place != "file"]
    return [p for p in problems if not any(_within(p.place, q) for q in places)]


# -- turning pydantic's errors into ours ---------------------------------------------------------


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # Drop pydantic's internal tags (function-before, union members) from the path.
    return tuple(
        p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
    )


_RULES = {
    "missing": ("is required", "add it"),
    "extra_forbidden": ("is not a known field", "check the spelling against `accord schema`"),
    "float_parsing": ("must be a number", None),
    "float_type": ("must be a number", None),
    "int_parsing": ("must be a whole number", None),
    "string_type": ("must be text", None),
    "bool_type": ("must be true or false", None),
    "dict_type": ("must be a mapping", None),
    "list_type": ("must be a list", None),
    "model_type": ("must be a mapping", None),
    "model_attributes_type": ("must be a mapping", None),
    "string_too_short": ("must not be empty", None),
    "literal_error": ("must be one of the listed options", None),
    "greater_than": ("is too small", None),
}


def _from_pydantic(exc: ValidationError, file: str, data: Any, node: Any) -> list[Problem]:
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        # A bare-number Quantity reports its errors at `.value`; show the field itself.
        if loc and loc[-1] == "value" and not _has_key(data, loc):
            loc = loc[:-1]
        place = _place(loc) or "file"
        rule, fix = _RULES.get(err["type"], (None, None))
        if err["type"] == "accord_rule":  # raised by the model's validators, with their fix
            rule, fix = str(err["msg"]), (err.get("ctx") or {}).get("fix")
        if rule is None:
            msg = str(err.get("msg", "is invalid"))
            msg = msg.removeprefix("Value error, ")
            rule = msg if msg[:1].islower() else msg[:1].lower() + msg[1:]
            rule = (
                rule
                if rule.startswith(("must", "is", "needs", "expected"))
                else f"is invalid: {rule}"
            )
        if err["type"] == "literal_error":
            rule = f"must be one of {err.get('ctx', {}).get('expected', 'the listed options')}"
        key = (place, rule)
        if key in seen:
            continue
        seen.add(key)
        has_input = err["type"] != "missing"
        p = (
            Problem(file, place, rule, err.get("input"), fix)
            if has_input
            else Problem(file, place, rule, fix=fix)
        )
        problems.append(_with_line(p, node, loc))
    return problems


def _has_key(data: Any, loc: tuple[Any, ...]) -> bool:
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def _with_line(p: Problem, node: Any, loc: tuple[Any, ...] | None = None) -> Problem:
    if node is None:
        return p
    if loc is None:
        loc = _parse_place(p.place)
    line = _line_of(node, loc)
    if line is None:
        return p
    return Problem(p.file, p.place, p.rule, p.value, p.fix, line=line)


def _parse_place(place: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for chunk in place.replace("[", ".[").split("."):
        if not chunk:
            continue
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            out.append(int(chunk[1:-1]))
        else:
            out.append(chunk)
    return tuple(out)


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node found along ``loc``."""
    line = None
    cur = node
    for part in loc:
        if isinstance(cur, yaml.MappingNode):
            nxt = None
            for k, v in cur.value:
                if str(getattr(k, "value", None)) == str(part):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            cur = nxt
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(cur.value):
                return line
            cur = cur.value[part]
            line = cur.start_mark.line + 1
        else:
            return line if line is not None else cur.start_mark.line + 1
    return line
