"""The record layouts and code tables in data/unemployment match the printed spec they cite."""

from __future__ import annotations

import re
from functools import cache

import pytest

from kuaiban.config import ROOT
from kuaiban.unemployment.records import KINDS, load_code_tables, load_record
from kuaiban.unemployment.validate import _CHECKS


@cache
def lines_of(path: str) -> list[str]:
    return (ROOT / path).read_text(encoding="utf-8").split("\n")


def cited_text(source) -> str:
    first, last = source.lines
    return "\n".join(lines_of(source.file)[first - 1 : last])


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("kind", "count"), [("application", 40), ("result", 46), ("exit", 11)])
def test_each_record_has_the_number_of_fields_the_spec_lists(kind, count):
    spec = load_record(kind)
    assert len(spec.fields) == count
    assert [f.seq for f in spec.fields] == list(range(1, count + 1))
    assert len(set(spec.codes())) == count, "field codes are unique within a record"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_cites_lines_that_print_its_code_and_name(kind):
    for f in load_record(kind).fields:
        assert f.sources, f.code
        for source in f.sources:
            text = squeeze(cited_text(source))
            assert f.code in text, (f.code, source)
            assert squeeze(f.name) in text, (f.name, source)
            assert source.doc_no in {"人社厅发〔2020〕3号", "鲁人社字〔2020〕39号", "人社厅发〔2020〕79号"}


@pytest.mark.parametrize("kind", KINDS)
def test_declared_lengths_are_printed_on_the_cited_row(kind):
    for f in load_record(kind).fields:
        if f.length is None or f.code in {"AAE036"}:  # AAE036 has no printed length (read as 8)
            continue
        for source in f.sources:
            cells = cited_text(source).replace("\t", "\n").split("\n")
            assert str(f.length) in [c.strip() for c in cells], (f.code, source)


def test_the_two_copies_agree_on_the_contested_lengths_per_record():
    application, result = load_record("application"), load_record("result")
    assert application.field("AAC010").length == application.field("AAC046").length == 150
    assert result.field("AAC010").length == result.field("AAC046").length == 100
    assert application.field("AAE005").length == 20
    assert result.field("AAE005").length == 40


def test_the_keys_are_the_spec_identifiers():
    assert load_record("application").key == ("ADC201",)
    assert load_record("result").key == ("AAB301", "AAZ341")
    assert load_record("exit").key == ("AAB301", "AAZ341")


def test_every_referenced_table_and_check_exists():
    tables = load_code_tables()
    for kind in KINDS:
        for f in load_record(kind).fields:
            assert f.table is None or f.table in tables, (kind, f.code)
            if f.table:
                assert f.code in tables[f.table].fields, (f.code, f.table)
            for check in f.checks:
                assert check.name in _CHECKS or check.name == "required_when", check.name


# Tables printed in the spec: every code and name must appear on the cited lines of each copy.
PRINTED = ["sex", "education", "disability_grade", "id_type", "skill_level", "title_level",
           "place_type", "unemployment_reason", "claim_flag", "review_result", "exit_reason"]


@pytest.mark.parametrize("name", PRINTED)
def test_printed_code_tables_match_every_copy(name):
    table = load_code_tables()[name]
    assert table.codes
    for source in table.sources:
        text = squeeze(cited_text(source)).replace("(", "（").replace(")", "）").replace(",", "，")
        for code, label in table.codes.items():
            assert code in text, (name, code, source)
            assert squeeze(label) in text, (name, label, source)


def test_exit_reasons_are_the_twelve_codes_of_79号():
    codes = load_code_tables()["exit_reason"].codes
    assert list(codes) == ["11", "12", "13", "14", "21", "23", "24", "25", "26", "31", "32", "90"]


def test_national_standard_tables_hold_the_published_codes():
    tables = load_code_tables()
    ethnic = tables["ethnic"].codes
    assert ethnic["01"] == "汉族" and ethnic["56"] == "基诺族" and ethnic["99"] == "其他人员"
    assert len([c for c in ethnic if int(c) <= 56]) == 56
    assert list(tables["political"].codes) == [f"{n:02d}" for n in range(1, 14)]
    assert tables["health"].codes == {"1": "健康或良好", "2": "一般或较弱", "3": "有慢性病", "6": "残疾"}
    assert tables["health"].flags["disabled"] == {"6"}
    for name in ("ethnic", "political", "health", "region"):
        assert tables[name].standard, name


def test_tables_without_codes_in_the_project_are_marked_unavailable():
    tables = load_code_tables()
    assert not tables["occupation"].checkable
    assert not tables["title"].checkable
    assert tables["region"].checkable and tables["region"].codes is None


def test_title_and_level_follow_the_field_tables_not_the_swapped_headings():
    tables = load_code_tables()
    assert "AAC200" in tables["title"].fields and "AAC014" in tables["title_level"].fields
    for kind in ("application", "result"):
        spec = load_record(kind)
        assert spec.field("AAC200").name.startswith("专业技术职务") and "级别" not in spec.field("AAC200").name
        assert "级别" in spec.field("AAC014").name
