"""The team server: who may do what, nobody without a token gets in, every write is attributed."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

import accord  # noqa: E402
from accord.web.app import create_app  # noqa: E402
from accord.web.users import Team, User, hash_secret, load_team, verify_secret  # noqa: E402

SHIPPED = "ukraine-2025-07"
NAME = "team-ukraine"
SAL = "actor:russia/issue:nato/salience"
SECRETS = {"ana": "ana-secret-1", "rob": "rob-secret-1", "ada": "ada-secret-1"}


@pytest.fixture(scope="module")
def team() -> Team:
    roles = {"ana": "analyst", "rob": "reviewer", "ada": "admin"}
    return Team([User(n, roles[n], hash_secret(s)) for n, s in SECRETS.items()])  # type: ignore[arg-type]


@pytest.fixture
def app(tmp_path, team):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(accord.scenario.shipped_scenarios()[SHIPPED], folder / f"{NAME}.yaml")
    return create_app(folder, db=f"sqlite:///{tmp_path / 'runs.sqlite'}", team=team)


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}:{SECRETS[name]}"}


@pytest.fixture
def client(app):
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def test_a_users_file_is_read_and_secrets_are_hashed(tmp_path):
    f = tmp_path / "team.toml"
    stored = hash_secret("a long secret")
    f.write_text(
        f'[[user]]\nname = "ana"\nrole = "analyst"\nsecret_hash = "{stored}"\n'
        '[[user]]\nname = "rob"\nrole = "reviewer"\nsecret = "another secret"\n',
        encoding="utf-8",
    )
    t = load_team(f)
    assert t.check("ana", "a long secret").role == "analyst"
    assert t.check("rob", "another secret").role == "reviewer"
    assert t.check("ana", "a wrong secret") is None and t.check("nobody", "x") is None
    assert "another secret" not in t.users["rob"].secret_hash
    assert verify_secret("a long secret", stored) and not verify_secret("a long secre", stored)
    f.write_text('[[user]]\nname = "x"\nrole = "boss"\nsecret = "12345678"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="role must be one of analyst, reviewer, admin"):
        load_team(f)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/review/{NAME}/threads", None),
        ("GET", f"/api/review/{NAME}/record", None),
        ("GET", f"/api/scenarios/{NAME}", None),
        ("POST", f"/api/review/{NAME}/threads", {"address": SAL, "text": "hi"}),
        ("POST", f"/api/review/{NAME}/sign-off", {}),
        ("PUT", f"/api/review/{NAME}/views", {"address": SAL, "value": 1, "low": 0, "high": 1}),
    ],
)
def test_nobody_without_a_token_reads_or_writes(client, method, path, body):
    for headers in ({}, {"Authorization": "Bearer ana:wrong"}, {"Authorization": "Bearer x"}):
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code == 401, (headers, r.text)
    # the server's own token is not a person on a team server
    r = client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {client.app.state.token}"}
    )
    assert r.status_code == 401


def test_the_cookie_names_the_user(app):
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/").status_code == 401 and "secret" in c.get("/").text  # the sign-in form
        assert c.get("/?user=rob&token=wrong").status_code == 401
        assert c.get(f"/?user=rob&token={SECRETS['rob']}").status_code == 200
        assert c.get("/api/review/me").json() == {
            "name": "rob",
            "role": "reviewer",
            "rights": ["comment", "resolve", "review", "sign_off"],
            "team": True,
        }


def test_a_user_without_the_role_is_refused_with_a_plain_message(client):
    r = client.post(f"/api/review/{NAME}/sign-off", json={}, headers=bearer("ana"))
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "ana is an analyst: only reviewer and admin users may sign off a scenario version"
    )
    t = client.post(
        f"/api/review/{NAME}/threads", json={"address": SAL, "text": "why?"}, headers=bearer("ana")
    ).json()
    for kind in ("object", "agree", "resolve"):
        r = client.post(
            f"/api/review/threads/{t['id']}/posts",
            json={"kind": kind, "text": "no"},
            headers=bearer("ana"),
        )
        assert r.status_code == 403, kind
    r = client.put(
        f"/api/review/{NAME}/views",
        json={"address": SAL, "value": 0.5, "low": 0.4, "high": 0.6},
        headers=bearer("ana"),
    )
    assert r.status_code == 403
    # a reviewer does not edit the scenario: saving, adopting the panel are the analyst's
    scn = client.get(f"/api/scenarios/{NAME}", headers=bearer("rob")).json()
    r = client.put(f"/api/scenarios/{NAME}", json=scn, headers=bearer("rob"))
    assert r.status_code == 403 and "only analyst and admin users may edit" in r.json()["detail"]
    r = client.post(f"/api/review/{NAME}/adopt-panel", json={"address": SAL}, headers=bearer("rob"))
    assert r.status_code == 403
    r = client.post("/api/scenarios/rob-new/new", json=scn, headers=bearer("rob"))
    assert r.status_code == 403 and "only analyst and admin users may edit" in r.json()["detail"]
    made = client.post("/api/scenarios/ana-new/new", json=scn, headers=bearer("ana"))
    assert made.status_code == 200, made.text
    log = client.get("/api/review/ana-new/activity", headers=bearer("rob")).json()
    assert any(e["user"] == "ana" and e["action"] == "create" for e in log), log
    # ... and each role may do its own part
    assert client.put(f"/api/scenarios/{NAME}", json=scn, headers=bearer("ana")).status_code == 200
    ok = client.post(f"/api/review/{NAME}/sign-off", json={}, headers=bearer("rob"))
    assert ok.status_code == 200 and ok.json()["by"] == "rob"
    assert client.post(f"/api/review/{NAME}/sign-off", json={}, headers=bearer("ada")).is_success


def test_every_write_is_attributed(client):
    scn = client.get(f"/api/scenarios/{NAME}", headers=bearer("ana")).json()
    russia = next(a for a in scn["actors"] if a["id"] == "russia")
    old = russia["stances"]["nato"]["salience"]["value"]
    russia["stances"]["nato"]["salience"]["value"] = 0.55
    assert client.put(f"/api/scenarios/{NAME}", json=scn, headers=bearer("ana")).is_success
    t = client.post(
        f"/api/review/{NAME}/threads",
        json={
            "address": SAL,
            "kind": "object",
            "text": "lower than the sources say",
            "proposed": 0.9,
            "evidence": {"source": "lieven2024", "quote": "NATO membership is the red line"},
        },
        headers=bearer("rob"),
    ).json()
    client.post(
        f"/api/review/threads/{t['id']}/posts",
        json={"kind": "comment", "text": "see the July talks"},
        headers=bearer("ana"),
    )
    client.post(
        f"/api/review/threads/{t['id']}/posts",
        json={"kind": "resolve", "text": "fine"},
        headers=bearer("rob"),
    )
    client.put(
        f"/api/review/{NAME}/views",
        json={"address": SAL, "value": 0.8, "low": 0.6, "high": 0.9},
        headers=bearer("rob"),
    )
    client.post(f"/api/review/{NAME}/sign-off", json={"note": "ok"}, headers=bearer("ada"))
    log = client.get(f"/api/review/{NAME}/activity", headers=bearer("ana")).json()
    got = [(a["user"], a["action"]) for a in reversed(log)]
    assert got == [
        ("ana", "save"),
        ("rob", "object"),
        ("ana", "comment"),
        ("rob", "resolve"),
        ("rob", "elicit"),
        ("ada", "sign_off"),
    ]
    assert all(a["at"] for a in log)
    assert f"{SAL} {old:g} → 0.55" in log[-1]["detail"]  # what the save changed


def test_bad_input_is_refused_not_stored(client):
    h = bearer("rob")
    for body in (
        {"address": "actors[3].salience", "text": "x"},  # a list index is not an address
        {"address": SAL, "text": ""},
        {"address": SAL, "text": "x" * 4001},
        {"address": SAL, "kind": "propose", "text": "x"},  # a proposal needs a value
        {"address": SAL, "kind": "object", "text": "x", "evidence": {"quote": "no source"}},
        {"address": SAL, "text": "x", "extra": 1},
    ):
        assert client.post(f"/api/review/{NAME}/threads", json=body, headers=h).status_code == 422
    r = client.post(
        f"/api/review/{NAME}/threads", json={"address": "actor:nobody", "text": "x"}, headers=h
    )
    assert r.status_code == 404
    r = client.put(
        f"/api/review/{NAME}/views",
        json={"address": SAL, "value": 0.95, "low": 0.4, "high": 0.9},
        headers=h,
    )
    assert r.status_code == 422
    assert client.get(f"/api/review/{NAME}/threads", headers=h).json() == []


def test_without_a_users_file_the_one_user_is_local_with_every_right(web_client):
    me = web_client.get("/api/review/me").json()
    assert me["name"] == "local" and me["role"] == "admin" and not me["team"]
    r = web_client.post(
        f"/api/review/{SHIPPED}/threads", json={"address": SAL, "text": "a note to self"}
    )
    assert r.status_code == 200 and r.json()["created_by"] == "local"
    assert web_client.post(f"/api/review/{SHIPPED}/sign-off", json={}).json()["by"] == "local"


def test_serve_refuses_a_broken_users_file(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "team.toml"
    bad.write_text('[[user]]\nname = "ana"\nrole = "analyst"\nsecret = "short"\n')
    p = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--users", str(bad), "--folder", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2 and "at least 8 characters" in p.stderr
