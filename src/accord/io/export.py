"""Writing a scenario to YAML, a flat CSV stance table or an XLSX workbook.

Every writer returns the list of what the target format cannot hold (``losses``: plain
sentences, empty when nothing is lost) and writes atomically (:mod:`accord._atomic`): a
failed export leaves an existing output file untouched.

- YAML holds everything: ``load_scenario(export(s, "yaml"))`` equals ``s``.
- XLSX (:mod:`accord.io.xlsx`) holds everything (``procedure:`` on a sheet of its own) except
  text that a spreadsheet cell cannot keep (control characters, carriage returns) and the
  difference between an empty text and an absent one; those are reported.
- CSV (:mod:`accord.io.stance_table`) is one row per stance, by design with no place for a
  scenario-level field: evidence, uncertainty, scale labels, sources, metadata, no-deal terms,
  war dynamics, the EU procedure (``procedure:``) and extensions are reported as lost.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Literal

import yaml

from accord._atomic import atomic_write_bytes, atomic_write_text
from accord.scenario import Quantity, Scenario

__all__ = [
    "FORMATS",
    "YamlDumper",
    "compact_plain",
    "export_scenario",
    "scenario_to_plain",
    "scenario_to_yaml",
]

FORMATS = ("yaml", "csv", "xlsx")
_INT_SAFE = 2.0**53  # integral floats below this print as integers and read back exactly


def scenario_to_plain(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in accord's YAML layout: absent fields left out, a quantity
    without evidence or uncertainty written as a bare number."""
    return compact_plain(scenario, Scenario)


def compact_plain(obj: Any, _type: Any = None) -> Any:
    from pydantic import BaseModel

    if isinstance(obj, Quantity) and obj.evidence is None and obj.uncertainty is None:
        return _number(obj.value)
    if isinstance(obj, BaseModel):
        out = {}
        for name in type(obj).model_fields:
            val = getattr(obj, name)
            if val is None:
                continue
            out[name] = compact_plain(val)
        return out
    if isinstance(obj, dict):
        return {
            (_number(k) if isinstance(k, float) else k): compact_plain(v) for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple)):
        return [compact_plain(v) for v in obj]
    if isinstance(obj, float):
        return _number(obj)
    return obj


def _number(x: float) -> float | int:
    if (
        math.isfinite(x)
        and x == int(x)
        and abs(x) < _INT_SAFE
        and not (x == 0 and math.copysign(1, x) < 0)
    ):
        return int(x)
    return x


_BASE_DUMPER: Any = getattr(
    yaml, "CSafeDumper", yaml.SafeDumper
)  # libyaml's emitter when available


class YamlDumper(_BASE_DUMPER):
    """Safe YAML without anchors/aliases (a shared object is written out each time)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def scenario_to_yaml(scenario: Scenario) -> str:
    """accord's native YAML for ``scenario`` (reads back equal to it)."""
    return yaml.dump(
        scenario_to_plain(scenario),
        Dumper=YamlDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def export_scenario(
    scenario: Scenario, to: Literal["yaml", "csv", "xlsx"], out: str | os.PathLike
) -> list[str]:
    """Write ``scenario`` to ``out`` in format ``to`` atomically; return what the format could not
    hold.
    """
    if to == "yaml":
        atomic_write_text(out, scenario_to_yaml(scenario))
        return []
    if to == "csv":
        from .stance_table import scenario_to_stance_csv

        text, losses = scenario_to_stance_csv(scenario)
        atomic_write_text(out, text)
        return losses
    if to == "xlsx":
        from .xlsx import scenario_to_xlsx

        data, losses = scenario_to_xlsx(scenario)
        atomic_write_bytes(out, data)
        return losses
    raise ValueError(f"format must be one of {FORMATS}, got {to!r}")


def format_for(path: str | os.PathLike) -> str | None:
    """The export format a file name implies (``.yml`` -> yaml), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"yml": "yaml", "yaml": "yaml", "csv": "csv", "xlsx": "xlsx"}.get(suffix)
