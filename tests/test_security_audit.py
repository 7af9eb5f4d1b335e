"""Issue 18 audit: the points that did not hold before, each attacked as the issue says.

The audit table in docs/security.md names the test of every point; these are the ones added
by the audit itself: the Python API after Ctrl-C (the worker pool), negative seeds on the
command line, a scenario name with a trailing newline, and a workbook whose zip directory lies about
its sizes.
"""

from __future__ import annotations

import io
import os
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import accord
from accord.cli import cli
from accord.scenario import ScenarioError
from accord.simulation.pool import RemoteTraceback, WorkerDied, WorkerPool

ROOT = Path(__file__).resolve().parents[1]

YAML = """metadata:
  title: toy
issues:
  - id: x
    question: How much?
    scale: {min: 0, max: 100}
actors:
  - id: a
    name: A
    capability: 1
    stances:
      x: {position: 10, salience: 0.5}
  - id: b
    name: B
    capability: 2
    stances:
      x: {position: 90, salience: 1.0}
"""


# -- the Python API after Ctrl-C: the worker pool never hangs --------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from accord.simulation import simulate
    from accord.simulation.synthetic import synthetic_scenario

    def chunk(done, total):
        print("chunk", done, total, flush=True)

    if __name__ == "__main__":
        scn = synthetic_scenario(int(sys.argv[1]), 6, seed=1)
        res = simulate(scn, 10**6, seed=0, models=["median"], workers=2, chunk_size=256,
                       bargaining=False, on_chunk=chunk)
        print("kept", res.complete, res.n_draws, flush=True)
    """
)


def _default_sigint() -> None:  # the child must see Ctrl-C (a background job ignores it)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize(
    "actors, signals, gap",
    [(30, 1, 0.0), (30, 2, 0.05), (120, 2, 0.001), (120, 2, 0.2), (120, 3, 0.01)],
)
def test_python_api_never_hangs_after_ctrl_c(tmp_path, actors, signals, gap):
    """Ctrl-C once (or twice, or three times, at any gap) during ``simulate(workers=2)`` from
    plain Python, which exits the normal way (no ``os._exit``): the process ends within
    seconds, and no worker outlives it (one would hold the output pipe open)."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(actors)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_default_sigint,
    )
    lines: list[bytes] = []
    started, eof = threading.Event(), threading.Event()

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith(b"chunk 2 "):
                started.set()
        eof.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert started.wait(120), proc.stderr.read().decode() if eof.is_set() else "no chunk"
        t0 = time.perf_counter()
        for k in range(signals):
            if k:
                time.sleep(gap)
            proc.send_signal(signal.SIGINT)
        proc.wait(20)
        assert eof.wait(10), "a worker outlived the process and holds its output open"
        elapsed = time.perf_counter() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
    assert elapsed < 10, err
    assert "InvalidStateError" not in err and "Exception in thread" not in err, err
    if signals == 1:  # one Ctrl-C: the run returns what it finished
        assert proc.returncode == 0, err
        kept = [ln for ln in lines if ln.startswith(b"kept ")]
        assert kept and kept[0].split()[1] == b"False", lines
    else:  # a later Ctrl-C may stop the process itself, never hang it
        assert proc.returncode in (0, -signal.SIGINT, 1), (proc.returncode, err)


def _square(x: int) -> int:
    if x < 0:
        raise ValueError(f"x must be zero or more, got {x}")
    return x * x


def _die(x: int) -> int:
    os._exit(3)


def test_worker_pool_results_errors_and_no_threads():
    before = threading.active_count()
    with WorkerPool(_square, 2) as pool:
        assert sorted(pool.imap_unordered([3, 1, 2, 5])) == [(0, 9), (1, 1), (2, 4), (3, 25)]
        assert threading.active_count() == before  # nothing for Python's exit to join
    with pytest.raises(ValueError, match="got -1") as info:
        with WorkerPool(_square, 2) as pool:
            list(pool.imap_unordered([1, -1, 2]))
    assert isinstance(info.value.__cause__, RemoteTraceback)
    assert "_square" in str(info.value.__cause__)
    with pytest.raises(WorkerDied, match="exit code 3"):
        with WorkerPool(_die, 1) as pool:
            list(pool.imap_unordered([1]))
    assert threading.active_count() == before


# -- a negative seed is a usage error, not an internal error ---------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["forecast", "--no-save"],
        ["simulate", "--no-save"],
        ["process", "--no-save"],
        ["report", "--no-save"],
        ["sensitivity"],
    ],
    ids=lambda c: c[0],
)
def test_negative_seed_on_the_command_line_is_a_usage_error(tmp_path, command):
    f = tmp_path / "s.yaml"
    f.write_text(YAML)
    r = CliRunner().invoke(cli, [*command, str(f), "--seed", "-1"])
    assert r.exit_code == 2, r.output
    assert "Invalid value for '--seed': -1 is not in the range x>=0." in r.output
    assert "internal error" not in r.output


# -- a scenario name with a trailing newline ------------------------------------------------


def test_scenario_name_with_a_trailing_newline_is_refused(tmp_path):
    """``re.match`` with ``$`` lets ``"victim\\n"`` through; the name is matched whole."""
    from fastapi.testclient import TestClient

    from accord.web.app import create_app

    folder = tmp_path / "scn"
    app = create_app(folder, db=f"sqlite:///{tmp_path / 'runs.sqlite'}")
    auth = {"Authorization": f"Bearer {app.state.token}"}
    with TestClient(app, base_url="http://127.0.0.1", headers=auth) as c:
        scn = c.get("/api/scenarios/eu-emissions-1994").json()
        for name in ("victim%0A", "victim%0D%0A", "%0Avictim"):
            r = c.put(f"/api/scenarios/{name}", json=scn)
            assert r.status_code == 400 and "scenario name must match" in r.text, name
            assert c.get(f"/api/scenarios/{name}").status_code == 400, name
            r = c.post(f"/api/scenarios/{name}/run/forecast")
            assert r.status_code == 400, name
        assert not list(folder.iterdir())  # no file "victim\n.yaml"
        assert c.put("/api/scenarios/victim", json=scn).json()["valid"] is True


# -- a workbook whose zip directory lies about its sizes ---------------------------------------


def test_zip_with_forged_sizes_is_refused_by_its_real_bytes(tmp_path):
    """The declared sizes say 1000 bytes a part; the sheet really inflates to 90 MB. Only the
    declared bytes are ever inflated, and the mismatch is refused quickly."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<c>" * (30 << 20))
    data = bytearray(buf.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            struct.pack_into("<I", data, at + offset, 1000)  # the uncompressed size
            at = data.find(signature, at + 4)
    path = tmp_path / "forged.xlsx"
    path.write_bytes(bytes(data))
    assert path.stat().st_size < 200_000
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(path)
    assert time.perf_counter() - t0 < 5
    assert [str(p) for p in info.value.problems] == [
        f"{path}: file is not an XLSX workbook (not a readable zip archive); save it from your "
        "spreadsheet program as .xlsx"
    ]


def test_negative_months_on_the_report_is_a_usage_error(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(YAML)
    r = CliRunner().invoke(cli, ["report", str(f), "--no-save", "--months", "-1"])
    assert r.exit_code == 2 and (
        "Invalid value for '--months': -1 is not in the range 0<=x<=1200." in r.output
    )


def test_missing_title_is_refused(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(YAML.replace("metadata:\n  title: toy\n", "metadata: {}\n"))
    with pytest.raises(ScenarioError) as info:
        accord.load_scenario(f)
    assert [str(p) for p in info.value.problems] == [
        f"{f}: metadata.title (line 1) is required; add it"
    ]
