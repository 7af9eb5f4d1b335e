"""Loaders fed junk: the only outcomes are a Scenario or a ScenarioError naming the file.

Hypothesis feeds random bytes, random text, random YAML structures and mutated copies of a
valid file of every format accord reads (YAML, BDM table, decide TSV and `;`-CSV, KTAB CSV,
GENIUS XML, the XLSX workbook) to :func:`accord.load_scenario` through a temporary file.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accord
from accord.scenario import Scenario, ScenarioError

SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".tsv", ".xml", ".xlsx", ".txt")
#: examples per fuzz test; raise it for a long run by hand: ACCORD_FUZZ_EXAMPLES=5000 pytest
#: tests/test_fuzz_loaders.py
N = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "150"))
fuzz = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(suffix: str, data: bytes, name: str = "junk") -> Scenario | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        path.write_bytes(data)
        try:
            result = accord.load_scenario(path)
        except ScenarioError as exc:
            assert exc.problems, "a ScenarioError must name at least one problem"
            for p in exc.problems:
                assert str(p).startswith(str(path)), str(p)
            return None
        assert isinstance(result, Scenario)
        return result


# -- valid files of every format, to mutate --------------------------------------------------

BDM = b"Actor,Capability,Position,Salience\nNetherlands,0.08,4,0.8\nBelgium,0.08,7,0.4\nFrance,0.16,10,0.6\n"
DECIDE_TSV = (
    b"'#O'\t'Case'\n'#A'\t'A'\t'Alpha'\n'#A'\t'B'\t'Beta'\n'#P'\t'x'\t'Tax'\t''\n'#M'\t'x'\t0\t'none'\n"
    b"'#M'\t'x'\t100\t'all'\n'#D'\t'A'\t'x'\t10\t0.5\t2\n'#D'\t'B'\t'x'\t90\t0.25\t1\n"
)
DECIDE_CSV = b"#/;comment;;\n#A;A;Alpha;;\n#A;B;Beta;;\n#P;x;Tax;;\n#M;x;0;none\n#M;x;100;all\n#D;A;x;10;0.5;2\n#D;B;x;90;0.25;3\n"
KTAB = b"S,d,2,2\nActor,Desc,Power,P1,S1,P2,S2\nA,a,10,20,50,30,40\nB,b,20,80,60,10,90\n"
GENIUS = b"""<negotiation_template><utility_space number_of_issues="1"><objective index="0" name="root" type="objective">
<issue index="1" name="Tax" type="discrete" etype="discrete" vtype="discrete"><item index="1" value="low"/>
<item index="2" value="high"/></issue></objective></utility_space></negotiation_template>"""
GENIUS_PROFILE = b"""<utility_space><objective index="0" name="root" type="objective"><issue index="1" name="Tax"
type="discrete" etype="discrete" vtype="discrete"><item index="1" value="low" evaluation="1"/><item index="2"
value="high" evaluation="5"/></issue><weight index="1" value="1.0"/></objective></utility_space>"""

STANCES = (
    b"actor_id,actor_name,actor_capability,issue_id,issue_question,scale_min,scale_max,position,salience\n"
    b"A,Alpha,1.5,x,How much?,0,100,20,0.5\nB,Beta,2,x,How much?,0,100,70,1\n"
)


def _eu_yaml() -> bytes:
    return Path(accord.scenario.shipped_scenarios()["eu-emissions-1994"]).read_bytes()


@functools.lru_cache(maxsize=1)
def _xlsx() -> bytes:
    from accord.io.xlsx import scenario_to_xlsx_bytes

    return scenario_to_xlsx_bytes(accord.load_scenario("eu-emissions-1994"))


VALID = {
    "yaml": (".yaml", _eu_yaml),
    "bdm": (".csv", lambda: BDM),
    "decide-tsv": (".tsv", lambda: DECIDE_TSV),
    "decide-csv": (".csv", lambda: DECIDE_CSV),
    "ktab": (".csv", lambda: KTAB),
    "genius": (".xml", lambda: GENIUS_PROFILE),
    "stance-table": (".csv", lambda: STANCES),
}


def test_every_base_file_is_valid():
    for name, (suffix, make) in VALID.items():
        assert _outcome(suffix, make()) is not None, name
    assert _outcome(".xlsx", _xlsx()) is not None


# -- junk ----------------------------------------------------------------------------------


@fuzz
@given(st.sampled_from(SUFFIXES), st.binary(max_size=400))
def test_random_bytes(suffix, data):
    _outcome(suffix, data)


@fuzz
@given(st.sampled_from(SUFFIXES), st.text(max_size=400))
def test_random_text(suffix, text):
    _outcome(suffix, text.encode("utf-8", "replace"))


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4)
    ),
    max_leaves=25,
)


@fuzz
@given(json_like)
def test_random_yaml_structures(obj):
    _outcome(".yaml", yaml.safe_dump(obj).encode())


def _mutation_paths():
    base = yaml.safe_load(_eu_yaml())
    paths = [
        ("actors", 0, "capability", "value"),
        ("actors", 3, "stances", "year", "salience", "value"),
        ("issues", 0, "scale", "min"),
        ("issues", 0, "id"),
        ("metadata",),
        ("actors", 1, "stances"),
        ("issues", 0, "scale", "labels"),
        ("actors", 2, "stances", "year", "position"),
        ("sources",),
        ("issues", 0, "status_quo"),
        ("war",),
        ("extensions",),
        ("actors", 0),
    ]
    return base, paths


@pytest.mark.slow
@fuzz
@given(st.integers(0, 12), json_like)
def test_mutated_valid_yaml_structure(which, value):
    base, paths = _mutation_paths()
    cur = base
    path = paths[which]
    for key in path[:-1]:
        cur = cur[key]
    if isinstance(cur, dict) or (isinstance(cur, list) and path[-1] < len(cur)):
        cur[path[-1]] = value
    _outcome(".yaml", yaml.safe_dump(base).encode())


# -- mutated valid files of every format ---------------------------------------------------

JUNK = st.sampled_from(
    [
        "",
        "-1",
        "1e309",
        "nan",
        "'",
        '"',
        "\t",
        ";",
        ",",
        "#D",
        "#A",
        "<",
        "/>",
        "&amp;",
        "999999999",
        "0.5",
        "x",
        "\n",
        "\r",
        "\u00e9",
        "\ufeff",
        ":",
        "- ",
        "{",
        "[",
        "]",
        "<item value='z' evaluation='-3'/>",
        "<!DOCTYPE x [<!ENTITY a 'b'>]>",
        "&a;",
    ]
)


def _base(fmt: str) -> bytes:
    return _xlsx() if fmt == "xlsx" else VALID[fmt][1]()


@st.composite
def mutated(draw, fmt: str) -> bytes:
    """The valid ``fmt`` file after a few random edits: delete, duplicate, splice junk, truncate."""
    out = bytearray(_base(fmt))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "dup_line", "truncate", "byte"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if op == "delete" and out:
            del out[at : at + draw(st.integers(1, 8))]
        elif op == "insert":
            out[at:at] = draw(JUNK | st.text(max_size=6)).encode()
        elif op == "dup_line":
            lines = bytes(out).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(k, lines[k])
            out = bytearray(b"\n".join(lines))
        elif op == "truncate":
            del out[at:]
        elif op == "byte" and out:
            out[at] = draw(st.integers(0, 255))
    return bytes(out)


@fuzz
@given(st.data(), st.sampled_from(sorted(VALID)))
def test_mutated_valid_files(data, fmt):
    suffix, _ = VALID[fmt]
    _outcome(suffix, data.draw(mutated(fmt)))


@settings(
    max_examples=max(1, N * 2 // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_genius_profiles(data):
    """A GENIUS domain with a mutated utility space beside it (read as domain + profile)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tax_domain.xml").write_bytes(GENIUS)
        profile = folder / "tax_profile1.xml"
        profile.write_bytes(data.draw(mutated("genius")))
        try:
            scn = accord.load_scenario(folder / "tax_domain.xml")
        except ScenarioError as exc:
            assert exc.problems
            assert all(
                str(p).startswith((str(folder / "tax_domain.xml"), str(profile)))
                for p in exc.problems
            )
        else:
            assert isinstance(scn, Scenario)


@settings(
    max_examples=max(1, N * 2 // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@pytest.mark.slow
@given(st.data())
def test_mutated_xlsx_cells(data):
    """The exported workbook with random cells overwritten by junk of any type."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(_xlsx()))
    for _ in range(data.draw(st.integers(1, 5))):
        ws = wb[data.draw(st.sampled_from(wb.sheetnames))]
        row = data.draw(st.integers(1, max(1, ws.max_row + 1)))
        col = data.draw(st.integers(1, max(1, ws.max_column + 1)))
        ws.cell(row, col).value = data.draw(
            st.none()
            | st.integers()
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.booleans()
            | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)
        )
    if data.draw(st.booleans()):
        del wb[data.draw(st.sampled_from(wb.sheetnames))]
        if not wb.sheetnames:
            wb.create_sheet("x")
    buf = io.BytesIO()
    wb.save(buf)
    _outcome(".xlsx", buf.getvalue())


@settings(
    max_examples=max(1, N * 2 // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_mutated_xlsx_bytes(data):
    _outcome(".xlsx", data.draw(mutated("xlsx")))


@fuzz
@given(
    st.lists(
        st.sampled_from(["#A", "#P", "#M", "#D", "#/", "#O", "'#D'", "x"]), min_size=1, max_size=12
    ),
    st.lists(st.text(alphabet="ab01.-9 '", max_size=6), max_size=6),
)
def test_decide_like_lines(tags, cells):
    lines = ["\t".join([t, *cells]) for t in tags]
    _outcome(".tsv", "\n".join(lines).encode())


@fuzz
@given(
    st.integers(-2, 5),
    st.integers(-1, 3),
    st.lists(st.lists(st.text(alphabet="0123456789.-ab", max_size=5), max_size=8), max_size=6),
)
def test_ktab_like_csv(n_actors, n_dims, rows):
    text = f"S,d,{n_actors},{n_dims}\nActor,Desc,Power,P1,S1\n" + "\n".join(
        ",".join(r) for r in rows
    )
    _outcome(".csv", text.encode())


@fuzz
@given(
    st.lists(
        st.lists(st.text(alphabet='0123456789.-ab,"', max_size=5), min_size=0, max_size=6),
        max_size=6,
    )
)
def test_bdm_like_rows(rows):
    text = "Actor,Capability,Position,Salience\n" + "\n".join(",".join(r) for r in rows)
    _outcome(".csv", text.encode())


def test_absurd_ktab_header_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("S,d,5,999999999\nActor,Desc,Power,P1,S1\nA,a,1,2,3\n")
    try:
        accord.load_scenario(path)
    except ScenarioError as exc:
        assert "number of actors" in str(exc)
    else:
        raise AssertionError("a billion dimensions must be refused")


def test_yaml_bombs_are_refused(tmp_path):
    """Billion-laughs aliases and deep nesting end as a ScenarioError, not memory or recursion
    trouble.
    """
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + k)}: &{chr(98 + k)} [*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, "
        f"*{chr(97 + k)}, "
        f"*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}]\n"
        for k in range(8)
    )
    assert _outcome(".yaml", laughs.encode()) is None
    assert _outcome(".yaml", ("[" * 5000 + "]" * 5000).encode()) is None
