"""Hyperparameters declared once per model: a table, one check, one error template.

Every model lists its hyperparameters as :class:`Param` rows (name, type, allowed values or
range, default, source) in ``PARAMS``; :func:`check_params` runs at construction, so a bad
value fails where it is written, with the house template (scikit-learn's
``InvalidParameterError`` is the model): ``vote_risk must be one of 'own', 'one'; got 'bogus'``.
The same tables feed the CLI's ``--model-param`` and the dashboard's forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

__all__ = ["Param", "check_params", "param_table"]


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its type (``bool``, ``int``, ``float``, ``str`` or ``dict``), the
    allowed values or the closed range ``[low, high]``, whether None is allowed, its default
    and where it comes from."""

    name: str
    type: type
    default: Any
    choices: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    none: bool = False
    source: str = ""
    help: str = ""
    #: values kept to replicate a published implementation that break one of the invariants
    #: (e.g. depend on which end of a scale is 0): allowed, never the default, not held to it
    replication: tuple[Any, ...] = ()

    def rule(self) -> str:
        """What a value must be, in words (the first half of the error template)."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {
            bool: "a bool (true or false)",
            int: "an integer",
            float: "a number",
            str: "a string",
            dict: "a mapping",
        }.get(self.type, self.type.__name__)
        if self.low is not None and self.high is not None:
            kind += f" between {self.low:g} and {self.high:g}"
        elif self.low is not None:
            kind += f" of at least {self.low:g}"
        elif self.high is not None:
            kind += f" of at most {self.high:g}"
        return kind + (", or None" if self.none else "")

    def ok(self, value: Any) -> bool:
        if value is None:
            return self.none
        if self.choices is not None:
            return any(value == c and type(value) is type(c) for c in self.choices)
        if self.type is bool:
            return isinstance(value, bool)
        if self.type is int:
            good = isinstance(value, Integral) and not isinstance(value, bool)
        elif self.type is float:
            good = isinstance(value, Real) and not isinstance(value, bool) and value == value
        else:
            good = isinstance(value, self.type)
        if not good:
            return False
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)

    def check(self, value: Any) -> None:
        if not self.ok(value):
            raise ValueError(f"{self.name} must be {self.rule()}; got {value!r}")


def check_params(params: Iterable[Param], values: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` for the first value that breaks its row (in table order)."""
    for p in params:
        p.check(values[p.name])


def param_table(params: Iterable[Param]) -> list[dict[str, Any]]:
    """The table as plain rows (for docs, ``--model-param`` help and the dashboard's forms)."""
    return [
        {"name": p.name, "rule": p.rule(), "default": p.default, "source": p.source, "help": p.help}
        for p in params
    ]
