"""The payment file's XLSX writer: what openpyxl (and so Excel, WPS, LibreOffice) reads back is what was
written — text escaped, numbers as numbers, a formula-like text still text — and a file longer than a sheet
continues on the next sheet with the header again."""

from __future__ import annotations

from openpyxl import load_workbook

from kuaiban.programs import xlsx


def test_rows_read_back_exactly_as_written(tmp_path) -> None:
    path = tmp_path / "f.xlsx"
    with xlsx.Writer(path, "发放明细", ["收款人", "金额（元）"]) as sheet:
        sheet.append(["测试<甲>&乙", 1843.0])
        sheet.append(["'=HYPERLINK(1)", 12])
        sheet.append([None, -3.5])
    book = load_workbook(path)
    assert book.sheetnames == ["发放明细"]
    assert list(book.active.iter_rows(values_only=True)) == [
        ("收款人", "金额（元）"), ("测试<甲>&乙", 1843.0), ("'=HYPERLINK(1)", 12), (None, -3.5)]


def test_a_file_longer_than_a_sheet_continues_on_the_next_with_the_header(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    path = tmp_path / "f.xlsx"
    with xlsx.Writer(path, "发放明细", ["序号"]) as sheet:
        sheet.extend([[i] for i in range(1, 6)])
    book = load_workbook(path)
    assert book.sheetnames == ["发放明细", "发放明细2", "发放明细3"]
    assert [[r[0] for r in ws.iter_rows(values_only=True)] for ws in book.worksheets] == [
        ["序号", 1, 2], ["序号", 3, 4], ["序号", 5]]
