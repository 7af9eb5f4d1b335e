"""Export to YAML, CSV and XLSX: round trips lose nothing the format can hold, report what it
cannot, and a failed export leaves an existing file untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import shared_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_procedure_model import eu_case

import accord
from accord._atomic import atomic_write_bytes
from accord.io import export_scenario
from accord.io.stance_table import scenario_to_stance_csv
from accord.io.xlsx import SHEETS, scenario_to_xlsx, template_xlsx
from accord.scenario import Scenario, ScenarioError

# -- scenarios made by hypothesis --------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
    min_size=1,
    max_size=15,
)
IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)


def _floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def quantity(draw, lo: float, hi: float, sources: list[str]):
    value = draw(_floats(lo, hi))
    out: dict = {"value": value}
    kind = draw(
        st.sampled_from(["none", "source", "judgement"] if sources else ["none", "judgement"])
    )
    if kind == "source":
        out["evidence"] = {"source": draw(st.sampled_from(sources)), "quote": draw(TEXT)}
    elif kind == "judgement":
        out["evidence"] = {"judgement": draw(TEXT)}
    if kind != "none" and draw(st.booleans()):
        out["evidence"]["note"] = draw(TEXT)
    if draw(st.booleans()):
        low, high = draw(_floats(lo, value)), draw(_floats(value, hi))
        unc = {
            "low": low,
            "high": high,
            "shape": draw(st.sampled_from(["uniform", "triangular", "truncnorm", "beta"])),
        }
        if draw(st.booleans()):
            unc["sd"] = draw(_floats(1e-6, 1e6))
        if draw(st.booleans()):
            unc["concentration"] = draw(_floats(1e-6, 1e6))
        out["uncertainty"] = unc
    return out if len(out) > 1 or draw(st.booleans()) else value


@st.composite
def scenarios(draw) -> Scenario:
    source_ids = draw(st.lists(IDS, max_size=2, unique=True))
    sources = [
        {
            "id": s,
            "title": draw(TEXT),
            **({"author": draw(TEXT)} if draw(st.booleans()) else {}),
            **({"url": draw(TEXT)} if draw(st.booleans()) else {}),
        }
        for s in source_ids
    ]
    issue_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    issues, ranges = [], {}
    for iid in issue_ids:
        lo = draw(_floats(-1e6, 1e6))
        hi = lo + draw(_floats(1e-3, 1e6))
        labels = {draw(_floats(lo, hi)): draw(TEXT) for _ in range(draw(st.integers(0, 3)))}
        issue = {
            "id": iid,
            "question": draw(TEXT),
            "scale": {
                "min": lo,
                "max": hi,
                "labels": labels,
                "discrete": bool(labels) and draw(st.booleans()),
            },
        }
        if draw(st.booleans()):
            issue["name"] = draw(TEXT)
        if draw(st.booleans()):
            issue["status_quo"] = draw(quantity(lo, hi, source_ids))
        issues.append(issue)
        ranges[iid] = (lo, hi)
    actor_ids = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    actors = []
    for k, aid in enumerate(actor_ids):
        chosen = issue_ids if k == 0 else draw(st.lists(st.sampled_from(issue_ids), unique=True))
        stances = {}
        for iid in chosen:
            lo, hi = ranges[iid]
            st_ = {
                "position": draw(quantity(lo, hi, source_ids)),
                "salience": draw(quantity(0, 1, source_ids)),
            }
            if draw(st.booleans()):
                st_["red_line"] = draw(quantity(lo, hi, source_ids))
            if draw(st.booleans()):
                st_["capability"] = draw(quantity(0, 1e6, source_ids))
            stances[iid] = st_
        actor = {
            "id": aid,
            "name": draw(TEXT),
            "capability": draw(quantity(0, 1e6, source_ids)),
            "party": draw(st.booleans()),
            "stances": stances,
        }
        if draw(st.booleans()):
            actor["description"] = draw(TEXT)
        if draw(st.booleans()):
            actor["no_deal"] = {"utility": draw(quantity(0, 1, source_ids))}
            if draw(st.booleans()):
                actor["no_deal"]["cost_per_month"] = draw(quantity(-1, 1, source_ids))
        actors.append(actor)
    data = {
        "metadata": {
            "title": draw(TEXT.filter(lambda t: t.strip())),
            **({"date": draw(TEXT)} if draw(st.booleans()) else {}),
        },
        "sources": sources,
        "issues": issues,
        "actors": actors,
    }
    if draw(st.booleans()):
        data["war"] = {
            "drift_per_month": {
                i: draw(quantity(-5, 5, source_ids))
                for i in draw(st.lists(st.sampled_from(issue_ids), unique=True))
            }
        }
        if draw(st.booleans()):
            data["war"]["discount_rate_per_month"] = draw(quantity(0, 1, source_ids))
    if draw(st.booleans()):
        data["procedure"] = draw(procedures(actor_ids))
    if draw(st.booleans()):
        data["extensions"] = draw(
            st.dictionaries(
                IDS,
                st.integers() | _floats(-1e9, 1e9) | TEXT | st.lists(st.integers(), max_size=3),
                max_size=3,
            )
        )
    return accord.scenario.scenario_from_dict(data, "<hypothesis>")


@st.composite
def procedures(draw, actor_ids: list[str]) -> dict:
    """A valid ``procedure:`` on these actors: the Commission and the Parliament (each optional)
    and the Council's members (optional) are different actors, the Council never empty."""
    proc: dict = {
        "legislative": draw(st.sampled_from(["co-decision", "consultation", "COD", "CNS"])),
        "council": draw(st.sampled_from(["qmv", "unanimity", "Unan"])),
    }
    rest = draw(st.permutations(actor_ids))
    for role in ("commission", "parliament"):
        if len(rest) > 1 and draw(st.booleans()):
            proc[role], rest = rest[0], rest[1:]
    if draw(st.booleans()):
        proc["council_members"] = rest[: draw(st.integers(1, len(rest)))]
    return proc


roundtrip = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _through(scn: Scenario, fmt: str) -> tuple[Scenario, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out.{fmt}"
        losses = export_scenario(scn, fmt, out)
        return accord.load_scenario(out), losses


# -- YAML and XLSX hold everything ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
@pytest.mark.parametrize("name", ["eu-emissions-1994", "ukraine-2024-11", "ukraine-2025-07"])
def test_shipped_scenarios_round_trip_exactly(name, fmt):
    scn = accord.load_scenario(name)
    back, losses = _through(scn, fmt)
    assert losses == []
    assert back == scn and back.content_hash() == scn.content_hash()


@roundtrip
@given(scenarios())
def test_yaml_round_trip_is_exact(scn):
    back, losses = _through(scn, "yaml")
    assert losses == [] and back == scn


@pytest.mark.slow
@roundtrip
@given(scenarios())
def test_xlsx_round_trip_is_exact(scn):
    back, losses = _through(scn, "xlsx")
    assert losses == [] and back == scn


def test_xlsx_keeps_all_17_digits_openpyxl_would_round(tmp_path):
    scn = accord.load_scenario("eu-emissions-1994")
    data = scn.model_dump()
    data["actors"][0]["capability"]["value"] = 0.1 + 0.2  # 0.30000000000000004: 16 digits give 0.3
    scn = Scenario.model_validate(data)
    back, _ = _through(scn, "xlsx")
    assert back.actors[0].capability.value == 0.1 + 0.2


def test_xlsx_reports_text_a_cell_cannot_hold():
    data = accord.load_scenario("eu-emissions-1994").model_dump()
    data["actors"][1]["description"] = ""
    _, losses = scenario_to_xlsx(Scenario.model_validate(data))
    assert any("actors[1].description" in x and "empty text" in x for x in losses)


def test_a_control_character_never_reaches_a_file_or_a_terminal():
    """A name holding a control character (here BEL) is refused when the scenario is read, so no
    writer and no terminal ever sees it (issue 18: escape sequences in names)."""
    from pydantic import ValidationError

    data = accord.load_scenario("eu-emissions-1994").model_dump()
    data["actors"][0]["name"] = "Nether\rlands\x07"
    with pytest.raises(ValidationError, match=r"control character '\\x07'"):
        Scenario.model_validate(data)


def test_text_that_looks_like_a_formula_stays_text():
    data = accord.load_scenario("eu-emissions-1994").model_dump()
    data["actors"][0]["name"] = "=SUM(A1:A9)"
    scn = Scenario.model_validate(data)
    back, _ = _through(scn, "xlsx")
    assert back.actors[0].name == "=SUM(A1:A9)"


# -- the EU procedure (``procedure:``) --------------------------------------------------------


PROCEDURES = [
    {"legislative": "co-decision", "council": "qmv", "commission": "COM", "parliament": "EP"},
    {"legislative": "consultation", "council": "unanimity", "commission": "COM"},
    {
        "legislative": "co-decision",
        "council": "unanimity",
        "parliament": "EP",
        "council_members": ["M2", "M0"],  # kept in its order
    },
]


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
@pytest.mark.parametrize("proc", PROCEDURES)
def test_the_procedure_survives_the_round_trip(proc, fmt):
    scn = accord.scenario.scenario_from_dict(eu_case(proc))
    back, losses = _through(scn, fmt)
    assert losses == []
    assert back.procedure is not None and back.procedure == scn.procedure
    assert back == scn and back.content_hash() == scn.content_hash()


def test_deu_proposals_keep_their_procedure_through_the_workbook():
    """DEU-derived scenarios: one per (procedure, voting rule) DEU codes, written to XLSX and
    read back with their procedure."""
    from accord.backtest import read_deu
    from accord.backtest.deu import proposal_scenario

    data = read_deu(shared_file("deu3", "deu3.tsv"))
    picked = {}
    for prop in data.proposals:
        scn = proposal_scenario(prop, {a: 1.0 for a in ("com", "ep")})
        if scn is not None and scn.procedure is not None:
            picked.setdefault((scn.procedure.code, scn.procedure.council), scn)
    assert len(picked) == 4
    for scn in picked.values():
        back, losses = _through(scn, "xlsx")
        assert losses == [] and back.procedure == scn.procedure and back == scn


def test_the_workbook_keeps_the_procedure_on_its_own_sheet(tmp_path):
    import openpyxl

    path = tmp_path / "p.xlsx"
    export_scenario(accord.scenario.scenario_from_dict(eu_case(PROCEDURES[2])), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    rows = [tuple(c.value for c in row) for row in wb["procedure"].iter_rows()]
    assert rows == [
        ("key", "value"),
        ("legislative", "co-decision"),
        ("council", "unanimity"),
        ("parliament", "EP"),
        ("council_members", "M2"),
        ("council_members", "M0"),
    ]
    del wb["procedure"]  # a workbook without the sheet (as before it existed) has no procedure
    wb.save(path)
    assert accord.load_scenario(path).procedure is None


def test_procedure_sheet_faults_named_by_sheet_and_row(tmp_path):
    import openpyxl

    path = tmp_path / "p.xlsx"
    export_scenario(accord.scenario.scenario_from_dict(eu_case(PROCEDURES[0])), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    wb["procedure"]["B4"] = "Com"  # commission: no such actor
    wb["procedure"].append(["voting", "qmv"])  # row 6: unknown key
    wb["procedure"].append(["council", "unanimity"])  # row 7: council twice
    wb.save(path)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    text = [str(p) for p in info.value.problems]
    assert any("procedure row 6 has an unknown key, got 'voting'" in t for t in text), text
    assert any("procedure row 7 repeats the key council" in t for t in text), text
    assert any(
        "procedure row 4 (procedure.commission) must name an actor, got 'Com'" in t for t in text
    ), text


def test_csv_reports_the_procedure_it_cannot_hold():
    scn = accord.scenario.scenario_from_dict(eu_case(PROCEDURES[0]))
    _, losses = scenario_to_stance_csv(scn)
    assert "the EU procedure (co-decision, Council by qmv; YAML or XLSX keep it)" in losses
    _, losses = scenario_to_stance_csv(accord.scenario.scenario_from_dict(eu_case(None)))
    assert not any("procedure" in x for x in losses)


# -- CSV: a flat stance table, its losses reported ------------------------------------------------


def _without_csv_losses(scn: Scenario, title: str) -> Scenario:
    d = scn.model_dump()

    def bare(q):
        return None if q is None else {"value": q["value"]}

    for a in d["actors"]:
        a["capability"] = bare(a["capability"])
        a["no_deal"] = None
        for st_ in a["stances"].values():
            for k in ("position", "salience", "red_line", "capability"):
                st_[k] = bare(st_[k])
    for i in d["issues"]:
        i["status_quo"] = bare(i["status_quo"])
        i["scale"]["labels"], i["scale"]["discrete"] = {}, False
    d["actors"] = [a for a in d["actors"] if a["stances"]]
    seen = [
        iid
        for a in d["actors"]
        for iid in sorted(a["stances"], key=[i["id"] for i in d["issues"]].index)
    ]
    d["issues"].sort(key=lambda i: seen.index(i["id"]))
    d.update(metadata={"title": title}, sources=[], war=None, procedure=None, extensions={})
    return Scenario.model_validate(d)


@roundtrip
@given(scenarios())
def test_csv_round_trip_loses_only_what_it_reports(scn):
    back, losses = _through(scn, "csv")
    assert back == _without_csv_losses(scn, "out")
    if any(q.evidence is not None for _, q in scn.quantities()):
        assert any(x.startswith("evidence of") for x in losses)
    if any(q.uncertainty is not None for _, q in scn.quantities()):
        assert any(x.startswith("uncertainty") for x in losses)
    if any(i.scale.labels for i in scn.issues):
        assert any("scale labels" in x for x in losses)
    if scn.war is not None:
        assert any(x.startswith("war") for x in losses)
    if scn.procedure is not None:
        assert any(x.startswith("the EU procedure") for x in losses)


def test_csv_losses_for_the_default_scenario():
    scn = accord.load_scenario("ukraine-2025")
    _, losses = scenario_to_stance_csv(scn)
    text = " | ".join(losses)
    n = len(scn.quantities())
    for part in (
        f"evidence of {n} of {n} numbers",
        "uncertainty ranges",
        "scale labels",
        "2 sources",
        "no-deal terms",
        "war dynamics",
        "discrete flag of issues recognition",
    ):
        assert part in text


def test_csv_faults_named_by_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "actor_id,actor_name,actor_capability,issue_id,issue_question,scale_min,scale_max,position,salience\n"
        "A,Alpha,1,x,Q,0,100,20,0.5\n"
        "A,Alpha,2,y,Q,0,100,20,0.5\n"  # line 3: capability disagrees with line 2
        "B,Beta,1,x,Q,0,100,200,0.5\n"  # line 4: position off the scale
        "B,Beta,1,x,Q,0,100,20,0.5\n"
    )  # line 5: repeats B on x
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    assert [p.place for p in info.value.problems] == ["line 3", "line 5"]
    path.write_text(
        "actor_id,actor_capability,issue_id,position,salience\nA,1,x,20,0.5\nB,1,y,20,0.5\nB,1,x,200,0.5\n"
    )
    with pytest.raises(ScenarioError) as info:  # found on the assembled scenario
        accord.load_scenario(path)
    assert [(p.place, p.value) for p in info.value.problems] == [("line 4", 200.0)]


# -- the workbook template -------------------------------------------------------------------------


def test_template_has_every_sheet_and_reads_back_once_filled(tmp_path):
    import openpyxl

    path = tmp_path / "t.xlsx"
    atomic_write_bytes(path, template_xlsx())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*SHEETS, "README"]
    for sheet, cols in SHEETS.items():
        assert [c.value for c in wb[sheet][1]] == cols
    with pytest.raises(ScenarioError) as info:  # empty: says what is missing
        accord.load_scenario(path)
    assert {p.place for p in info.value.problems} >= {"actors", "issues"}
    wb["metadata"]["B3"] = "Filled by hand"
    ws = wb["actors"]
    a_cols = SHEETS["actors"]
    ws.append([{"id": "A", "name": "Alpha", "party": True, "capability": 3}.get(c) for c in a_cols])
    # a decimal comma typed as text
    ws.append([{"id": "B", "name": "Beta", "capability": "2,5"}.get(c) for c in a_cols])
    wb["issues"].append(["tax", "Tax", "How high?", 0, 10])
    wb["scale_labels"].append(["tax", 0, "no tax"])
    st_cols = SHEETS["stances"]
    row = {
        "actor_id": "A",
        "issue_id": "tax",
        "position": 2,
        "salience": 0.5,
        "salience_judgement": "guess",
    }
    wb["stances"].append([row.get(c) for c in st_cols])
    wb["stances"].append(
        [{"actor_id": "B", "issue_id": "tax", "position": 8, "salience": 1}.get(c) for c in st_cols]
    )
    wb.save(path)
    scn = accord.load_scenario(path)
    assert scn.metadata.title == "Filled by hand"
    assert scn.actor("B").capability.value == 2.5 and scn.issue("tax").scale.labels == {
        0.0: "no tax"
    }
    assert scn.actor("A").stances["tax"].salience.evidence.judgement == "guess"


def test_workbook_faults_named_by_sheet_and_row(tmp_path):
    import openpyxl

    path = tmp_path / "w.xlsx"
    export_scenario(accord.load_scenario("eu-emissions-1994"), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    wb["stances"]["C4"] = "high"  # position of the 3rd stance
    wb["stances"].cell(6, SHEETS["stances"].index("salience") + 1).value = 1.7
    wb["actors"].append(["NL", "Netherlands again", None, None, 1])  # duplicate id, row 12
    wb["scale_labels"].append(["nope", 1, "x"])
    wb.save(path)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    text = [str(p) for p in info.value.problems]
    assert any("stances row 4 position must be a number, got 'high'" in t for t in text)
    assert any(
        "scale_labels row 5 names an issue that is not in the issues sheet" in t for t in text
    )
    path2 = tmp_path / "w2.xlsx"
    wb["stances"]["C4"] = 7
    del wb["scale_labels"]
    wb.save(path2)
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path2)
    text = [str(p) for p in info.value.problems]
    assert any("actors row 12 (actors[10].id) must be unique, got 'NL'" in t for t in text), text
    assert any(
        "stances row 6 (actors[4].stances.year.salience) must be between 0 and 1, got 1.7" in t
        for t in text
    ), text


# -- atomic writes -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_failed_export_leaves_the_old_file_untouched(tmp_path, monkeypatch, fmt):
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"the analyst's earlier file")

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        export_scenario(accord.load_scenario("eu-emissions-1994"), fmt, out)
    assert out.read_bytes() == b"the analyst's earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left behind


def test_export_that_cannot_be_encoded_leaves_the_old_file(tmp_path):
    out = tmp_path / "out.yaml"
    out.write_text("old")
    scn = accord.load_scenario("eu-emissions-1994").model_copy(
        update={"extensions": {"x": object()}}
    )
    with pytest.raises(yaml.representer.RepresenterError):
        export_scenario(scn, "yaml", out)
    assert out.read_text() == "old" and len(list(tmp_path.iterdir())) == 1


def test_atomic_write_keeps_the_file_mode(tmp_path):
    out = tmp_path / "f.yaml"
    out.write_text("x")
    out.chmod(0o640)
    export_scenario(accord.load_scenario("eu-emissions-1994"), "yaml", out)
    assert out.stat().st_mode & 0o777 == 0o640
