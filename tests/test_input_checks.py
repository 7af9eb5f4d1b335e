"""Input never misleads: each fault named with file, place, line and fix; all at once; warnings."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import accord
from accord.io.export import export_scenario
from accord.io.stance_table import read_stance_table, scenario_to_stance_csv
from accord.io.xlsx import SHEETS
from accord.scenario import ScenarioError

BASE = """metadata:
  title: toy
issues:
  - id: x
    question: How much?
    scale: {min: 0, max: 100}
actors:
  - id: a
    name: A
    capability: 1
    stances:
      x: {position: 10, salience: 0.5}
  - id: b
    name: B
    capability: 2
    stances:
      x: {position: 90, salience: 1.0, red_line: 50}
"""


def _problems(tmp_path: Path, text: str, name: str = "s.yaml", **kw) -> list[str]:
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(f, **kw)
    return [str(p).removeprefix(f"{f}: ") for p in info.value.problems]


def test_duplicate_yaml_key(tmp_path):
    text = BASE.replace("  title: toy\n", "  title: toy\n  title: other\n")
    assert _problems(tmp_path, text) == [
        "metadata.title (line 3) repeats a key (first on line 2); YAML would keep only the last "
        "value, got 'title'; remove one of the two, or rename it"
    ]


def test_unknown_format_version(tmp_path):
    assert _problems(tmp_path, "accord: 2\n" + BASE) == [
        "accord (line 1) is an unknown format version, got 2; this version of accord reads "
        "format version 1: write `accord: 1`"
    ]


@pytest.mark.parametrize(
    "raw, rule",
    [
        (
            "{value: yes}",
            "must be a number, not true/false, got True; write a number; YAML reads "
            "yes/no/on/off/true/false as true/false",
        ),
        (
            "yes",
            "must be a number, not true/false, got True; write a number; YAML reads "
            "yes/no/on/off/true/false as true/false",
        ),
        ('"1"', "must be a number, not text, got '1'; remove the quotes: write the number itself"),
        (
            "1e300",
            "must be a number, not text, got '1e300'; write it as 1.0e+300: YAML reads an "
            "exponent as a number only with a decimal point and a signed exponent",
        ),
        (
            "1" + "0" * 5000,
            "is a number too large for a float (5001 digits); numbers must lie within ±1.8e308",
        ),
        ("1" + "0" * 400, "is a number too large for a float (401 digits); numbers must lie"),
        (".inf", "must be a finite number, not infinity or NaN, got inf"),
    ],
)
def test_numbers_must_be_finite_numbers(tmp_path, raw, rule):
    got = _problems(tmp_path, BASE.replace("capability: 1\n", f"capability: {raw}\n"))
    assert len(got) == 1
    assert got[0].startswith("actors[0].capability")
    assert "(line 10) " + rule[:60] in got[0]


def test_huge_integer_from_python_is_refused():
    import yaml

    data = yaml.safe_load(BASE)
    data["actors"][0]["capability"] = 10**400
    with pytest.raises(ScenarioError) as info:
        accord.scenario.scenario_from_dict(data, "d")
    assert str(info.value.problems[0]).startswith(
        "d: actors[0].capability is too large: numbers must lie within ±1.8e308, got 1000"
    )


@pytest.mark.parametrize("raw", ['"a\\x1b[31m"', '"a\\n"', '"a\\t"', '"a\\u202e"'])
def test_ids_must_be_printable(tmp_path, raw):
    got = _problems(tmp_path, BASE.replace("  - id: a\n", f"  - id: {raw}\n"))
    assert len(got) == 1 and got[0].startswith(
        "actors[0].id (line 8) must hold printable characters only (no control characters, "
        "escape sequences, tabs or line breaks)"
    ), got


def test_names_and_labels_with_escape_sequences_are_refused_all_at_once(tmp_path):
    """A terminal obeys an escape sequence printed in a table: names, titles and labels may hold
    no control character (tabs and line breaks are text)."""
    text = BASE.replace("name: A\n", 'name: "A\\x1b[2J"\n').replace(
        "title: toy", 'title: "toy\\u009b31m"'
    )
    assert _problems(tmp_path, text) == [
        "metadata.title (line 2) holds the control character '\\x9b' (a terminal would obey "
        "it), got 'toy\\x9b31m'; retype the text without it",
        "actors[0].name (line 9) holds the control character '\\x1b' (a terminal would obey "
        "it), got 'A\\x1b[2J'; retype the text without it",
    ]
    ok = BASE.replace("question: How much?", 'question: "How much?\\n\\tIn %."')
    (tmp_path / "ok.yaml").write_text(ok)
    assert accord.load_scenario(tmp_path / "ok.yaml").issues[0].question == "How much?\n\tIn %."


def test_empty_title_is_refused_as_the_schema_requires(tmp_path):
    assert _problems(tmp_path, BASE.replace("title: toy", 'title: "  "')) == [
        "metadata.title (line 2) must not be empty, got '  '; give the scenario a title"
    ]
    assert "title" in accord.Scenario.model_json_schema()["$defs"]["Metadata"]["required"]


def test_duplicate_id_and_inverted_range_are_reported_together(tmp_path):
    text = BASE.replace("  - id: b", "  - id: a").replace(
        "capability: 2", "capability: {value: 2, uncertainty: {low: 3, high: 1}}"
    )
    got = _problems(tmp_path, text)
    assert (
        "actors[1].capability.uncertainty (line 15) is invalid: low (3.0) must not exceed "
        "high (1.0), got {'high': 1, 'low': 3}" in got
    )
    assert "actors[0].id (line 8) must be unique, got 'a'; rename one of the duplicates" in got
    assert "actors[1].id (line 13) must be unique, got 'a'; rename one of the duplicates" in got
    assert len(got) == 3


def test_what_the_models_need_is_checked_when_asked(tmp_path):
    one = BASE.split("  - id: b")[0]
    assert accord.load_scenario(_write(tmp_path, one)).actor_ids == ["a"]  # a legal file
    assert _problems(tmp_path, one, runnable=True) == [
        "actors (line 7) must list at least two actors to be forecast (a negotiation needs two "
        "sides; every model compares actors), got 1; add the other parties"
    ]
    zero = BASE.replace("capability: 2", "capability: 0").replace("salience: 0.5", "salience: 0")
    got = _problems(tmp_path, zero, runnable=True)
    assert got == [
        "actors[0].stances (line 11) must give the actor a salience above zero on at least one "
        "issue to be forecast (the models need something it cares about), got 'a'; add a stance "
        "with a positive salience, or leave the actor out",
        "actors[1].capability (line 15) must be above zero to be forecast (the models weigh every "
        "actor by its capability), got 0.0; give a small positive capability, or leave the actor "
        "out",
    ]


def _write(tmp_path: Path, text: str, name: str = "ok.yaml") -> Path:
    f = tmp_path / name
    f.write_text(text)
    return f


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True)


def test_validate_refuses_what_forecast_cannot_run(tmp_path):
    one = _write(tmp_path, BASE.split("  - id: b")[0])
    for cmd in (["validate", str(one)], ["forecast", "--no-save", str(one)]):
        proc = _cli(*cmd)
        assert proc.returncode == 2, proc.stderr
        assert "must list at least two actors to be forecast" in proc.stderr
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_red_line_beyond_own_position_is_a_warning(tmp_path):
    f = _write(tmp_path, BASE.replace("red_line: 50", "red_line: 95"))
    warnings: list = []
    accord.load_scenario(f, warnings=warnings)
    assert [str(w) for w in warnings] == [
        f"{f}: actors[1].stances.x.red_line (line 17) lies on the far side of the actor's own "
        "position 90 from the other actors (their mean position is 10), so it rules out nothing "
        "they want, got 95.0; a red line is the worst value the actor accepts: put it between its "
        "position and the others', or remove it"
    ]
    proc = _cli("validate", str(f))
    assert proc.returncode == 0 and "warning:" in proc.stdout and "far side" in proc.stdout
    assert not accord.scenario.checks.check_warnings({"actors": 1}, "x")


# -- importers ---------------------------------------------------------------------------------

G = Path(__file__).parent / "fixtures" / "genius"


def test_genius_profile_with_other_issue_names_is_refused(tmp_path):
    for name in ("holiday_domain.xml", "holiday_bob.xml"):
        (tmp_path / name).write_bytes((G / name).read_bytes())
    alice = (G / "holiday_alice.xml").read_text().replace('name="Destination"', 'name="Destinaton"')
    (tmp_path / "holiday_alice.xml").write_text(alice)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(tmp_path / "holiday_domain.xml")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'holiday_alice.xml'}: file does not match the domain holiday_domain.xml: "
        "lacks the domain's issues Destination; names issues the domain does not have: "
        "Destinaton; use the issue names of the domain, or leave this profile out"
    ]


def test_decide_issue_with_one_bound_is_refused(tmp_path):
    f = _write(
        tmp_path,
        "#A\tA\tAlpha\n#A\tB\tBeta\n#P\tx\tTax\n#M\tx\t5\tfive\n"
        "#D\tA\tx\t5\t0.5\t1\n#D\tB\tx\t5\t0.5\t1\n",
        "d.tsv",
    )
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(f)
    assert [str(p) for p in info.value.problems] == [
        f"{f}: line 4 gives issue 'x' only one scale point (#M), so its scale has one bound, got "
        "5.0; give the issue its lowest and its highest point, or no #M line for decide's "
        "default scale 0..100"
    ]


def test_xlsx_four_mistakes_on_four_sheets_in_one_run(tmp_path):
    import openpyxl

    path = tmp_path / "w.xlsx"
    export_scenario(accord.load_scenario("eu-emissions-1994"), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    st = wb["stances"]
    st.cell(3, SHEETS["stances"].index("issue_id") + 1).value = "yeer"  # typo, row 3
    wb["actors"].cell(2, SHEETS["actors"].index("capability") + 1).value = "lots"  # row 2
    wb["issues"].cell(2, SHEETS["issues"].index("scale_max") + 1).value = -5  # row 2
    wb["scale_labels"].append(["nope", 1, "x"])  # last row
    wb.save(path)
    n_labels = wb["scale_labels"].max_row
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    text = [str(p).removeprefix(f"{path}: ") for p in info.value.problems]
    assert (
        "stances row 3 names an issue that is not in the issues sheet, got 'yeer'; use one "
        "of co2, year"
        in text
        or any(t.startswith("stances row 3 names an issue") for t in text)
    )
    assert "actors row 2 capability must be a number, got 'lots'" in text
    assert (
        f"scale_labels row {n_labels} names an issue that is not in the issues sheet, got "
        "'nope'" in text
    )
    assert any(
        t.startswith("issues row 2 (issues[0].scale) is invalid: scale min") for t in text
    ), text
    assert not any("actors row 3" in t for t in text)


def _bomb(path: Path, mb: int = 40) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(mb):
                fh.write(block)


def test_zip_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.xlsx"
    _bomb(path)
    assert path.stat().st_size < 1 << 20
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    assert time.perf_counter() - t0 < 2
    (p,) = info.value.problems
    assert str(p).startswith(
        f"{path}: file has a part (xl/worksheets/sheet1.xml) that inflates "
        "more than 200 times its compressed size"
    )
    assert str(p).endswith("this is not a workbook accord will open (a zip bomb?)")


def test_too_many_cells_are_refused(tmp_path, monkeypatch):
    from accord.io import xlsx_layout

    path = tmp_path / "w.xlsx"
    export_scenario(accord.load_scenario("eu-emissions-1994"), "xlsx", path)
    monkeypatch.setattr(xlsx_layout, "MAX_CELLS", 10)
    with pytest.raises(ScenarioError, match="holds more than 10 cells"):
        accord.load_scenario(path)


# -- export: formulas stay text ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=SUM(A1:A9)", "+cmd", "-x", "@x", "\tx", "'=x"])
def test_csv_export_neutralises_formulas_and_reads_back(tmp_path, name):
    data = accord.load_scenario("eu-emissions-1994").model_dump()
    data["actors"][0]["name"] = name
    scn = accord.Scenario.model_validate(data)
    text, _ = scenario_to_stance_csv(scn)
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["actor_id"] == scn.actors[0].id)
    assert row["actor_name"] == "'" + name
    f = _write(tmp_path, text, "s.csv")
    assert read_stance_table(f, text).actor(scn.actors[0].id).name == name


def test_csv_keeps_negative_numbers_and_xlsx_neutralises(tmp_path):
    from accord.io._util import neutralise

    assert neutralise("-5") == "-5" and neutralise("-.5") == "-.5" and neutralise("a=b") == "a=b"
    import openpyxl

    data = accord.load_scenario("eu-emissions-1994").model_dump()
    data["actors"][0]["name"] = "=HYPERLINK(1)"
    path = tmp_path / "f.xlsx"
    export_scenario(accord.Scenario.model_validate(data), "xlsx", path)
    assert openpyxl.load_workbook(path)["actors"]["B2"].value == "'=HYPERLINK(1)"
    assert accord.load_scenario(path).actors[0].name == "=HYPERLINK(1)"
