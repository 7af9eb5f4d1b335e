"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

if TYPE_CHECKING:
    from accord.scenario import Scenario

console = Console(highlight=False, soft_wrap=False)
console_err = Console(stderr=True, highlight=False, soft_wrap=True)

#: the type of every ``--seed``: numpy's seed sequences take whole numbers from 0 up, so a
#: negative seed is a usage error naming the option, never an internal error
SEED = click.IntRange(min=0)

#: Upper bounds of the work one command may be asked for: far above any analysis a laptop
#: runs, low enough that a typo (``--draws 1000000000``) is a usage error naming the option,
#: not hours of work or an exhausted machine (issue 18).
LIMITS = {
    "draws": 1_000_000,
    "runs": 100_000,
    "months": 1_200,
    "resolution": 101,
    "workers": 256,
    "samples": 1_000_000,
    "resamples": 100_000,
    "chunk": 1_000_000,
}


def bounded(what: str, minimum: int = 1) -> click.IntRange:
    """The type of an option counting ``what`` (a key of :data:`LIMITS`), from ``minimum``."""
    return click.IntRange(minimum, LIMITS[what])


scenario_argument = click.argument("scenario", required=False, metavar="[SCENARIO]")


def read_scenario(ref: str | None) -> Scenario:
    """The scenario named or given by path (YAML, or any format :mod:`accord.io` reads),
    checked for what the models need before they run."""
    from accord.scenario.loader import load_scenario, resolve_scenario_path

    if resolve_scenario_path(ref).suffix.lower() in (".yaml", ".yml", ".json"):
        return load_scenario(ref, runnable=True)  # no other tool's reader needed (nor imported)
    from accord.io import read_any

    return read_any(ref, runnable=True)


def format_option(*choices: str, default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="output format",
    )


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o).__name__)


# -- saving runs -------------------------------------------------------------------------------
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from time import perf_counter  # noqa: E402

db_option = click.option(
    "--db",
    default=None,
    metavar="URL",
    help="run store (default: $ACCORD_DB or SQLite in the user's data folder); e.g. "
    "postgresql://...",
)
save_option = click.option(
    "--save/--no-save", default=True, show_default=True, help="record this run in the run store"
)


def open_store(db: str | None):
    from accord.store import RunStore
    from accord.store.schema import redact_url

    try:
        return RunStore(db)
    except Exception as exc:  # a bad URL or an unreachable server is the user's input
        where = redact_url(db) if db else "(default)"
        detail = str(exc).replace(db, where) if db else str(exc)
        raise click.ClickException(f"cannot open the run store {where}: {detail}") from None


@contextmanager
def recorded(
    kind: str,
    scenario: Scenario | None,
    params: dict[str, Any],
    seed: int | None,
    db: str | None,
    save: bool = True,
) -> Iterator[dict[str, Any]]:
    """Record a run: a `running` row first, then results and timings in one transaction."""
    store = open_store(db) if save else None
    run_id = store.start(kind, scenario=scenario, params=params, seed=seed) if store else None
    holder: dict[str, Any] = {"run_id": run_id}
    t0 = perf_counter()
    try:
        yield holder
    except BaseException as exc:
        if store is not None and run_id is not None:
            store.fail(run_id, f"{type(exc).__name__}: {exc}")
        raise
    else:
        if store is not None and run_id is not None:
            timings = {"total_s": perf_counter() - t0, **holder.get("timings", {})}
            store.finish(run_id, results=holder.get("results"), timings=timings)
    finally:
        if store is not None:
            store.close()


def exit_now(code: int) -> None:
    """Exit at once, after flushing the terminal, without waiting for worker threads: after a
    Ctrl-C everything kept is already written (every file atomically, the run store committed),
    and a process pool whose workers were ended mid-message can leave a thread that Python's own
    exit would wait for forever."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="no progress display on stderr (none when not a terminal)"
)


@contextmanager
def stages(quiet: bool = False, first: str = "starting") -> Iterator[Any]:
    """A live status line on stderr: the stage running and the seconds so far; the callback it
    yields names the next stage. Silent with ``quiet`` or when stderr is not a terminal."""
    if quiet or not console_err.is_terminal:
        yield lambda what: None
        return
    t0 = perf_counter()
    with console_err.status(first) as status:

        def tell(what: str) -> None:
            status.update(f"{what} (after {perf_counter() - t0:.0f} s)")

        yield tell
    console_err.print(f"done in {perf_counter() - t0:.1f} s", highlight=False)
