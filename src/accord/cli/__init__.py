"""accord's command line: parse, call the library, print; every command is listed in COMMANDS."""

from __future__ import annotations

import os
import sys

import click

from accord.entry import interrupted
from accord.scenario import ScenarioError

from . import (
    backtest,
    bargain,
    core,
    diff,
    interop,
    process,
    report,
    runs,
    sensitivity,
    serve,
    simulate,
)
from ._common import console_err, exit_now

__all__ = ["COMMANDS", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="accord")
def cli() -> None:
    """Model and forecast multi-party negotiations.

    Every command that takes a SCENARIO accepts a shipped scenario's name (see `accord
    scenarios`) or a file (YAML, a BDM table, a KTAB SMP CSV or a decide TSV); without one it
    uses the shipped default, ukraine-2025-07 (also `ukraine-2025`).
    """


#: Every command, listed explicitly (nothing registers itself by being imported).
COMMANDS: tuple[click.Command, ...] = (
    core.forecast,
    core.explain,
    core.validate,
    core.schema,
    core.scenarios,
    bargain.bargain,
    simulate.simulate,
    sensitivity.sensitivity,
    sensitivity.shock,
    process.process,
    diff.diff,
    backtest.backtest,
    report.report,
    report.review,
    runs.runs,
    serve.serve,
    interop.import_,
    interop.export,
    interop.template,
)
for _command in COMMANDS:
    cli.add_command(_command)


def _redeliver_lost_interrupts() -> None:
    """A Ctrl-C that lands in a finaliser or a weak-reference callback is printed as "Exception
    ignored" and lost, and the command would run on; deliver it again to the main thread."""
    import _thread
    import threading

    previous = sys.unraisablehook

    def hook(args) -> None:
        if isinstance(args.exc_value, KeyboardInterrupt):
            # from another thread, a moment later, so that the main thread gets it once this
            # hook has returned (raised inside the hook, it would be ignored again)
            timer = threading.Timer(0.02, _thread.interrupt_main)
            timer.daemon = True
            timer.start()
            return
        previous(args)

    sys.unraisablehook = hook


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `accord` console script: no traceback for a bad scenario."""
    _redeliver_lost_interrupts()
    try:
        cli.main(args=argv, prog_name="accord", standalone_mode=False)
    except ScenarioError as exc:
        for p in exc.problems:
            console_err.print(
                f"[red]error:[/red] {p}", highlight=False, markup=True, soft_wrap=True
            )
        n = len(exc.problems)
        console_err.print(
            f"{n} problem{'s' if n != 1 else ''} found; nothing was run.", highlight=False
        )
        sys.exit(2)
    except click.exceptions.Abort:
        console_err.print("aborted.")
        exit_now(130)
    except KeyboardInterrupt:
        console_err.print("interrupted.")
        exit_now(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug, not bad input: say so plainly, keep the traceback on request
        if interrupted(exc):
            console_err.print("interrupted.")
            exit_now(130)
        if os.environ.get("ACCORD_DEBUG"):
            raise
        console_err.print(
            f"[red]internal error:[/red] {type(exc).__name__}: {exc}", highlight=False
        )
        console_err.print(
            "This is a bug in accord, not in your input; run again with ACCORD_DEBUG=1 "
            "for the traceback and please report it.",
            highlight=False,
        )
        sys.exit(1)
