"""Run history that serves work: label and note, filter, reopen, compare (same kind only), and
real progress for the process comparison and the brief."""

from __future__ import annotations

import time

import pytest
from conftest import wait_for_job

import accord

pytest.importorskip("fastapi", reason="the web extra is not installed")

SHIPPED = "ukraine-2025-07"


@pytest.fixture
def client(web_client):
    return web_client


def _run(client, name, kind, params=None, timeout=120):
    r = client.post(f"/api/scenarios/{name}/run/{kind}", json=params)
    assert r.status_code == 200, r.text
    job = wait_for_job(client, r.json()["id"], timeout, ("done", "failed", "cancelled"))
    assert job["status"] == "done", job
    return job


def test_label_filter_reopen_and_compare_runs(client):
    scn = client.get("/api/scenarios/eu-emissions-1994").json()
    assert client.post("/api/scenarios/eu-emissions-1994/save-as/eu", json=scn).status_code == 200
    first = _run(client, "eu", "forecast")
    scn["actors"][0]["capability"]["value"] *= 3
    assert client.put("/api/scenarios/eu", json=scn).json()["valid"] is True
    second = _run(client, "eu", "forecast")
    other = _run(client, SHIPPED, "simulate", {"draws": 20, "models": ["compromise"]})
    a, b = first["run_id"], second["run_id"]

    r = client.patch(f"/api/runs/{a}", json={"label": "baseline", "note": "as in Table 1"})
    assert r.status_code == 200 and r.json()["label"] == "baseline"
    assert client.patch(f"/api/runs/{a}", json={"colour": "red"}).status_code == 422
    assert client.patch("/api/runs/ffffffffffff", json={"label": "x"}).status_code == 404

    by_name = [x["id"] for x in client.get("/api/runs", params={"scenario": "eu"}).json()]
    assert by_name == [b, a]
    by_kind = [x["id"] for x in client.get("/api/runs", params={"kind": "simulate"}).json()]
    assert by_kind == [other["run_id"]]
    listed = {x["id"]: x for x in client.get("/api/runs").json()}
    assert listed[a]["label"] == "baseline" and listed[a]["note"] == "as in Table 1"
    assert listed[a]["scenario_name"] == "eu"

    stored = client.get(f"/api/runs/{a}").json()  # reopened: the results as they were
    assert stored["results"] == first["result"] and stored["kind"] == "forecast"
    assert {x["id"] for x in stored["actors"]} == {x["id"] for x in scn["actors"]}

    d = client.get(f"/api/runs/{a}/diff/{b}")
    assert d.status_code == 200, d.text
    moves = d.json()["forecasts"]
    sizes = [abs(n - o) for _, _, o, n in moves]
    assert moves and sizes == sorted(sizes, reverse=True)
    assert d.json()["inputs"][0][0] == "actors[NL].capability.value"
    r = client.get(f"/api/runs/{a}/diff/{other['run_id']}")
    assert r.status_code == 409 and "same kind" in r.json()["detail"]


def test_the_process_comparison_reports_each_process(client):
    from accord.web.analyses import run_process

    class Recorder:
        def __init__(self):
            self.seen = []

        def report(self, fraction, message=""):
            self.seen.append((fraction, message))

    job = Recorder()
    params = {"runs": 5, "seed": 1, "month": 0, "compare": "prep-talks,summit,mediated"}
    res = run_process(accord.load_scenario(SHIPPED), job, params)
    steps = [m for _, m in job.seen if "processes" in m]
    assert len(steps) == 3 and "summit (2 of 3 processes" in steps[1]
    fractions = [f for f, _ in job.seen]
    assert fractions == sorted(fractions)
    assert [p["process"] for p in res["processes"]] == ["prep-talks", "summit", "mediated"]


def test_the_brief_is_a_job_with_a_page_that_waits_for_it(client):
    r = client.post(f"/api/scenarios/{SHIPPED}/brief")
    assert r.status_code == 200 and r.json()["kind"] == "brief"
    job_id = r.json()["id"]
    page = client.get(f"/api/briefs/{job_id}")
    assert page.status_code == 200
    if "Key judgements" not in page.text:  # still building: the page says so and reloads
        assert 'http-equiv="refresh"' in page.text and "The brief of" in page.text
    t0 = time.time()
    while client.get(f"/api/jobs/{job_id}").json()["status"] not in ("done", "failed"):
        assert time.time() - t0 < 120
        time.sleep(0.2)
    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done" and job["result"]["brief"] == f"/api/briefs/{job_id}"
    assert "Key judgements" in client.get(f"/api/briefs/{job_id}").text
    assert client.get("/api/briefs/0123456789ab").status_code == 404
