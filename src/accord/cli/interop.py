"""Other tools' files: `accord import`, `accord export` and `accord template`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

if TYPE_CHECKING:
    from accord.scenario import Scenario

from ._common import console, console_err, read_scenario

__all__ = ["export", "import_", "template"]


def _warn_losses(fmt: str, out: str, losses: list[str]) -> None:
    if not losses:
        return
    console_err.print(
        f"[yellow]warning:[/yellow] {escape(out)}: {fmt.upper()} cannot hold "
        f"{len(losses)} kind{'s' if len(losses) != 1 else ''} of content, left out:",
        highlight=False,
    )
    for loss in losses:
        console_err.print(f"  - {escape(loss)}", highlight=False)


def _summary(scn: Scenario) -> str:
    return (
        f"{len(scn.actors)} actors, {len(scn.issues)} issues; evidence: {scn.evidence_coverage()}"
    )


def _write(scn: Scenario, out: str, to: str | None) -> None:
    from accord.io.export import FORMATS, export_scenario, format_for

    fmt = to or format_for(out)
    if fmt is None:
        raise click.BadParameter(
            f"cannot tell the format from {out!r}; give --to {'|'.join(FORMATS)}", param_hint="--to"
        )
    losses = export_scenario(scn, fmt, out)  # type: ignore[arg-type]  # checked by format_for, --to
    console.print(f"wrote {escape(out)} ({fmt}): {escape(_summary(scn))}", soft_wrap=True)
    _warn_losses(fmt, out, losses)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    metavar="OUT",
    help="where to write (.yaml, .csv or .xlsx)",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="XML",
    help="GENIUS utility space to read with a domain FILE (repeatable; default: every utility "
    "space beside the domain)",
)
def import_(file: str, out: str, profiles: tuple[str, ...]) -> None:
    """Read another tool's FILE (BDM table, decide TSV/CSV, KTAB CSV/XML, GENIUS XML, XLSX, stance
    CSV) and write it as an accord scenario (YAML unless OUT says otherwise)."""
    from accord.io.genius import is_genius, read_genius

    path = Path(file)
    if path.suffix.lower() == ".xml" and path.is_file() and is_genius(path):
        scn, notes = read_genius(path, [Path(p) for p in profiles] or None)
    elif profiles:
        raise click.BadParameter(
            "only a GENIUS domain FILE takes utility spaces", param_hint="--profile"
        )
    else:
        scn, notes = read_scenario(file), []
    _write(scn, out, None)
    for note in notes:
        console_err.print(f"[yellow]note:[/yellow] {escape(str(note))}", highlight=False)


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--to",
    "to",
    type=click.Choice(["yaml", "csv", "xlsx"]),
    default=None,
    help="format (default: from OUT's suffix)",
)
@click.option(
    "-o", "--output", "out", required=True, metavar="OUT", help="file to write (atomically)"
)
def export(scenario: str | None, to: str | None, out: str) -> None:
    """Write SCENARIO as YAML, a flat CSV stance table or an XLSX workbook; what the format
    cannot hold is listed as warnings."""
    _write(read_scenario(scenario), out, to)


@click.command()
@click.option("-o", "--output", "out", required=True, metavar="FILE.xlsx", help="workbook to write")
@click.option("--force", is_flag=True, help="replace FILE if it exists")
def template(out: str, force: bool) -> None:
    """Write an empty scenario workbook (XLSX) for analysts to fill, with a README sheet."""
    from accord._atomic import atomic_write_bytes
    from accord.io.xlsx import template_xlsx

    if Path(out).exists() and not force:
        raise click.ClickException(f"{out} exists; give --force to replace it")
    atomic_write_bytes(out, template_xlsx())
    console.print(
        f"wrote {escape(out)}: fill the sheets metadata, sources, actors, issues, scale_labels and "
        "stances, then run `accord validate` on it",
        soft_wrap=True,
    )
