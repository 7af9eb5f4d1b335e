"""The dashboard: its REST API, an OpenAPI fuzz (schemathesis), and a real browser end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed")
from conftest import wait_for_job  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

import accord  # noqa: E402
from accord.web.app import create_app  # noqa: E402

DEFAULT = "ukraine-2025-07"


@pytest.fixture
def client(tmp_path):
    app = create_app(
        tmp_path / "scenarios", db=f"sqlite:///{tmp_path / 'runs.sqlite'}", max_upload=4096
    )
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get(f"/?token={app.state.token}").status_code == 200  # exchanged for the cookie
        yield c


def _wait_job(client, job_id, timeout=60):
    return wait_for_job(client, job_id, timeout)


def test_the_models_options_are_offered_from_their_parameter_tables(client):
    from accord.models.registry import MODELS

    got = {m["name"]: m for m in client.get("/api/models").json()}
    assert set(got) == {cls.name for cls in MODELS}
    smp = {p["name"]: p for p in got["smp"]["params"]}
    assert (
        "Binary" in smp["voting_rule"]["choices"]
        and smp["voting_rule"]["default"] == "Proportional"
    )
    r = client.post(
        f"/api/scenarios/{DEFAULT}/run/forecast", json={"model_params": ["smp.voting_rule=Nope"]}
    )
    if r.status_code == 422:  # refused at once
        assert "voting_rule" in r.text
    else:  # or by the job, with the table's message
        job = _wait_job(client, r.json()["id"])
        assert job["status"] == "failed" and "voting_rule" in json.dumps(job)


def test_list_edit_validate_save_and_run(client):
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert names[0] == DEFAULT and "eu-emissions-1994" in names
    scn = client.get("/api/scenarios/eu-emissions-1994").json()
    scn["actors"][4]["stances"]["year"]["salience"]["value"] = 1.7
    bad = client.post("/api/validate", json=scn).json()
    assert bad == {
        "valid": False,
        "problems": [
            {
                "place": "actors[4].stances.year.salience",
                "rule": "must be between 0 and 1",
                "value": "1.7",
                "fix": None,
                "line": None,
            }
        ],
    }
    assert client.put("/api/scenarios/mine", json=scn).status_code == 422
    scn["actors"][4]["stances"]["year"]["salience"]["value"] = 0.1
    assert client.put("/api/scenarios/mine", json=scn).json()["valid"] is True
    job = _wait_job(client, client.post("/api/scenarios/mine/run/forecast").json()["id"])
    assert job["status"] == "done" and job["run_id"]
    comp = job["result"]["issues"][0]["forecasts"]["compromise"]["value"]
    assert comp < 5.003 / 0.677  # France (year 10) cares less: the compromise moves earlier
    runs = client.get("/api/runs").json()
    assert runs[0]["id"] == job["run_id"] and runs[0]["status"] == "done"


def test_process_simulate_and_sensitivity_jobs(client):
    from accord.process import compare_processes

    params = {
        "runs": 10,
        "seed": 2,
        "month": 75,
        "strategy": "conceder",
        "compare": "prep-talks,summit,mediated",
    }
    job = _wait_job(
        client, client.post(f"/api/scenarios/{DEFAULT}/run/process", json=params).json()["id"]
    )
    assert job["status"] == "done", job["error"]
    direct = compare_processes(
        accord.load_scenario(DEFAULT),
        ["prep-talks", "summit", "mediated"],
        runs=10,
        seed=2,
        overrides=["start_month=75.0", "default_strategy=conceder"],
    )
    got = {p["process"]: p for p in job["result"]["processes"]}
    for p in direct.processes:
        assert got[p.process]["p_deal"] == p.p_deal
        assert (
            abs(
                got[p.process]["p_deal"]
                + got[p.process]["p_breakdown"]
                + got[p.process]["p_escalation"]
                - 1
            )
            < 1e-9
        )
    job = _wait_job(
        client,
        client.post(
            f"/api/scenarios/{DEFAULT}/run/simulate",
            json={"draws": 30, "models": ["compromise", "bdm"]},
        ).json()["id"],
    )
    assert job["status"] == "done", job["error"]
    res = job["result"]
    assert res["draws"] == 30 and len(res["issues"]) == 7
    for issue in res["issues"]:
        for r in issue["rows"]:
            q = [r[k] for k in ("q05", "q25", "q50", "q75", "q95")]
            assert q == sorted(q) and issue["min"] <= q[0] and q[-1] <= issue["max"]
    job = _wait_job(
        client,
        client.post(
            f"/api/scenarios/{DEFAULT}/run/sensitivity", json={"model": "compromise", "top": 4}
        ).json()["id"],
    )
    assert job["status"] == "done", job["error"]
    for issue in job["result"]["issues"]:
        swings = [r["swing"] for r in issue["rows"]]
        assert swings == sorted(swings, reverse=True) and len(swings) <= 4
    bad = _wait_job(
        client,
        client.post(f"/api/scenarios/{DEFAULT}/run/process", json={"strategy": "nonsense"}).json()[
            "id"
        ],
    )
    assert bad["status"] == "failed" and "nonsense" in bad["error"]


def test_sobol_for_any_model_from_the_dashboard(client):
    """The dashboard's sensitivity job gives the Sobol indices `sensitivity.sobol` gives for the
    model asked (here the exchange model, n = 64), largest total index first, with a chart;
    a base size that is not offered is refused with the choices named."""
    from accord.simulation.sensitivity import sobol

    params = {"model": "exchange", "method": "both", "n": 64, "top": 5, "seed": 3}
    job = _wait_job(
        client, client.post(f"/api/scenarios/{DEFAULT}/run/sensitivity", json=params).json()["id"]
    )
    assert job["status"] == "done", job["error"]
    res = job["result"]
    assert res["method"] == "both" and res["issues"]  # the tornado too
    direct = sobol(accord.load_scenario(DEFAULT), n=64, seed=3, models=["exchange"])
    assert res["sobol"]["n"] == 64 and res["sobol"]["evaluations"] == direct.evaluations
    for frame in res["sobol"]["issues"]:
        want = direct.indices(f"exchange:{frame['issue']}").sort_values(
            "ST", ascending=False, kind="stable"
        )
        got = [r["ST"] for r in frame["rows"]]
        assert got == sorted(got, reverse=True) and len(got) <= 5
        assert got == pytest.approx(list(want["ST"][: len(got)]), abs=1e-12)
        if "spec" in frame:
            assert frame["spec"]["layer"][0]["data"]["values"]
    assert any("spec" in f for f in res["sobol"]["issues"])
    r = client.post(f"/api/scenarios/{DEFAULT}/run/sensitivity", json={"method": "sobol", "n": 100})
    assert r.status_code == 422 and "64" in r.text


def test_paths_cannot_escape_the_folder(client, tmp_path):
    for name in ("..%2F..%2Fetc%2Fpasswd", "..", ".hidden", "a/b", "x" * 80):
        r = client.get(f"/api/scenarios/{name}")
        assert r.status_code in (400, 404), name
    r = client.put("/api/scenarios/..%2Fescape", json={})
    assert r.status_code in (400, 404)
    assert not (tmp_path / "escape.yaml").exists()


def test_upload_is_size_limited_and_validated(client):
    big = b"#" * 5000
    r = client.post("/api/upload", files={"file": ("big.yaml", big, "application/x-yaml")})
    assert r.status_code == 413
    text = Path(accord.scenario.shipped_scenarios()["eu-emissions-1994"]).read_text()
    small = yaml.safe_dump(yaml.safe_load(text)["metadata"])
    r = client.post(
        "/api/upload", files={"file": ("tiny.yaml", small.encode(), "application/x-yaml")}
    )
    assert r.status_code == 422 and any(
        p["place"] == "actors" for p in r.json()["detail"]["problems"]
    )


def test_token_is_required_when_set(tmp_path):
    app = create_app(tmp_path, token="s3cret", db=f"sqlite:///{tmp_path / 'r.sqlite'}")
    with TestClient(app, base_url="http://localhost") as c:
        assert c.get("/api/scenarios").status_code == 401
        assert c.get("/api/scenarios", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            c.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        )
        assert c.get("/?token=s3cret").status_code == 200
        assert c.get("/api/scenarios").status_code == 200  # the cookie set by ?token=


def test_serve_refuses_public_address_without_token():
    p = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "ACCORD_TOKEN"},
        timeout=60,
    )
    assert p.returncode == 2 and "give --token" in p.stderr


def test_openapi_has_no_server_errors(tmp_path):
    """schemathesis generates requests from the OpenAPI document; no response may be a 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    app = create_app(
        tmp_path / "scn", db=f"sqlite:///{tmp_path / 'runs.sqlite'}", hosts=["testserver"]
    )
    auth = {"Authorization": f"Bearer {app.state.token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=auth)
    failures, calls = [], []

    def make_check(op):
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(op.as_strategy())
        def check(case):
            response = case.call(headers=auth)
            calls.append(op.path)
            if response.status_code >= 500:
                failures.append((op.method, op.path, response.status_code, response.text[:200]))

        return check

    for result in schema.get_all_operations():
        op = result.ok()
        make_check(op)()
    assert not failures, failures
    assert len(set(calls)) >= 10 and len(calls) >= 60, "every operation must have been exercised"
    assert not_a_server_error  # the check this test applies by hand to every response


# -- a real browser
# ------------------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "ACCORD_DB": f"sqlite:///{tmp_path / 'runs.sqlite'}",
        "ACCORD_TOKEN": "browser-test-token",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "accord",
            "serve",
            "--port",
            str(port),
            "--folder",
            str(tmp_path / "scn"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_browser_edit_run_and_open_brief(server):
    """Open the default scenario (read-only: shipped), save it as a copy, change one salience,
    run, see the forecast change, open the brief (a job whose page waits for it), reopen and
    compare runs; the shipped file is unchanged byte for byte."""
    shipped = Path(accord.scenario.shipped_scenarios()[DEFAULT])
    shipped_bytes = shipped.read_bytes()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/?token=browser-test-token")
        page.wait_for_selector(f'#scenarios li.active[data-name="{DEFAULT}"]')
        page.wait_for_selector("#form fieldset")
        # shipped: read-only, with "save as" offered instead
        assert page.locator("#read-only").is_visible() and page.locator("#save").is_disabled()
        page.fill("#save-as-name", "my-ukraine")
        page.click("#save-as")
        page.wait_for_selector('#scenarios li.active[data-name="my-ukraine"]')
        assert page.locator("#save-status").inner_text() == "saved as my-ukraine"
        assert not page.locator("#read-only").is_visible()
        badge = page.locator('#scenarios li[data-name="my-ukraine"] .badge[data-derived]')
        assert badge.inner_text() == f"copy of {DEFAULT}"

        def forecasts() -> dict[str, str]:
            page.click("nav.tabs button[data-tab=results]")
            page.click("#run")
            # a locator, not a JavaScript string: the page's CSP forbids eval (script-src 'self')
            page.locator("#job-status", has_text=re.compile(r"^done")).wait_for()
            page.wait_for_selector("#results td.value")
            cells = page.query_selector_all("#results td.value")
            return {
                f"{i}:{c.get_attribute('data-model')}": c.inner_text() for i, c in enumerate(cells)
            }

        before = forecasts()
        # round-based models' trajectories, one chart per model and issue, behind a disclosure
        page.locator('.vega-chart[data-chart="trajectory"][data-drawn] svg').nth(1).wait_for(
            state="attached"
        )
        assert page.locator('.vega-chart[data-chart="trajectory"] svg').count() >= 2
        page.click("nav.tabs button[data-tab=editor]")
        page.check("#whatif-on")  # what-if: every model reruns on the unsaved edit
        # the strongest actor's first salience: set it far from where it is
        box = page.locator('input[data-path$=".salience.value"]').first
        old = float(box.input_value())
        box.fill("0.05" if old > 0.5 else "1")
        box.dispatch_event("change")
        page.locator("#whatif p.status", has_text="nothing saved").wait_for(timeout=30_000)
        assert page.locator("#whatif td.value").count() >= 5
        after = forecasts()
        assert after != before, "changing a salience must move some forecast"
        # the model-options form writes MODEL.OPTION=VALUE into the forecast's model_params
        page.select_option("#analysis", "forecast")
        page.select_option("#mp-model", "bdm")
        page.select_option("#mp-option", "rounds")
        page.locator("#mp-value-box input").fill("1")
        page.click("#mp-add")
        assert json.loads(page.locator("#params").input_value())["model_params"] == ["bdm.rounds=1"]
        assert forecasts() != after, "one BDM round must move BDM's forecasts"
        assert badge.inner_text() == f"modified from {DEFAULT}"
        with page.expect_popup() as popup:
            page.click("#brief-link")
        brief = popup.value
        deadline = time.time() + 90
        while True:  # the waiting page reloads itself until the brief is built
            try:
                if "Key judgements" in brief.content():
                    break
            except sync_api.Error:
                pass  # between two loads
            assert time.time() < deadline, "the brief did not arrive"
            time.sleep(0.3)
        page.locator("#job-status", has_text="the brief is ready").wait_for()
        # the other analyses draw their charts: process outcomes, Monte Carlo spreads, the tornado
        for kind, params, selector in (
            (
                "process",
                '{"runs": 6, "seed": 0, "month": 75, "strategy": "conceder", '
                '"compare": "prep-talks,summit,mediated"}',
                ".vega-chart[data-chart=process] .outcome_marks path",
            ),
            (
                "simulate",
                '{"draws": 40, "seed": 0, "models": ["compromise", "bdm"]}',
                ".vega-chart[data-chart=interval] .range_marks line",
            ),
            ("compare", '{"against": "ukraine-2024-11", "draws": 0, "runs": 0}', "td.quote"),
            (
                "sensitivity",
                '{"model": "compromise", "seed": 0, "top": 5}',
                ".vega-chart[data-chart=tornado] .swing_marks path",
            ),
            ("bargain", '{"months": 90, "resolution": 11}', "#ripeness .month_marks path"),
        ):
            page.select_option("#analysis", kind)
            page.fill("#params", params)
            page.click("#run")
            page.locator("#job-status", has_text=re.compile(r"^done")).wait_for(timeout=60_000)
            page.wait_for_selector(selector, state="attached")
            assert page.locator(selector).count() >= 3, kind
        assert page.locator("#bargaining-map .solution_marks path").count() >= 1
        # every chart exports as SVG and PNG, every table as CSV, from the page
        assert page.locator(".export-svg").count() == page.locator("#results .vega-chart").count()
        with page.expect_download() as got:
            page.locator(".export-svg").first.click()
        assert got.value.suggested_filename.endswith(".svg")
        assert "<svg" in Path(got.value.path()).read_text()
        with page.expect_download() as got:
            page.locator(".export-png").first.click()
        assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if page.locator(".export-csv").count():
            with page.expect_download() as got:
                page.locator(".export-csv").first.click()
            assert "," in Path(got.value.path()).read_text()
        # the run history: label a run, reopen it as it was, compare two of one kind only
        page.click("nav.tabs button[data-tab=runs]")
        page.select_option("#runs-kind", "forecast")
        page.locator('#runs tr[data-kind="process"]').wait_for(state="detached")
        page.locator('#runs tr[data-kind="forecast"]').nth(2).wait_for()
        assert page.locator('#runs tr[data-kind]:not([data-kind="forecast"])').count() == 0
        first = page.locator("#runs tr[data-kind]").first
        first.locator("input.run-label").fill("one BDM round")
        first.locator("input.run-label").dispatch_event("change")
        page.locator("#diff-out", has_text="label saved").wait_for()
        first.locator("button.reopen").click()
        page.locator("#job-status", has_text="as stored on").wait_for()
        assert "one BDM round" in page.locator("#job-status").inner_text()
        assert page.locator("td.value").count() >= 3
        page.click("nav.tabs button[data-tab=runs]")
        page.select_option("#runs-kind", "")
        page.locator('#runs tr[data-kind="process"]').first.wait_for()
        rows = page.locator('#runs tr[data-kind="forecast"]')
        rows.nth(0).locator("input.pick").check()
        rows.nth(1).locator("input.pick").check()
        page.click("#diff")
        page.locator("#diff-out table.changes").first.wait_for()
        assert "largest first" in page.locator("#diff-out").inner_text()
        rows.nth(1).locator("input.pick").uncheck()
        page.locator('#runs tr[data-kind="process"] input.pick').first.check()
        page.click("#diff")
        page.locator("#diff-out .refused", has_text="same kind").wait_for()
        assert not errors, errors
        browser.close()
    assert shipped.read_bytes() == shipped_bytes
