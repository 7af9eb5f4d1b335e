"""The scenarios that ship with accord, found without loading the scenario models."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["ALIASES", "DEFAULT_SCENARIO", "resolve_alias", "shipped_path", "shipped_scenarios"]

#: The default: the latest snapshot of the sources' negotiation.
DEFAULT_SCENARIO = "ukraine-2025-07"
#: Other names a shipped scenario answers to (``ukraine-2025``: the default, as before the
#: negotiation was split into dated snapshots).
ALIASES = {"ukraine-2025": DEFAULT_SCENARIO}


def resolve_alias(name: str) -> str:
    """The shipped scenario a name stands for (itself unless it is an alias)."""
    return ALIASES.get(name, name)


def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with accord (the default first)."""
    folder = resources.files("accord") / "scenarios"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            found[entry.name.rsplit(".", 1)[0]] = Path(str(entry))
    order = sorted(found, key=lambda k: (k != DEFAULT_SCENARIO, k))
    return {k: found[k] for k in order}


def shipped_path(name: str) -> Path:
    return shipped_scenarios()[resolve_alias(name)]
