"""The architecture, held by tests where no tool holds it (import-linter holds the layers).

- No private name (``_x``) is imported from another module.
- Importing accord or running ``accord --help`` / ``accord scenarios`` loads neither scipy nor
  pandas nor matplotlib nor the chart renderers (vl-convert, Altair); start-up is measured in
  benchmarks/bench_startup.py, not here.
- Nothing registers itself by being imported: the readers and the brief's sections are listed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "accord"
HEAVY = ("scipy", "pandas", "matplotlib", "vl_convert", "altair")


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_private_name_crosses_a_module_boundary():
    crossings = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        crossings.append(
                            f"{path.relative_to(SRC)}:{node.lineno} imports {alias.name} "
                            f"from {'.' * node.level}{node.module or ''}"
                        )
    assert not crossings, "\n".join(crossings)


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys\n{code}\n"
        f"import json; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["scenarios"], ["forecast", "--help"]])
def test_light_commands_load_no_heavy_library(argv):
    code = (
        "import contextlib, io\nimport accord.cli as c\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        c.main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass"
    )
    assert _loaded_after(code) == []


def test_importing_accord_loads_no_heavy_library():
    assert (
        _loaded_after("import accord, accord.models.registry, accord.backtest, accord.simulation")
        == []
    )


def test_the_readers_and_sections_are_listed_not_registered():
    from accord.io import IMPORTERS
    from accord.report.brief import SECTIONS, TAIL

    assert {name for name, _s, _r in IMPORTERS} >= {
        "xlsx",
        "decide",
        "ktab-xml",
        "genius",
        "bdm-table",
    }
    assert isinstance(SECTIONS, tuple) and isinstance(TAIL, tuple)
    for path, _tree in _modules():
        text = path.read_text(encoding="utf-8")
        assert "register_importer" not in text and "registers the" not in text, path


def test_no_module_over_500_lines():
    long = [
        f"{p.relative_to(SRC)}: {n} lines"
        for p in sorted(SRC.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    ]
    assert not long, "\n".join(long)


def test_no_docstring_or_doc_points_outside_the_repository():
    """Reference data the project may keep lives in tests/data; nothing in the package or the
    docs sends a reader to ../shared (which a clone elsewhere does not have)."""
    root = SRC.parents[1]
    places = [*SRC.rglob("*.py"), *(root / "docs").glob("*.md"), root / "README.md"]
    bad = [str(p.relative_to(root)) for p in places if "../shared" in p.read_text(encoding="utf-8")]
    assert not bad, bad
