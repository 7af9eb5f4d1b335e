"""`accord diff` in the dashboard: the "compare" analysis, against a second scenario."""

from __future__ import annotations

import pytest
from conftest import wait_for_job as _wait


@pytest.fixture
def client(web_client):
    return web_client


def test_the_two_snapshots_compared_in_the_dashboard_as_on_the_command_line(client):
    from accord.report.diff import compare_scenarios
    from accord.scenario.loader import load_scenario

    r = client.post(
        "/api/scenarios/ukraine-2025-07/run/compare",
        json={"against": "ukraine-2024-11", "draws": 0, "runs": 0},
    )
    assert r.status_code == 200, r.text
    job = _wait(client, r.json()["id"])
    assert job["status"] == "done", job
    res = job["result"]
    cli = compare_scenarios(
        load_scenario("ukraine-2024-11"), load_scenario("ukraine-2025-07"), draws=0, runs=0
    )
    assert [c["key"] for c in res["inputs"]] == [c.key for c in cli.inputs.changes]
    sq = next(c for c in res["inputs"] if c["key"] == "issues.territory.status_quo")
    assert (sq["old"], sq["new"]) == (82.0, 84.0) and sq["new_evidence"]
    assert [m["key"] for m in res["answers"]] == [m.key for m in cli.moved]
    assert res["unmoved"] == len(cli.answers) - len(cli.moved)


def test_a_comparison_names_a_scenario_that_exists(client):
    bad = client.post("/api/scenarios/ukraine-2025-07/run/compare", json={"against": "../etc"})
    assert bad.status_code == 422 and "against" in bad.text
    gone = client.post("/api/scenarios/ukraine-2025-07/run/compare", json={"against": "nope"})
    assert gone.status_code == 404
    big = client.post(
        "/api/scenarios/ukraine-2025-07/run/compare",
        json={"against": "ukraine-2024-11", "draws": 10**6},
    )
    assert big.status_code == 422 and "draws" in big.text


def test_the_dashboard_comparison_shows_a_change_of_procedure(client, tmp_path):
    """Two scenarios of the folder that differ only in their ``procedure:``."""
    import yaml
    from test_procedure_model import eu_case

    proc = {"legislative": "co-decision", "council": "qmv", "commission": "COM"}
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    for name, p in (("eu-a", proc), ("eu-b", {**proc, "legislative": "consultation"})):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(eu_case(p)), encoding="utf-8")
    r = client.post(
        "/api/scenarios/eu-b/run/compare", json={"against": "eu-a", "draws": 0, "runs": 0}
    )
    assert r.status_code == 200, r.text
    job = _wait(client, r.json()["id"])
    assert job["status"] == "done", job
    got = [(c["place"], c["old"], c["new"]) for c in job["result"]["inputs"]]
    assert got == [("procedure · legislative procedure", "co-decision", "consultation")]
