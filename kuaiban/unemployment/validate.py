"""Validate 失业登记 records against the interface spec (data/unemployment/*.yaml).

A record is a mapping keyed by field code (``{"AAC003": "...", ...}``).  Every error names the
field code, a short rule id and a Chinese message:

- ``required``, ``type``, ``length``, ``code``: the spec's 是否必填 / 指标类型 / 指标长度 / 代码表 columns;
- ``unknown_field``: a key that is not a field of this record;
- ``date``, ``future``: 格式为YYYYMMDD的有效日期 / 早于或等于系统当前日期;
- ``spaces``: 不能含有半角或全角空格;
- ``id_length``, ``id_format``, ``id_checksum``, ``id_birth_date``, ``id_sex``, ``id_age``: 公民身份号码;
- ``digits`` (手机号码 11位数字字符), ``landline`` (固定电话), ``max_items`` (求职意向 at most three);
- cross-field rules named in the spec files: ``disability_grade``, ``rejection_reason``.

Record-level problems (a line that is not JSON, a value that is not an object) use the field
``_record`` with the rules ``json`` and ``object``.

>>> validate_record({"AAC003": "测 试"}, "exit", today=date(2020, 8, 1))[0].as_dict()["rule"]
'required'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from kuaiban.platform.regions import is_current_region
from kuaiban.unemployment import idnumber
from kuaiban.unemployment.records import (
    Check,
    CodeTable,
    FieldSpec,
    RecordKind,
    RecordSpec,
    load_code_tables,
    load_record,
)

RECORD = "_record"
# 系统当前日期 is read on China Standard Time (UTC+8, no daylight saving): a record dated today in
# Beijing must not be "in the future" on a server running on UTC.
CST = timezone(timedelta(hours=8))

_TYPE_NAMES = {"C": "字符型", "N": "数字型", "D": "日期型"}
_ASCII_DIGITS = re.compile(r"^[0-9]+$")
# 区号-电话[-分机]: area codes are 0 plus 2–3 digits (010, 0731), local numbers 7–8 digits.
_LANDLINE = re.compile(r"^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$")


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


def china_today() -> date:
    return datetime.now(CST).date()


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _as_text(value: Any, ftype: str) -> str | None:
    """The value as the spec's text, or None if its JSON type cannot carry this field.

    Strings are taken as they are; JSON integers are accepted for N (数字型) fields only."""
    if isinstance(value, str):
        return value
    if ftype == "N" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def _parse_date(text: str, fmt: str) -> date | None:
    if not _ASCII_DIGITS.match(text):
        return None
    try:
        if fmt == "YYYYMMDD" and len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if fmt == "YYYYMM" and len(text) == 6:
            return date(int(text[:4]), int(text[4:6]), 1)
    except ValueError:
        return None
    return None


def parse_spec_date(text: str, formats: Iterable[str] = ("YYYYMMDD",)) -> tuple[date, str] | None:
    """The date and the format it matched, or None."""
    for fmt in formats:
        d = _parse_date(text, fmt)
        if d is not None:
            return d, fmt
    return None


class _Context:
    """One record being validated: the raw mapping, its spec and the day taken as 系统当前日期."""

    def __init__(self, record: Mapping[str, Any], spec: RecordSpec, tables: Mapping[str, CodeTable],
                 today: date) -> None:
        self.record = record
        self.spec = spec
        self.tables = tables
        self.today = today

    def text(self, code: str) -> str | None:
        """A field's value as text if present and of a usable JSON type."""
        value = self.record.get(code)
        if not _present(value):
            return None
        ftype = self.spec.field(code).type if self.spec.has(code) else "C"
        return _as_text(value, ftype)

    def flagged(self, code: str, table: str, flag: str) -> bool:
        value = self.text(code)
        return value is not None and value in self.tables[table].flags.get(flag, frozenset())

    def date_of(self, code: str) -> date | None:
        value = self.text(code)
        if value is None or not self.spec.has(code):
            return None
        for check in self.spec.field(code).checks:
            if check.name == "date":
                parsed = parse_spec_date(value, check.params.get("formats", ("YYYYMMDD",)))
                return parsed[0] if parsed else None
        return None


def _label(f: FieldSpec) -> str:
    return f"{f.name}（{f.code}）"


# --- checks named in the spec files --------------------------------------------------------------

CheckFn = Callable[[_Context, FieldSpec, str, Check], list[FieldError]]


# a record's date format said by example (the spec's 格式为YYYYMMDD), never by its pattern
_DATE_EXAMPLES = {"YYYYMMDD": "8位数字的年月日，如 20200701", "YYYYMM": "6位数字的年月，如 202007"}


def _check_date(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    formats = tuple(check.params.get("formats", ("YYYYMMDD",)))
    if parse_spec_date(value, formats) is None:
        shown = "或".join(_DATE_EXAMPLES.get(fmt, fmt) for fmt in formats)
        return [FieldError(f.code, "date", f"{_label(f)}不是有效的日期，应为{shown}")]
    return []


def _check_not_future(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    formats = next((c.params.get("formats", ("YYYYMMDD",)) for c in f.checks if c.name == "date"),
                   ("YYYYMMDD",))
    parsed = parse_spec_date(value, formats)
    if parsed is None:
        return []  # reported by the date check
    day, fmt = parsed
    late = (day.year, day.month) > (ctx.today.year, ctx.today.month) if fmt == "YYYYMM" else day > ctx.today
    if late:
        return [FieldError(f.code, "future", f"{_label(f)}应早于或等于系统当前日期")]
    return []


def _check_no_spaces(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    # U+3000 (全角空格) is whitespace to str.isspace; tabs and line breaks are refused with them.
    if any(ch.isspace() for ch in value):
        return [FieldError(f.code, "spaces", f"{_label(f)}不能含有半角或全角空格")]
    return []


def _check_digits(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    count = int(check.params["count"])
    if len(value) != count or not _ASCII_DIGITS.match(value):
        return [FieldError(f.code, "digits", f"{_label(f)}应为{count}位数字字符")]
    return []


def _check_landline(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    if not all(_LANDLINE.match(part) for part in value.split(",")):
        return [FieldError(
            f.code, "landline",
            f"{_label(f)}必须填写区号，区号、电话、分机间以半角字符“-”分隔（如010-88888888），"
            "多个号码以半角字符“,”分隔",
        )]
    return []


def _check_max_items(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    sep, count = check.params["separator"], int(check.params["count"])
    if len(value.split(sep)) > count:
        return [FieldError(f.code, "max_items", f"{_label(f)}最多可写{count}个，以“{sep}”隔开")]
    return []


def _check_citizen_id(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    when = check.params.get("when")
    if when and not ctx.flagged(when["field"], when["table"], when["flag"]):
        return []
    problems = idnumber.id_problems(value, ctx.today, letter_exempt=check.params.get("letter_exempt", True))
    errors = [FieldError(f.code, p.rule, f"{_label(f)}：{p.message}") for p in problems]
    if errors or not value or not value[0].isdigit():
        return errors
    sex_field = check.params.get("sex_field")
    sex = ctx.text(sex_field) if sex_field else None
    implied = idnumber.id_sex(value)
    # 9 (未说明的性别) states nothing the number could contradict.
    if sex in ("1", "2") and implied is not None and sex != implied:
        errors.append(FieldError(f.code, "id_sex", f"{_label(f)}与性别（{sex_field}）不相符"))
    return errors


# Numbers whose birth date the labour-age check reads: AAC002 (社会保障号码, the 公民身份号码) whatever the
# document; AAC044 only for the documents whose number is a 公民身份号码 (code table flag ``birth_in_number``).
BIRTH_DATE_FIELDS = ("AAC002", "AAC044")


def birth_dates(record: Mapping[str, Any]) -> list[tuple[str, date]]:
    """(field, birth date) of every number of an application or result record that carries one.

    A number is read only when it is a well-formed 公民身份号码 (its own check reports it otherwise); an
    AAC044 only when AAC058 is a document numbered so (01 居民身份证（户口簿）, 03 港澳台居民居住证, 04 社会保障卡).
    Empty when the record carries no birth date (e.g. 02 通行证 or 05 其他身份证件 without AAC002)."""
    flagged = load_code_tables()["id_type"].flags.get("birth_in_number", frozenset())
    out = []
    for code in BIRTH_DATE_FIELDS:
        value = record.get(code)
        if not isinstance(value, str) or not value:
            continue
        if code == "AAC044" and not (isinstance(record.get("AAC058"), str) and record["AAC058"] in flagged):
            continue
        if idnumber.id_problems(value, letter_exempt=False):
            continue
        born = idnumber.birth_date(value)
        if born is not None:
            out.append((code, born))
    return out


def _check_labour_age(ctx: _Context, f: FieldSpec, value: str, check: Check) -> list[FieldError]:
    """人社厅发〔2020〕3号 一 (hunan-hrss-2020.txt:3393): “劳动年龄为年满16周岁（含）”, on the application date,
    for every document type: each number that carries a birth date must show the person 16 on that day."""
    when = check.params.get("when")
    if when and not ctx.flagged(when["field"], when["table"], when["flag"]):
        return []
    on = ctx.date_of(f.code)
    if on is None:
        return []  # the date itself is reported by its own check
    min_age = int(check.params["min_age"])
    errors = []
    for code, born in birth_dates(ctx.record):
        if idnumber.age_on(born, on) < min_age:
            label = _label(ctx.spec.field(code))
            errors.append(FieldError(code, "id_age", f"{label}：申请日期时未满{min_age}周岁，不在失业登记的劳动年龄内"))
    return errors


_CHECKS: dict[str, CheckFn] = {
    "date": _check_date,
    "not_future": _check_not_future,
    "no_spaces": _check_no_spaces,
    "digits": _check_digits,
    "landline": _check_landline,
    "max_items": _check_max_items,
    "citizen_id": _check_citizen_id,
    "labour_age": _check_labour_age,
}


def _required_when(ctx: _Context, f: FieldSpec, check: Check) -> list[FieldError]:
    p = check.params
    if ctx.flagged(p["field"], p["table"], p["flag"]) and not _present(ctx.record.get(f.code)):
        trigger = ctx.spec.field(p["field"])
        table = ctx.tables[p["table"]]
        shown = "、".join(f"“{table.codes[c]}”" for c in sorted(table.flags[p["flag"]])) if table.codes else ""
        return [FieldError(f.code, p["id"], f"{trigger.name}为{shown}时，{_label(f)}必须填写")]
    return []


# --- the field and the record ---------------------------------------------------------------------

def _code_error(ctx: _Context, f: FieldSpec, value: str) -> FieldError | None:
    table = ctx.tables[f.table] if f.table else None
    if table is None or not table.checkable:
        return None
    if table.provider == "stdnum.cn.loc":
        ok = is_current_region(value)
    else:
        ok = table.codes is not None and value in table.codes
    if ok:
        return None
    return FieldError(f.code, "code", f"{_label(f)}的值“{value}”不在代码表“{table.title}”中")


def _field_errors(ctx: _Context, f: FieldSpec) -> list[FieldError]:
    errors: list[FieldError] = []
    for check in f.checks:
        if check.name == "required_when":
            errors += _required_when(ctx, f, check)
    raw = ctx.record.get(f.code)
    if not _present(raw):
        if f.required:
            errors.append(FieldError(f.code, "required", f"{_label(f)}为必填项"))
        return errors
    value = _as_text(raw, f.type)
    if value is None or (f.type == "N" and not _ASCII_DIGITS.match(value)):
        errors.append(FieldError(f.code, "type", f"{_label(f)}应为{_TYPE_NAMES.get(f.type, f.type)}"))
        return errors
    if f.length is not None and len(value) > f.length:
        errors.append(FieldError(f.code, "length", f"{_label(f)}长度为{len(value)}，超过{f.length}"))
        return errors
    code_error = _code_error(ctx, f, value)
    if code_error:
        errors.append(code_error)
    for check in f.checks:
        if check.name != "required_when":
            errors += _CHECKS[check.name](ctx, f, value, check)
    return errors


def validate_record(record: Any, kind: RecordKind, today: date | None = None) -> list[FieldError]:
    """Every error in one record (an empty list when it is valid)."""
    if not isinstance(record, Mapping):
        return [FieldError(RECORD, "object", "记录应为以指标编码为键的JSON对象")]
    spec = load_record(kind)
    ctx = _Context(record, spec, load_code_tables(), today or china_today())
    errors: list[FieldError] = []
    for key in record:
        if not spec.has(key):
            errors.append(FieldError(str(key), "unknown_field", f"“{key}”不是{spec.title}的指标编码"))
    for f in spec.fields:
        errors += _field_errors(ctx, f)
    return errors


def validate_line(line: str, kind: RecordKind, today: date | None = None) -> dict[str, Any]:
    """The CLI's answer for one input line: ``{"valid": bool, "errors": [...]}``."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        errors = [FieldError(RECORD, "json", f"该行不是有效的JSON：{getattr(exc, 'msg', exc)}")]
    except RecursionError:  # absurdly nested arrays or objects
        errors = [FieldError(RECORD, "json", "该行不是可处理的JSON：嵌套层次过深")]
    else:
        errors = validate_record(record, kind, today)
    return {"valid": not errors, "errors": [e.as_dict() for e in errors]}


def validate_lines(lines: Iterable[str], kind: RecordKind, today: date | None = None) -> Iterator[dict[str, Any]]:
    """One answer per non-blank line (a leading byte-order mark is ignored)."""
    for n, line in enumerate(lines):
        text = line.lstrip("\ufeff") if n == 0 else line
        if text.strip():
            yield validate_line(text, kind, today)
