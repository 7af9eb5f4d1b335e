"""Reading and writing other formats: median times (run by hand, never as a timed test).

    .venv/bin/python benchmarks/bench_interop.py

Reads decide's CoP21 (15 actors x 13 issues) and the shipped ukraine-2025 scenario, and writes
ukraine-2025 to YAML, CSV and XLSX and reads each back, reporting the median of 7 runs in ms.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed

import accord
from accord.io import export_scenario

COP21 = Path(__file__).resolve().parents[2] / "shared" / "data" / "decide" / "cop21.tsv"
REPEAT = 7


def main() -> None:
    scn = accord.load_scenario("ukraine-2025")
    rows = []
    if COP21.exists():
        rows.append(("read cop21.tsv", timed(lambda: accord.load_scenario(COP21), REPEAT)[0]))
    rows.append(
        ("read ukraine-2025 (YAML)", timed(lambda: accord.load_scenario("ukraine-2025"), REPEAT)[0])
    )
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("yaml", "csv", "xlsx"):
            out = Path(tmp) / f"u.{fmt}"
            rows.append(
                (
                    f"write {fmt}",
                    timed(lambda fmt=fmt, out=out: export_scenario(scn, fmt, out), REPEAT)[0],
                )
            )
            rows.append(
                (f"read {fmt}", timed(lambda out=out: accord.load_scenario(out), REPEAT)[0])
            )
    for name, seconds in rows:
        print(f"{name:28s} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
