"""Small helpers shared by the readers."""

from __future__ import annotations

import math

__all__ = ["finite_number"]


def finite_number(text: str) -> float | None:
    """The number in ``text`` (a lone decimal comma accepted), or None if it is not a finite number."""
    t = text.strip()
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
