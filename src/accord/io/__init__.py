"""Readers and writers for other tools' files; :func:`read_any` reads any of them.

Readers (each turns its format into the same :class:`~accord.scenario.Scenario`): the classic
BDM table, decide-exchange-model's TSV/CSV, KTAB's SMP CSV and XML, GENIUS XML domains with
their utility spaces, accord's flat stance table (CSV) and accord's XLSX workbook. Writers:
:func:`export_scenario` to YAML, CSV and XLSX, each reporting what its format cannot hold.
"""

from __future__ import annotations

import os
from pathlib import Path

from accord.scenario import Importer, Problem, Scenario, load_scenario

from .bdm_table import read_bdm_table, sniff_bdm_table
from .decide import read_decide, sniff_decide
from .export import FORMATS, export_scenario, scenario_to_yaml
from .genius import read_genius, read_genius_file, sniff_genius
from .ktab import read_ktab_csv, read_ktab_xml, sniff_ktab_csv, sniff_ktab_xml
from .stance_table import read_stance_table, sniff_stance_table
from .xlsx import read_xlsx, sniff_xlsx, template_xlsx


def _suffix(path: Path, *suffixes: str) -> bool:
    return path.suffix.lower() in suffixes


#: Every reader of another tool's format, in the order they are tried (first match reads).
IMPORTERS: tuple[Importer, ...] = (
    ("xlsx", sniff_xlsx, read_xlsx),
    (
        "stance-table",
        lambda p, t: _suffix(p, ".csv") and sniff_stance_table(p, t),
        read_stance_table,
    ),
    ("bdm-table", lambda p, t: _suffix(p, ".csv") and sniff_bdm_table(p, t), read_bdm_table),
    ("decide", lambda p, t: _suffix(p, ".tsv", ".csv", ".txt") and sniff_decide(p, t), read_decide),
    ("ktab-csv", lambda p, t: _suffix(p, ".csv") and sniff_ktab_csv(p, t), read_ktab_csv),
    ("genius", sniff_genius, read_genius_file),
    ("ktab-xml", lambda p, t: _suffix(p, ".xml") and sniff_ktab_xml(p, t), read_ktab_xml),
)


def read_any(
    ref: str | os.PathLike[str] | None = None,
    *,
    warnings: list[Problem] | None = None,
    runnable: bool = False,
) -> Scenario:
    """A scenario from a shipped name, a YAML file or any format in :data:`IMPORTERS`; see
    :func:`accord.scenario.load_scenario` for ``warnings`` and ``runnable``."""
    return load_scenario(ref, importers=IMPORTERS, warnings=warnings, runnable=runnable)


__all__ = [
    "FORMATS",
    "IMPORTERS",
    "read_any",
    "export_scenario",
    "read_bdm_table",
    "read_decide",
    "read_genius",
    "read_ktab_csv",
    "read_ktab_xml",
    "read_stance_table",
    "read_xlsx",
    "scenario_to_yaml",
    "template_xlsx",
]
