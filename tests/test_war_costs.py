"""War costs that change with time (``no_deal.cost_growth_per_month``) and the three kinds of
evidence (article quote, reader comment, judgement)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import accord
from accord.bargaining.utility import no_deal_utility, war_cost_months
from accord.scenario import scenario_from_dict
from accord.scenario.checks import scenario_warnings


@settings(max_examples=60, deadline=None)
@given(
    t=st.integers(0, 240),
    rate=st.floats(0.0, 0.05),
    growth=st.floats(-0.05, 0.05),
)
@example(t=3, rate=0.0, growth=1e-9)  # q a hair above 1: the closed form cancels (CI found it)
@example(t=240, rate=0.01, growth=0.0100001)
def test_closed_form_equals_the_sum_month_by_month(t, rate, growth):
    """Σ_{τ=1..t} (1 + γ)^{τ−1} (1 + ρ)^{−τ}, written out, against the closed form."""
    explicit = sum((1 + growth) ** (k - 1) * (1 + rate) ** -k for k in range(1, t + 1))
    assert war_cost_months(t, rate, growth) == pytest.approx(explicit, rel=1e-9, abs=1e-9)


def test_growth_zero_and_rate_zero_count_plain_months():
    assert war_cost_months(np.array([0, 0.9, 1, 7.5, 48]), 0.0, 0.0).tolist() == [0, 0, 1, 7, 48]
    # γ = ρ: every month costs the same in present value, 1/(1+ρ)
    assert war_cost_months(10, 0.02, 0.02) == pytest.approx(10 / 1.02)


def _two_party(growth_a=None, growth_unc=None):
    nd_a = {"cost_per_month": {"value": 0.01, "evidence": {"judgement": "t"}}}
    if growth_a is not None:
        g = {"value": growth_a, "evidence": {"judgement": "t"}}
        if growth_unc is not None:
            g["uncertainty"] = growth_unc
        nd_a["cost_growth_per_month"] = g
    return scenario_from_dict(
        {
            "metadata": {"title": "t"},
            "issues": [
                {
                    "id": "x",
                    "question": "?",
                    "status_quo": {"value": 50, "evidence": {"judgement": "t"}},
                }
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": {"value": 1},
                    "stances": {"x": {"position": {"value": 0}, "salience": {"value": 1}}},
                    "no_deal": nd_a,
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": {"value": 1},
                    "stances": {"x": {"position": {"value": 100}, "salience": {"value": 1}}},
                },
            ],
        }
    )


def test_a_growing_cost_lowers_the_no_deal_utility_by_the_grown_sum():
    flat, grown = _two_party(), _two_party(0.05)
    d_flat, d_grown = no_deal_utility(flat, 24), no_deal_utility(grown, 24)
    assert d_grown[1] == d_flat[1]  # B has no cost
    extra = 0.01 * (sum(1.05 ** (k - 1) for k in range(1, 25)) - 24)
    assert d_flat[0] - d_grown[0] == pytest.approx(extra)
    # endurance rising (γ < 0): war costs less than at a flat rate
    assert no_deal_utility(_two_party(-0.05), 24)[0] > d_flat[0]


def test_growth_out_of_range_is_refused_with_its_place():
    data = _two_party(0.1).model_dump(mode="json", exclude_none=True)
    data["actors"][0]["no_deal"]["cost_growth_per_month"]["value"] = 0.9
    with pytest.raises(accord.ScenarioError) as e:
        scenario_from_dict(data)
    assert "actors[0].no_deal.cost_growth_per_month" in str(e.value)


def test_the_monte_carlo_opening_month_follows_drawn_cost_growth():
    """The vectorised ripeness scan of every draw equals the scalar one run on that draw's
    scenario, with each actor's cost growth drawn."""
    from accord.bargaining import build_space
    from accord.bargaining.arrays import RIPENESS_MONTHS, analyse_arrays
    from accord.bargaining.ripeness import no_deal_path, zone_sizes
    from accord.simulation.sampling import sample

    data = accord.load_scenario("ukraine-2025").model_dump(mode="json", exclude_none=True)
    for actor in data["actors"]:
        nd = actor.get("no_deal") or {}
        if nd.get("cost_per_month"):
            nd["cost_per_month"] = {"value": nd["cost_per_month"]["value"] / 20}
            nd["cost_growth_per_month"] = {
                "value": 0.02,
                "evidence": {"judgement": "test"},
                "uncertainty": {"low": -0.03, "high": 0.08, "shape": "uniform"},
            }
        for stance in actor["stances"].values():
            stance.pop("red_line", None)  # zones exist, so the opening month varies
            stance.pop("red_line_follows_front", None)
    scn = scenario_from_dict(data)
    draws = sample(scn, 10, seed=3)
    opens = analyse_arrays(draws, months=RIPENESS_MONTHS)["opens"]
    assert len(set(opens[np.isfinite(opens)].tolist())) >= 2  # the months differ: it can fail
    for d in range(draws.n_draws):
        space = build_space(draws.scenario_at(d))
        sizes = zone_sizes(space, no_deal_path(space, max(RIPENESS_MONTHS)))
        first = next((t for t in RIPENESS_MONTHS if sizes[t] > 0), None)
        assert (first is None and np.isnan(opens[d])) or first == opens[d], d


def _evidence_case(stance_a_red_evidence, stance_a_pos_evidence=None):
    pos_ev = stance_a_pos_evidence or {"judgement": "t"}
    return scenario_from_dict(
        {
            "metadata": {"title": "t"},
            "sources": [{"id": "art", "title": "An article"}],
            "issues": [{"id": "x", "question": "?"}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": {"value": 1, "evidence": {"source": "art", "quote": "q1"}},
                    "stances": {
                        "x": {
                            "position": {"value": 0, "evidence": pos_ev},
                            "salience": {"value": 1, "evidence": {"judgement": "t"}},
                            "red_line": {"value": 50, "evidence": stance_a_red_evidence},
                        }
                    },
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": {"value": 1},
                    "stances": {
                        "x": {
                            "position": {"value": 100},
                            "salience": {"value": 1},
                            "red_line": {"value": 50},
                        }
                    },
                },
            ],
        }
    )


def test_coverage_counts_quotes_comments_and_judgement_apart():
    comment = {"source": "art", "quote": "q2", "comment_by": "a reader", "reason": "r"}
    cov = _evidence_case({"judgement": "t"}, comment).evidence_coverage()
    assert (cov.quoted, cov.comments, cov.judgement) == (1, 1, 2)
    assert cov.unsupported == cov.total - 4
    assert "1 from reader comments" in str(cov)


def test_a_point_value_on_a_reader_comment_needs_a_reason():
    bare = {"source": "art", "quote": "q2", "comment_by": "a reader"}
    found = [p.place for p in scenario_warnings(_evidence_case({"judgement": "t"}, bare), "f")]
    assert "actors[0].stances.x.position.evidence" in found
    ok = dict(bare, reason="the article says the same in other words")
    found = [p.place for p in scenario_warnings(_evidence_case({"judgement": "t"}, ok), "f")]
    assert "actors[0].stances.x.position.evidence" not in found


def test_coinciding_red_lines_of_opposite_parties_are_flagged_unless_explained():
    found = [p.place for p in scenario_warnings(_evidence_case({"judgement": "t"}), "f")]
    assert "actors[1].stances.x.red_line" in found
    why = {"judgement": "t", "reason": "both quote the same formula"}
    found = [p.place for p in scenario_warnings(_evidence_case(why), "f")]
    assert not any(p.endswith("red_line") for p in found)


def test_comment_by_without_a_quote_is_refused():
    with pytest.raises(accord.ScenarioError):
        _evidence_case({"judgement": "t", "comment_by": "a reader"})
