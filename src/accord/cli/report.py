"""`accord report`: the brief as one self-contained HTML file (optionally PDF)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import click

from accord.report.defaults import DEFAULT_DRAWS, DEFAULT_RUNS

from ._common import (
    SEED,
    bounded,
    console,
    db_option,
    quiet_option,
    read_scenario,
    recorded,
    save_option,
    scenario_argument,
    stages,
)
from .options import configured_models, model_param_option


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


#: paper sizes for ``--paper`` (the brief's own print rules are for A4)
PAPERS = ("a4", "letter")


def html_to_pdf(html_path: Path, pdf_path: Path, paper: str = "a4") -> None:
    """Print the brief to PDF with a headless Chromium (Debian's `chromium`), atomically, on A4
    (the brief's own ``@page``) or US letter (a copy of the page with a later ``@page`` rule,
    so the HTML itself stays as written)."""
    exe = _chromium()
    if exe is None:
        raise click.ClickException(
            "--pdf needs Chromium (Debian: apt-get install chromium); the HTML was written"
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "brief.pdf"
        if paper == "letter":
            from accord.report.brief import LETTER_PRINT_CSS

            page = Path(tmp) / "brief.html"
            rule = f"<style>{LETTER_PRINT_CSS}</style>"
            page.write_text(
                html_path.read_text(encoding="utf-8").replace("</head>", rule + "</head>", 1),
                encoding="utf-8",
            )
            html_path = page
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            html_path.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not out.exists():
            raise click.ClickException(
                f"Chromium could not print the PDF: {proc.stderr.strip()[-300:]}"
            )
        from accord._atomic import atomic_write_bytes

        atomic_write_bytes(pdf_path, out.read_bytes())


@click.command()
@scenario_argument
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default="brief.html", show_default=True
)
@click.option("--pdf", is_flag=True, help="also write a PDF beside the HTML (needs Chromium)")
@click.option(
    "--paper",
    type=click.Choice(PAPERS),
    default="a4",
    show_default=True,
    help="paper size of the PDF (--pdf): A4 or US letter",
)
@click.option(
    "--draws",
    type=bounded("draws", 0),
    default=DEFAULT_DRAWS,
    show_default=True,
    help="Monte Carlo draws for the spread and fan charts (0: leave the section out)",
)
@click.option(
    "--mc-models",
    type=click.Choice(["batched", "all"]),
    default="batched",
    show_default=True,
    help="models run on the draws: those with a batched kernel, or every model (slower)",
)
@click.option(
    "--runs",
    type=bounded("runs", 0),
    default=DEFAULT_RUNS,
    show_default=True,
    help="runs per process in the process comparison (0: leave the section out)",
)
@click.option(
    "--months",
    type=bounded("months", 0),
    default=120,
    show_default=True,
    help="months scanned for ripeness",
)
@click.option(
    "--short",
    is_flag=True,
    help="page one (the question, the overview figure, the key judgements and what would change "
    "them), the deal and the process only: about six printed pages",
)
@click.option(
    "--workers",
    "-j",
    type=bounded("workers"),
    default=1,
    show_default=True,
    help="worker processes that run the Monte Carlo, the tornado and the process comparisons "
    "side by side (1: one after the other, in this process); the brief is the same. Pays only "
    "on a machine with idle cores that are not hyper-threads of one another",
)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option(
    "--review",
    "review_name",
    default=None,
    metavar="NAME",
    help="add the review status of the scenario NAME from the run store (--db): its sign-off "
    "for this version, the numbers still disputed and their effect on the headline (a team "
    "server's review, docs/review.md)",
)
@model_param_option
@db_option
@save_option
@quiet_option
def report(
    scenario,
    output,
    pdf,
    paper,
    draws,
    mc_models,
    runs,
    months,
    short,
    workers,
    seed,
    review_name,
    model_params,
    db,
    save,
    quiet,
):
    """Write the brief: page one (the question, the overview, the key judgements and what would
    change them), then forecasts, charts, evidence, assumptions (``--short``: page one, the deal
    and the process only)."""
    from accord._atomic import atomic_write_text
    from accord.report.brief import build_brief

    scn = read_scenario(scenario)
    review = None
    if review_name:
        from accord.store.db import default_url
        from accord.store.review import ReviewStore

        review = ReviewStore(db or default_url()).status(review_name, scn.content_hash())
    params = {
        "draws": draws,
        "mc_models": mc_models,
        "runs": runs,
        "months": months,
        "output": str(output),
        "short": short,
        "model_params": list(model_params),
    }
    with recorded("report", scn, params, seed, db, save) as run, stages(quiet) as stage:
        configured_models(None, scn, model_params)  # a bad --model-param fails here, at once
        text = build_brief(
            scn,
            seed=seed,
            draws=draws,
            runs=runs,
            months=months,
            mc_models=mc_models,
            model_params=model_params,
            short=short,
            workers=workers,
            on_stage=stage,
            review=review,
        )
        stage("writing the brief")
        atomic_write_text(output, text)
        run["results"] = {"output": str(output), "bytes": len(text)}
    console.print(f"wrote {output} ({len(text) / 1024:.0f} KiB)")
    if pdf:
        pdf_path = Path(output).with_suffix(".pdf")
        html_to_pdf(Path(output), pdf_path, paper)
        console.print(f"wrote {pdf_path}")


@click.command()
@scenario_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="write the table to this Markdown file (default: print it)",
)
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="inputs marked as those the conclusions depend on most")  # fmt: skip
@click.option("--seed", type=SEED, default=0, show_default=True)
def review(scenario, output, top, seed):
    """Write the review table: every number, its evidence kind and quote, how the quote became
    the number, its range, and the conclusion it moves most.

    Example: accord review ukraine-2025-07 -o docs/scenarios/ukraine-2025-07.md
    """
    from accord._atomic import atomic_write_text
    from accord.report.review import review_markdown

    scn = read_scenario(scenario)
    name = Path(str(scenario)).stem if scenario else "default"
    text = review_markdown(scn, name, top=top, seed=seed)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    console.print(f"wrote {output}")
