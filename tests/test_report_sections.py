"""The brief's process, Monte Carlo and tornado sections (accord.report.sections)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import accord
from accord.process import compare_processes
from accord.report import sections
from accord.report.brief import BriefContext, build_brief, section_bargaining
from accord.simulation.montecarlo import simulate
from accord.simulation.sensitivity import tornado

RUNS, DRAWS, SEED = 12, 60, 3


@pytest.fixture(scope="module")
def ukraine():
    return accord.load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def ctx(ukraine):
    c = BriefContext(ukraine, seed=SEED, draws=DRAWS, runs=RUNS)
    section_bargaining(c)
    return c


def _cells(html: str, first: str) -> list[list[str]]:
    """Rows of the table whose header starts with ``first``, as text cells."""
    i = html.index(f"<th>{first}</th>")
    table = html[html.rindex("<table", 0, i) : html.index("</table>", i)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", r, flags=re.S)]
        for r in rows
    ]


def test_process_section_reports_the_library_numbers(ctx, ukraine):
    sec = sections.section_process(ctx)
    assert sec is not None and sec.id == "process"
    # the default scenario has no zone now, so the brief also compares the processes when it opens
    assert ctx.bargain.opens_at is not None and len(ctx.process) == 3
    direct = compare_processes(ukraine, sections.PROCESSES, runs=RUNS, seed=SEED)
    rows = _cells(str(sec.body), "process")[: len(sections.PROCESSES)]
    for row, p in zip(rows, direct.processes, strict=True):
        assert row[0] == p.process
        shown = [float(x.rstrip("%")) / 100 for x in row[1:4]]
        assert all(0.0 <= v <= 1.0 for v in shown)
        assert shown == pytest.approx([p.p_deal, p.p_breakdown, p.p_escalation], abs=0.005)
        assert sum(shown) == pytest.approx(1.0, abs=0.02)
    later = ctx.process[2][1]
    assert (
        later.settings.start_month == ctx.bargain.opens_at
        and later.strategies["russia"] == "conceder"
    )
    assert len(sec.judgements) == 3 and str(sec.body).count("<svg") == 3


def test_montecarlo_section_quantiles_are_monotone_and_match_simulate(ctx, ukraine):
    sec = sections.section_montecarlo(ctx)
    assert sec is not None and ctx.montecarlo is not None
    res = simulate(ukraine, DRAWS, seed=SEED, models=sections.batched_models(ukraine))
    a, b = ctx.montecarlo.quantiles(), res.quantiles()
    np.testing.assert_allclose(
        a[["q05", "q50", "q95"]].to_numpy(), b[["q05", "q50", "q95"]].to_numpy(), equal_nan=True
    )
    q = a.dropna(subset=["q50"])[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-12).all()
    body = str(sec.body)
    assert "zone of agreement exists today" in body
    # one spread chart per issue, and one fan chart per issue for the round-based BDM model
    assert body.count("<svg") == 2 * len(ukraine.issues)
    applies = {m.name for m in accord.models.MODELS if not m.tags.needs}  # no procedure here
    left_out = applies - set(sections.batched_models(ukraine))
    assert ("Left out for speed" in body) == bool(left_out)


def test_fan_chart_bands_come_from_the_round_by_round_medians(ukraine):
    from accord.simulation.sampling import sample

    med = sections._bdm_medians(sample(ukraine, 40, seed=1), 0)
    assert med.shape == (11, 40)
    q = np.nanquantile(med, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    assert (np.diff(q, axis=0) >= -1e-12).all()


def test_tornado_section_ranks_inputs_by_swing(ctx, ukraine):
    sec = sections.section_sensitivity(ctx)
    assert sec is not None
    body = str(sec.body)
    crit = _cells(body, "input")
    swings = [float(r[1].rstrip("%")) for r in crit]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    models = [m for m in sections.batched_models(ukraine) if m != "ensemble"]
    res = tornado(ukraine, models=models, seed=SEED)
    top = res.top("bdm:territory", sections.TORNADO_TOP)
    assert list(top["swing"]) == sorted(top["swing"], reverse=True)
    assert crit[0][0] in sec.judgements[0]


def test_sections_leave_themselves_out_when_they_do_not_apply():
    eu = accord.load_scenario("eu-emissions-1994")
    c = BriefContext(eu, seed=0, draws=0, runs=0)
    assert sections.section_process(c) is None
    assert sections.section_montecarlo(c) is None
    assert sections.section_sensitivity(c) is None
    c = BriefContext(eu, seed=0, draws=20, runs=20)
    assert sections.section_process(c) is None  # no status quo: no packages to negotiate over
    mc = sections.section_montecarlo(c)  # no uncertainty: says so instead of charting
    assert mc is not None and "nothing to draw" in str(mc.body)


@pytest.mark.slow
def test_full_brief_with_every_section_is_self_contained(ukraine):
    html = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, months=90)
    for sid in (
        "forecasts",
        "bargaining",
        "process",
        "montecarlo",
        "sensitivity",
        "inputs",
        "assumptions",
    ):
        assert f'<h2 id="{sid}">' in html, sid
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script src" not in html and "<link" not in html
    with pytest.raises(ValueError, match="mc_models"):
        build_brief(ukraine, mc_models="some")


def test_red_line_column_shows_the_scenarios_own_values(ukraine):
    """The Monte Carlo's red-line table gives the scenario's value, not a median of draws."""
    from accord.simulation.montecarlo import simulate

    res = simulate(ukraine, 60, seed=3, models=["compromise"], bargaining=False)
    br = res.red_line_breaches()
    written = {
        (a.id, i): st.red_line.value
        for a in ukraine.actors
        for i, st in a.stances.items()
        if st.red_line is not None
    }
    assert len(br) > 0
    for r in br.itertuples():
        assert r.red_line == written[(r.actor, r.issue)]
        assert r.red_line_q05 <= r.red_line_q95
