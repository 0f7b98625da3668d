"""Batch CSV refusals in Chinese (audit s20 NEW-8, NEW-4): a row with more or fewer cells than the header is named
by its line and counts, never by pyarrow's English; a very wide header is counted in full."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.rules.calculators import get
from kuaiban.rules.population import EXTRA_COLUMNS
from kuaiban.web.calc_jobs import header_width, parse_error_text

HEADER = "参保地,领取月份,累计缴费月数,领取失业保险金的第几个月"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    with TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}")) as c:
        yield c


def _refusal(client, body: str) -> str:
    r = client.post("/calc/unemployment_benefit/batch", files={"file": ("f.csv", body.encode())})
    assert r.status_code == 422, r.status_code
    text = html.unescape(re.sub(r"<[^>]+>", " ", r.text))
    found = re.search(r"(列数[^\n]*)|(无法读取 CSV[^\n]*)|(文件是空的[^\n]*)", text)
    assert found, text[-1500:]
    return found.group(0)


def test_a_row_with_more_cells_than_the_header_is_named_by_line_in_chinese(client) -> None:
    """The audit's file: pyarrow said “CSV parse error: Expected 4 columns, got 6: …”."""
    said = _refusal(client, f"{HEADER}\n北京,2020-08,60,1\n北京,2020-08,60,1,extra,more\n")
    assert "列数不符：第 3 行有 6 列，表头 4 列" in said
    assert not re.search(r"[A-Za-z]{2,}", said.replace("CSV", ""))


def test_a_short_row_after_a_blank_line_and_an_open_quote_are_named_by_line() -> None:
    text = f"{HEADER}\n\n北京,2020-08,60,1\n北京,2020-08\n"
    assert parse_error_text(text, "CSV parse error: Expected 4 columns, got 2: 北京,2020-08").startswith(
        "列数不符：第 4 行有 2 列，表头 4 列")
    text = f'{HEADER}\n北京,2020-08,60,1\n"北京,2020-08,60,1\n北京,2020-08,60,1\n'
    said = parse_error_text(text, 'CSV parse error: Expected 4 columns, got 1: "北京')
    assert "第 3 行的引号未成对" in said
    assert parse_error_text("", "Empty CSV file").startswith("文件是空的")
    assert parse_error_text("a\n", "something new from pyarrow").startswith("无法读取 CSV：文件格式有误")
    for message in (said, parse_error_text("a\n", "something new from pyarrow")):
        assert not re.search(r"[A-Za-z]{2,}", message.replace("CSV", ""))


def test_a_very_wide_header_is_counted_in_full(client) -> None:
    """The audit's header of 100 004 columns was said to have 10 950 (only its first 64 KB were counted)."""
    calc = get("unemployment_benefit")
    header = [f.name for f in calc.fields[:4]] + [f"自用列{i}" for i in range(100_000)]
    assert header_width(",".join(header) + "\n1,2\n") == 100_004
    assert header_width('a,"b,c",d\n1,2,3\n') == 3 and header_width('"a\nb",c\n') == 2
    said = _refusal(client, ",".join(header) + "\n" + "北京,2020-08,60,1\n")
    assert f"上限 {len(calc.fields) + EXTRA_COLUMNS} 列" in said and "收到 100004 列" in said
