"""CSV cells that a spreadsheet cannot run: the one helper every CSV the service writes goes through.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel, WPS and
LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Following the OWASP guidance on CSV
injection, such a cell is written with a leading apostrophe, which makes the spreadsheet show it as text.
A plain number (``-12.5``, ``+3``) cannot be a formula and is left as it is, so negative amounts stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DANGEROUS = r"^[=+\-@\t\r]"
_NUMBER_ANCHORED = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def cell(value: Any) -> Any:
    """The value, with an apostrophe in front if a spreadsheet would take it for a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(v) for v in values]


class SafeWriter:
    """``csv.writer`` whose rows are neutralised; use :func:`writer` to make one."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def writer(out: Any, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def arrow_table(table: pa.Table) -> pa.Table:
    """The table with every text column neutralised (for ``pyarrow.csv.write_csv``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        column = table.column(i)
        if pa.types.is_dictionary(field.type):
            column = column.cast(field.type.value_type)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        risky = pc.and_(pc.match_substring_regex(column, _DANGEROUS),
                        pc.invert(pc.match_substring_regex(column, _NUMBER_ANCHORED)))
        quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type))
        table = table.set_column(i, field.name, pc.if_else(risky, quoted, column))
    return table
