"""Problems found in a scenario file, reported all at once.

One template for every message: ``FILE: PLACE RULE, got VALUE (FIX)`` where PLACE is a path in
the scenario (``actors[2].stances.territory.salience``) or a line of the input file.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

__all__ = ["Problem", "ScenarioError"]

_MISSING = object()


@dataclass(frozen=True)
class Problem:
    file: str
    place: str
    rule: str
    value: Any = _MISSING
    fix: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.place
        if self.line is not None and not self.place.startswith("line "):
            where = f"{self.place} (line {self.line})"
        text = f"{self.file}: {where} {self.rule}"
        if self.value is not _MISSING:
            text += f", got {_show(self.value)}"
        if self.fix:
            text += f"; {self.fix}"
        return text

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "place": self.place, "rule": self.rule}
        if self.value is not _MISSING:
            d["value"] = _show(self.value)
        if self.fix:
            d["fix"] = self.fix
        if self.line is not None:
            d["line"] = self.line
        return d


def _bounded_repr() -> reprlib.Repr:
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxlong, r.maxother = 3, 200, 200, 200
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = r.maxdeque = r.maxarray = 20
    return r


_REPR = _bounded_repr()


def _show(value: Any) -> str:
    # bounded: a YAML alias bomb can hand us a value whose full repr has billions of items
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ScenarioError(ValueError):
    """A scenario could not be read; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the scenario"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))
