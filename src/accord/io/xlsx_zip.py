"""A real decompression guard for zip containers (XLSX): the inflated bytes are counted while
every part is streamed, before any XML parser sees the file.

Refused: a file larger than ``MAX_BYTES``; parts that inflate to more than ``MAX_UNZIPPED`` in
total; a part above 1 MB that inflates more than ``MAX_RATIO`` times its compressed size; more
than ``MAX_CELLS`` cells (``<c`` elements) in the worksheets. The sizes a zip's directory
declares are not trusted: the counts are of the bytes actually inflated.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from accord.scenario import Problem, ScenarioError

from . import xlsx_layout as layout

__all__ = ["check_zip", "open_workbook"]

_CHUNK = 1 << 16
_RATIO_FLOOR = 1 << 20  # parts smaller than this may compress as well as they like
_MAX_PARTS = 10_000


class _Refused(Exception):
    def __init__(self, rule: str, value: Any = None):
        super().__init__(rule)
        self.rule, self.value = rule, value


def _refuse(label: str, rule: str, value: Any = None, fix: str | None = None) -> ScenarioError:
    p = (
        Problem(label, "file", rule, value, fix)
        if value is not None
        else Problem(label, "file", rule, fix=fix)
    )
    return ScenarioError([p])


def check_zip(path: Path, label: str) -> None:
    """Raise ScenarioError unless ``path`` is a zip whose parts inflate within the limits."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(label, f"cannot be read ({exc.strerror})") from None
    if size > layout.MAX_BYTES:
        raise _refuse(label, f"is larger than {layout.MAX_BYTES // 2**20} MB", size)
    try:
        with zipfile.ZipFile(path) as z:
            _stream_all(z)
    except _Refused as exc:
        raise _refuse(
            label, exc.rule, exc.value, "this is not a workbook accord will open (a zip bomb?)"
        ) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ):  # RuntimeError: encrypted
        raise _refuse(
            label,
            "is not an XLSX workbook (not a readable zip archive)",
            fix="save it from your spreadsheet program as .xlsx",
        ) from None


def _stream_all(z: zipfile.ZipFile) -> None:
    infos = z.infolist()
    if len(infos) > _MAX_PARTS:
        raise _Refused(f"holds more than {_MAX_PARTS} parts", len(infos))
    total, cells = 0, 0
    for info in infos:
        total, found = _stream(z, info, total)
        cells += found
        if cells > layout.MAX_CELLS:
            raise _Refused(f"holds more than {layout.MAX_CELLS:,} cells", cells)


def _stream(z: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> tuple[int, int]:
    """Inflate one part in chunks; the running total, and its cells if it is a worksheet."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    n = cells = 0
    tail = b""
    with z.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            n += len(chunk)
            total += len(chunk)
            if total > layout.MAX_UNZIPPED:
                raise _Refused(f"unpacks to more than {layout.MAX_UNZIPPED // 2**20} MB")
            if n > _RATIO_FLOOR and n > layout.MAX_RATIO * max(info.compress_size, 1):
                raise _Refused(
                    f"has a part ({info.filename}) that inflates more than "
                    f"{layout.MAX_RATIO} times its compressed size",
                    info.compress_size,
                )
            if is_sheet:
                text = tail + chunk
                cells += text.count(b"<c ") + text.count(b"<c>")
                tail = text[-2:]
    return total, cells


def open_workbook(path: Path, label: str) -> Any:
    """The openpyxl workbook of ``path``, after :func:`check_zip`."""
    check_zip(path, label)
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds on a damaged file)
        raise _refuse(
            label,
            f"cannot be read as an XLSX workbook ({type(exc).__name__}: {str(exc)[:120]})",
            fix="save it again from your spreadsheet program",
        ) from None
