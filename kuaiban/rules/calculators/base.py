"""The calculator contract: typed flat inputs, an OpenFisca run, a value with cited explanation steps.

A calculator is used two ways with the same code: one input object (`run`), or columns of a
population (`run_columns`), where each column is a numpy array and each row one case.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from kuaiban.platform.dates import day_words
from kuaiban.rules import messages as msg
from kuaiban.rules.deadlines import HolidayDataMissing
from kuaiban.rules.enums import Region
from kuaiban.rules.expressions import plain_number
from kuaiban.rules.regions import names, region_of
from kuaiban.rules.sources import source
from kuaiban.rules.system import tax_benefit_system

Columns = dict[str, np.ndarray]


class CalculatorError(ValueError):
    """Bad input or a case no rule covers; `.field` is the input at fault, as data (its English key).

    The message starts with the field (`字段：说明`, kuaiban/rules/messages.py): the key where it is built,
    the Chinese label once a calculator's run has named it (`月工资：缺少此字段`, Calculator.run);
    `field` defaults to the key prefix, `reason` is the text after the prefix.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field if field is not None else msg.field_of(message)

    @property
    def is_gap(self) -> bool:
        """No encoded rule covers the case (a date or region the texts leave out), rather than bad input."""
        return msg.is_gap(self.message)

    @property
    def reason(self) -> str:
        """The message without the field it starts with (a page shows it next to the field)."""
        _, sep, rest = self.message.partition(msg.SEPARATOR)
        return rest if sep else self.message


# Fields whose description starts with the choice codes (enterprise 企业职工 | …) have no label of their own.
LABELS = {"scheme": "养老保险类别", "status": "死亡时的状态", "refund_type": "返还类型", "unit_kind": "单位类型",
          "basis": "参保方式"}
_TRAILING_HINT = re.compile(r"^(.+?)[（(]([^（()）]+)[）)]$")


def description_words(description: str, choices: tuple[str, ...]) -> dict[str, str]:
    """The words a description gives its choice codes: 'micro 微型 | small 小型' → {'micro': '微型', 'small': '小型'}."""
    words = {}
    for code in choices:
        m = re.search(rf"(?<![A-Za-z_]){re.escape(code)}\s+([^|｜A-Za-z_（(]+)", description)
        if m and m.group(1).strip():
            words[code] = m.group(1).strip()
    return words


def choice_key(text: str) -> str:
    """A choice as typed, read the same however it was keyed in: full-width letters and brackets as half-width
    (ｏｆｆｌｉｎｅ, （ ）), spaces anywhere dropped (“线 下”)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def without_day_clauses(hint: str) -> list[str]:
    """The clauses of a hint (split at ；) but those telling that a day may be given (…具体日期…): what a month
    that reads a day adds its one standard sentence to, so that no description or form says it twice."""
    return [part.strip() for part in re.split(r"[；;]", hint) if part.strip() and "具体日期" not in part]


OFFICIAL_NOTE = "官方数字由使用者提供"
# what a form says of an official figure (Field.figure_hint): its explanation step says OFFICIAL_NOTE
FIGURE_SUPPLIED = f"计算用到此数字时，说明中注明“{OFFICIAL_NOTE}”"
_NOT_PRINTED = re.compile(r"[，,；;]\s*汇编未载明?(?=[）)])")


def _shares_words(label: str, note: str, length: int = 4) -> bool:
    """Whether a note names a figure: the figure's label (without its （…）) and the note share a run of
    ``length`` characters (最低工资标准, 领取月数, 在当地实施的日期)."""
    core = re.sub(r"[（(][^（）()]*[）)]", "", label)
    return any(core[i:i + length] in note for i in range(len(core) - length + 1))


def official_figures_note(figures: list[tuple[str, str]], notes: list[str] | tuple[str, ...]) -> str | None:
    """The note naming the official figures the user supplies — (label, type) of each input the compilations do
    not print — or None when there is none left to name: a figure another note already says the user supplies
    (…汇编未载，须由使用者提供) is not named again, and a label's own “汇编未载” is not said twice."""
    told = [n for n in notes if re.search("使用者提供|用户提供|由使用者|须提供", n)]
    named = [(label, kind) for label, kind in figures if not any(_shares_words(label, n) for n in told)]
    if not named:
        return None
    labels = [_NOT_PRINTED.sub("", label) for label, _ in named]
    what = "日期" if all(kind == "date" for _, kind in named) else "数字"
    if any("汇编未载" in label for label in labels):  # a label says it already: not twice
        return f"{OFFICIAL_NOTE}：{'、'.join(labels)}；须按当地公布的{what}填写。"
    return f"{OFFICIAL_NOTE}：{'、'.join(labels)}（汇编未载明，须按当地公布的{what}填写）。"


DAY_WORDS = "年月，或该月内的具体日期"  # a month field that also reads a day (Field.accepts_day), as its description says
DAY_UNIT = "YYYY-MM 或 YYYY-MM-DD"
# what a field list says each month and date input takes, whatever unit its spec wrote (or none): exactly what
# parse_value reads — a month 2021-05 (with accepts_day also a day within it, 2021-05-20), a date 2021-05-20
FORMATS = {"month": "YYYY-MM", "date": "YYYY-MM-DD"}


@dataclass(frozen=True)
class Field:
    """One input of a calculator."""

    name: str
    type: str  # number | share | integer | year | boolean | date | month | region | choice | string
    description: str
    unit: str | None = None
    required: bool = True
    choices: tuple[str, ...] = ()
    # a choice's Chinese word for each code (docs/rules.md, "Choice words"): as given, else as the description
    # names it (employed 在职 | retired 退休); a spec adds its enum's and parameters' words (declarative.py)
    words: dict[str, str] = field(default_factory=dict, compare=False)
    also: dict[str, str] = field(default_factory=dict, compare=False)  # other spellings read as a code
    # a month that may also be given as a day (2021-05-20) within it: the month of a calculator whose rule
    # changes within some month is answered by the rule in force on that day (docs/rules.md, "Months and
    # dates within a month")
    accepts_day: bool = False
    # an amount the rule multiplies by (an income, a wage, a published standard) that is never 0 where the text
    # applies: 0 is refused as a bad value, as a negative one is (audit s20 4.7); population mode flags it alike
    positive: bool = False
    # an official figure no compilation prints (a spec's `official_figure`): where it is officially published,
    # in words true of its publisher in general (以本省统计部门公布的上一年度数据为准) — never a number or an address;
    # None: not such a figure. Its explanation step then says the user supplied it (OFFICIAL_NOTE).
    published: str | None = field(default=None, compare=False)
    # a text input holding a GB/T 2260 code of a place within these provinces (区县 or 城市): the CLI and the API take
    # the code, a form offers the places by name (kuaiban.platform.regions, the one region model; tryout s21 item 7:
    # 最低工资 asked citizens for a “GB/T 2260 行政区划代码”)
    region_picker: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type == "choice":  # frozen: set once, the given words over the description's
            object.__setattr__(self, "words", description_words(self.description, self.choices) | self.words)

    def word(self, code: str) -> str:
        """The Chinese word users know a choice by (a code that is already Chinese is its own word)."""
        return self.words.get(code, code)

    def spellings(self) -> dict[str, str]:
        """Every text that names a choice (as `choice_key` reads it) → its code: the code itself (the API
        contract, saved inputs) and its word; a code wins should a word spell another code."""
        named = self.also | {self.word(code): code for code in self.choices} | {code: code for code in self.choices}
        return {choice_key(text): code for text, code in named.items()}

    def label_and_hint(self) -> tuple[str, str]:
        """The Chinese name users know the field by (月工资) and the description's trailing （…） hint; the
        choice codes a description lists (employed 在职 | retired 退休) are no part of either."""
        text = self.description
        if self.choices:
            first = min((i for code in self.choices if (i := text.find(code)) >= 0), default=len(text))
            rest = re.sub(r"^[\s\w|｜]*?(?=（|$)", "", text[first:]) if first < len(text) else ""
            text = text[:first].rstrip(" ：:") + rest
        text = text.strip()
        label, hint = text, ""
        m = _TRAILING_HINT.match(text)
        if m:
            label, hint = m.group(1).strip(), m.group(2).strip()
        label = LABELS.get(self.name, label) if not label or self.name in LABELS else label
        return label or self.name, hint

    def description_told(self) -> str:
        """The description a field list gives (``calc --list``, the API): a month that also reads a day says so
        (年月，或该月内的具体日期), inside the description's trailing （…） if it has one — once: a clause of the
        spec's own that already speaks of the day (该月内政策有变化的填写具体日期) gives way to it."""
        text = self.description
        if not (self.type == "month" and self.accepts_day) or DAY_WORDS in text:
            return text
        m = _TRAILING_HINT.match(text)
        if m:
            return f"{m.group(1)}（{'；'.join([*without_day_clauses(m.group(2)), DAY_WORDS])}）"
        return f"{text}（{DAY_WORDS}）"

    def figure_hint(self) -> str | None:
        """What the form and the field lists tell of an official figure: where it is published, and that the
        explanation will say the user supplied it; None for any other input."""
        if not self.published:
            return None
        return f"{self.published}；{FIGURE_SUPPLIED}"

    @property
    def label(self) -> str:
        """The label an error message starts with: no separator inside it (缴费档次（元/年）：100、… → 缴费档次（元/年）)."""
        return self.label_and_hint()[0].split(msg.SEPARATOR, 1)[0].strip() or self.name

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        out["description"] = self.description_told()
        if self.type in FORMATS:
            out["unit"] = DAY_UNIT if self.type == "month" and self.accepts_day else FORMATS[self.type]
        elif self.unit:
            out["unit"] = self.unit
        if self.choices:
            out["choices"] = list(self.choices)
        if self.type == "choice":
            out["choice_labels"] = {code: self.word(code) for code in self.choices}
        if self.published:  # additive (session 21): an official figure's hint
            out["figure_hint"] = self.figure_hint()
        return out


def step(text: str, value: Any, source_key: str) -> dict[str, Any]:
    """One explanation step citing its clause."""
    return {"text": text, "value": value, "source": source(source_key).as_json()}


# every spelling of a province: 湖南, 湖南省, hunan, 430000 (county codes are resolved by region_of)
REGION_BY_NAME = names()
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


MAX_WHOLE = 2**31 - 1  # OpenFisca keeps int variables as int32


_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")


def _percent(text: str) -> str | float:
    """A share written as a percentage (27%, full-width ２７％ too) as its fraction; other text as it is (the
    number check then names it)."""
    match = _PERCENT.match(unicodedata.normalize("NFKC", text).strip())
    return float(match.group(1)) / 100 if match else text


def parse_value(spec: Field, raw: Any) -> Any:
    """Check one raw JSON value against its field and return the Python value."""
    name = spec.name
    if spec.type == "boolean":
        if not isinstance(raw, bool):
            raise CalculatorError(msg.not_boolean(name, raw))
        return raw
    if spec.type == "share" and isinstance(raw, str):
        raw = _percent(raw)  # “27%”, “3.85 ％” as people write a rate: 0.27, 0.0385
    if spec.type in ("number", "integer", "year", "share"):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise CalculatorError(msg.not_number(name, raw))
        if isinstance(raw, float) and not math.isfinite(raw):
            raise CalculatorError(msg.not_finite(name, raw))
        if raw < 0:
            raise CalculatorError(msg.negative(name, raw))
        if spec.positive and raw == 0:
            raise CalculatorError(msg.zero(name, raw, optional=not spec.required))
        if spec.type == "share" and raw > 1:
            raise CalculatorError(msg.not_share(name, raw))
        if spec.type in ("integer", "year"):
            if isinstance(raw, float) and not raw.is_integer():
                raise CalculatorError(msg.not_whole(name, raw))
            if raw > MAX_WHOLE:  # beyond what the simulation's integer columns hold (int32)
                raise CalculatorError(msg.too_large(name, MAX_WHOLE, raw))
            return int(raw)
        return float(raw)
    if spec.type == "region" and isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # a GB/T 2260 code given as a JSON number: 430000
    if not isinstance(raw, str):
        raise CalculatorError(msg.not_string(name, raw))
    if spec.type == "date":
        if not _DATE.match(raw):
            raise CalculatorError(msg.not_date(name, raw))
        try:
            return date.fromisoformat(raw)
        except ValueError as error:
            raise CalculatorError(msg.not_date(name, raw)) from error
    if spec.type == "month":
        refused = msg.not_month_or_day if spec.accepts_day else msg.not_month
        if spec.accepts_day and _DATE.match(raw):
            try:
                date.fromisoformat(raw)
            except ValueError as error:
                raise CalculatorError(refused(name, raw)) from error
            return raw  # the day as given: the month is its first seven characters
        if not _MONTH.match(raw) or not 1 <= int(raw[5:]) <= 12:
            raise CalculatorError(refused(name, raw))
        return raw
    if spec.type == "region":
        region = region_of(raw)
        if region is None:
            raise CalculatorError(msg.unknown_region(name, spec.choices, raw))
        return region
    if spec.type == "choice":
        # the code or its word, trimmed as a region is read and as population mode reads a CSV cell (" pension")
        choice = spec.spellings().get(choice_key(raw))
        if choice is None:
            raise CalculatorError(msg.not_a_choice(name, map(spec.word, spec.choices), raw))
        return choice
    return raw


@dataclass
class Calculator:
    """A named calculator: its inputs, coverage, OpenFisca variables and explanation."""

    name: str
    title: str
    unit: str
    fields: list[Field]
    variable: str
    # (input columns, period) -> {OpenFisca variable: array}, for one row or a population
    to_variables: Callable[[Columns, str], Columns]
    period_of: Callable[[dict[str, Any]], str]
    # input values -> message naming the gap, or None when a rule covers the case
    gap: Callable[[dict[str, Any]], str | None]
    # (input values, computed variables at the period) -> (value, details, steps)
    explain: Callable[[dict[str, Any], dict[str, float]], tuple[float, dict[str, Any], list[dict[str, Any]]]]
    explain_variables: tuple[str, ...] = ()
    # population mode: the input field that sets the period, and the fields `gap` reads
    # ("?name" when only the field's presence matters)
    period_field: str = ""
    gap_fields: tuple[str, ...] = ()
    # population mode: the OpenFisca input that carries each row's own period value (to_variables passes the
    # period field as it), when the formulas read the period only through it: rows of several periods then
    # share one simulation (run at any one of their periods) instead of one simulation per period
    period_variable: str = ""
    # the days (ISO) on which `gap` may change when the period field is a day that only the rule's dates
    # read: every day from one bound to the next passes the same checks (None: each day is checked)
    gap_day_bounds: tuple[str, ...] | None = None
    # population mode: date inputs (not the period's) that `gap` reads only against fixed days, with those
    # days (ISO): the rows are grouped by the span each date falls in, not by the date, so `gap` must give
    # every date of a span the same answer and its message must not name the date
    gap_date_bounds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the same for dates whose message may name them (a check refusing the date itself): the rows are grouped by
    # span first, and those of a failing group checked again date by date
    gap_date_bounds_shown: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # population mode: inputs `gap` reads by value that `gap_columns` takes as columns (amounts, counts, dates
    # compared with one another), and that function: (the values the rows share, {input: one value per row},
    # the number of rows) -> (per row an index into the messages, -1 for none; the messages), each row's
    # message the one `gap` gives it alone; it raises where it cannot say (the rows are then checked one by one)
    gap_column_fields: tuple[str, ...] = ()
    gap_columns: Callable[[dict[str, Any], dict[str, Any], int], tuple[Any, list[str]]] | None = None
    # optional inputs whose variable has a formula for when they are not given (population mode simulates
    # the rows with and without them apart, so that the formula runs where the value is missing)
    inputs_with_formulas: tuple[str, ...] = ()
    # population mode: the value a missing optional input takes in the simulation (its "not given" value: a
    # spec's are its variables' defaults), written into the missing cells once; inputs not named here keep
    # what the converter leaves (0, False) or, in a spec, are filled as they are passed on
    absent_values: dict[str, Any] = field(default_factory=dict)
    coverage: list[dict[str, str]] = field(default_factory=list)
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # page grouping: citizens | employers | caseworkers, and a Chinese theme
    audience: str = ""
    theme: str = ""
    examples: tuple[dict[str, Any], ...] = ()  # worked {input, value} cases a page can show
    # input values -> the day whose rules a monthly period is computed by (a month given as a day within
    # it), or None: the period's first day
    rule_day: Callable[[dict[str, Any]], str | None] | None = None
    # input values -> the days a month given as a month is computed on when a rule changes within it (its
    # 1st, then each day of a change), [] otherwise; and the clause a note on such a change cites
    month_days: Callable[[dict[str, Any]], list[str]] | None = None
    month_change_clause: Callable[[dict[str, Any]], str] | None = None
    spec: Any = None  # the loaded spec (kuaiban/rules/calculators/declarative.py) when written as one
    # (detail key, parsed input values) -> the Chinese name of what that detail is, or None (not shown by name):
    # a spec's `details` label, or the variable its expression computes; a Python calculator's own table
    detail_labels: Callable[[str, dict[str, Any]], str | None] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "inputs": [spec.describe() for spec in self.fields],
            "coverage": self.coverage,
            "sources": [source(key).as_json() | {"key": key} for key in self.sources],
            "notes": list(self.notes),
            "audience": self.audience,
            "theme": self.theme,
            "examples": list(self.examples),
        }

    def detail_label(self, key: str, value: Any, values: dict[str, Any]) -> str | None:
        """The Chinese name of the detail `key` of a case (`values`: its parsed inputs): what the detail is, as the
        calculator names it (`detail_labels`); else, where the detail is an input given back unchanged, that
        input's label. Never an input's label for a detail that merely shares its key (the survivor benefit's
        `pension_months` holds the 抚恤金's months, not the months of pension drawn); None: no name."""
        if self.detail_labels is not None:
            label = self.detail_labels(key, values)
            if label:
                return label
        spec = next((f for f in self.fields if f.name == key), None)
        if spec is not None and key in values and same_value(values[key], value):
            return spec.label
        return None

    def parse(self, raw: Any) -> dict[str, Any]:
        """Validate an input object; raise CalculatorError naming the first bad field."""
        if not isinstance(raw, dict):
            raise CalculatorError(msg.error("input", "应为 JSON 对象 {...}"))
        known = {spec.name for spec in self.fields}
        unknown = sorted(set(raw) - known)
        if unknown:
            hint = f"计算器 {self.name} 没有此字段（是否拼写有误？），可用字段：{msg.listed(sorted(known))}"
            raise CalculatorError(msg.error(unknown[0], hint))
        values: dict[str, Any] = {}
        for spec in self.fields:
            if spec.name not in raw or raw[spec.name] is None:
                if spec.required:
                    raise CalculatorError(msg.missing(spec.name))
                continue
            values[spec.name] = parse_value(spec, raw[spec.name])
        return values

    def label_message(self, message: str) -> str:
        """A message as users read it: the field named by its Chinese label (月工资：缺少此字段), never its
        English key. A key the calculator does not have stays as typed."""
        head, sep, rest = message.partition(msg.SEPARATOR)
        spec = next((f for f in self.fields if f.name == head), None)
        label = spec.label if spec is not None else msg.GENERIC_LABELS.get(head)
        return f"{label}{sep}{rest}" if label is not None and sep else message

    def holidays_unknown(self, error: HolidayDataMissing) -> str:
        """The refusal of a case whose working-day limit reaches a year with no published holiday arrangement,
        named on the period's field (single and population mode alike)."""
        year = re.match(r"\d{4}", str(error))
        when = f"{year.group(0)}年" if year else "所涉年份"
        return f"{self.period_field}{msg.SEPARATOR}{when}的节假日安排尚未公布（国务院办公厅通知），无法按工作日和休息日计算"

    def labelled(self, error: CalculatorError) -> CalculatorError:
        """The error as users read it (label_message); the key stays as data in `.field`."""
        return CalculatorError(self.label_message(error.message), field=error.field)

    def run(self, raw: Any) -> dict[str, Any]:
        """The full single-case contract: value, unit, details and cited explanation."""
        try:
            values = self.parse(raw)
        except CalculatorError as error:
            raise self.labelled(error) from None
        days = self.month_days(values) if self.month_days else []
        return self._run_days(values, days) if days else self._run_values(values)

    def _run_days(self, values: dict[str, Any], days: list[str]) -> dict[str, Any]:
        """A month within which a rule changes, given as a month: the case computed on each of `days` (the
        month's 1st and each day of a change). The same answer every day (the same value, or the same
        refusal): answered as on the 1st, with a step saying so; else the day is asked for, saying what
        differs (docs/rules.md, "Months and dates within a month")."""
        outcomes: list[dict[str, Any] | CalculatorError] = []
        for day in days:
            try:
                outcomes.append(self._run_values({**values, self.period_field: day}))
            except CalculatorError as error:
                outcomes.append(error)
        first = outcomes[0]
        if all(outcome_key(outcome) == outcome_key(first) for outcome in outcomes[1:]):
            if isinstance(first, CalculatorError):
                raise first
            key = self.month_change_clause(values) if self.month_change_clause else self.sources[0]
            first["explanation"].append(step(month_unchanged(days), None, key))
            return first
        differs = "；".join(f"{int(day[5:7])}月{int(day[8:])}日起：{self.outcome_words(outcome)}"
                            for day, outcome in zip(days, outcomes, strict=True))
        raise self.labelled(CalculatorError(msg.day_asked(self.period_field, days[1:], differs,
                                                          str(values[self.period_field]))))

    def refuses(self, value: Any) -> bool:
        """Whether ``value`` is a formula's “no rule” placeholder (−1, a variable's ``default_value`` or a
        ``by_region`` fallback) rather than an answer: a negative amount, count or share, which no calculator
        gives (an answer of one of :data:`NEVER_NEGATIVE`'s units is never below 0)."""
        return (self.unit in NEVER_NEGATIVE and isinstance(value, int | float) and not isinstance(value, bool)
                and value < 0)

    def no_rule(self, values: dict[str, Any]) -> str:
        """The gap refusal of a case the checks let through but for which the formulas found no rule: the
        words of every gap (所收政策文件对 湖南 2020-06 没有规定，无法计算（已有规定：…）), naming the case by its
        region and period and what is covered there."""
        region_field = next((f.name for f in self.fields if f.type == "region"), None)
        region = values.get(region_field) if region_field else None
        place = getattr(region, "value", None) if region is not None else None
        when = values.get(self.period_field)
        case = " ".join(str(part) for part in (place, when) if part is not None) or "此情形"
        spans = [c for c in self.coverage if place is None or c.get("region") in ("全国", place)] or self.coverage
        covered = "；".join(f"{c.get('region', '')} {c.get('dates', '')}".strip()
                           + (f"，{c['doc_no']}" if c.get("doc_no") else "") for c in spans)
        field = self.period_field if when is not None else region_field or self.fields[0].name
        return msg.not_covered(field, case, covered or "无")

    def outcome_words(self, outcome: dict[str, Any] | CalculatorError) -> str:
        """One day's outcome as a question names it: 5000元, 符合, 无适用规定, 不予计算（停发日期）."""
        if isinstance(outcome, CalculatorError):
            return "无适用规定" if outcome.is_gap else f"不予计算（{msg.field_of(outcome.message)}）"
        return value_words(self.unit, outcome["value"])

    def _run_values(self, values: dict[str, Any]) -> dict[str, Any]:
        try:
            gap = self.gap(values)
        except CalculatorError as error:
            raise self.labelled(error) from None
        if gap:
            raise self.labelled(CalculatorError(gap))
        period = self.period_of(values)
        columns = self.to_variables(single_row(values), period)
        wanted = (*self.explain_variables, self.variable)
        day = self.rule_day(values) if self.rule_day else None
        try:
            computed = simulate(columns, period, wanted, count=1, rule_day=day)
        except HolidayDataMissing as error:  # a working-day limit reaching a year whose holidays are unpublished
            raise self.labelled(CalculatorError(self.holidays_unknown(error))) from None
        scalars = {name: scalar(array[0]) for name, array in computed.items()}
        try:
            value, details, steps = self.explain(values, scalars)
        except LookupError:  # the explanation citing a rule there is none of, for a placeholder
            if not self.refuses(scalars.get(self.variable)):
                raise
            value = scalars[self.variable]
        if self.refuses(value):
            raise self.labelled(CalculatorError(self.no_rule(values)))
        return {
            "calculator": self.name,
            "value": value,
            "unit": self.unit,
            "details": details,
            "explanation": steps,
        }


def same_value(given: Any, detail: Any) -> bool:
    """Whether a detail gives back an input's value: numbers by value (2020 and 2020.0), a region by its name, a
    date as the JSON answer writes it, anything else as text."""
    if isinstance(given, Region):
        given = given.value
    if isinstance(given, date):
        given = given.isoformat()
    if isinstance(given, bool) or isinstance(detail, bool):
        return given is detail
    if isinstance(given, int | float) and isinstance(detail, int | float):
        return math.isclose(float(given), float(detail), rel_tol=0, abs_tol=1e-9)
    return str(given) == str(detail)


def labels_table(table: dict[str, str]) -> Callable[[str, dict[str, Any]], str | None]:
    """`Calculator.detail_labels` of a calculator naming its details in one fixed table."""
    return lambda key, values: table.get(key)


def outcome_key(outcome: dict[str, Any] | CalculatorError) -> tuple[Any, ...]:
    """What must agree between the days of a month for it to be answered without its day: the value, or the
    refusal's field and whether it is a gap."""
    if isinstance(outcome, CalculatorError):
        return ("refused", outcome.field, outcome.is_gap)
    return ("value", outcome["value"])


# the units of an amount, a base, a count or a share: an answer in one of them is never negative, so a negative
# value is a formula's “no rule” placeholder and is refused as a gap (Calculator.refuses; population.evaluate).
# A date or a yes/no is not checked.
NEVER_NEGATIVE = frozenset({"CNY", "CNY/month", "CNY/year", "day", "month", "year", "share",
                            "share of employer contribution"})

UNIT_WORDS = {"CNY": "元", "CNY/month": "元/月", "CNY/year": "元/年", "month": "个月", "day": "天", "year": "年"}


def value_words(unit: str, value: Any) -> str:
    """An answer as a sentence names it: 5000元, 50%, 符合 / 不符合, 2020-10-16."""
    if unit == "boolean":
        return "符合" if value else "不符合"
    if unit == "share" and isinstance(value, int | float):
        return f"{num(round(float(value) * 100, 6))}%"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{num(value)}{UNIT_WORDS.get(unit, '')}"
    return str(value)


def month_unchanged(days: list[str]) -> str:
    """The step of a month answered although a rule changes within it."""
    when = "、".join(day_text(date.fromisoformat(day)) for day in days[1:])
    first = date.fromisoformat(days[0])
    return (f"该月内政策于{when}起变化，按该月{first.month}月1日及变化当日的规定分别计算，结果相同，"
            f"本月按{first.month}月1日适用的规定计算和说明；如需按某日计算，请填写具体日期")


def scalar(item: Any) -> Any:
    """One computed value for the explanation: a number as float; a date (a due date) or a text as itself."""
    if isinstance(item, np.datetime64):
        return date.fromisoformat(str(item.astype("datetime64[D]")))
    if isinstance(item, date | str):
        return item
    return float(item)


@dataclass(frozen=True)
class Coded:
    """A choice column as small integer codes into its words (population mode keeps choices this way:
    one byte per row to gather, no string per row)."""

    codes: np.ndarray
    words: tuple[str, ...]


def choice_column(columns: Columns, name: str) -> Any:
    """A choice input as population mode holds it (Coded) where it can, else its names."""
    coded = getattr(columns, "coded", None)
    return (coded(name) if coded else None) or columns[name]


def enum_codes(enum, names: np.ndarray | Coded) -> np.ndarray:
    """OpenFisca enum indices for an array of member names (validated before), or for Coded choices (one
    lookup per word). Names are dictionary-encoded by Arrow (a hash, not a sort: a million rows of three or
    four choices took ~2.7 s through ``np.unique`` of strings, 0.08 s this way), then each distinct name is
    looked up once."""
    import pyarrow as pa

    if isinstance(names, Coded):
        indices = _member_indices(enum, names.words)
        if np.array_equal(indices, np.arange(len(indices))):  # the words in the enum's order: the codes as they are
            return names.codes.astype(np.int16)  # (a copy: a fortieth of a gather's time)
        return indices.take(names.codes)  # half the time of indexing with the codes
    encoded = pa.array(np.asarray(names).reshape(-1)).cast(pa.string()).dictionary_encode()
    return _member_indices(enum, encoded.dictionary.to_pylist())[encoded.indices.to_numpy(zero_copy_only=False)]


def _member_indices(enum, names) -> np.ndarray:
    by_value = {member.value: member for member in enum}  # a spec's choices are the Chinese values
    return np.array([(by_value[name] if name in by_value else enum[name]).index for name in names], dtype=np.int16)


def single_row(values: dict[str, Any]) -> Columns:
    """Turn parsed input values into one-row numpy columns (the population path's shape)."""
    columns: Columns = {}
    for name, value in values.items():
        if isinstance(value, date):
            columns[name] = np.array([value.isoformat()], dtype="datetime64[D]")
        elif isinstance(value, bool):
            columns[name] = np.array([value], dtype=bool)
        elif isinstance(value, Region):
            columns[name] = np.array([value.index], dtype=np.int16)
        elif isinstance(value, float):
            columns[name] = np.array([value], dtype=np.float64)
        elif isinstance(value, int):
            columns[name] = np.array([value], dtype=np.int64)
        else:
            columns[name] = np.array([value], dtype=object)
    return columns


def vector_simulation(count: int):
    """A simulation of `count` persons, each alone in one enterprise.

    The same shape as SimulationBuilder.build_default_simulation, whose ids are built with
    numpy.array(range(count)): 0.24 s of its 0.25 s for a million rows. numpy.arange is instant.
    """
    from openfisca_core.simulations import Simulation

    system = tax_benefit_system()
    populations = system.instantiate_entities()
    ids = row_ids(count)
    for population in populations.values():
        population.count = count
        population.ids = ids
        if hasattr(population, "members_entity_id"):
            population.members_entity_id = ids
    return Simulation(system, populations)


_IDS = np.arange(0)


def row_ids(count: int) -> np.ndarray:
    """0 … count − 1 as a read-only view of one array kept between simulations (a million-row population
    is simulated once per period and chunk; each np.arange of it cost about 1 ms, twice per simulation).
    Read-only: nothing in OpenFisca writes to the ids, and a write would raise rather than change them."""
    global _IDS
    if len(_IDS) < count:
        _IDS = np.arange(max(count, 1024))
        _IDS.flags.writeable = False
    return _IDS[:count]


class RuleDaySystem:
    """The tax-benefit system as a month's formulas see it when the month is given as a day within it: the
    parameters asked for at the month's first day are those in force on that day (every other instant, and
    everything else, as the system itself)."""

    def __init__(self, system: Any, month_start: str, day: str) -> None:
        self._system = system
        self._month_start = month_start
        self._day = day

    def __getattr__(self, name: str) -> Any:
        return getattr(self._system, name)

    def get_parameters_at_instant(self, instant: Any) -> Any:
        from openfisca_core import periods

        start = instant.start if isinstance(instant, periods.Period) else periods.instant(instant)
        return self._system.get_parameters_at_instant(self._day if str(start) == self._month_start else start)


def simulate(variables: Columns, period: str, outputs: tuple[str, ...], count: int,
             rule_day: str | None = None) -> Columns:
    """Run the OpenFisca system on vectors and return the requested variables at `period` (a month's
    parameters taken on `rule_day` when given)."""
    if rule_day is None and len(period) == 10 and outputs and _monthly(outputs[-1]):
        rule_day, period = period, period[:7]  # a day within a month (population mode): the month, by its rules
    simulation = vector_simulation(count)
    if rule_day is not None:
        simulation.tax_benefit_system = RuleDaySystem(simulation.tax_benefit_system, f"{period[:7]}-01", rule_day)
    try:
        for name, array in variables.items():
            simulation.set_input(name, period, _as_enum_array(name, array))
        return {name: np.asarray(simulation.calculate(name, period)) for name in outputs}
    finally:
        release(simulation)


def _monthly(variable: str) -> bool:
    found = tax_benefit_system().variables.get(variable)
    return found is not None and str(found.definition_period) == "month"


def _as_enum_array(name: str, array: Any) -> Any:
    """Integer indices of an Enum variable as an EnumArray, once their range is checked (two reductions):
    openfisca-core otherwise filters every row through a boolean mask (``values[values < size]``) to find
    out-of-range ones. Anything else (a 0-d value, an empty or out-of-range array) goes to openfisca-core as
    it is, which judges it as before."""
    from openfisca_core.indexed_enums import EnumArray

    if not isinstance(array, np.ndarray) or isinstance(array, EnumArray) or array.dtype.kind not in "iu" \
            or array.ndim != 1 or not len(array):
        return array
    variable = tax_benefit_system().variables.get(name)
    enum = getattr(variable, "possible_values", None)
    if enum is None or array.min() < 0 or array.max() >= len(enum):
        return array  # not an enum, or a value openfisca-core must judge
    return EnumArray(array.astype(np.int16, copy=False), enum)


def release(simulation) -> None:
    """Free a finished simulation's arrays now (the outputs the caller holds stay alive).

    A Simulation and its populations refer to each other, so they are freed only when Python's cycle
    collector runs; until then every array of every variable stays allocated. A population run of many
    simulations then held a few hundred MB, and each new simulation took fresh memory (page faults, about
    a thousand per million-row run) instead of reusing what the last one had finished with.
    """
    for population in simulation.populations.values():
        for holder in population._holders.values():  # openfisca-core has no public walk of its holders
            holder.delete_arrays()


def parameters_at(instant: str):
    """The parameters in force on `instant` (explanations take their figures from here, not literals)."""
    return tax_benefit_system().get_parameters_at_instant(instant)  # cached per instant


def took_effect(parameter, instant: str) -> date:
    """The day the value of `parameter` (a Parameter, not a value) in force on `instant` took effect."""
    return date.fromisoformat(next(at.instant_str for at in parameter.values_list if at.instant_str <= instant))


def day_text(day: date) -> str:
    """2020年7月1日 (as every page writes a date: kuaiban.platform.dates)."""
    return day_words(day)


def num(value: float) -> str:
    """A number as an explanation writes it: every digit kept (10056.93, not 10056.9), no exponent."""
    return plain_number(value)


def money(value: float) -> float:
    """A CNY amount for JSON: rounded to 分, integral amounts kept as floats."""
    return round(float(value) + 0.0, 2)
