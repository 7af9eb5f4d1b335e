"""The review in the run store (SQLite and PostgreSQL): threads keep to their number through
edits and reordering, say when the number changed under them, and the status lists disputes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from test_store import postgres_url  # noqa: F401 - the real PostgreSQL server fixture

import accord
from accord.scenario import scenario_from_dict
from accord.scenario.address import address_of_place, place_of, value_at
from accord.store import SCHEMA_VERSION, ReviewStore
from accord.store.review import View

SAL = "actor:russia/issue:nato/salience"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'runs.sqlite'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    s = ReviewStore(url)
    yield s
    if request.param == "postgresql":  # one server for the module: leave it empty
        with s.engine.begin() as conn:
            for t in ("threads", "posts", "views", "signoffs", "activity"):
                conn.exec_driver_sql(f"DELETE FROM accord_review_{t}")
    s.close()


def _edited(scn, **changes):
    data = scn.model_dump(mode="json", exclude_none=True)
    russia = next(a for a in data["actors"] if a["id"] == "russia")
    russia["stances"]["nato"]["salience"]["value"] = changes.get("salience", 0.8)
    if changes.get("reorder"):
        data["actors"].reverse()
    return scenario_from_dict(data)


def test_every_number_has_an_address_that_finds_it_again():
    scn = accord.load_scenario("ukraine-2025-07")
    for place, q in scn.quantities():
        address = address_of_place(scn, place)
        assert address is not None and place_of(scn, address) == place
        assert value_at(scn, address) == q.value
    assert value_at(scn, "actor:russia") == scn.actor("russia").name
    assert value_at(scn, "issue:nato") == scn.issue("nato").question
    label = next(iter(scn.issue("territory").scale.labels.items()))
    assert value_at(scn, f"issue:territory/label:{label[0]:g}") == label[1]
    assert value_at(scn, "actor:nobody/capability") is None


def test_a_thread_stays_with_its_number_and_says_it_changed(store):
    scn = accord.load_scenario("ukraine-2025-07")
    t = store.start_thread(
        "u",
        SAL,
        user="rob",
        scenario_hash=scn.content_hash(),
        value=value_at(scn, SAL),
        kind="object",
        text="too low",
        proposed=0.95,
        evidence={"source": "lieven2024", "quote": "a quote"},
    )
    edited = _edited(scn, salience=0.8, reorder=True)  # the actors reversed, the number moved
    assert place_of(edited, SAL) != place_of(scn, SAL)
    assert value_at(edited, SAL) == 0.8 != t.value
    t = store.post(
        t.id,
        user="ana",
        kind="comment",
        text="lowered it",
        scenario_hash=edited.content_hash(),
        value=value_at(edited, SAL),
    )
    (again,) = store.threads("u")
    assert (
        again.address == SAL and again.value == scn.actor("russia").stances["nato"].salience.value
    )
    assert [p.value for p in again.posts] == [again.value, 0.8]
    assert again.posts[0].evidence == {"source": "lieven2024", "quote": "a quote"}
    status = store.status("u", edited.content_hash())
    assert [(d.address, d.who, d.proposed) for d in status.disputes] == [(SAL, "rob", 0.95)]
    assert status.signoffs == ()
    store.post(t.id, user="rob", kind="resolve", text="ok", scenario_hash="h", value=0.8)
    store.sign_off("u", edited.content_hash(), by="rob", note=None)
    status = store.status("u", edited.content_hash())
    assert status.disputes == () and [s.by for s in status.signoffs] == ["rob"]
    assert store.status("u", scn.content_hash()).earlier[0].by == "rob"  # another version
    assert [a.action for a in store.activity("u")] == ["sign_off", "resolve", "comment", "object"]


def test_a_reviewer_gives_one_view_per_number(store):
    for value in (0.5, 0.6):
        store.set_view(View("u", SAL, "rob", value, 0.4, 0.7, None, "2025-01-01T00:00:00", "h"))
    (view,) = store.views("u", SAL)
    assert (view.reviewer, view.value) == ("rob", 0.6)


def test_a_version_2_store_gains_the_review_tables(tmp_path):
    from accord.store import RunStore

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = RunStore(url)  # today's tables; then pretend it was left at version 2
    old.start("forecast", scenario=None, params={}, seed=0)
    with old.engine.begin() as conn:
        for t in ("threads", "posts", "views", "signoffs", "activity"):
            conn.exec_driver_sql(f"DROP TABLE accord_review_{t}")
        conn.exec_driver_sql("UPDATE accord_schema SET version = 2")
    old.close()
    store = ReviewStore(url)
    try:
        store.record("ana", "save", "u", "no number changed")
        assert store.activity("u")[0].user == "ana"
        with store.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT version FROM accord_schema")).scalars().all()
            runs = conn.execute(sa.text("SELECT count(*) FROM accord_runs")).scalar()
        assert sorted(got) == list(range(2, SCHEMA_VERSION + 1)) and SCHEMA_VERSION == 3
        assert runs == 1
    finally:
        store.close()


def test_a_team_server_on_postgresql_keeps_the_review(postgres_url, tmp_path):  # noqa: F811
    """The whole flow through the API on a PostgreSQL store: attributed, and read back."""
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    import shutil

    from fastapi.testclient import TestClient

    from accord.scenario import shipped_scenarios
    from accord.web.app import create_app
    from accord.web.users import Team, User, hash_secret

    folder = tmp_path / "scn"
    folder.mkdir()
    shutil.copy(shipped_scenarios()["ukraine-2025-07"], folder / "pg.yaml")
    team = Team(
        [
            User("ana", "analyst", hash_secret("ana-secret")),
            User("rob", "reviewer", hash_secret("rob-secret")),
        ]
    )
    app = create_app(folder, db=postgres_url, team=team)
    ana, rob = ({"Authorization": f"Bearer {n}:{n}-secret"} for n in ("ana", "rob"))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            t = c.post(
                "/api/review/pg/threads",
                json={"address": SAL, "kind": "object", "text": "higher", "proposed": 0.95},
                headers=rob,
            ).json()
            c.post(
                f"/api/review/threads/{t['id']}/posts",
                json={"kind": "comment", "text": "why?"},
                headers=ana,
            )
            assert c.post("/api/review/pg/sign-off", json={}, headers=rob).json()["by"] == "rob"
            status = c.get("/api/review/pg/status", headers=ana).json()
            assert [d["who"] for d in status["disputes"]] == ["rob"]
            assert [s["by"] for s in status["signed_off"]] == ["rob"]
            acts = [
                (a["user"], a["action"])
                for a in c.get("/api/review/pg/activity", headers=ana).json()
            ]
            assert acts == [("rob", "sign_off"), ("ana", "comment"), ("rob", "object")]
    finally:
        with app.state.reviews.engine.begin() as conn:
            for name in ("threads", "posts", "views", "signoffs", "activity"):
                conn.exec_driver_sql(f"DELETE FROM accord_review_{name}")
