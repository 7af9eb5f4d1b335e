"""decide-exchange-model files (TSV and `;`-CSV) read into a Scenario; every fault named by line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import shared_file

import accord
from accord.scenario import ScenarioError

SMALL = """#O\tSmall case
#/\ta comment line
#A\tA\tAlpha
#A\tB\tBeta
#A\tC\tGamma
#P\tx\tTax\tHow high is the tax?
#M\tx\t0\tno tax
#M\tx\t50
#M\tx\t100\tfull tax
#P\ty\tYield
#D\tA\tx\t10\t0.5\t2
#D\tA\ty\t40\t1\t2
#D\tB\tx\t90\t0.25\t1
#D\tB\ty\t60\t0.75\t3
#D\tC\tx\t50\t1\t4
"""


def _load(tmp_path, text, name="case.tsv"):
    path = tmp_path / name
    path.write_text(text)
    return path, accord.load_scenario(path)


def test_small_tsv_maps_every_field(tmp_path):
    _, scn = _load(tmp_path, SMALL)
    assert scn.metadata.title == "Small case" and "case.tsv" in scn.metadata.description
    assert scn.actor_ids == ["A", "B", "C"] and scn.actor("B").name == "Beta"
    x = scn.issue("x")
    assert (x.name, x.question, x.scale.min, x.scale.max) == ("Tax", "How high is the tax?", 0, 100)
    assert x.scale.labels == {
        0.0: "no tax",
        100.0: "full tax",
    }  # unlabelled #M points carry no text
    assert scn.issue("y").scale.labels == {} and scn.issue("y").question == "Yield"
    # constant power -> actor capability; varying power -> per-stance capability, actor gets the
    # largest
    assert scn.actor("A").capability.value == 2 and scn.actor("A").stances["x"].capability is None
    b = scn.actor("B")
    assert (
        b.capability.value == 3
        and b.stances["x"].capability.value == 1
        and b.stances["y"].capability.value == 3
    )
    np.testing.assert_array_equal(scn.arrays("x").capability, [2, 1, 4])
    np.testing.assert_array_equal(scn.arrays("y").capability, [2, 3])
    assert scn.arrays("y").actor_ids == ("A", "B")  # C takes no stance on y
    cov = scn.evidence_coverage()
    assert cov.quoted == cov.judgement == 0  # nothing invented


def test_quoted_and_semicolon_forms_read_the_same(tmp_path):
    _, plain = _load(tmp_path, SMALL)
    quoted = "\n".join("\t".join(f"'{c}'" for c in line.split("\t")) for line in SMALL.splitlines())
    _, q = _load(tmp_path, quoted, "q.tsv")
    _, semi = _load(tmp_path, SMALL.replace("\t", ";"), "s.csv")
    for other in (q, semi):
        assert other.model_dump(exclude={"metadata"}) == plain.model_dump(exclude={"metadata"})


def test_cop21_tsv_and_labelled_csv():
    scn = accord.load_scenario(shared_file("decide", "cop21.tsv"))
    assert (len(scn.actors), len(scn.issues)) == (15, 13)
    assert all((i.scale.min, i.scale.max) == (0, 100) for i in scn.issues)
    usa = scn.actor("USA")
    assert (
        usa.stances["differentiation"].position.value,
        usa.stances["differentiation"].salience.value,
    ) == (20, 0.95)  # line 223 of cop21.tsv
    labelled = accord.load_scenario(shared_file("decide", "cop21_with_scale_labels.csv"))
    assert labelled.metadata.title.startswith("CoP21 Paris negotiations")
    assert labelled.issue("mrv").scale.labels[65.0] == "International Assessment and Review (IAR)"
    assert labelled.issue("mrv").scale.labels[100.0] == "Kyoto compliance regime"


def test_copenhagen_errors_are_exactly_the_faults_injected():
    """copenhagen_with_errors.tsv differs from copenhagen.tsv (besides layout and the actor ids
    Canadas/Japans -> Canada/Japan) on exactly two data lines, found by diffing the two files:
    line 86 Russia/Control position 60 -> 160 and line 87 China India/Control power
    0.247 -> -0.247."""
    path = shared_file("decide", "copenhagen_with_errors.tsv")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    assert [(p.place, p.rule, p.value) for p in info.value.problems] == [
        ("line 86", "position must be between 0 and 100 (the issue's #M scale)", 160.0),
        ("line 87", "power must be zero or more", -0.247),
    ]
    assert all(str(p).startswith(f"{path}: line 8") for p in info.value.problems)


def test_copenhagen_errors_repaired_equals_the_clean_file(tmp_path):
    clean = accord.load_scenario(shared_file("decide", "copenhagen.tsv"))
    lines = shared_file("decide", "copenhagen_with_errors.tsv").read_text().splitlines()
    lines[85] = lines[85].replace("\t160\t", "\t60\t")
    lines[86] = lines[86].replace("-0.247", "0.247")
    fixed = tmp_path / "fixed.tsv"
    fixed.write_text(
        "\n".join(lines)
        .replace("Canada", "Canadas")
        .replace("Japan\t", "Japans\t")
        .replace("\tJapan\n", "\tJapans\n")
        + "\n"
    )
    repaired = accord.load_scenario(fixed)
    assert repaired.actor_ids == clean.actor_ids and repaired.issue_ids == clean.issue_ids
    for key, value in clean.matrices().items():
        np.testing.assert_array_equal(repaired.matrices()[key], value, err_msg=key)


def test_validate_cli_exit_2_without_traceback():
    path = shared_file("decide", "copenhagen_with_errors.tsv")
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "validate", str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert "line 86" in proc.stderr and "line 87" in proc.stderr and "Traceback" not in proc.stderr


def test_every_fault_reported_at_once_by_line(tmp_path):
    text = SMALL.splitlines()
    text[10] = "#D\tA\tx\tten\t0.5\t2"  # line 11: not a number
    text.append("#D\tZ\tx\t10\t0.5\t1")  # line 16: unknown actor
    text.append("#D\tB\tx\t90\t0.25\t1")  # line 17: repeats B/x
    text.append("#Q\tjunk")  # line 18: unknown tag
    text.append("#D\tC\ty\t50\t1.5\t1")  # line 19: salience > 1
    text.append("#M\tnope\t0\tx")  # line 20: #M for an undefined issue
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(text))
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    got = [(p.place, p.rule) for p in info.value.problems]
    assert got == [
        ("line 11", "position must be a number"),
        ("line 16", "names an actor with no #A line"),
        ("line 17", "repeats the data of an actor on an issue"),
        ("line 18", "starts with an unknown tag"),
        ("line 19", "salience must be between 0 and 1"),
        ("line 20", "gives scale points (#M) for an issue with no #P line"),
    ]


def test_unbalanced_quote_does_not_shift_line_numbers(tmp_path):
    text = SMALL.replace("#A\tB\tBeta", "#A\t'B\tBeta").splitlines()
    text.append("#D\tC\ty\t500\t1\t4")
    path = tmp_path / "q.tsv"
    path.write_text("\n".join(text))
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    places = {p.place for p in info.value.problems}
    assert "line 16" in places  # the position 500 is named on its own line


def test_issue_without_data_is_named_on_its_p_line(tmp_path):
    path = tmp_path / "e.tsv"
    path.write_text(SMALL + "#P\tz\tZed\n")
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    assert [(p.place, p.value) for p in info.value.problems] == [("line 16", "z")]
