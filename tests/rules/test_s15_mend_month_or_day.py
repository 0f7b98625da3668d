"""A month field that also reads a day within the month (Field.accepts_day) says so, and its refusal names
both forms (s15 review, S4). The JSON shape of the field list is kept: the same keys, the words in
``description`` (and a ``unit`` of YYYY-MM reads YYYY-MM 或 YYYY-MM-DD)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import DAY_WORDS, CalculatorError, parse_value
from kuaiban.rules.population import evaluate

ROOT = Path(__file__).resolve().parents[2]
HUNAN_WIFE = {"region": "湖南", "dependant_relation": "wife", "dependant_age": 50}


def _listing() -> dict:
    done = subprocess.run([sys.executable, "-m", "kuaiban", "calc", "--list", "--json"], capture_output=True,
                          text=True, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout)


def test_the_field_list_says_which_months_take_a_day_and_keeps_its_shape() -> None:
    listing = _listing()
    fields = {(c["name"], f["name"]): f for c in listing["calculators"] for f in c["inputs"]}
    by_day = {(c["name"], x.name) for c in listing["calculators"] for x in get(c["name"]).fields
              if x.type == "month" and x.accepts_day}
    assert by_day  # the monthly calculators' period fields
    for key, described in fields.items():
        # figure_hint: added in session 21 for official figures (tests/rules/test_s21_figure_hints.py)
        assert set(described) <= {"name", "type", "required", "description", "unit", "choices", "choice_labels",
                                  "figure_hint"}
        if key in by_day:
            assert DAY_WORDS in described["description"], key
            assert described.get("unit") in (None, "YYYY-MM 或 YYYY-MM-DD"), key
        elif described["type"] == "month":
            assert "具体日期" not in described["description"], key  # a month only: nothing promised
    late_fee = {f["name"]: f for f in next(c for c in listing["calculators"]
                                           if c["name"] == "contribution_late_fee")["inputs"]}
    assert late_fee["month"]["description"] == f"补缴月份（{DAY_WORDS}）"
    assert late_fee["arrears_month"]["description"] == "欠缴费款所属月份"
    unemployment = {f["name"]: f for f in next(c for c in listing["calculators"]
                                               if c["name"] == "unemployment_benefit")["inputs"]}
    assert unemployment["month"] == {"name": "month", "type": "month", "required": True,
                                     "description": f"领取月份（{DAY_WORDS}）", "unit": "YYYY-MM 或 YYYY-MM-DD"}


def test_an_impossible_day_is_refused_naming_both_forms() -> None:
    with pytest.raises(CalculatorError) as caught:
        get("survivor_hardship_allowance").run({**HUNAN_WIFE, "month": "2020-06-31"})
    said = str(caught.value)
    assert "不是有效的月份或日期" in said and "2021-05-20 这样的格式" in said and "2020-06-31" in said
    assert "YYYY" not in said  # an example, not a developer's pattern


def test_a_month_field_without_days_still_names_the_month_form_only() -> None:
    arrears_month = next(f for f in get("contribution_late_fee").fields if f.name == "arrears_month")
    with pytest.raises(CalculatorError) as caught:
        parse_value(arrears_month, "2020-06-31")
    said = str(caught.value)
    assert "不是有效的月份，请按 2021-05 这样的格式填写" in said and "2021-05-20" not in said and "YYYY" not in said


def test_population_mode_refuses_the_impossible_day_in_the_same_words() -> None:
    calc = get("survivor_hardship_allowance")
    table = pa.table({"region": ["湖南", "湖南"], "dependant_relation": ["wife", "wife"],
                      "dependant_age": [50, 50], "month": ["2020-06-31", "2020-07"]})
    _, errors = evaluate(calc, table)
    first = errors.messages[errors.codes[0]]
    assert first is not None and "不是有效的月份或日期" in first and "2021-05-20 这样的格式" in first
    assert errors.codes[1] == 0
