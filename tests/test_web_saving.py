"""Saving in the dashboard never loses anything: shipped scenarios are read-only, "save as"
keeps their comments, a save rewrites only what changed, and every version can be restored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

import accord  # noqa: E402
from accord.web.app import create_app  # noqa: E402

SHIPPED = "ukraine-2025-07"
SHIPPED_PATH = Path(accord.scenario.shipped_scenarios()[SHIPPED])


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "scenarios"


@pytest.fixture
def client(folder, tmp_path):
    app = create_app(folder, db=f"sqlite:///{tmp_path / 'runs.sqlite'}")
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get(f"/?token={app.state.token}").status_code == 200
        yield c


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_shipped_scenario_is_read_only(client, folder):
    before = _digest(SHIPPED_PATH)
    scn = client.get(f"/api/scenarios/{SHIPPED}").json()
    scn["actors"][0]["capability"]["value"] = 90
    for name in (SHIPPED, "ukraine-2025"):  # the alias too
        r = client.put(f"/api/scenarios/{name}", json=scn)
        assert r.status_code == 409 and "read-only" in r.json()["detail"], r.text
        assert "save-as" in r.json()["detail"]
    assert _digest(SHIPPED_PATH) == before
    assert not folder.exists() or not list(folder.glob("*.yaml"))
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()}
    assert listed[SHIPPED]["origin"] == "shipped" and listed[SHIPPED]["read_only"] is True
    # an upload cannot shadow a shipped scenario either
    files = {"file": (f"{SHIPPED}.yaml", SHIPPED_PATH.read_bytes(), "application/x-yaml")}
    assert client.post("/api/upload", files=files, params={"overwrite": "true"}).status_code == 409


def test_save_as_creates_a_marked_copy_that_keeps_the_comments(client, folder):
    before = _digest(SHIPPED_PATH)
    scn = client.get(f"/api/scenarios/{SHIPPED}").json()
    scn["actors"][0]["capability"]["value"] = 90
    r = client.post(f"/api/scenarios/{SHIPPED}/save-as/mine", json=scn)
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["origin"] == "folder" and info["derived_from"] == SHIPPED and info["modified"]
    assert _digest(SHIPPED_PATH) == before
    text = (folder / "mine.yaml").read_text()
    shipped_comments = [
        ln for ln in SHIPPED_PATH.read_text().splitlines() if ln.lstrip()[:1] == "#"
    ]
    comments = [ln for ln in text.splitlines() if ln.lstrip()[:1] == "#"]
    assert comments == shipped_comments  # all 58 lines of the header and the separators
    assert yaml.safe_load(text)["actors"][0]["capability"]["value"] == 90
    assert client.get("/api/scenarios/mine").json()["actors"][0]["capability"]["value"] == 90
    # a second save-as to the same name, or to a shipped name, is refused
    assert client.post(f"/api/scenarios/{SHIPPED}/save-as/mine", json=scn).status_code == 409
    assert client.post("/api/scenarios/mine/save-as/eu-emissions-1994", json=scn).status_code == 409
    # an unchanged copy is listed as derived but not modified
    same = client.get(f"/api/scenarios/{SHIPPED}").json()
    assert client.post(f"/api/scenarios/{SHIPPED}/save-as/same", json=same).status_code == 200
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()}
    assert listed["same"]["derived_from"] == SHIPPED and listed["same"]["modified"] is False
    assert listed["mine"]["modified"] is True
    # an invalid body is refused with its problems, and nothing is written
    scn["actors"][0]["capability"]["value"] = -5
    r = client.post(f"/api/scenarios/{SHIPPED}/save-as/broken", json=scn)
    assert r.status_code == 422 and r.json()["problems"]
    assert not (folder / "broken.yaml").exists()


def test_a_save_changes_one_number_and_keeps_every_comment(client, folder):
    folder.mkdir(parents=True, exist_ok=True)
    text = Path(accord.scenario.shipped_scenarios()["eu-emissions-1994"]).read_text()
    lines = text.splitlines(keepends=True)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("actors:"))
    lines.insert(at, "# the member states, largest first (a comment the analyst wrote)\n")
    text = "".join(lines).replace("\nsources:", "\nsources:  # where every number comes from", 1)
    files = {"file": ("eu.yaml", text.encode(), "application/x-yaml")}
    assert client.post("/api/upload", files=files).status_code == 200
    assert (folder / "eu.yaml").read_text() == text  # an uploaded YAML file is kept as it is
    scn = client.get("/api/scenarios/eu").json()
    old = scn["actors"][4]["stances"]["year"]["salience"]["value"]
    scn["actors"][4]["stances"]["year"]["salience"]["value"] = 0.1
    assert client.put("/api/scenarios/eu", json=scn).json()["valid"] is True
    saved = (folder / "eu.yaml").read_text()
    assert "# the member states, largest first (a comment the analyst wrote)" in saved
    assert "sources:  # where every number comes from" in saved
    changed = [(a, b) for a, b in zip(text.splitlines(), saved.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and str(old) in changed[0][0] and "0.1" in changed[0][1], changed
    top = list(yaml.safe_load(saved))
    assert top == list(yaml.safe_load(text))  # key order kept


def test_history_lists_and_restores_every_version(client, folder):
    scn = client.get("/api/scenarios/eu-emissions-1994").json()
    assert client.post("/api/scenarios/eu-emissions-1994/save-as/eu", json=scn).status_code == 200
    first = (folder / "eu.yaml").read_text()
    assert client.get("/api/scenarios/eu/history").json() == []
    for title in ("Second", "Third"):
        scn["metadata"]["title"] = title
        assert client.put("/api/scenarios/eu", json=scn).json()["valid"] is True
    history = client.get("/api/scenarios/eu/history").json()
    assert [v["title"] for v in history] == ["Second", history[1]["title"]]
    assert len(history) == 2 and history[0]["version"] > history[1]["version"]
    oldest = history[-1]["version"]
    r = client.post(f"/api/scenarios/eu/restore/{oldest}")
    assert r.status_code == 200, r.text
    assert (folder / "eu.yaml").read_text() == first  # byte for byte
    assert r.json()["derived_from"] == "eu-emissions-1994"
    after = client.get("/api/scenarios/eu/history").json()
    assert len(after) == 3 and after[0]["title"] == "Third"  # the replaced version is kept
    assert client.post("/api/scenarios/eu/restore/20000101T000000000000Z").status_code == 404
    assert client.post("/api/scenarios/eu/restore/..%2Fx").status_code in (404, 422)
    assert client.post(f"/api/scenarios/{SHIPPED}/restore/{oldest}").status_code == 409
