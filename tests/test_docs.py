"""The examples in the docs and in the package's docstrings run, and print what they say."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
MODULES = [
    "accord",
    "accord.process",
    "accord.process.processes",
    "accord.simulation",
    "accord.bargaining",
]
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _run_markdown(path: Path) -> doctest.TestResults:
    """The ``>>>`` examples of a Markdown file, code fences read as blank lines."""
    text = "\n".join(
        "" if line.lstrip().startswith("```") else line
        for line in path.read_text(encoding="utf-8").splitlines()
    )
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_doc_examples_run(path):
    result = _run_markdown(path)
    assert result.failed == 0, f"{path.name}: {result.failed} of {result.attempted} examples failed"


def test_the_docs_have_examples():
    assert sum(_run_markdown(p).attempted for p in DOCS) >= 15


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS)
    assert result.failed == 0 and result.attempted > 0, name
