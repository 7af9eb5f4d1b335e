"""Shared test fixtures: where the shared reference data lives, and small scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
DATA = SHARED / "data"
SOURCES = SHARED / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_file(*parts: str) -> Path:
    """Path into ../shared/data, skipping the test (saying why) when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared reference data sits beside the checkout in CI")
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
