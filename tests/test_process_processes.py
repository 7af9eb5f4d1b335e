"""The processes compared on a scenario: settings (validated at the door), results, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import accord
from accord.bargaining import no_deal_utility
from accord.cli import cli
from accord.process import (
    PROCESSES,
    ProcessSettings,
    compare_processes,
    settings_from_scenario,
)
from accord.scenario import Scenario, ScenarioError

ALL = ("direct", "prep-talks", "summit", "ultimatum", "mediated")


def border_scenario(extensions: dict | None = None) -> Scenario:
    """Two parties over a border and aid, a broker that is not a party, costly war."""
    data = {
        "metadata": {"title": "border talks (test)"},
        "issues": [
            {
                "id": "border",
                "question": "Where does the border run?",
                "scale": {
                    "min": 0,
                    "max": 100,
                    "labels": {0: "A's claim", 50: "the old line", 100: "B's claim"},
                },
                "status_quo": 50,
            },
            {
                "id": "aid",
                "question": "How much reconstruction aid?",
                "scale": {"min": 0, "max": 10, "labels": {0: "none", 5: "half", 10: "full"}},
                "status_quo": 0,
            },
        ],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 60,
                "no_deal": {"utility": 0.35, "cost_per_month": 0.005},
                "stances": {
                    "border": {
                        "position": 0,
                        "salience": 0.8,
                        "red_line": {"value": 70, "uncertainty": {"low": 55, "high": 85}},
                    },
                    "aid": {"position": 0, "salience": 0.2},
                },
            },
            {
                "id": "b",
                "name": "B",
                "capability": 50,
                "no_deal": {"utility": 0.30, "cost_per_month": 0.005},
                "stances": {
                    "border": {
                        "position": 100,
                        "salience": 0.5,
                        "red_line": {"value": 30, "uncertainty": {"low": 20, "high": 45}},
                    },
                    "aid": {"position": 10, "salience": 0.5},
                },
            },
            {
                "id": "m",
                "name": "Broker",
                "capability": 80,
                "party": False,
                "stances": {
                    "border": {"position": 50, "salience": 0.5},
                    "aid": {"position": 5, "salience": 0.5},
                },
            },
        ],
        "extensions": extensions or {},
    }
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def comparison():
    return compare_processes(border_scenario(), ALL, runs=60, seed=3)


def test_every_process_is_registered_and_summarised(comparison):
    assert set(PROCESSES) == set(ALL)
    assert [p.process for p in comparison.processes] == list(ALL)
    for p in comparison.processes:
        assert p.runs == 60
        assert p.p_deal + p.p_breakdown + p.p_escalation == pytest.approx(1.0)
        assert set(p.expected_gain) == {"a", "b", "m"}
    assert comparison.parties == ("a", "b") and comparison.mediator == "a"  # strongest party
    assert comparison.zone_at_start > 0


def test_deals_are_rational_when_they_are_made(comparison):
    """Every deal is at least each party's no-deal payoff at the deal's month (after the
    ultimatum's penalty once the deadline has passed)."""
    scn = comparison.scenario
    ult = comparison.settings.ultimatum
    target = scn.actor_ids.index(comparison.ultimatum_target)
    for name, runs in comparison.details.items():
        for r in np.flatnonzero(runs.deal):
            month = comparison.settings.start_month + runs.months[r]
            d = no_deal_utility(scn, month - 1e-9)
            if name == "ultimatum" and runs.rounds[r] > ult.deadline:
                d[target] -= ult.penalty
            assert (runs.utility[r, :2] >= d[:2] - 1e-9).all(), name
        assert (runs.package[~runs.deal] == -1).all()
        assert np.isnan(runs.months[~runs.deal]).all()


def test_deal_distribution_has_scale_labels(comparison):
    p = next(p for p in comparison.processes if p.p_deal > 0)
    border = next(i for i in p.issues if i.issue == "border")
    assert border.quantiles["q05"] <= border.quantiles["q50"] <= border.quantiles["q95"]
    assert all(isinstance(v, str) and v for v in border.labels.values())
    assert p.most_common_deal is not None and 0 < p.most_common_deal["share_of_deals"] <= 1


def test_same_seed_same_numbers_and_processes_do_not_interact():
    scn = border_scenario()
    a = compare_processes(scn, ["summit", "prep-talks"], runs=30, seed=9)
    b = compare_processes(scn, ["prep-talks"], runs=30, seed=9)
    assert a["prep-talks"].to_dict() == b["prep-talks"].to_dict()
    np.testing.assert_array_equal(a.details["prep-talks"].package, b.details["prep-talks"].package)
    small = compare_processes(scn, ["direct"], runs=10, seed=9)
    np.testing.assert_array_equal(
        small.details["direct"].package,
        a_direct := compare_processes(scn, ["direct"], runs=30, seed=9)
        .details["direct"]
        .package[:10],
    )
    assert len(a_direct) == 10


def test_failed_summit_escalates_on_the_failing_parties():
    scn = border_scenario(
        {
            "process": {
                "default_strategy": "hard-liner(firmness=1)",
                "summit": {"escalation_penalty": 0.2},
            }
        }
    )
    res = compare_processes(scn, ["summit"], runs=20, seed=1)
    s = res["summit"]
    assert s.p_deal == 0 and s.p_escalation == 1
    runs = res.details["summit"]
    d0 = res.start_no_deal
    lost = d0["a"] - runs.utility[:, 0], d0["b"] - runs.utility[:, 1]
    assert all(np.all(x >= 0.2 - 1e-9) | np.all(x < 0.2) for x in lost)
    assert max(np.max(x) for x in lost) >= 0.2 - 1e-9  # someone paid the penalty
    assert s.expected_gain["m"] == pytest.approx(0.0)  # the broker is not a party


def test_failed_summit_penalises_only_the_listed_party():
    """A per-actor escalation penalty (Lieven: if Putin rejects the offer "Trump will turn
    violently against Russia"): only the listed party loses, and by its own amount."""
    base = {"default_strategy": "hard-liner(firmness=1)"}
    both = compare_processes(
        border_scenario({"process": {**base, "summit": {"escalation_penalty": 0.0}}}),
        ["summit"],
        runs=20,
        seed=1,
    )
    only_a = compare_processes(
        border_scenario({"process": {**base, "summit": {"escalation_penalty": {"a": 0.2}}}}),
        ["summit"],
        runs=20,
        seed=1,
    )
    assert only_a["summit"].p_deal == 0
    ua, u0 = only_a.details["summit"].utility, both.details["summit"].utility
    np.testing.assert_allclose(u0[:, 1], ua[:, 1])  # b is not listed: it loses nothing more
    assert np.all(u0[:, 0] - ua[:, 0] >= 0.2 - 1e-9)  # a failed on every run: it pays 0.2


def test_a_penalty_for_an_unknown_actor_is_refused_with_its_place():
    from accord.process.settings import settings_from_scenario
    from accord.scenario import ScenarioError

    scn = border_scenario({"process": {"summit": {"escalation_penalty": {"zz": 0.1}}}})
    with pytest.raises(ScenarioError) as e:
        settings_from_scenario(scn)
    assert "extensions.process.summit.escalation_penalty.zz" in str(e.value)


def test_ultimatum_penalty_and_credibility():
    scn = border_scenario()
    hard = compare_processes(
        scn,
        ["ultimatum"],
        runs=30,
        seed=2,
        overrides={
            "default_strategy": "hard-liner(firmness=1)",
            "ultimatum.penalty": 0.1,
            "ultimatum.target": "b",
        },
    )
    u = hard["ultimatum"]
    assert u.p_deal == 0 and u.p_escalation == 1
    assert hard.ultimatum_target == "b"
    assert u.expected_gain["b"] < hard["ultimatum"].expected_gain["a"] - 0.05
    empty = compare_processes(
        scn,
        ["ultimatum"],
        runs=30,
        seed=2,
        overrides={"default_strategy": "hard-liner(firmness=1)", "ultimatum.credibility": 0},
    )
    assert empty["ultimatum"].p_escalation == 0


def test_perfect_information_makes_preparation_pointless_but_slower():
    scn = border_scenario({"process": {"beliefs": {"scale": 0}, "default_strategy": "conceder"}})
    res = compare_processes(scn, ["direct", "prep-talks"], runs=10, seed=0)
    direct, prep = res["direct"], res["prep-talks"]
    assert direct.p_deal == prep.p_deal == 1.0
    assert [i.quantiles for i in direct.issues] == [i.quantiles for i in prep.issues]
    # six months of preparation come first; war costs meanwhile make the parties concede sooner at
    # the table
    assert prep.months_to_deal["median"] > 6.0 + 0.25 - 1e-9
    assert prep.rounds_to_deal["median"] <= direct.rounds_to_deal["median"]


def test_default_scenario_runs_and_says_why_there_is_no_deal():
    res = compare_processes(
        accord.load_scenario("ukraine-2025"), ["direct", "summit"], runs=8, seed=0
    )
    assert res.parties == ("us_admin", "russia", "ukraine")  # europe and congress ratify
    assert res.mediator == "us_admin" and res.ultimatum_target == "russia"
    if res.zone_at_start == 0:
        assert all(p.p_deal == 0 for p in res.processes)
        assert "no zone of agreement" in res.notes[0]
    json.dumps(res.to_dict())


# -- settings validated at the door -----------------------------------------------------------
@pytest.mark.parametrize(
    "ext, place, words",
    [
        (
            {"strategies": {"zz": "boulware"}},
            "extensions.process.strategies.zz",
            "names an actor that does not exist",
        ),
        (
            {"strategies": {"a": "stubborn"}},
            "extensions.process.strategies.a",
            "is not a valid strategy",
        ),
        (
            {"default_strategy": "tit-for-tat(mode=up)"},
            "extensions.process.default_strategy",
            "mode must be",
        ),
        (
            {"summit": {"rounds": 0}},
            "extensions.process.summit.rounds",
            "greater than or equal to 1",
        ),
        (
            {"ultimatum": {"credibility": 2}},
            "extensions.process.ultimatum.credibility",
            "less than or equal to 1",
        ),
        ({"ultimatum": {"target": "m"}}, "extensions.process.ultimatum.target", "must be a party"),
        (
            {"mediated": {"mediator": "nobody"}},
            "extensions.process.mediated.mediator",
            "does not exist",
        ),
        ({"colour": "red"}, "extensions.process.colour", "is not a process setting"),
        ({"offer_policy": "random"}, "extensions.process.offer_policy", "input should be"),
    ],
)
def test_bad_settings_name_the_place(ext, place, words):
    with pytest.raises(ScenarioError) as exc:
        settings_from_scenario(border_scenario({"process": ext}), file="border.yaml")
    text = str(exc.value)
    assert f"border.yaml: {place}" in text and words in text


def test_extension_must_be_a_mapping_and_overrides_are_checked():
    with pytest.raises(ScenarioError, match="extensions.process must be a mapping"):
        settings_from_scenario(border_scenario({"process": [1, 2]}))
    with pytest.raises(ScenarioError, match=r"--set\[0\] must read KEY=VALUE"):
        settings_from_scenario(border_scenario(), overrides=["summit.rounds"])
    with pytest.raises(ScenarioError, match=r"<command line>: --set\[0\] \(summit.rounds\)"):
        settings_from_scenario(border_scenario(), overrides=["summit.rounds=-1"])
    s = settings_from_scenario(
        border_scenario({"process": {"summit": {"rounds": 5}}}),
        overrides=["prep-talks.signal_rounds=2", "strategies.a=zeuthen"],
    )
    assert isinstance(s, ProcessSettings)
    assert (
        s.summit.rounds == 5
        and s.prep_talks.signal_rounds == 2
        and s.strategies == {"a": "zeuthen"}
    )


def test_unknown_process_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="--compare names a process that does not exist"):
        compare_processes(border_scenario(), ["summit", "lunch"], runs=2)


# -- the command line ---------------------------------------------------------------------------
def _write(tmp_path, scn: Scenario) -> str:
    path = tmp_path / "border.yaml"
    path.write_text(yaml.safe_dump(scn.model_dump(mode="json", exclude_none=True), sort_keys=False))
    return str(path)


def test_cli_process_json_and_table(tmp_path):
    path = _write(tmp_path, border_scenario())
    r = CliRunner().invoke(
        cli,
        [
            "process",
            path,
            "--compare",
            "direct,summit,mediated",
            "--runs",
            "25",
            "--seed",
            "4",
            "--format",
            "json",
            "--no-save",
            "--strategy",
            "b=linear",
            "--set",
            "summit.rounds=4",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [p["process"] for p in data["processes"]] == ["direct", "summit", "mediated"]
    assert data["strategies"] == {"a": "boulware", "b": "linear"}
    assert data["processes"][1]["settings"]["rounds"] == 4
    lib = compare_processes(
        border_scenario(),
        ["direct", "summit", "mediated"],
        runs=25,
        seed=4,
        overrides=["strategies.b=linear", "summit.rounds=4"],
    )
    assert data["processes"] == json.loads(json.dumps(lib.to_dict()["processes"]))
    r = CliRunner().invoke(
        cli,
        [
            "process",
            path,
            "--compare",
            "prep-talks,ultimatum",
            "--runs",
            "15",
            "--no-save",
            "--default-strategy",
            "conceder",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "prep-talks" in r.output and "P(deal)" in r.output and "expected gain" in r.output


def test_cli_process_bad_input(tmp_path):
    path = _write(tmp_path, border_scenario())
    r = CliRunner().invoke(cli, ["process", path, "--strategy", "zz=boulware", "--no-save"])
    assert isinstance(r.exception, ScenarioError)
    assert "names an actor that does not exist" in str(r.exception)
    r = CliRunner().invoke(cli, ["process", path, "--strategy", "boulware", "--no-save"])
    assert isinstance(
        r.exception, ScenarioError
    ) and "--strategy[0] must read ACTOR=STRATEGY" in str(r.exception)
    r = CliRunner().invoke(cli, ["process", path, "--runs", "0"])
    assert r.exit_code == 2


def test_a_failed_summit_can_move_a_stance_for_the_follow_up_talks():
    """``summit.failure_shift``: after a failed summit an actor's position moves (Lieven: the
    broker "will turn violently against Russia") for the follow-up rounds. A zero shift gives
    bit for bit the runs without the setting; with Boulware parties a one-round summit fails
    and so do six follow-up rounds, unless the failure moves A towards B's claim, after which
    the follow-up finds a deal; an unknown issue is refused by its place."""
    from accord.process.settings import settings_from_scenario
    from accord.scenario import ScenarioError

    def runs(shift):
        summit = {"rounds": 1, "follow_up_rounds": 6, "failure_shift": shift}
        ext = {"process": {"default_strategy": "boulware", "summit": summit}}
        return compare_processes(border_scenario(ext), ["summit"], runs=20, seed=3)

    plain, zero, moved = runs({}), runs({"a": {"border": 0.0}}), runs({"a": {"border": 60.0}})
    np.testing.assert_array_equal(plain.details["summit"].utility, zero.details["summit"].utility)
    assert plain["summit"].p_deal == 0 and plain["summit"].p_escalation == 1
    assert moved["summit"].p_deal == 1
    bad = border_scenario({"process": {"summit": {"failure_shift": {"a": {"nowhere": 5}}}}})
    with pytest.raises(ScenarioError) as e:
        settings_from_scenario(bad)
    assert "extensions.process.summit.failure_shift.a.nowhere" in str(e.value)
