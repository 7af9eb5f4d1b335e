"""The sources' negotiation as two dated snapshots, ukraine-2024-11 and ukraine-2025-07 (the
default, also `ukraine-2025`): complete, fully evidenced, quotes verbatim, evidence kinds kept
apart, red lines consistent, and usable by every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import SOURCES

import accord

SNAPSHOTS = ("ukraine-2024-11", "ukraine-2025-07")
NAME = "ukraine-2025-07"  # the default
# the captured article each source id of the scenarios quotes (see ../shared/sources/README.md)
SOURCE_FILES = {
    "lieven2024": "004_42e2a8d932b207a7.txt",
    "secondround2025": "000_ac29dac8f513a909.txt",
}
#: what each snapshot may cite: only what was published by its date
SNAPSHOT_SOURCES = {
    "ukraine-2024-11": {"lieven2024"},
    "ukraine-2025-07": {"lieven2024", "secondround2025"},
}


def _squash(text: str) -> str:
    """Collapse whitespace runs to one space: quotes may be wrapped differently from the capture."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module", params=SNAPSHOTS)
def scn(request):
    return accord.load_scenario(request.param)


def _evidence(scn):
    """(place, evidence) of every number and every range, and of the process settings."""
    for place, q in scn.quantities():
        if q.evidence is not None:
            yield place, q.evidence
        if q.uncertainty is not None and q.uncertainty.evidence is not None:
            yield f"{place}.uncertainty", q.uncertainty.evidence
    from accord.process.settings import settings_from_scenario

    st = settings_from_scenario(scn)
    for name in ("prep_talks", "summit", "ultimatum", "mediated", "direct"):
        ev = getattr(st, name).evidence
        if ev is not None:
            yield f"extensions.process.{name}", ev


def test_the_default_is_the_latest_snapshot_and_keeps_its_old_name():
    from accord.scenario import DEFAULT_SCENARIO, shipped_scenarios

    assert DEFAULT_SCENARIO == NAME
    assert accord.load_scenario("ukraine-2025") == accord.load_scenario(NAME)
    assert list(shipped_scenarios())[0] == NAME


def test_size_and_sources(scn):
    assert len(scn.actors) >= 6
    assert len(scn.issues) >= 5
    name = next(k for k, v in SNAPSHOT_SOURCES.items() if scn.metadata.date == k[-7:])
    assert {s.id for s in scn.sources} == SNAPSHOT_SOURCES[name]
    lieven = scn.source("lieven2024")
    assert lieven.author == "Anatol Lieven" and lieven.date == "2024-11-10"


def test_every_issue_has_labelled_deal_terms_and_a_status_quo(scn):
    for iss in scn.issues:
        assert len(iss.scale.labels) >= 3, iss.id
        assert all(isinstance(t, str) and t.strip() for t in iss.scale.labels.values()), iss.id
        assert iss.status_quo is not None, f"{iss.id} has no status quo"
        assert iss.scale.min <= iss.status_quo.value <= iss.scale.max
        assert iss.status_quo.evidence is not None


def test_discrete_issues_keep_positions_and_red_lines_on_their_options(scn):
    for iss in scn.issues:
        if not iss.scale.discrete:
            continue
        options = set(iss.scale.labels)
        assert iss.status_quo.value in options
        for a in scn.actors:
            st = a.stances.get(iss.id)
            if st is None:
                continue
            assert st.position.value in options, (a.id, iss.id)
            if st.red_line is not None:
                assert st.red_line.value in options, (a.id, iss.id)


def test_every_number_is_evidenced(scn):
    cov = scn.evidence_coverage()
    missing = [place for place, q in scn.quantities() if q.evidence is None]
    assert missing == []
    assert cov.share_evidenced == 1.0
    if scn.metadata.date == "2025-07":  # both articles: at least half the numbers quoted
        assert cov.share_quoted >= 0.5, str(cov)
    else:  # one article only: what it does not say is judgement, said as such
        assert cov.quoted >= 20, str(cov)


def test_every_quote_is_verbatim_in_its_source(scn):
    texts = {}
    for sid, fname in SOURCE_FILES.items():
        path = SOURCES / fname
        if not path.exists():
            pytest.skip(
                f"{path} is absent: the captured articles sit beside the checkout in "
                "../shared/sources"
            )
        texts[sid] = _squash(path.read_text(encoding="utf-8"))
    bad = []
    n = 0
    for place, ev in _evidence(scn):
        if ev.source is None:
            continue
        n += 1
        assert ev.source in {s.id for s in scn.sources}, f"{place}: {ev.source!r} not listed"
        assert ev.source in texts, f"{place}: unknown source {ev.source!r}"
        if _squash(ev.quote) not in texts[ev.source]:
            bad.append(f"{place}: {ev.quote!r} not in {SOURCE_FILES[ev.source]}")
    assert n > 0
    assert bad == []


def test_reader_comments_are_marked_as_such(scn):
    """A quote from below Lieven's byline is a reader's opinion: it names its reader
    (``comment_by``), and a quote marked so is not the article's own words."""
    path = SOURCES / SOURCE_FILES["lieven2024"]
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the captured articles sit beside the checkout in ../shared/sources"
        )
    text = path.read_text(encoding="utf-8")
    article_end = _squash(text[: text.index("Join the discussion")])
    n = 0
    for place, ev in _evidence(scn):
        if ev.source != "lieven2024":
            continue
        in_article = _squash(ev.quote) in article_end
        assert in_article == (ev.comment_by is None), place
        n += not in_article
    assert n >= 3  # the readers' debate is used, for ranges


def test_no_point_value_rests_on_a_reader_comment_without_a_reason(scn):
    bad = [
        place
        for place, q in scn.quantities()
        if q.evidence is not None and q.evidence.kind == "comment" and not q.evidence.reason
    ]
    assert bad == []


def test_no_two_parties_red_lines_coincide_without_a_reason(scn):
    """The warning of accord.scenario.checks: none is left in a shipped snapshot, and where two
    red lines meet the evidence says why and the ranges straddle the meeting point."""
    from accord.scenario.checks import scenario_warnings

    assert [p.place for p in scenario_warnings(scn, "f")] == []
    holders = [a for a in scn.actors if a.binds_red_lines]
    for iss in scn.issues:
        reds = [(a, a.stances[iss.id]) for a in holders if iss.id in a.stances]
        reds = [(a, st) for a, st in reds if st.red_line is not None]
        for a, st in reds:
            for b, sb in reds:
                r = st.red_line.value
                opposite = (st.position.value - r) * (sb.position.value - r) < 0
                if a.id < b.id and sb.red_line.value == r and opposite:
                    why = st.red_line.evidence.reason or sb.red_line.evidence.reason
                    assert why, (iss.id, a.id, b.id)
                    ua, ub = st.red_line.uncertainty, sb.red_line.uncertainty
                    assert ua and ub and ua.low < st.red_line.value < ua.high, (iss.id, a.id)
                    assert ub.low < sb.red_line.value < ub.high, (iss.id, b.id)


def test_red_lines_lie_on_the_acceptable_side(scn):
    """The acceptable region (from the position up to the red line) contains the position, and
    the red line is a concession: it never lies beyond the stated position."""
    n = 0
    for a in scn.actors:
        for issue_id, st in a.stances.items():
            if st.red_line is None:
                continue
            n += 1
            iss = scn.issue(issue_id)
            lo, hi = iss.scale.min, iss.scale.max
            assert lo <= st.red_line.value <= hi
            x, r = st.position.value, st.red_line.value
            # an actor whose position is in the upper half concedes downwards, and vice versa
            if x > (lo + hi) / 2:
                assert r <= x, (a.id, issue_id)
            elif x < (lo + hi) / 2:
                assert r >= x, (a.id, issue_id)
            u = st.red_line.uncertainty
            if u is not None:
                assert u.low <= r <= u.high
    assert n >= 8


def test_the_two_belligerents_can_meet_on_the_line_of_contact(scn):
    """Lieven's central claim: Moscow's and Kyiv's stated demands exclude each other, but their red
    lines both admit a ceasefire on the line of contact without recognition; and Moscow's red
    line is the line it holds ("cannot countenance withdrawal ... from any of the territory")."""
    ru, ua = scn.actor("russia").stances, scn.actor("ukraine").stances
    assert ru["territory"].position.value == 100 and ua["territory"].position.value == 0
    line = scn.issue("territory").status_quo.value
    assert line in scn.issue("territory").scale.labels
    assert ru["territory"].red_line.value == line == ua["territory"].red_line.value
    assert ru["recognition"].red_line.value <= 50 <= ua["recognition"].red_line.value


def test_territory_is_the_share_of_the_claimed_land():
    """The scale's spacing follows area: Crimea is a fifth of the claimed land, the line of
    contact moved from about 82 % (November 2024) to about 84 % (July 2025)."""
    old, new = (accord.load_scenario(n).issue("territory") for n in SNAPSHOTS)
    areas = {"crimea": 26_081 + 864, "donetsk": 26_517, "luhansk": 26_684,
             "zaporizhzhia": 27_180, "kherson": 28_461}  # fmt: skip
    crimea = 100 * areas["crimea"] / sum(areas.values())
    assert round(crimea) == 20 and 20 in old.scale.labels and 20 in new.scale.labels
    assert (old.status_quo.value, new.status_quo.value) == (82, 84)
    assert any("Kursk" in t for t in old.scale.labels.values())  # current then
    assert not any("Kursk" in t for t in new.scale.labels.values())  # overtaken by events


def test_the_articles_mechanisms_are_scenario_terms():
    """The ultimatum is being walked back (credibility below one, with its quote); a failed
    summit costs Moscow, not everyone; Russia's war costs change with time; Congress binds only
    the issues it controls."""
    from accord.process.settings import settings_from_scenario

    scn = accord.load_scenario(NAME)
    st = settings_from_scenario(scn)
    assert st.ultimatum.credibility < 1 and "walking back" in st.ultimatum.evidence.quote
    assert st.summit.escalation_penalty == {"russia": pytest.approx(0.05)}
    assert scn.actor("russia").no_deal.cost_growth_per_month is not None
    cg = scn.actor("congress")
    assert cg.ratifies and not cg.party and set(cg.stances) == {"sanctions", "guarantees"}


def test_war_dynamics_and_no_deal_costs(scn):
    assert scn.war is not None
    drift = scn.war.drift_per_month["territory"]
    assert drift.value > 0  # Russia's incentive to take ground moves the line its way
    assert 0 < scn.war.discount_rate_per_month.value < 0.1
    costs = {a.id: a.no_deal.cost_per_month.value for a in scn.actors}
    assert all(c >= 0 for c in costs.values())
    # Ukraine bears the war's damage: $3-5 bn a month
    assert costs["ukraine"] == max(costs.values())
    lo_hi = scn.actor("ukraine").no_deal.cost_per_month.uncertainty
    assert lo_hi.low / lo_hi.high == pytest.approx(3 / 5, abs=0.01)


def test_matrices_are_complete_for_the_parties(scn):
    mats = scn.matrices()
    parties = np.array([a.party for a in scn.actors])
    assert not np.isnan(mats["position"][parties]).any()  # ratifiers may take fewer stances
    assert np.all((mats["salience"] >= 0) & (mats["salience"] <= 1))


def test_accord_forecast_runs_on_it(scn):
    name = "ukraine-" + scn.metadata.date
    out = subprocess.run(
        [sys.executable, "-m", "accord", "forecast", name, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    assert data["evidence"]["share_evidenced"] == 1.0
    assert [row["issue"] for row in data["issues"]] == scn.issue_ids
    for row in data["issues"]:
        iss = scn.issue(row["issue"])
        for model, fc in row["forecasts"].items():
            assert iss.scale.min <= fc["value"] <= iss.scale.max, (row["issue"], model)
            assert fc["label"], (row["issue"], model)


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_validate_reports_it_clean(name):
    p = subprocess.run(
        [sys.executable, "-m", "accord", "validate", name], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "0 without evidence" in _squash(p.stdout)
    assert "warning" not in p.stdout + p.stderr


@pytest.mark.parametrize("name", SNAPSHOTS)
@pytest.mark.parametrize(
    "args",
    [
        ["explain", "--issue", "territory", "-m", "bdm"],
        ["bargain"],
        ["simulate", "--draws", "40", "--seed", "1"],
        ["process", "--runs", "20", "--seed", "1"],
        ["sensitivity", "-m", "compromise", "--method", "tornado"],
        ["shock", "--shock", "congress:leave@2", "-m", "bdm"],
    ],
    ids=lambda a: a[0] if isinstance(a, list) else a,
)
def test_every_command_runs_on_both_snapshots(name, args, tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "accord", args[0], name, *args[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_the_review_table_in_docs_is_current(name):
    """docs/scenarios/NAME.md is what `accord review NAME` writes now: every number with its
    evidence and range, the five inputs the conclusions hinge on marked (regenerate it after
    editing the scenario)."""
    from pathlib import Path

    from accord.report.review import review_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "scenarios" / f"{name}.md"
    scn = accord.load_scenario(name)
    text = review_markdown(scn, name)
    assert doc.read_text(encoding="utf-8") == text, f"regenerate: accord review {name} -o {doc}"
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and "`" not in ln[:4]]
    assert len(rows) - 1 == len(scn.quantities())  # the heading row, then one per number
    assert sum(ln.startswith("| ★ |") for ln in rows) == 5
