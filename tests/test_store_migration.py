"""A run store made by an older accord is brought up to date by the store's own migration."""

from __future__ import annotations

import sqlalchemy as sa

from accord.store import SCHEMA_VERSION, RunStore

V1_TABLE = """CREATE TABLE accord_runs (
    id VARCHAR(32) PRIMARY KEY, kind VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL,
    created_at VARCHAR(32) NOT NULL, finished_at VARCHAR(32), scenario_title TEXT,
    scenario_hash VARCHAR(64), scenario TEXT, params TEXT NOT NULL, seed BIGINT,
    version VARCHAR(32) NOT NULL, host VARCHAR(255), pid INTEGER, results TEXT, timings TEXT,
    error TEXT)"""


def _v1_store(path) -> str:
    """A store exactly as accord's schema version 1 left it, with one finished run."""
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(V1_TABLE)
        conn.exec_driver_sql(
            "CREATE TABLE accord_schema (version INTEGER PRIMARY KEY, "
            "created_at VARCHAR(32) NOT NULL, accord_version VARCHAR(32) NOT NULL)"
        )
        conn.exec_driver_sql("INSERT INTO accord_schema VALUES (1, '2025-01-01', '0.1.0')")
        conn.exec_driver_sql(
            "INSERT INTO accord_runs (id, kind, status, created_at, params, version, results) "
            "VALUES ('abc123', 'forecast', 'done', '2025-01-01T00:00:00', '{}', '0.1.0', "
            "'{\"issues\": []}')"
        )
    engine.dispose()
    return url


def test_a_version_1_store_gains_labels_notes_and_names(tmp_path):
    url = _v1_store(tmp_path / "old.sqlite")
    store = RunStore(url)
    try:
        old = store.get("abc123")
        assert old.results == {"issues": []} and old.label is None and old.scenario_name is None
        assert store.annotate("abc", label="baseline", note="before the summit").label == "baseline"
        assert store.get("abc123").note == "before the summit"
        assert store.annotate("abc123", note="").note is None  # "" clears, None keeps
        assert store.get("abc123").label == "baseline"
        new = store.start("forecast", scenario=None, params={}, seed=0, name="mine")
        store.finish(new, results={})
        assert [r.id for r in store.list(scenario="mine")] == [new]
        assert [r.id for r in store.list(kind="forecast")] == [new, "abc123"]
        with store.engine.connect() as conn:
            versions = conn.exec_driver_sql("SELECT version FROM accord_schema").scalars().all()
        assert sorted(versions) == list(range(1, SCHEMA_VERSION + 1))
    finally:
        store.close()
    again = RunStore(url)  # opening a migrated store changes nothing
    try:
        assert again.get("abc123").label == "baseline"
    finally:
        again.close()
