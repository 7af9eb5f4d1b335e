"""The run store on SQLite and on a real PostgreSQL server; a killed run leaves it consistent."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import accord
from accord.store import RunStore, diff_runs

PG_BIN = (
    next(
        (
            p
            for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
            if (p / "initdb").exists()
        ),
        None,
    )
    if Path("/usr/lib/postgresql").exists()
    else None
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory):
    """Start a real PostgreSQL server from Debian's packages (installed by .ci/run)."""
    if PG_BIN is None:
        pytest.skip(
            "PostgreSQL server binaries are absent (.ci/run installs Debian's postgresql package)"
        )
    # not under pytest's private (0700) tmp folder: the server's own user must reach it
    base = Path(tempfile.mkdtemp(prefix="accord-pg-"))
    data = base / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    port = _free_port()
    subprocess.run(
        [
            *run_as,
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "accord",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    log = data.parent / "log"
    subprocess.run(
        [
            *run_as,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-o",
            f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://accord@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'runs.sqlite'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    s = RunStore(url)
    yield s
    s.close()


def test_save_show_list_and_diff(store, eu_scenario):
    res = accord.forecast(eu_scenario, ["compromise", "median"])
    a = store.start(
        "forecast", scenario=eu_scenario, params={"models": ["compromise", "median"]}, seed=0
    )
    store.finish(a, results=res.to_dict(), timings={"model_s": 0.01})
    data = eu_scenario.model_dump()
    data["actors"][4]["stances"]["year"]["salience"]["value"] = 0.1  # France cares less
    changed = accord.scenario.scenario_from_dict(data)
    b = store.start(
        "forecast", scenario=changed, params={"models": ["compromise", "median"]}, seed=0
    )
    store.finish(b, results=accord.forecast(changed, ["compromise", "median"]).to_dict())
    ra, rb = store.get(a), store.get(b[:6])
    assert ra.status == rb.status == "done" and ra.scenario_object() == eu_scenario
    assert ra.version == accord.__version__ and ra.timings["model_s"] == 0.01
    ids = [r.id for r in store.list()]
    assert a in ids and b in ids
    d = diff_runs(ra, rb)
    assert [p for p, *_ in d.inputs] == ["actors[FR].stances.year.salience.value"]
    moved = {(i, m): (o, n) for i, m, o, n in d.forecasts}
    assert ("year", "compromise") in moved and moved[("year", "compromise")][1] < moved[
        ("year", "compromise")
    ][0]


def test_diff_lists_a_change_of_procedure(tmp_path):
    """The saved scenario holds its ``procedure:``, so two runs that differ only there show it
    as a changed input."""
    from test_procedure_model import eu_case

    proc = {"legislative": "co-decision", "council": "qmv", "commission": "COM"}
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    ids = []
    for p in (proc, {**proc, "council": "unanimity"}, None):
        scn = accord.scenario.scenario_from_dict(eu_case(p))
        rid = s.start("forecast", scenario=scn, params={"models": ["procedure"]}, seed=0)
        s.finish(rid, results={})
        ids.append(rid)
    a, b, none = (s.get(r) for r in ids)
    assert a.scenario_object().procedure is not None
    assert diff_runs(a, b).inputs == [("procedure.council", "qmv", "unanimity")]
    gone = {place: (old, new) for place, old, new in diff_runs(a, none).inputs}
    assert gone["procedure.legislative"] == ("co-decision", "<absent>")
    s.close()


def test_failed_runs_are_marked(store):
    rid = store.start("bargain", scenario=None, params={}, seed=None)
    store.fail(rid, "ValueError: boom")
    assert store.get(rid).status == "failed" and "boom" in store.get(rid).error


KILL_SCRIPT = """
import sys, time
from accord.store import RunStore
s = RunStore(sys.argv[1])
done = s.start("forecast", scenario=None, params={"n": 0}, seed=1)
s.finish(done, results={"ok": True})
rid = s.start("simulate", scenario=None, params={"n": 1}, seed=2)
print(rid, flush=True)
while True:
    time.sleep(0.05)
"""


def test_killed_process_leaves_store_consistent(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, url], stdout=subprocess.PIPE, text=True
    )
    rid = proc.stdout.readline().strip()
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    s = RunStore(url)
    recs = {r.id: r for r in s.list()}
    assert len(recs) == 2
    assert recs[rid].status == "interrupted" and recs[rid].results is None
    assert [r.status for r in recs.values() if r.id != rid] == ["done"]
    # the store still takes new runs
    s.finish(s.start("forecast", scenario=None, params={}, seed=None), results={})
    assert len(s.list()) == 3


@pytest.mark.slow
def test_cli_records_forecast_runs(tmp_path):
    env = {**os.environ, "ACCORD_DB": f"sqlite:///{tmp_path / 'r.sqlite'}"}
    for _sal in (None, "0.1"):
        subprocess.run(
            [sys.executable, "-m", "accord", "forecast", "eu-emissions-1994", "--format", "json"],
            env=env,
            check=True,
            capture_output=True,
        )
    out = subprocess.run(
        [sys.executable, "-m", "accord", "runs", "list"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.count("forecast") >= 2
    p = subprocess.run(
        [sys.executable, "-m", "accord", "runs", "show", "zzzz"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "no run 'zzzz'" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run(
        [sys.executable, "-m", "accord", "runs", "--db", "nosuch://x", "list"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (
        p.returncode == 1
        and "cannot open the run store" in p.stderr
        and "Traceback" not in p.stderr
    )
