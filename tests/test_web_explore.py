"""The Explore tab in Debian's Chromium: the round slider and play move the drawn positions of a
round-based model, two chosen issues redraw the position plot, and nothing raises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_web import CHROMIUM, server  # noqa: F401  (the live server fixture)
from test_web_grid import DEFAULT, _dashboard

from accord.web.app import create_app

SHOTS = Path(os.environ.get("ACCORD_EXPLORE_SHOTS", "/tmp/accord_explore_shots"))


def test_explore_api_needs_the_token_and_checks_its_choices(tmp_path):
    app = create_app(tmp_path / "scenarios", db=f"sqlite:///{tmp_path / 'runs.sqlite'}")
    path = f"/api/scenarios/{DEFAULT}/explore"
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get(path).status_code == 401
        auth = {"authorization": f"Bearer {app.state.token}"}
        body = c.get(path, headers=auth).json()
        assert [m["model"] for m in body["models"]] == ["bdm", "exchange", "smp"]
        assert body["choice"] == {
            "model": "bdm",
            "issue": "territory",
            "x": "territory",
            "y": "recognition",
        }
        assert {r["model"] for r in body["positions"]} == {"bdm"}
        assert body["turn_spec"]["params"][0]["name"] == "round"
        got = c.get(path, params={"model": "smp", "x": "nato", "y": "assets"}, headers=auth)
        assert got.json()["choice"]["x"] == "nato"
        for bad in ({"model": "ensemble"}, {"x": "nato", "y": "nato"}, {"issue": "nowhere"}):
            r = c.get(path, params=bad, headers=auth)
            assert r.status_code == 422, bad
        assert c.get(path, params={"seed": -1}, headers=auth).status_code == 422
        # the Analyses tab's model options reach Explore: BDM stopped after 3 rounds
        short = c.get(path, params={"model_param": "bdm.rounds=3"}, headers=auth).json()
        assert max(r["round"] for r in short["positions"]) == 3
        assert max(r["round"] for r in body["positions"]) > 3
        r = c.get(path, params={"model_param": "bdm.nonsense=1"}, headers=auth)
        assert r.status_code == 422 and "nonsense" in r.text
        assert (
            "/api/scenarios/{name}/explore" in c.get("/openapi.json", headers=auth).json()["paths"]
        )


def _marks(page, box: str) -> str:
    """The drawn marks of a chart (its SVG's mark groups), to compare between rounds."""
    return page.locator(f"{box} svg g.mark-symbol").first.inner_html()


def _wait_for_round(page, r: int) -> None:
    page.locator(f'#tab-explore[data-round="{r}"]').wait_for(timeout=30_000)


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_explore_slider_and_play_move_the_positions(server, width):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.click('nav.tabs button[data-tab="explore"]')
        page.wait_for_selector("#ex-turn svg g.mark-symbol", timeout=60_000)
        page.wait_for_selector("#ex-pair svg g.mark-symbol", timeout=60_000)
        _wait_for_round(page, 0)
        models = page.locator("#ex-model option").all_inner_texts()
        assert any("BDM" in m for m in models) and not any("ensemble" in m for m in models)
        turn0, pair0 = _marks(page, "#ex-turn"), _marks(page, "#ex-pair")
        assert "round 0" in page.locator("#ex-round-label").inner_text()
        page.screenshot(path=str(SHOTS / f"explore-round0-{width}.png"), full_page=True)
        # the slider, by keyboard (a range input cannot be filled): to the last round
        page.focus("#ex-round")
        page.keyboard.press("End")
        last = int(page.get_attribute("#ex-round", "max") or 0)
        assert last >= 1
        _wait_for_round(page, last)
        assert _marks(page, "#ex-turn") != turn0
        assert _marks(page, "#ex-pair") != pair0
        assert f"round {last} of {last}" in page.locator("#ex-round-label").inner_text()
        assert f"round {last}: forecast" in page.locator("#ex-turn svg").inner_html()
        # play from the start runs through to the last round again
        page.focus("#ex-round")
        page.keyboard.press("Home")
        _wait_for_round(page, 0)
        assert _marks(page, "#ex-turn") == turn0
        page.click("#ex-play")
        _wait_for_round(page, last)
        assert page.locator("#ex-play").inner_text() == "Play"  # it stopped at the end
        # two other issues: the position plot is redrawn on their axes
        options = page.locator("#ex-x option").all_inner_texts()
        page.select_option("#ex-x", index=2)
        page.locator("#ex-pair svg").filter(has_text=options[2]).wait_for(timeout=60_000)
        page.select_option("#ex-y", index=3)
        page.locator("#ex-pair svg").filter(has_text=options[3]).wait_for(timeout=60_000)
        page.wait_for_selector("#ex-pair svg g.mark-symbol")
        _wait_for_round(page, last)  # the round chosen is kept across the redraw
        # another model
        page.select_option("#ex-model", "smp")
        page.locator("#ex-turn svg").filter(has_text="SMP").wait_for(timeout=60_000)
        assert page.locator("#ex-x option:checked").inner_text() == options[2]  # kept
        assert page.locator("#ex-y option:checked").inner_text() == options[3]
        assert page.get_attribute("#ex-round", "max") == "100"
        page.focus("#ex-round")
        page.keyboard.press("PageUp")
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"explore-{width}.png"), full_page=True)
        assert errors == []
