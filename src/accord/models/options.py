"""Model options from the scenario and the command line, checked against the models' tables.

Every command that runs models builds them here: first the options the scenario carries for a
model (:meth:`accord.models.base.Model.options_from_scenario`, e.g. the SMP's KTAB
``<ModelParameters>`` recorded in ``extensions.ktab.model_parameters``), then the user's
``--model-param MODEL.OPTION=VALUE`` (repeatable), each value read by the option's declared
type and checked by its :class:`~accord.models.params.Param` row. Bad options are reported all
at once, each with its place and the fix, as for any other input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from accord.scenario.errors import Problem, ScenarioError

from .base import not_applicable
from .params import Param
from .registry import MODELS

if TYPE_CHECKING:
    from accord.scenario import Scenario

    from .base import Forecaster

__all__ = ["MODEL_PARAM_SYNTAX", "build_models", "parse_model_params"]

MODEL_PARAM_SYNTAX = "MODEL.OPTION=VALUE, e.g. bdm.rounds=20 or smp.voting_rule=Binary"
_FILE = "<command line>"


def _read(param: Param, text: str) -> Any:
    """``text`` as a value of ``param``'s type (raises ValueError with the house template)."""
    t = text.strip()
    if param.none and t.lower() in ("none", "null", ""):
        return None
    if param.type is bool:
        if t.lower() not in ("true", "false"):
            raise ValueError(f"{param.name} must be {param.rule()}; got {text!r}")
        value: Any = t.lower() == "true"
    elif param.type is int:
        try:
            value = int(t)
        except ValueError:
            raise ValueError(f"{param.name} must be {param.rule()}; got {text!r}") from None
    elif param.type is float:
        try:
            value = float(t)
        except ValueError:
            raise ValueError(f"{param.name} must be {param.rule()}; got {text!r}") from None
    elif param.type is str:
        value = t
    else:
        raise ValueError(f"{param.name} cannot be set from the command line")
    param.check(value)
    return value


def parse_model_params(specs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{model: {option: value}}`` from ``MODEL.OPTION=VALUE`` texts; every fault at once."""
    tables = {cls.name: {p.name: p for p in cls.PARAMS} for cls in MODELS}
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for k, spec in enumerate(specs):
        place = f"--model-param[{k}] ({spec})"
        head, eq, text = spec.partition("=")
        model, dot, option = head.strip().partition(".")
        if not eq or not dot:
            problems.append(
                Problem(_FILE, place, "is not a model option", spec, f"write {MODEL_PARAM_SYNTAX}")
            )
            continue
        if model not in tables:
            problems.append(
                Problem(
                    _FILE,
                    place,
                    "names a model that does not exist",
                    model,
                    f"use one of {sorted(tables)}",
                )
            )
            continue
        if option not in tables[model]:
            problems.append(
                Problem(
                    _FILE,
                    place,
                    f"names an option {model} does not have",
                    option,
                    f"use one of {sorted(tables[model])}",
                )
            )
            continue
        try:
            out.setdefault(model, {})[option] = _read(tables[model][option], text)
        except ValueError as exc:
            rule = str(exc).split("; got ")[0]
            problems.append(Problem(_FILE, place, f"is invalid: {rule}", text))
    if problems:
        raise ScenarioError(problems)
    return out


def build_models(
    names: Sequence[str] | None, scenario: Scenario | None = None, specs: Sequence[str] = ()
) -> list[Forecaster]:
    """The requested models (by default every one that applies to ``scenario``,
    :func:`accord.models.base.not_applicable`) with the scenario's options and the user's."""
    given = parse_model_params(specs)
    chosen = [cls for cls in MODELS if names is None or cls.name in names]
    if names is None and scenario is not None:
        chosen = [cls for cls in chosen if not_applicable(cls, scenario) is None]
    if names is not None:
        order = {n: k for k, n in enumerate(names)}
        chosen.sort(key=lambda cls: order[cls.name])
    out: list[Forecaster] = []
    for cls in chosen:
        kw: dict[str, Any] = dict(cls.options_from_scenario(scenario)) if scenario else {}
        kw.update(given.get(cls.name, {}))
        out.append(cls(**kw))
    return out
