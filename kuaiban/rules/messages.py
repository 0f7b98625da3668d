"""Error messages for end users, in Chinese, each starting with the field it is about.

Every message is built as `字段名：说明`, the field being the English input key (`monthly_wage`), so the
code can tell which field is wrong by the text before the full-width colon. A calculator's run then names
the field by its Chinese label for the reader (`月工资：缺少此字段`, Calculator.labelled), the key staying
as data (CalculatorError.field, the API's `field`). Single mode shows the value it received
(`（您填写的是 -5）`, `received`); population mode leaves it out so that one message covers every bad row of a column.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np

SEPARATOR = "："
GENERIC_LABELS = {"input": "输入"}  # what a message may be about besides a calculator's own fields
_NOTHING = object()


def shown(raw: Any) -> str:
    """A received value as the user typed it: strings in 「」; a number as people write it, whatever type it
    was read into (0 not 0.0, 3000 not 3000.0, 0.00001 not 1e-05: a check of a spec sees the parsed value, a
    population column numpy's); 是/否 for a yes/no, 空值 for null; a choice (an enum) by its word; other JSON values as JSON."""
    if isinstance(raw, str):
        return f"「{raw}」"
    if raw is None:  # JSON null
        return "空值"
    if isinstance(raw, bool | np.bool_):
        return "是" if raw else "否"
    if isinstance(raw, Enum):
        return shown(raw.value) if isinstance(raw.value, str) else str(raw.value)
    if isinstance(raw, date):  # a date already read from the input: as it is written (2022-01-01)
        return raw.isoformat()
    if isinstance(raw, numbers.Integral):
        return str(int(raw))
    if isinstance(raw, numbers.Real):
        return _plain_float(float(raw))
    try:
        return json.dumps(raw, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(raw)


def _plain_float(number: float) -> str:
    """Every digit the float holds, no exponent and no trailing .0 (nan and inf as the JSON reader spells them)."""
    if not math.isfinite(number):
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def listed(items: Iterable[Any]) -> str:
    """Choices joined the Chinese way: 湖南、重庆."""
    return "、".join(str(item) for item in items)


def received(raw: Any) -> str:
    """What the user gave, said to them the way a clerk would (ux tryout s21 item 7: “（收到 -12）” read like a
    machine log): 您填写的是 -12, 您填写的是「三十年」, 您选择的是“否” for a yes/no answer (a choice on the form,
    not something typed), 您填写的是空值 for a JSON null. A number keeps a space before it, as Chinese text sets
    Arabic digits apart; text in 「」 and words in “” need none."""
    if isinstance(raw, bool | np.bool_):
        return f"您选择的是“{shown(raw)}”"
    if raw is None:
        return f"您填写的是{shown(raw)}"
    said = shown(raw)
    return f"您填写的是{said}" if said.startswith("「") else f"您填写的是 {said}"


def error(field: str, text: str, raw: Any = _NOTHING) -> str:
    """`field：text`, with `（您填写的是 raw）` when the received value is given (`received`)."""
    message = f"{field}{SEPARATOR}{text}"
    if raw is not _NOTHING:
        message += f"（{received(raw)}）"
    return message


def field_of(message: str) -> str:
    """The field a message is about (the text before the first full-width colon)."""
    return message.split(SEPARATOR, 1)[0]


# The per-type checks, shared by single mode (with the value) and population mode (without).

def not_boolean(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为 true 或 false", raw)


def not_number(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为数字", raw)


def not_finite(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为有限的数值", raw)


def negative(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "不能为负数", raw)


# an optional amount refused at 0 only in the cases that use it (a spec's `positive_when`): there it is true
ZERO_WHERE_USED = "不能为0（本次计算按此数进行，填0只会得出0），请填写实际的数字"


def zero(field: str, raw: Any = _NOTHING, optional: bool = False) -> str:
    """An amount the rule multiplies by given as 0 (`Field.positive`). An optional one is used only by some cases
    (a region's, a year's): there 0 may have been meant as “不适用”, so the message says what is true in every
    case — where the calculation uses it 0 only gives 0 — and that an input not needed is left empty (tryout s21
    item 7: “填0只会得出0” was said of a field the case did not use)."""
    if optional:
        return error(field, "不能为0（计算用到此项时按此数进行，填0只会得出0）；请填写实际的数字，本次用不到的请留空不填", raw)
    return error(field, "不能为0（计算按此数进行，填0只会得出0），请填写实际的数字", raw)


def not_share(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为 0 到 1 之间的比例，如 0.2 表示 20%", raw)


def not_whole(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为整数", raw)


def too_large(field: str, limit: int, raw: Any = _NOTHING) -> str:
    return error(field, f"数值过大，不能超过 {limit}", raw)


def not_string(field: str, raw: Any = _NOTHING) -> str:
    return error(field, "应为文字（字符串）", raw)


# How a date or a month is asked for: by an example, never a developer's pattern (docs/rules.md).
DATE_EXAMPLE = "请按 2021-05-20 这样的格式填写"
MONTH_EXAMPLE = "请按 2021-05 这样的格式填写"


def not_date(field: str, raw: Any = _NOTHING) -> str:
    return error(field, f"不是有效的日期，{DATE_EXAMPLE}", raw)


def not_month(field: str, raw: Any = _NOTHING) -> str:
    return error(field, f"不是有效的月份，{MONTH_EXAMPLE}", raw)


def not_month_or_day(field: str, raw: Any = _NOTHING) -> str:
    """A month field that also reads a day within the month (Field.accepts_day): both forms named."""
    return error(field, "不是有效的月份或日期，请按 2021-05 这样的格式填写月份，或按 2021-05-20 这样的格式填写日期（须为该月内实有的一天）", raw)


def unknown_region(field: str, choices: Iterable[str], raw: Any = _NOTHING) -> str:
    named = "" if raw is _NOTHING else shown(raw)
    return error(field, f"未知地区{named}，可选：{listed(choices)}")


def not_a_choice(field: str, choices: Iterable[str], raw: Any = _NOTHING) -> str:
    named = "" if raw is _NOTHING else shown(raw)
    return error(field, f"取值{named}无效，可选：{listed(choices)}")


def missing(field: str, when: str = "") -> str:
    """A required field that is absent or null; `when` says under which condition it is required."""
    return error(field, f"缺少此字段（{when}时必填）" if when else "缺少此字段")


GAP = "没有规定，无法计算（已有规定："  # what marks a gap's message (CalculatorError.is_gap reads it)


def not_covered(field: str, case: str, covered: str) -> str:
    """A gap: no encoded rule covers `case`; `covered` says what is encoded."""
    return error(field, f"所收政策文件对 {case} {GAP}{covered}）")


def is_gap(message: str) -> bool:
    """Whether a message is a gap (no encoded rule covers the case), not bad input."""
    return GAP in message


DAY_ASKED = "该月内政策于"  # what marks the question for a day within a month (docs/rules.md)


def _day_words(day: str) -> str:
    return f"{int(day[:4])}年{int(day[5:7])}月{int(day[8:])}日"


def day_asked(field: str, days: list[str], differs: str = "", raw: Any = _NOTHING) -> str:
    """A month within which a rule changes on `days` (ISO): the day is asked for, saying what differs
    (“5月1日起：5000元；5月20日起：无适用规定”) when that is known."""
    when = "、".join(_day_words(day) for day in days)
    what = f"，该月内按日计算结果不同（{differs}）" if differs else ""
    return error(field, f"{DAY_ASKED}{when}起变化{what}，请填写具体日期（如 {days[0]}）", raw)


def is_day_asked(message: str) -> bool:
    """Whether a message asks for a day within a month (not a refusal of the case)."""
    return message.partition(SEPARATOR)[2].startswith(DAY_ASKED)
