"""Small helpers shared by the readers."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator

__all__ = ["finite_number", "neutralise", "restore", "safe_id", "split_lines"]


def finite_number(text: str) -> float | None:
    """The number in ``text`` (a lone decimal comma accepted), or None if it is not a finite
    number."""
    t = text.strip()
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def split_lines(text: str, delimiter: str, quotechar: str = '"') -> Iterator[tuple[int, list[str]]]:
    """``(line number, stripped fields)`` for each non-blank physical line of ``text``.

    Each line is split on its own, so an unbalanced quote never swallows the lines after it
    and every problem can be reported on the line it sits on (1-based).
    """
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = next(csv.reader([line], delimiter=delimiter, quotechar=quotechar), [])
        except csv.Error:  # e.g. a field beyond csv's size limit: fall back to a plain split
            row = line.split(delimiter)
        yield lineno, [c.strip() for c in row]


def safe_id(name: str, taken: set[str], fallback: str = "item") -> str:
    """An identifier made from ``name`` (letters, digits, ``_`` and ``-``) not yet in ``taken``."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or fallback
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out)
    return out


def _formula_like(text: str) -> bool:
    if not text:
        return False
    head = text[0]
    if head in "=@\t\r'":
        return True
    return head in "+-" and not (len(text) > 1 and (text[1].isdigit() or text[1] == "."))


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula (it begins
    with ``=``, ``@``, a tab, a carriage return, or ``+``/``-`` not followed by a digit); a
    text that begins with ``'`` gets one more, so :func:`restore` gives the text back."""
    return "'" + text if _formula_like(text) else text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text
