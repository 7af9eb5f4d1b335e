"""What-if in the dashboard (issue 16): every model's forecast of the edited, unsaved scenario,
with nothing written; too large a scenario is sent to the job pool instead."""

from __future__ import annotations

import pytest

import accord

pytest.importorskip("fastapi", reason="the web extra is not installed")
from accord.web.app import WHATIF_MAX_ACTORS  # noqa: E402


@pytest.fixture
def client(web_client):
    return web_client


def _data():
    return accord.load_scenario("ukraine-2025").model_dump(mode="json", exclude_none=True)


def test_a_salience_changed_in_the_editor_moves_the_forecast_without_saving(client, tmp_path):
    base = client.post("/api/whatif/forecast", json=_data()).json()
    data = _data()
    russia = next(a for a in data["actors"] if a["id"] == "russia")
    russia["stances"]["territory"]["salience"]["value"] = 0.2
    moved = client.post("/api/whatif/forecast", json=data).json()

    def territory(res):
        return next(i for i in res["issues"] if i["issue"] == "territory")["forecasts"]

    assert territory(moved)["compromise"]["value"] < territory(base)["compromise"]["value"]
    assert not list((tmp_path / "scenarios").glob("*.yaml"))  # nothing was written
    assert client.get("/api/runs").json() == []  # nor recorded


def test_an_invalid_or_too_large_what_if_is_refused_with_its_reason(client):
    data = _data()
    data["actors"][0]["capability"] = -3
    bad = client.post("/api/whatif/forecast", json=data)
    assert bad.status_code == 422 and "capability" in bad.text
    big = _data()
    template = big["actors"][0]
    big["actors"] = [
        {**template, "id": f"a{i}", "name": f"A{i}"} for i in range(WHATIF_MAX_ACTORS + 1)
    ]
    too = client.post("/api/whatif/forecast", json=big)
    assert too.status_code == 413 and "run the forecast analysis" in too.text
