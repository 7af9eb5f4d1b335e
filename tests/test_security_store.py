"""Attacks on the run store that must be refused, and its first use under concurrency."""

from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from accord.store import SCHEMA_VERSION, RunStore
from accord.store.schema import redact_url


def _runs_in_one_process(url: str, barrier, n: int, errors) -> None:
    barrier.wait()  # every process opens the fresh store at the same moment
    try:
        store = RunStore(url)
        for i in range(n):
            rid = store.start("forecast", scenario=None, params={"i": i}, seed=i)
            store.finish(rid, results={"i": i})
        store.close()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}"[:300])


@pytest.mark.slow
def test_concurrent_first_use_from_processes_keeps_every_run(tmp_path: Path):
    """4 processes × 5 runs each on a store none of them has created: all 20 runs are kept."""
    ctx = mp.get_context("spawn")
    for trial in range(2):
        url = f"sqlite:///{tmp_path / f'fresh{trial}.sqlite'}"
        barrier, errors = ctx.Barrier(4), ctx.Queue()
        procs = [
            ctx.Process(target=_runs_in_one_process, args=(url, barrier, 5, errors))
            for _ in range(4)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        found = []
        while not errors.empty():
            found.append(errors.get())
        assert not found, found
        assert all(p.exitcode == 0 for p in procs)
        store = RunStore(url)
        recs = store.list(limit=100)
        store.close()
        assert len(recs) == 20 and {r.status for r in recs} == {"done"}


def test_concurrent_first_use_from_threads(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'threads.sqlite'}"
    barrier, errors = threading.Barrier(8), []

    def one() -> None:
        barrier.wait()
        try:
            s = RunStore(url)
            s.finish(s.start("forecast", scenario=None, params={}, seed=None), results={})
            s.close()
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(RunStore(url).list()) == 8


def test_schema_version_is_recorded(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'v.sqlite'}"
    RunStore(url).close()
    RunStore(url).close()  # a second open changes nothing
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT version FROM accord_schema")).all()
    engine.dispose()
    assert rows == [(SCHEMA_VERSION,)]


def test_store_from_before_the_schema_table_is_upgraded(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    s = RunStore(url)
    rid = s.start("forecast", scenario=None, params={}, seed=None)
    s.close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE accord_schema"))
    engine.dispose()
    s = RunStore(url)
    assert s.get(rid).id == rid
    s.close()


def test_like_wildcards_in_a_run_id_prefix_match_nothing(tmp_path: Path):
    s = RunStore(f"sqlite:///{tmp_path / 'r.sqlite'}")
    for _ in range(3):
        s.start("forecast", scenario=None, params={}, seed=None)
    for prefix in ("%", "_", "%%", "_" * 12, "a%", "\\%"):
        try:
            s.get(prefix)
        except KeyError as exc:
            assert "no run" in str(exc)
        else:
            raise AssertionError(f"prefix {prefix!r} matched a run")
    s.close()


def test_missing_run_message_does_not_show_the_url(tmp_path: Path):
    path = tmp_path / "secret-place.sqlite"
    s = RunStore(f"sqlite:///{path}")
    try:
        s.get("abcdef")
    except KeyError as exc:
        assert "secret-place" not in str(exc)
    s.close()


def test_passwords_are_masked_in_urls():
    shown = redact_url("postgresql+psycopg://accord:hunter2@db.example:5432/runs")
    assert "hunter2" not in shown and "db.example" in shown
    assert "hunter2" not in redact_url("not a url hunter2")
