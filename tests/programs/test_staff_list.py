"""Employers' staff lists (花名册) in Excel: checked row by row, every error named by row and column."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kuaiban.platform.errors import Invalid
from kuaiban.programs import staff_list
from tests.programs.conftest import id_number


def workbook(rows: list[list], header=("姓名", "公民身份号码", "劳动合同起始日期", "人员类别")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_list_gives_its_people_masked_and_hashed() -> None:
    a, b = id_number(), id_number()
    rows = staff_list.read(workbook([["测试甲", a, dt.date(2020, 7, 1), "登记失业人员"],
                                     ["欧阳测试", b, "2020-07-15", None]]))
    assert [(r["row"], r["name"], r["contract_start"]) for r in rows] == [
        (2, "测**", "2020-07-01"), (3, "欧***", "2020-07-15")]
    assert all(a not in str(r) and b not in str(r) for r in rows)


def test_every_error_is_named_by_row_and_column_at_once() -> None:
    good = id_number()
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = workbook([["测试甲", good, "2020-07-01"],
                     ["", bad_checksum, "2020-07-01"],
                     ["测试丙", good, "七月一日"],
                     ["测试丁", "12345", None]])
    with pytest.raises(Invalid) as refused:
        staff_list.read(data)
    found = [(e["row"], e["column"]) for e in refused.value.errors]
    assert found == [(3, "A列（姓名）"), (3, "B列（公民身份号码）"), (4, "B列（公民身份号码）"),
                     (4, "C列（劳动合同起始日期）"), (5, "B列（公民身份号码）"), (5, "C列（劳动合同起始日期）")]
    details = [e["detail"] for e in refused.value.errors]
    assert details[1] == "第3行 B列（公民身份号码）：校验位不正确"
    assert details[2] == "第4行 B列（公民身份号码）：与第2行重复"
    assert "共 6 处错误" in refused.value.message


def test_a_missing_column_or_a_file_that_is_not_excel_is_refused() -> None:
    with pytest.raises(Invalid, match="缺少列：劳动合同起始日期"):
        staff_list.read(workbook([["测试甲", id_number()]], header=("姓名", "公民身份号码")))
    with pytest.raises(Invalid, match="Excel"):
        staff_list.read(b"name,id\n")
