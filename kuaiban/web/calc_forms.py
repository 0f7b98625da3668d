"""Web forms for the calculators, generated from each calculator's input spec (`Field`).

Labels come from the field descriptions (Chinese); a form's strings become the JSON values the CLI
receives, and each field is checked with the CLI's own `parse_value` and messages, so the page shows
the same Chinese error as `kuaiban calc`, next to the field it names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from kuaiban.platform import dates, regions
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, Calculator, CalculatorError
from kuaiban.rules.calculators.base import Field, num, parse_value, without_day_clauses

UNITS = {
    "CNY/month": "元/月", "CNY": "元", "CNY/year": "元/年", "month": "月", "year": "年", "person": "人",
    "share": "比例，0–1", "YYYY-MM-DD": "日期", "YYYY-MM": "月份",
    "share of employer contribution": "占单位缴费的比例", "day": "天", "date": "日期", "boolean": "是或否",
}
BOOLEAN_CHOICES = (("true", "是"), ("false", "否"))
_NUMERIC = ("number", "integer", "year", "share")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
# a date or month as the JSON answer writes it (2020-12-31, 2020-12): shown in words
_ISO_DAY_OR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


def unit_name(unit: str | None) -> str:
    return UNITS.get(unit or "", unit or "")


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    label: str
    hint: str
    required: bool
    input_type: str  # text | date | month | select
    inputmode: str | None
    options: tuple[tuple[str, str], ...]  # (value, label) for selects


def _plain_hint(part: str, words: dict[str, str]) -> str:
    """A hint naming choice codes in Chinese: "hardship" → 仅“困难企业稳岗返还”时填写; "basis=industry" →
    仅“按行业类别”时填写; "非企业单位填 large" → 非企业单位填“大型”."""
    m = re.fullmatch(r"\s*(?:[a-z_]+=)?([a-z_]+)\s*", part)
    if m and m.group(1) in words:
        return f"仅“{words[m.group(1)]}”时填写"
    return re.sub(r"(?<![A-Za-z_])([a-z_]{2,})(?![A-Za-z_])",
                  lambda w: f"“{words[w.group(1)]}”" if w.group(1) in words else w.group(1), part)


@cache
def _calculator_words(calculator: str) -> dict[str, str]:
    """The Chinese words of the choice codes of one calculator's fields (the rules core's, Field.word)."""
    calc = CALCULATORS.get(calculator)
    return {code: spec.word(code) for spec in (calc.fields if calc else ()) for code in spec.choices
            if spec.type == "choice"}


def _label_and_hint(spec: Field, calculator: str = "") -> tuple[str, str]:
    label, hint = spec.label_and_hint()
    hint = dates.text_in_words(hint)  # 2020-12-31 至 2025-12-30 → 2020年12月31日至2025年12月30日 (a format example stays)
    hint = "；".join(_plain_hint(part, _calculator_words(calculator)) for part in hint.split("；")) if hint else hint
    unit = unit_name(spec.unit)
    if unit and unit not in ("日期", "月份"):
        hint = f"{hint}；单位：{unit}" if hint else f"单位：{unit}"
    figure = spec.figure_hint()  # an official figure: where it is published, and that the explanation says so
    if figure:
        hint = f"{hint}；{figure}" if hint else figure
    return label, hint


PICKER_HINT = "按名称选择"


@cache
def place_options(provinces: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The places a region-code input offers (Field.region_picker), by name, the code posted: each province's
    cities and their 区县 in code order (a 直辖市's 区县 directly), as the one region model lists them
    (kuaiban.platform.regions). Codes withdrawn since 2020 that the compilations' rules still name (重庆's 江北区 and
    渝北区, which python-stdnum's table replaces by 两江新区 from 2025) are offered too, saying until when."""
    options: list[tuple[str, str]] = []
    for province in provinces:
        code = regions.resolve(province)
        places = [*regions.children(code)]
        places += [county for city in places if city.level == regions.CITY for county in regions.children(city.code)]
        places += [r for r in regions.known_regions() if r.withdrawn and r.code[:2] == code[:2] and r.level != regions.PROVINCE]
        for place in sorted(places, key=lambda r: r.code):
            name = regions.full_name(place.code) or place.name
            options.append((place.code, f"{name}（至{place.withdrawn}年的区划）" if place.withdrawn else name))
    return tuple(options)


DAY_IN_MONTH_HINT = "填写月份，如 2021-05；该月内政策有变化的，填写具体日期，如 2021-05-20"


def form_field(spec: Field, calculator: str = "") -> FormField:
    label, hint = _label_and_hint(spec, calculator)
    options: tuple[tuple[str, str], ...] = ()
    input_type, inputmode = "text", None
    if spec.region_picker:  # a place by name, its GB/T 2260 code posted: the code is no word a citizen knows
        input_type, options, hint = "select", place_options(spec.region_picker), PICKER_HINT
    elif spec.type in ("region", "choice"):
        input_type = "select"
        # the word is shown, the code posted (a region's choices are its names)
        options = tuple((c, spec.word(c) if spec.type == "choice" else c) for c in spec.choices)
    elif spec.type == "boolean":
        input_type, options = "select", BOOLEAN_CHOICES
    elif spec.type == "date":
        input_type = "date"
    elif spec.type == "month" and spec.accepts_day:
        # a month box takes no day: text, so that a month within which the rule changes can be given its day
        input_type = "text"
        # the spec's own clause on the day (该月内政策有变化的填写具体日期) gives way to the standard one
        hint = "；".join([*without_day_clauses(hint), DAY_IN_MONTH_HINT])
    elif spec.type == "month":
        input_type = "month"
    elif spec.type in _NUMERIC:
        inputmode = "numeric" if spec.type in ("integer", "year") else "decimal"
    return FormField(spec.name, spec.type, label, hint, spec.required, input_type, inputmode, options)


def form_fields(calc: Calculator) -> list[FormField]:
    return [form_field(spec, calc.name) for spec in calc.fields]


def to_json_value(spec: Field, text: str) -> Any:
    """A form string as the JSON value the CLI would receive (unparseable text stays a string, so the
    CLI's own check names it: 应为数字（您填写的是「abc」）)."""
    if spec.type in _NUMERIC:
        plain = unicodedata.normalize("NFKC", text).replace(",", "").strip()
        if _INT.match(plain):
            return int(plain)
        if _FLOAT.match(plain):
            return float(plain)
        return text
    if spec.type in ("month", "date"):
        return written_day(text)
    if spec.type == "boolean":
        return {"true": True, "false": False, "是": True, "否": False}.get(text.strip().lower(), text)
    return text


def written_day(text: str) -> str:
    """2021年5月 → 2021-05, 2021年5月20日 → 2021-05-20 (also 2021.5, 2021/5/20, 2021-5, full-width digits), as every
    month and date input is read (:mod:`kuaiban.platform.dates`); other text as typed, for the calculator's own
    check to name."""
    return dates.read_month_or_day(text) or text


def read_form(calc: Calculator, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(raw input object, {field: error}) — every field checked, not only the first bad one."""
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in calc.fields:
        text = (form.get(spec.name) or "").strip()
        if not text:
            if spec.required:
                errors[spec.name] = msg.missing(spec.name)
            continue
        raw[spec.name] = to_json_value(spec, text)
        try:
            parse_value(spec, raw[spec.name])
        except CalculatorError as error:
            errors[spec.name] = str(error)
    return raw, errors


MISSING = "缺少此字段"  # what messages.missing and the specs' checks say of an absent input


def error_text(message: str, label: str | None = None) -> str:
    """The message without the field it starts with, its English key or its label (the page shows it next
    to the field). A missing input is named by its label all the same — “请填写“工作所在区县”” — never the bare
    “缺少此字段” (tryout s21 item 7), which says neither which field nor, to a citizen, what a 字段 is."""
    field, sep, rest = message.partition(msg.SEPARATOR)
    # a key may hold digits (average_wage_2019): it was shown in English before session 21
    if not (sep and (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field) or field == label)):
        return message
    if rest.startswith(MISSING) and label:
        return f"请填写“{label}”{rest.removeprefix(MISSING)}"
    return rest


def plain_note(text: str, calc: Calculator | None = None) -> str:
    """A calculator's note as a reader sees it: another calculator named by its title (《…》计算器), never by its
    code; a pointer into the developer documentation dropped."""
    text = re.sub(r"[；;，,]?\s*见 docs/[\w./-]+", "", text).replace("提前N个", "提前若干个")
    fields = {f.name: f.label for f in form_fields(calc)} if calc else {}

    def word(m: re.Match) -> str:
        code = m.group(1)
        if code in fields:
            return f"“{fields[code]}”"
        return f"“{CALCULATORS[code].title}”计算器" if code in CALCULATORS else code

    return re.sub(r"(?<![A-Za-z_])([a-z][a-z0-9_]+)(?![A-Za-z0-9_])", word, text)


def parsed_inputs(calc: Calculator, inputs: dict[str, Any]) -> dict[str, Any]:
    """A case's inputs — a form's strings or the JSON values a calculator receives — as the calculator parses
    them ({} where they do not parse: no breakdown is shown then)."""
    raw: dict[str, Any] = {}
    for spec in calc.fields:
        given = inputs.get(spec.name)
        if given is None or given == "":
            continue
        raw[spec.name] = to_json_value(spec, given.strip()) if isinstance(given, str) else given
    try:
        return calc.parse(raw)
    except CalculatorError:
        return {}


def detail_rows(calc: Calculator, details: dict[str, Any], inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """The result's details as (Chinese name, value), each named by what it is (`Calculator.detail_label`: the
    spec's label for the case, or the variable it computes; an input only where the detail gives it back
    unchanged); a detail with no Chinese name is left out (the steps above say what it means)."""
    values = parsed_inputs(calc, inputs)
    rows = []
    for key, value in details.items():
        label = calc.detail_label(key, value, values)
        if not label or re.search(r"[A-Za-z]{2,}", label) or value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            continue  # a formula's “not printed” placeholder (−1), never a figure to show
        rows.append((label, shown_value(value)))
    return rows


def states_value(text: str, value: Any) -> bool:
    """Whether a step's sentence already prints its value (…＝月发放标准1530元), so the page need not repeat
    it after a colon; a number counts only as a whole number (the 0 of 2020 does not)."""
    if value is None or isinstance(value, bool):
        return False
    shown = re.escape(shown_value(value))
    return re.search(rf"(?<![\d.]){shown}(?![\d])", text or "") is not None


def shown_value(value: Any) -> str:
    """A result or step value as people write it: 是/否, 1816 and 0.5 (not 1816.0), a date 2020年12月31日 (the
    JSON answer's 2020-12-31), a month 2020年12月, text as it is."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return num(value)
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY_OR_MONTH.match(value)):
        return dates.day_words(value)
    return str(value)
