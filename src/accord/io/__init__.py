"""Readers and writers for other tools' files; importing this package registers the readers.

Readers (each turns its format into the same :class:`~accord.scenario.Scenario`): the classic
BDM table, decide-exchange-model's TSV/CSV, KTAB's SMP CSV and XML, GENIUS XML domains with
their utility spaces, accord's flat stance table (CSV) and accord's XLSX workbook. Writers:
:func:`export_scenario` to YAML, CSV and XLSX, each reporting what its format cannot hold.
"""

from accord.scenario.loader import register_importer

from .bdm_table import read_bdm_table, sniff_bdm_table
from .decide import read_decide, sniff_decide
from .export import FORMATS, export_scenario, scenario_to_yaml
from .genius import read_genius, read_genius_file, sniff_genius
from .ktab import read_ktab_csv, read_ktab_xml, sniff_ktab_csv, sniff_ktab_xml
from .stance_table import read_stance_table, sniff_stance_table
from .xlsx import read_xlsx, sniff_xlsx, template_xlsx

register_importer("xlsx", sniff_xlsx, read_xlsx)
register_importer("stance-table", lambda p, t: p.suffix.lower() == ".csv" and sniff_stance_table(p, t),
                  read_stance_table)
register_importer("bdm-table", lambda p, t: p.suffix.lower() == ".csv" and sniff_bdm_table(p, t), read_bdm_table)
register_importer("decide", lambda p, t: p.suffix.lower() in (".tsv", ".csv", ".txt") and sniff_decide(p, t), read_decide)
register_importer("ktab-csv", lambda p, t: p.suffix.lower() == ".csv" and sniff_ktab_csv(p, t), read_ktab_csv)
register_importer("genius", sniff_genius, read_genius_file)
register_importer("ktab-xml", lambda p, t: p.suffix.lower() == ".xml" and sniff_ktab_xml(p, t), read_ktab_xml)

__all__ = ["FORMATS", "export_scenario", "read_bdm_table", "read_decide", "read_genius", "read_ktab_csv",
           "read_ktab_xml", "read_stance_table", "read_xlsx", "scenario_to_yaml", "template_xlsx"]
