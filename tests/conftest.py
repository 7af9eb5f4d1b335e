"""Shared test fixtures: where the shared reference data lives, and small scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
DATA = SHARED / "data"
SOURCES = SHARED / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Open-licence reference data kept with the tests (tests/data/README.md names source and licence).
LOCAL_DATA = Path(__file__).resolve().parent / "data"


def shared_file(*parts: str) -> Path:
    """A reference data file: from tests/data/ when kept there (open licence), else from
    ../shared/data/, skipping the test (saying why) when neither has it."""
    local = LOCAL_DATA.joinpath(*parts)
    if local.exists():
        return local
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} is absent: reference data whose licence is unclear is read from "
            "../shared/data beside the checkout (CI has it), not kept in tests/data"
        )
    return path


@pytest.fixture
def eu_scenario():
    import accord

    return accord.load_scenario("eu-emissions-1994")


@pytest.fixture(autouse=True, scope="session")
def _private_run_store(tmp_path_factory):
    """Runs recorded during tests go to a throw-away SQLite file, never the user's store."""
    import os

    path = tmp_path_factory.mktemp("store") / "runs.sqlite"
    old = os.environ.get("ACCORD_DB")
    os.environ["ACCORD_DB"] = f"sqlite:///{path}"
    yield
    if old is None:
        os.environ.pop("ACCORD_DB", None)
    else:
        os.environ["ACCORD_DB"] = old


@pytest.fixture
def web_client(tmp_path):
    """The dashboard's API on a fresh folder and run store, past its token (cookie set)."""
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from accord.web.app import create_app

    app = create_app(tmp_path / "scenarios", db=f"sqlite:///{tmp_path / 'runs.sqlite'}")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get(f"/?token={app.state.token}").status_code == 200
        yield client


def wait_for_job(
    client, job_id: str, timeout: float = 120.0, states: tuple[str, ...] = ("done", "failed")
) -> dict:
    """Poll a dashboard job until it reaches one of ``states``."""
    import time

    t0 = time.time()
    while time.time() - t0 < timeout:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")
