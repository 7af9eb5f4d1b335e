"""Blocking red lines and the smallest relaxation, on small cases worked by hand, and on the
EU emissions case (Bueno de Mesquita 1994) with a status quo added."""

from __future__ import annotations

import pytest

import accord
from accord.bargaining import analyse
from accord.scenario import scenario_from_dict


def blocked(*, red_b_y=None, nd_b=0.1):
    """Two issues on 0..100. A (position 0 on both, saliences 1, 1) has red lines x ≤ 30 and
    y ≤ 40; B (position 100 on both) has red line x ≥ 20 and, optionally, y ≥ ``red_b_y``. No-deal
    utilities are fixed (A 0.1, B ``nd_b``)."""
    b_y = {"position": 100, "salience": 1}
    if red_b_y is not None:
        b_y["red_line"] = red_b_y
    return scenario_from_dict(
        {
            "metadata": {"title": "blocked"},
            "issues": [
                {"id": "x", "question": "?", "status_quo": 50},
                {"id": "y", "question": "?", "status_quo": 50},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "no_deal": {"utility": 0.1},
                    "stances": {
                        "x": {"position": 0, "salience": 1, "red_line": 30},
                        "y": {"position": 0, "salience": 1, "red_line": 40},
                    },
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "no_deal": {"utility": nd_b},
                    "stances": {"x": {"position": 100, "salience": 1, "red_line": 20}, "y": b_y},
                },
            ],
        }
    )


def test_one_red_line_blocks_and_is_named():
    """B insists on y ≥ 60 while A accepts y ≤ 40: only that pair of red lines conflicts, so
    dropping either A's y line or B's y line opens the zone, and nothing else does. The smallest
    move is 20 points (0.2 of the scale) by one actor: A's red line 40 → 60 or B's 60 → 40."""
    res = analyse(blocked(red_b_y=60), months=0)
    assert not res.zone_exists
    opens = {(r.actor, r.issue) for r in res.red_lines if r.opens_zone}
    assert opens == {("a", "y"), ("b", "y")}
    assert {(r.actor, r.issue) for r in res.red_lines} == {
        ("a", "x"),
        ("a", "y"),
        ("b", "x"),
        ("b", "y"),
    }
    assert set(res.blocking_red_lines) == {"a", "b"}
    r = res.relaxations["red_line"]
    assert r is not None and len(r.actors) == 1 and r.size == pytest.approx(0.2)
    (who,) = r.actors
    move = r.moves[who]["y"]
    assert abs(move["to"] - move["from"]) == pytest.approx(20)
    assert res.relaxation is r  # fewest actors, red lines first on a tie
    # the feasible set is empty, so accepting less than no deal cannot open the zone
    assert res.relaxations["no_deal"] is None
    assert res.max_min_gain is None  # no continuous package either


def test_no_deal_blocks_and_the_shortfall_is_worked_by_hand():
    """Compatible red lines (x in 20..30, y ≤ 40) but B's no deal is 0.5. With s = (x + y)/200,
    u_A = 1 − s and u_B = s; in the box s ≤ 0.35, so B's best is (30, 40) with 0.35: B alone must
    accept 0.15 less (A then gets 0.65 > 0.1), and the continuous max–min gain is 0.35 − 0.5 =
    −0.15.
    B needs x + y > 100: dropping A's x line (x up to 100) or A's y line (y up to 100) opens it,
    B's own lines do not; the smallest red-line move is A's, 40 points in all (x + y = 110 on
    the 10-point grid from 30 + 40), 0.4 of a scale width."""
    res = analyse(blocked(nd_b=0.5), months=0)
    assert not res.zone_exists
    assert res.blocking_no_deal == ("b",)
    r = res.relaxations["no_deal"]
    assert r.actors == ("b",) and r.moves == {"b": pytest.approx(0.15)}
    assert r.package.values == {"x": 30.0, "y": 40.0}
    assert {(x.actor, x.issue) for x in res.red_lines if x.opens_zone} == {("a", "x"), ("a", "y")}
    rl = res.relaxations["red_line"]
    assert rl.actors == ("a",) and rl.size == pytest.approx(0.4)
    assert rl.package.values["x"] + rl.package.values["y"] == pytest.approx(110)
    assert res.max_min_gain == pytest.approx(-0.15)


def test_eu_emissions_with_status_quo_at_the_latest_date():
    """EU emission standards (Bueno de Mesquita 1994, as entered in the shipped scenario) with
    the status quo at the latest date (10). France, Italy and the UK sit at 10, so any earlier date
    costs them: no zone. The smallest relaxation: those three accept the nearest earlier grid
    date, 9.4 (grid step 0.6 on 4..10), each 0.6/6 = 0.1 below their no deal."""
    scn = accord.load_scenario("eu-emissions-1994")
    data = scn.model_dump()
    data["issues"][0]["status_quo"] = 10
    res = analyse(scenario_from_dict(data), months=0)
    assert not res.zone_exists and res.red_lines == ()
    r = res.relaxation
    assert r.kind == "no_deal" and set(r.actors) == {"FR", "IT", "UK"}
    assert r.package.values["year"] == pytest.approx(9.4)
    assert r.size == pytest.approx(0.3)
    assert all(v == pytest.approx(0.1) for v in r.moves.values())


def test_eu_emissions_with_a_costly_stalemate_has_a_zone_and_solutions():
    """Status quo 7 and fixed no deal 0 for all: every package beats no deal, the frontier is the
    whole range between the extreme positions, and each solution lies inside it."""
    scn = accord.load_scenario("eu-emissions-1994")
    data = scn.model_dump()
    data["issues"][0]["status_quo"] = 7
    for a in data["actors"]:
        a["no_deal"] = {"utility": 0.0}
    res = analyse(scenario_from_dict(data), months=0)
    assert (
        res.zone_exists and res.zopa_size == len(res.space.packages) - 2
    )  # the ends give someone 0
    for name, pkg in res.solutions.items():
        assert 4 < pkg.values["year"] < 10, name
        assert all(g > 0 for g in pkg.gain.values())
        assert res.continuous[name].gap >= -1e-9
    frontier_years = sorted(p.values["year"] for p in res.frontier)
    assert frontier_years == [y for y in res.space.grids[0] if 4 < y < 10]
