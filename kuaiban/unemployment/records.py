"""The three record layouts of the 失业登记 interface and their code tables, loaded from data/unemployment.

- ``application``: 失业登记申请信息 (40 fields, 人社厅发〔2020〕3号 附件3 四（一）)
- ``result``: 失业登记申请审核结果信息 (46 fields, 四（二）)
- ``exit``: 失业登记退出信息 (11 fields, 人社厅发〔2020〕79号 附件)

>>> spec = load_record("application")
>>> len(spec.fields), spec.field("AAC003").name
(40, '姓名')
>>> load_code_tables()["review_result"].codes["2"]
'审核不通过'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from kuaiban.config import DATA
from kuaiban.platform import dates

SPEC_DIR = DATA / "unemployment"
RecordKind = Literal["application", "result", "exit"]
KINDS: tuple[RecordKind, ...] = ("application", "result", "exit")


@dataclass(frozen=True)
class Source:
    """Where a field or table is printed: a compilation file, its line range and the document's 文号."""

    file: str
    lines: tuple[int, int]
    doc_no: str


@dataclass(frozen=True)
class Check:
    """One extra check reading a field's 校验规则, e.g. ``date`` or ``citizen_id`` with its parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldSpec:
    """One 指标 of a record: code, name, 是否必填, type (C/N/D), length, code table and rules."""

    seq: int
    code: str
    name: str
    required: bool
    type: str
    length: int | None
    table: str | None
    spec_rule: str
    checks: tuple[Check, ...]
    sources: tuple[Source, ...]
    reading: str | None = None


@dataclass(frozen=True)
class RecordSpec:
    """A whole record layout, fields in the spec's order."""

    kind: RecordKind
    title: str
    key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    sources: tuple[Source, ...]

    def field(self, code: str) -> FieldSpec:
        return self._by_code[code]

    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def has(self, code: str) -> bool:
        return code in self._by_code

    @cached_property
    def _by_code(self) -> Mapping[str, FieldSpec]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows
        return {f.code: f for f in self.fields}


@dataclass(frozen=True)
class CodeTable:
    """A code table (代码表). ``codes`` is None when the project does not hold the table's codes;
    ``provider`` names an external provider (region codes come from python-stdnum).
    ``flags`` are named subsets the rules refer to, e.g. ``disabled`` in the health table."""

    name: str
    title: str
    fields: tuple[str, ...]
    codes: Mapping[str, str] | None
    provider: str | None
    standard: str | None
    sources: tuple[Source, ...]
    flags: Mapping[str, frozenset[str]]

    @property
    def checkable(self) -> bool:
        return self.codes is not None or self.provider is not None


def _sources(raw: list[dict[str, Any]]) -> tuple[Source, ...]:
    return tuple(Source(s["file"], (int(s["lines"][0]), int(s["lines"][1])), s["doc_no"]) for s in raw)


def _field(raw: dict[str, Any]) -> FieldSpec:
    checks = tuple(
        Check(c["check"], MappingProxyType({k: v for k, v in c.items() if k != "check"}))
        for c in raw.get("checks") or ()
    )
    return FieldSpec(
        seq=int(raw["seq"]),
        code=raw["code"],
        name=raw["name"],
        required=bool(raw["required"]),
        type=raw["type"],
        length=raw.get("length"),
        table=raw.get("table"),
        spec_rule=raw.get("spec_rule") or "",
        checks=checks,
        sources=_sources(raw["source"]),
        reading=raw.get("reading"),
    )


@cache
def load_record(kind: RecordKind, directory: Path = SPEC_DIR) -> RecordSpec:
    """The layout of one record kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(KINDS)}")
    raw = yaml.safe_load((directory / f"{kind}.yaml").read_text(encoding="utf-8"))
    return RecordSpec(
        kind=raw["kind"],
        title=raw["title"],
        key=tuple(raw["key"]),
        fields=tuple(_field(f) for f in raw["fields"]),
        sources=_sources(raw["source"]),
    )


# Keys of a table entry that are not flags (named code subsets).
_TABLE_KEYS = {"title", "fields", "heading_fields", "standard", "provider", "codes_source", "source",
               "codes", "available"}


@cache
def load_code_tables(directory: Path = SPEC_DIR) -> Mapping[str, CodeTable]:
    """Every code table, by name (``sex``, ``region``, ``exit_reason`` …)."""
    raw = yaml.safe_load((directory / "code_tables.yaml").read_text(encoding="utf-8"))
    tables: dict[str, CodeTable] = {}
    for name, t in raw["tables"].items():
        codes = t.get("codes")
        tables[name] = CodeTable(
            name=name,
            title=t["title"],
            fields=tuple(t["fields"]),
            codes=MappingProxyType({str(k): v for k, v in codes.items()}) if codes else None,
            provider=t.get("provider"),
            standard=t.get("standard"),
            sources=_sources(t["source"]),
            flags=MappingProxyType(
                {k: frozenset(str(c) for c in v) for k, v in t.items() if k not in _TABLE_KEYS}
            ),
        )
    return MappingProxyType(tables)


def date_in_words(value: str) -> str:
    """A record's date as people read it: YYYYMMDD → 2020年8月3日, YYYYMM (a month, as the national platform may
    send 失业时间) → 2020年8月; anything else as it is. The one spelling of the record's dates on the pages and
    in the 书面承诺.

    >>> date_in_words("20200803"), date_in_words("202008"), date_in_words("2020-08")
    ('2020年8月3日', '2020年8月', '2020-08')
    """
    v = (value or "").strip()
    if not (v.isascii() and v.isdigit() and len(v) in (6, 8)) or not 1 <= int(v[4:6]) <= 12:
        return v
    if len(v) == 6:
        return dates.month_words(f"{v[:4]}-{v[4:]}")
    try:  # the one spelling of the pages (kuaiban.platform.dates); a day no calendar has, as the record says it
        return dates.day_words(dt.date(int(v[:4]), int(v[4:6]), int(v[6:])))
    except ValueError:
        return f"{v[:4]}年{int(v[4:6])}月{int(v[6:])}日"
