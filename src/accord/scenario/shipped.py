"""The scenarios that ship with accord, found without loading the scenario models."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_SCENARIO", "shipped_path", "shipped_scenarios"]


def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with accord (``ukraine-2025`` first)."""
    folder = resources.files("accord") / "scenarios"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            found[entry.name.rsplit(".", 1)[0]] = Path(str(entry))
    order = sorted(found, key=lambda k: (k != "ukraine-2025", k))
    return {k: found[k] for k in order}


def shipped_path(name: str) -> Path:
    return shipped_scenarios()[name]


DEFAULT_SCENARIO = "ukraine-2025"
