"""The dashboard's scenario folder: plain names only, uploads parsed off the event loop, and
nothing ever lost.

Shipped scenarios are read-only: saving under a shipped name is refused (409), and "save as"
writes a copy under a new name that keeps the shipped file's comments and records where it came
from (``<name>.meta.json``), so the list can mark it "modified from <shipped name>". Saving a
scenario of the folder rewrites only the values that changed (:mod:`.roundtrip`: comments and key
order stay) and keeps the previous version as ``<name>.yaml.<UTC time>.bak``; those versions
are the scenario's history, and restoring one keeps the current version as a backup too.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from fastapi import HTTPException

from accord._atomic import atomic_write_text
from accord.io import read_any as load_scenario
from accord.scenario import Scenario, ScenarioError, resolve_alias, shipped_scenarios

from .roundtrip import dump_plain, update_text

__all__ = [
    "IMPORTABLE",
    "KEEP_BACKUPS",
    "NAME_RE",
    "VERSION_RE",
    "ScenarioFolder",
    "Version",
    "parse_upload",
    "problems_detail",
    "upload_stem",
    "yaml_text",
]

#: a scenario name, matched whole (``fullmatch``: with ``$`` a trailing newline would pass)
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: a version in a scenario's history: the UTC time of the save that replaced it
VERSION_RE = re.compile(r"[0-9]{8}T[0-9]{12}Z")
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


def yaml_text(data: bytes, filename: str | None) -> str | None:
    """An uploaded YAML scenario's own text (kept as it is: its comments are the analyst's), or
    None for another format (written as fresh YAML)."""
    if Path(filename or "x.yaml").suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class Version:
    """One kept previous version of a scenario."""

    version: str
    saved_at: str
    size: int
    title: str | None


def _title(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
        return str(data["metadata"]["title"])
    except Exception:  # noqa: BLE001 - a broken old version is still listed, untitled
        return None


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

    def is_shipped(self, name: str) -> bool:
        """Whether ``name`` (or the shipped scenario it is an alias of) ships with accord."""
        return resolve_alias(name) in shipped_scenarios()

    def refuse_shipped(self, name: str) -> None:
        if self.is_shipped(name):
            raise HTTPException(
                409,
                f"{name!r} is a shipped scenario and read-only; save your edits under a new "
                f"name (POST /api/scenarios/{name}/save-as/NEW_NAME)",
            )

    def names(self) -> dict[str, str]:
        found = {n: "shipped" for n in shipped_scenarios()}
        for p in sorted(self.root.glob("*.yaml")):
            if NAME_RE.fullmatch(p.stem):
                found[p.stem] = "folder"
        return found

    def derived_from(self, name: str) -> str | None:
        """The shipped scenario a scenario of the folder was saved from, if any (a same-named
        copy left by an older accord derives from the scenario it shadows)."""
        meta = self.path_of(name).with_suffix(".meta.json")
        if meta.exists():
            try:
                found = json.loads(meta.read_text(encoding="utf-8")).get("derived_from")
            except (ValueError, AttributeError):
                found = None
            if isinstance(found, str):
                return found
        return resolve_alias(name) if self.is_shipped(name) else None

    def source_text(self, name: str) -> str:
        """The YAML text ``name`` is read from (the folder's file, else the shipped one)."""
        path = self.path_of(name)
        if path.exists():
            return path.read_text(encoding="utf-8")
        if self.is_shipped(name):
            return shipped_scenarios()[resolve_alias(name)].read_text(encoding="utf-8")
        raise HTTPException(404, f"no scenario named {name!r}")

    def backups(self, name: str) -> list[Path]:
        """The kept previous versions of ``name``, oldest first."""
        return sorted(self.root.glob(f"{name}.yaml.*.bak"))

    def history(self, name: str) -> list[Version]:
        """The kept previous versions of ``name``, newest first."""
        self.path_of(name)
        out = []
        for p in reversed(self.backups(name)):
            stamp = p.name[len(name) + len(".yaml.") : -len(".bak")]
            if not VERSION_RE.fullmatch(stamp):
                continue
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            text = p.read_text(encoding="utf-8")
            out.append(Version(stamp, when.isoformat(timespec="seconds"), len(text), _title(text)))
        return out

    def restore(self, name: str, version: str) -> Scenario:
        """Make a kept version current again (byte for byte); the current one is kept too."""
        path = self.path_of(name)
        self.refuse_shipped(name)
        if not VERSION_RE.fullmatch(version):
            raise HTTPException(
                400, f"a version is a UTC time like 20250101T120000000000Z, got {version!r}"
            )
        backup = path.with_name(f"{path.name}.{version}.bak")
        if not backup.exists():
            raise HTTPException(404, f"{name!r} has no version {version!r}")
        text = backup.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / f"{name}.yaml"
            probe.write_text(text, encoding="utf-8")
            try:
                scn = load_scenario(probe)
            except ScenarioError as exc:
                raise HTTPException(422, problems_detail(exc)) from None
        if path.exists():
            self._backup(path)
        atomic_write_text(path, text)
        return scn

    def _backup(self, path: Path) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        atomic_write_text(backup, path.read_text(encoding="utf-8"))
        for old in self.backups(path.stem)[:-KEEP_BACKUPS]:
            old.unlink(missing_ok=True)
        return backup

    def _text_for(self, path: Path, scn: Scenario, base: tuple[str, Scenario] | None) -> str:
        """The file's new text: the old file (or ``base``: text and scenario) with only the
        changed values rewritten, or fresh YAML when there is nothing to keep."""
        if base is None and path.exists():
            text = path.read_text(encoding="utf-8")
            try:
                base = (text, load_scenario(path))
            except ScenarioError:
                base = None  # an old file that no longer loads: written afresh (it is kept)
        if base is None:
            return dump_plain(scn)
        try:
            return update_text(base[0], base[1], scn)
        except Exception:  # noqa: BLE001 - a file ruamel cannot round-trip is written afresh
            return dump_plain(scn)

    def save(
        self,
        name: str,
        scn: Scenario,
        *,
        overwrite: bool,
        text: str | None = None,
        base: tuple[str, Scenario] | None = None,
        derived_from: str | None = None,
    ) -> Path | None:
        """Write ``scn`` as ``name``; an existing file needs ``overwrite`` (409 otherwise) and is
        kept as ``<name>.yaml.<UTC time>.bak``, whose path is returned. ``text``: the exact
        file to write (an uploaded YAML file, comments and all); ``base``: the text and
        scenario a new file starts from (save as); ``derived_from``: the shipped scenario it
        derives from. A shipped name is refused (409)."""
        path = self.path_of(name)
        self.refuse_shipped(name)
        backup = None
        if path.exists():
            if not overwrite:
                raise HTTPException(
                    409,
                    f"a scenario named {name!r} exists; "
                    "send overwrite=true to replace it (a backup is kept)",
                )
            new_text = text if text is not None else self._text_for(path, scn, base)
            backup = self._backup(path)
        else:
            new_text = text if text is not None else self._text_for(path, scn, base)
        atomic_write_text(path, new_text)
        meta = path.with_suffix(".meta.json")
        if derived_from is not None:
            atomic_write_text(meta, json.dumps({"derived_from": derived_from}) + "\n")
        elif backup is None:
            meta.unlink(missing_ok=True)  # a new scenario of that name derives from nothing
        return backup
