"""The brief's "Review status" section: the version, who signed it off, the numbers still disputed
with their effect on the headline (from the brief's own sensitivity analysis), the record."""

from __future__ import annotations

import re

import pytest

import accord
from accord.report.brief import build_brief
from accord.scenario import scenario_from_dict
from accord.scenario.address import address_of_place
from accord.store import ReviewStore


@pytest.fixture
def store(tmp_path):
    s = ReviewStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    yield s
    s.close()


def _section(html: str) -> str:
    m = re.search(r'<h2 id="review">Review status</h2>(.*?)(<h2|$)', html, re.S)
    assert m, "the brief has no Review status section"
    return m.group(1)


def test_the_brief_states_version_sign_off_and_disputes(store):
    data = accord.load_scenario("eu-emissions-1994").model_dump(mode="json", exclude_none=True)
    stance = next(iter(data["actors"][0]["stances"].values()))
    stance["salience"]["uncertainty"] = {"low": 0.1, "high": 1.0}
    scn = scenario_from_dict(data)
    digest = scn.content_hash()
    # a number with a range (a row in the tornado) and one without
    ranged = next(p for p, q in scn.quantities() if q.uncertainty is not None)
    bare = next(p for p, q in scn.quantities() if q.uncertainty is None)
    for place, who, proposed in ((ranged, "rob", 0.9), (bare, "sue", None)):
        address = address_of_place(scn, place)
        store.start_thread(
            "eu",
            address,
            user=who,
            scenario_hash=digest,
            value=1.0,
            kind="object",
            text=f"{who} disagrees",
            proposed=proposed,
            evidence={"judgement": "because"},
        )
    html = build_brief(scn, seed=0, review=store.status("eu", digest))
    part = _section(html)
    assert f"Version {digest[:12]}" in part and "Not signed off." in part
    assert "2 number(s) still disputed" in part and "rob" in part and "0.9" in part
    assert "the sensitivity analysis is not part of this brief" in part
    assert "Review record" in part and "because" in part

    store.sign_off("eu", digest, by="rob", note="good enough")
    html = build_brief(scn, seed=0, draws=16, review=store.status("eu", digest))
    part = _section(html)
    assert "Signed off by <b>rob</b>" in part and "good enough" in part
    ranged_row = next(r for r in part.split("<tr>") if address_of_place(scn, ranged) in r)
    assert re.search(r"swing [0-9.e-]+", ranged_row), ranged_row  # from the tornado
    bare_row = next(r for r in part.split("<tr>") if address_of_place(scn, bare) in r)
    assert "no row in the sensitivity analysis" in bare_row


def test_no_review_no_section():
    scn = accord.load_scenario("eu-emissions-1994")
    assert 'id="review"' not in build_brief(scn, seed=0)


def test_accord_report_reads_the_review_status_from_the_store(tmp_path):
    """`accord report --review NAME --db URL`: the command line's brief carries the same Review
    status section as the dashboard's, for the version it is built from."""
    import subprocess
    import sys
    from pathlib import Path

    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    scn = accord.load_scenario("eu-emissions-1994")
    with_store = ReviewStore(url)
    with_store.sign_off("eu", scn.content_hash(), by="rob", note="checked")
    with_store.close()
    out = tmp_path / "brief.html"
    root = Path(__file__).resolve().parents[1]
    p = subprocess.run(
        [sys.executable, "-m", "accord", "report", "eu-emissions-1994", "-o", str(out),
         "--short", "--draws", "16", "--runs", "10", "--review", "eu", "--db", url, "-q"],
        capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(root / "src")},
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-2000:]
    part = _section(out.read_text(encoding="utf-8"))
    assert "Signed off by <b>rob</b>" in part and "checked" in part


def test_a_disputed_number_is_named_in_words_beside_its_address():
    from accord.report.review_status import address_label

    scn = accord.load_scenario("ukraine-2025-07")
    assert address_label(scn, "actor:russia/issue:nato/salience") == (
        "Russia (Putin) · NATO membership or neutrality · salience"
    )
    assert address_label(scn, "actor:gone/capability") == "gone · capability"
