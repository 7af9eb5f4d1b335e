"""The dashboard's scenario folder: plain names only, uploads parsed off the event loop, and
every overwrite keeping the previous version as a timestamped backup next to it."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import yaml
from fastapi import HTTPException

from accord._atomic import atomic_write_text
from accord.io import read_any as load_scenario
from accord.scenario import Scenario, ScenarioError, resolve_alias, shipped_scenarios

__all__ = [
    "IMPORTABLE",
    "KEEP_BACKUPS",
    "NAME_RE",
    "ScenarioFolder",
    "parse_upload",
    "problems_detail",
    "upload_stem",
]

#: a scenario name, matched whole (``fullmatch``: with ``$`` a trailing newline would pass)
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
IMPORTABLE = (".yaml", ".yml", ".csv", ".tsv", ".xml", ".xlsx", ".json")
#: backups kept per scenario; older ones are removed
KEEP_BACKUPS = 20
#: an uploaded XLSX (a zip) may unpack to at most this many bytes (defeats zip bombs)
MAX_UNPACKED = 64 * 1024 * 1024
#: an uploaded YAML file may use at most this many aliases (defeats "billion laughs")
MAX_YAML_ALIASES = 100


def problems_detail(exc: ScenarioError) -> dict[str, list[dict[str, object]]]:
    keys = ("place", "rule", "value", "fix", "line")
    return {"problems": [{k: p.to_dict().get(k) for k in keys} for p in exc.problems]}


def upload_stem(filename: str | None, name: str | None) -> str:
    """The scenario name for an upload: ``name``, else the file's stem, made a plain name."""
    stem = name or Path(filename or "upload").stem
    return re.sub(r"[^A-Za-z0-9_-]", "-", stem)[:64].strip("-") or "upload"


def _check_xlsx(data: bytes) -> None:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise HTTPException(422, "the XLSX file is not a valid workbook (not a zip file)") from None
    if unpacked > MAX_UNPACKED:
        raise HTTPException(
            413, f"the workbook unpacks to {unpacked} bytes; at most {MAX_UNPACKED} are read"
        )


def _check_yaml(data: bytes) -> None:
    aliases = 0
    try:
        for event in yaml.parse(data.decode("utf-8", "replace")):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise HTTPException(
                        422,
                        f"the YAML file uses more than {MAX_YAML_ALIASES} "
                        "aliases (*name); write the values out",
                    )
    except yaml.YAMLError:
        return  # the scenario loader reports where the YAML is broken


def parse_upload(data: bytes, filename: str | None) -> Scenario:
    """Parse an uploaded file (CPU-bound for XLSX: call it in a worker thread)."""
    suffix = Path(filename or "x.yaml").suffix.lower()
    if suffix not in IMPORTABLE:
        raise HTTPException(
            415, "upload a YAML scenario or a file accord can import (csv, tsv, xml, xlsx)"
        )
    if suffix == ".xlsx":
        _check_xlsx(data)
    elif suffix in (".yaml", ".yml"):
        _check_yaml(data)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"upload{suffix}"
        p.write_bytes(data)
        try:
            return load_scenario(p)
        except ScenarioError as exc:
            raise HTTPException(422, problems_detail(exc)) from None


def _yaml(scn: Scenario) -> str:
    return yaml.safe_dump(
        scn.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True
    )


class ScenarioFolder:
    """The scenarios in one folder, plus the shipped ones as read-only templates."""

    def __init__(self, folder: str | Path):
        self.root = Path(folder).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, name: str) -> Path:
        if not NAME_RE.fullmatch(name):
            raise HTTPException(400, f"scenario name must match {NAME_RE.pattern}, got {name!r}")
        path = (self.root / f"{name}.yaml").resolve()
        if path.parent != self.root:
            raise HTTPException(400, "scenario name escapes the scenario folder")
        return path

    def load(self, name: str) -> Scenario:
        path = self.path_of(name)
        try:
            if path.exists():
                return load_scenario(path)
            if resolve_alias(name) in shipped_scenarios():
                return load_scenario(name)
        except ScenarioError as exc:
            raise HTTPException(422, problems_detail(exc)) from None
        raise HTTPException(404, f"no scenario named {name!r}")

    def names(self) -> dict[str, str]:
        found = {n: "shipped" for n in shipped_scenarios()}
        for p in sorted(self.root.glob("*.yaml")):
            if NAME_RE.fullmatch(p.stem):
                found[p.stem] = "folder"
        return found

    def backups(self, name: str) -> list[Path]:
        """The kept previous versions of ``name``, oldest first."""
        return sorted(self.root.glob(f"{name}.yaml.*.bak"))

    def _backup(self, path: Path) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        atomic_write_text(backup, path.read_text(encoding="utf-8"))
        for old in self.backups(path.stem)[:-KEEP_BACKUPS]:
            old.unlink(missing_ok=True)
        return backup

    def save(self, name: str, scn: Scenario, *, overwrite: bool) -> Path | None:
        """Write ``scn`` as ``name``; an existing file needs ``overwrite`` (409 otherwise) and is
        kept as ``<name>.yaml.<UTC time>.bak``, whose path is returned."""
        path = self.path_of(name)
        backup = None
        if path.exists():
            if not overwrite:
                raise HTTPException(
                    409,
                    f"a scenario named {name!r} exists; "
                    "send overwrite=true to replace it (a backup is kept)",
                )
            backup = self._backup(path)
        atomic_write_text(path, _yaml(scn))
        return backup
