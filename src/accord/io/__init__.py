"""Readers and writers for other tools' files; importing this package registers the readers."""

from accord.scenario.loader import register_importer

from .bdm_table import read_bdm_table, sniff_bdm_table
from .decide import read_decide, sniff_decide
from .ktab import read_ktab_csv, read_ktab_xml, sniff_ktab_csv, sniff_ktab_xml

register_importer("bdm-table", lambda p, t: p.suffix.lower() == ".csv" and sniff_bdm_table(p, t), read_bdm_table)
register_importer("decide", lambda p, t: p.suffix.lower() in (".tsv", ".csv", ".txt") and sniff_decide(p, t), read_decide)
register_importer("ktab-csv", lambda p, t: p.suffix.lower() == ".csv" and sniff_ktab_csv(p, t), read_ktab_csv)
register_importer("ktab-xml", lambda p, t: p.suffix.lower() == ".xml" and sniff_ktab_xml(p, t), read_ktab_xml)

__all__ = ["read_bdm_table", "read_decide", "read_ktab_csv", "read_ktab_xml"]
