"""The XLSX workbook for analysts who live in spreadsheets: template, reader and writer.

Sheets (``SHEETS``), one header row each, one record per row:

- ``metadata``: ``key`` / ``value`` rows (accord, title, date, author, description, and
  ``extensions`` as YAML text);
- ``sources``: id, title, author, publication, date, url;
- ``actors``: id, name, description, party, capability, and the no-deal terms;
- ``issues``: id, name, question, scale_min, scale_max, discrete, status_quo;
- ``scale_labels``: issue_id, point, label (the deal term each scale point stands for);
- ``stances``: actor_id, issue_id, position, salience, red_line, capability;
- ``war``: item (``drift_per_month``, ``discount_rate_per_month`` or ``present``), issue_id;
- ``procedure`` (optional): the EU decision rule as ``key`` / ``value`` rows (legislative,
  council, commission, parliament, and one ``council_members`` row per member);
- ``panels`` (optional): reviewers' views of a number whose shape is ``panel``;
- ``README``: how to fill the workbook (ignored on reading).

Every number column ``Q`` comes with evidence and uncertainty columns ``Q_source``,
``Q_quote``, ``Q_judgement``, ``Q_note``, ``Q_low``, ``Q_high``, ``Q_shape``, ``Q_sd``,
``Q_concentration``; leave them empty where there is nothing to say. Problems are named by
sheet, row and column (``stances row 7``), all in one run. Numbers are written with all 17
significant digits (openpyxl writes 16), so a workbook reads back exactly equal to the
scenario written. Text cells that a spreadsheet would run as a formula are written with a
leading ``'``. A workbook is opened only after its parts were inflated within the limits of
:mod:`accord.io.xlsx_zip` (a zip-bomb guard).

The code lives in :mod:`~accord.io.xlsx_layout`, :mod:`~accord.io.xlsx_write`,
:mod:`~accord.io.xlsx_read` and :mod:`~accord.io.xlsx_zip`; this module gathers it.
"""

from __future__ import annotations

from .xlsx_layout import HELP, MAX_BYTES, MAX_CELLS, MAX_RATIO, MAX_UNZIPPED, META_KEYS, SHEETS
from .xlsx_read import read_xlsx, sniff_xlsx
from .xlsx_write import scenario_to_xlsx, scenario_to_xlsx_bytes, template_xlsx
from .xlsx_zip import check_zip

__all__ = [
    "HELP",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_RATIO",
    "MAX_UNZIPPED",
    "META_KEYS",
    "SHEETS",
    "check_zip",
    "read_xlsx",
    "scenario_to_xlsx",
    "scenario_to_xlsx_bytes",
    "sniff_xlsx",
    "template_xlsx",
]
