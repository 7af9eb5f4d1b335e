"""The dashboard's charts: the brief's Vega-Lite specs drawn by the Vega runtime the server
bundles, in a real browser at 1280 and 800 px: forecast and bargaining charts render and fit,
the bargaining map's actor pair can be changed, and a chart exports as SVG and PNG."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("vl_convert", reason="the plot extra is not installed")
from conftest import wait_for_job  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DEFAULT = "ukraine-2025-07"
TOKEN = "charts-test-token"


def test_the_vega_runtime_is_served_and_the_map_takes_any_pair(web_client):
    js = web_client.get("/static/vega.js")
    assert js.status_code == 200 and "vegaEmbed" in js.text
    assert js.headers["content-type"].startswith("application/javascript")
    assert "script-src 'self';" in js.headers["content-security-policy"]  # no unsafe-eval
    job = web_client.post(
        f"/api/scenarios/{DEFAULT}/run/bargain", json={"months": 24, "resolution": 5}
    ).json()
    res = wait_for_job(web_client, job["id"])["result"]
    assert set(res["specs"]) == {"ripeness", "map"}
    frame = res["map"]
    x, y = frame["parties"][0], frame["parties"][-1]
    spec = web_client.post(
        "/api/charts/bargaining-map", json={"frame": frame, "x": x, "y": y}
    ).json()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["title"].startswith(
        f"utility of {frame['names'][x]}"
    )
    bad = web_client.post("/api/charts/bargaining-map", json={"frame": frame, "x": "no", "y": y})
    assert bad.status_code == 422 and "must be parties" in bad.json()["detail"]


@pytest.fixture
def server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "ACCORD_DB": f"sqlite:///{tmp_path / 'runs.sqlite'}",
        "ACCORD_TOKEN": TOKEN,
    }
    cmd = [
        sys.executable,
        "-m",
        "accord",
        "serve",
        "--port",
        str(port),
        "--folder",
        str(tmp_path / "scn"),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def _run(page, kind: str, params: str) -> None:
    page.select_option("#analysis", kind)
    page.fill("#params", params)
    page.click("#run")
    page.locator("#job-status", has_text=re.compile(r"^done")).wait_for(timeout=90_000)


def _fits(page, selector: str) -> int:
    """Every chart under ``selector`` is drawn and lies inside the results' column and the
    window (scaled down, never cut off); returns how many there are."""
    results = page.locator("#results").bounding_box()
    width = page.viewport_size["width"]
    boxes = page.locator(selector)
    for k in range(boxes.count()):
        svg = boxes.nth(k).locator("svg").first
        svg.wait_for(state="attached")
        b = svg.bounding_box()
        if b is None:  # inside a closed disclosure
            continue
        assert b["width"] > 100 and b["height"] > 50
        assert (
            b["x"] >= results["x"] - 1
            and b["x"] + b["width"] <= results["x"] + results["width"] + 1
        )
        assert b["x"] + b["width"] <= width
    return boxes.count()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("width", [1280, 800])
def test_forecast_and_bargaining_charts_in_the_browser(server, tmp_path, width):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + f"/?token={TOKEN}")
        page.wait_for_selector(f'#scenarios li.active[data-name="{DEFAULT}"]')
        page.click("nav.tabs button[data-tab=results]")
        _run(page, "forecast", '{"seed": 0, "model_params": []}')
        page.locator('.vega-chart[data-chart="forecast"][data-drawn] svg').first.wait_for()
        assert _fits(page, '.vega-chart[data-chart="forecast"]') == 7  # one per issue
        first = page.locator('.vega-chart[data-chart="forecast"]').first
        # the models' markers (their own shapes) and every deal term's number are drawn
        assert first.locator(".forecasts_marks path").count() >= 5
        assert first.locator(".term_numbers_marks text").count() >= 3
        _run(page, "bargain", '{"months": 36, "resolution": 5}')
        page.locator("#bargaining-map[data-drawn] svg").wait_for()
        page.locator("#ripeness[data-drawn] svg").wait_for()
        assert _fits(page, "#results .vega-chart") == 2
        assert page.locator("#ripeness .month_marks path").count() >= 3
        # the map's pair: the two most opposed parties first, any other pair on demand
        assert page.locator("#map-status").inner_text() == "the two most opposed parties"
        title = page.locator("#bargaining-map .role-axis-title text")
        before = sorted(title.all_text_contents())
        options = page.locator("#map-x option").all_inner_texts()
        current = page.locator("#map-x option:checked").inner_text()
        other_y = page.locator("#map-y option:checked").inner_text()
        pick = next(o for o in options if o not in (current, other_y))
        page.select_option("#map-x", label=pick)
        page.locator("#map-status", has_text=pick).wait_for()
        page.locator("#bargaining-map[data-drawn] svg").wait_for()
        after = sorted(title.all_text_contents())
        assert after != before and any(pick in t for t in after)
        _fits(page, "#results .vega-chart")
        # export the map: SVG and PNG from its Vega view
        exports = page.locator("#bargaining-map + .exports")
        with page.expect_download() as got:
            exports.locator(".export-svg").click()
        svg = Path(got.value.path()).read_text()
        assert svg.startswith("<svg") and pick in svg
        with page.expect_download() as got:
            exports.locator(".export-png").click()
        assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        page.screenshot(path=str(tmp_path / f"bargain-{width}.png"), full_page=True)
        assert not errors, errors
        browser.close()
