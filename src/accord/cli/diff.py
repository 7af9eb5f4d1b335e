"""`accord diff A B`: what changed between two versions of a negotiation and how every answer
moved."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from accord.scenario import ScenarioError

from ._common import SEED, bounded, console, format_option, quiet_option, read_scenario, stages
from .options import check_models, configured_models, model_param_option, models_option

#: Defaults of the library (accord.report.diff), repeated here so that `accord --help` loads no
#: analysis; tests/test_diff.py checks that they agree.
DRAWS = 200
RUNS = 100

INPUTS_TITLE = "Inputs that changed"
ANSWERS_TITLE = "How the answers moved"


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--inputs-only",
    is_flag=True,
    default=False,
    help="compare the inputs only; run no model, bargaining, Monte Carlo or process",
)
@models_option()
@model_param_option
@click.option(
    "--draws",
    "-n",
    type=bounded("draws", 0),
    default=DRAWS,
    show_default=True,
    help="Monte Carlo draws per scenario for P(zone open by month); 0 skips the Monte Carlo",
)
@click.option(
    "--runs",
    type=bounded("runs", 0),
    default=RUNS,
    show_default=True,
    help="simulated runs per process; 0 skips the process comparison",
)
@click.option(
    "--seed",
    type=SEED,
    default=0,
    show_default=True,
    help="seed of every stochastic part, the same on both sides",
)
@click.option(
    "--resolution",
    type=bounded("resolution", 2),
    default=11,
    show_default=True,
    help="grid points per continuous issue in the bargaining analysis (as `accord bargain`)",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    default=False,
    help="list every answer, also those that did not move",
)
@format_option("table", "json")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.json",
    help="also write the comparison as JSON to this file (atomically)",
)
@quiet_option
def diff(
    a: str,
    b: str,
    inputs_only: bool,
    models: tuple[str, ...],
    model_params: tuple[str, ...],
    draws: int,
    runs: int,
    seed: int,
    resolution: int,
    show_all: bool,
    fmt: str,
    output: str | None,
    quiet: bool,
) -> None:
    """Compare two versions of a negotiation: every input that changed (with the evidence
    behind the old and the new value) and how every answer moved.

    A is the old version, B the new one; each is a shipped scenario's name or a file. Actors,
    issues and sources are matched by id, so reordering a file changes nothing; those present
    in only one version are listed as added or removed. Both sides run with the same settings
    and seed: forecasts of every model and the consensus, the zone of agreement and when it
    opens, P(zone open by 12/24/48 months) and the process comparison.

    Example: accord diff ukraine-2025 my-ukraine.yaml --draws 100 --runs 50
    """
    from time import perf_counter

    from accord.report.diff import compare_scenarios

    t0 = perf_counter()
    scn_a, scn_b = _read_both(a, b)
    names = check_models(models)
    if model_params:  # a bad option fails here, at once, for either side
        configured_models(names, scn_a, model_params)
    with stages(quiet, "running both versions"):
        res = compare_scenarios(
            scn_a,
            scn_b,
            models=names,
            model_params=model_params,
            draws=draws,
            runs=runs,
            seed=seed,
            resolution=resolution,
            answers=not inputs_only,
            files=(a, b),
        )
    data = {"files": {"a": a, "b": b}, **res.to_dict()}
    # str(): an `extensions` value YAML read as a date or a time stays readable
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    if output is not None:
        from accord._atomic import atomic_write_text

        try:
            atomic_write_text(output, text)
        except OSError as exc:
            raise click.ClickException(
                f"{output}: cannot write the comparison ({exc.strerror or exc}); give a file in "
                "a folder you can write to"
            ) from None
    if fmt == "json":
        click.echo(text, nl=False)
        return
    _print(res, a, b, show_all, perf_counter() - t0, output)


def _read_both(a: str, b: str):
    """Both scenarios, or every problem of both files at once."""
    got, problems = [], []
    for ref in (a, b):
        try:
            got.append(read_scenario(ref))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return got[0], got[1]


# -- printing ------------------------------------------------------------------------------------


def _print(res, a: str, b: str, show_all: bool, seconds: float, output: str | None) -> None:
    ins = res.inputs
    console.print(f"[bold]A[/bold]: {escape(a)} — {escape(ins.a_title)}")
    console.print(f"[bold]B[/bold]: {escape(b)} — {escape(ins.b_title)}")
    if ins.empty:
        console.print(f"\n[bold]{INPUTS_TITLE}[/bold]: none (the inputs are the same)")
    else:
        console.print(_inputs_table(ins.changes))
    if res.settings["answers"]:
        shown = res.answers if show_all else res.moved
        s = res.settings
        console.print(
            f"\n{len(res.moved)} of {len(res.answers)} answers moved (seed {s['seed']}, "
            f"{s['draws']} Monte Carlo draws, {s['runs']} runs per process)"
        )
        if shown:
            console.print(_answers_table(shown))
        else:
            console.print(f"[bold]{ANSWERS_TITLE}[/bold]: no answer moved")
    for note in res.notes:
        console.print(f"note: {escape(note)}", soft_wrap=True)
    if output is not None:
        console.print(f"written: {escape(output)}")
    console.print(f"time: {seconds:.1f} s")


def _inputs_table(changes) -> Table:
    t = Table(title=INPUTS_TITLE, title_justify="left", show_lines=True)
    t.add_column("input", overflow="fold")
    t.add_column("A", justify="right", overflow="fold")
    t.add_column("B", justify="right", overflow="fold")
    t.add_column("evidence in A", overflow="fold", ratio=2)
    t.add_column("evidence in B", overflow="fold", ratio=2)
    for c in changes:
        ev_a = _evidence(c.old_evidence)
        ev_b = "(same)" if c.new_evidence and c.new_evidence == c.old_evidence else None
        t.add_row(
            escape(c.place),
            escape(_value(c.old, c.kind == "added")),
            escape(_value(c.new, c.kind == "removed")),
            escape(ev_a),
            escape(ev_b or _evidence(c.new_evidence)),
        )
    return t


def _answers_table(moves) -> Table:
    t = Table(title=ANSWERS_TITLE, title_justify="left")
    t.add_column("part")
    t.add_column("answer", overflow="fold")
    t.add_column("A", justify="right")
    t.add_column("B", justify="right")
    t.add_column("change", justify="right")
    group = None
    for m in moves:
        share = m.key.rsplit(".", 1)[-1].startswith("p_")
        t.add_row(
            escape(m.group) if m.group != group else "",
            escape(m.place),
            _answer(m.old, share),
            _answer(m.new, share),
            _change(m, share),
        )
        group = m.group
    return t


# -- cells ---------------------------------------------------------------------------------------


def _value(v: Any, absent: bool) -> str:
    if v is None:
        return "(absent)" if absent else "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return _summary(v)
    if isinstance(v, list):  # e.g. the Council's members: the ids, as the file lists them
        return ", ".join(_value(x, False) for x in v) if v else "(none)"
    return str(v)


def _summary(d: dict[str, Any]) -> str:
    if "low" in d and "high" in d:  # an uncertainty range
        return f"{d['low']:g}..{d['high']:g} {d.get('shape', '')}".strip()
    if "capability" in d and "stances" in d:  # an actor
        party = "party" if d.get("party") else "not a party"
        return f"{d['name']} ({d['id']}): capability {d['capability']:g}, {party}, stances on " + (
            ", ".join(d["stances"]) or "no issue"
        )
    if "question" in d and "scale" in d:  # an issue
        sc = d["scale"]
        kind = "discrete" if sc.get("discrete") else "scale"
        return f"{d['question']} ({kind} {sc['min']:g}..{sc['max']:g})"
    if "position" in d and "salience" in d:  # a stance
        red = "" if d.get("red_line") is None else f", red line {d['red_line']:g}"
        return f"position {d['position']:g}, salience {d['salience']:g}{red}"
    if "legislative" in d and "council" in d:  # a procedure
        roles = [
            f"{name} {_value(d[k], False)}"
            for k, name in (
                ("commission", "Commission"),
                ("parliament", "Parliament"),
                ("council_members", "Council members"),
            )
            if d.get(k) is not None
        ]
        return f"{d['legislative']}, Council by {d['council']}" + "".join(f"; {r}" for r in roles)
    if "title" in d and "id" in d:  # a source
        return f"{d['title']}" + (f" ({d['date']})" if d.get("date") else "")
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


def _evidence(ev: dict[str, str] | None) -> str:
    if not ev:
        return ""
    if ev["kind"] in ("quote", "comment"):
        who = f" (reader comment by {ev['comment_by']})" if ev.get("comment_by") else ""
        return f"{ev['source']}: “{ev['quote']}”{who}"
    return f"judgement: {ev.get('judgement', '')}"


def _answer(v: Any, share: bool) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if share:
        return f"{v:.0%}"
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def _change(m, share: bool) -> str:
    if not m.moved:
        return "0"
    if isinstance(m.old, bool) or isinstance(m.new, bool):
        return "opened" if m.new else "closed"
    if m.delta is None:
        return "changed"
    if share:
        return f"{m.delta * 100:+.0f} pts"
    whole = isinstance(m.old, int) and isinstance(m.new, int)
    return f"{m.delta:+.0f}" if whole else f"{m.delta:+.2f}"
