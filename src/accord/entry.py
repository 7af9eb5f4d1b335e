"""The console script's entry point (``accord``, ``python -m accord``).

A Ctrl-C can land while accord is still starting, importing the command line and its
libraries, before any command has set up its own handling; it then stops the program like a
Ctrl-C during a command (exit 130, one line, no traceback) instead of printing the importer's
stack.
"""

from __future__ import annotations

import sys

__all__ = ["interrupted", "main"]


def interrupted(exc: BaseException) -> bool:
    """Whether a Ctrl-C is behind ``exc``: an interrupt that arrived while Python was creating a
    class or importing a module comes back wrapped (e.g. RuntimeError from ``__set_name__``)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


def main(argv: list[str] | None = None) -> None:
    """Import the command line, then run it; a Ctrl-C during the import exits 130 quietly."""
    try:
        from accord.cli import main as run
    except BaseException as exc:
        if not interrupted(exc):
            raise
        sys.stderr.write("interrupted.\n")
        sys.stderr.flush()
        raise SystemExit(130) from None
    run(argv)
