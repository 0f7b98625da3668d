"""湖南城乡居民养老保险 calculators through the contract, with the monotonicity the text implies."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban.rules.calculators import CalculatorError, get

PERSON = {
    "region": "湖南",
    "month": "2022-01",
    "basic_pension": 103,
    "contribution_years": 20,
    "account_balance": 13900,
    "birth_date": "1955-05-05",
    "total_contribution_years": 20,
    "scheme_start_date": "2010-07-01",
}


def test_pension_adds_the_three_parts_with_their_clauses() -> None:
    result = get("residents_pension").run(PERSON)
    assert result["value"] == 103 + 10 + 100
    assert {item["source"]["article"] for item in result["explanation"]} >= {
        "六、（一）基础养老金", "六、（二）个人账户养老金", "七、养老保险待遇领取条件"}


def test_too_young_gets_zero_with_the_reason() -> None:
    result = get("residents_pension").run({**PERSON, "birth_date": "1962-01-01"})
    assert result["value"] == 0 and "60周岁" in result["explanation"][0]["text"]


VALIDITY = "湘政发〔2020〕19号 2020-12-31 印发，有效期 5 年"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # s15 rules2: 19号 is in force from 2020-12-31 to 2025-12-30 (hunan-hrss-2020.txt:5562, :5565); December 2020
        # given alone is asked for its day (tests/rules/test_s15_month_changes.py), a day before the 31st is a gap
        ({"month": "2020-12-30"},
         f"待遇所属月份：所收政策文件对 2020-12-30 没有规定，无法计算（已有规定：2020-12-31 至 2025-12-30，{VALIDITY}）"),
        ({"month": "2026-01"},
         f"待遇所属月份：所收政策文件对 2026-01 没有规定，无法计算（已有规定：2020-12-31 至 2025-12-30，{VALIDITY}）"),
        ({"region": "重庆"}, "参保地：所收政策文件对 重庆 没有规定，无法计算（已有规定：湖南，湘政发〔2020〕19号）"),
    ],
)
def test_pension_gaps(change: dict, message: str) -> None:
    with pytest.raises(CalculatorError, match=f"^{re.escape(message)}$"):
        get("residents_pension").run({**PERSON, **change})


def test_subsidy_rejects_a_tier_the_text_does_not_list_and_years_outside_validity() -> None:
    calc = get("residents_contribution_subsidy")
    with pytest.raises(CalculatorError, match=r"^缴费档次（元/年）：250 元不是缴费档次，可选（元/年）：100、200、300、"):
        calc.run({"region": "湖南", "year": 2021, "tier": 250})
    with pytest.raises(CalculatorError, match=f"^{re.escape(f'缴费年度：所收政策文件对 2020 年 没有规定，无法计算（已有规定：2021 至 2025 年，{VALIDITY}）')}$"):
        calc.run({"region": "湖南", "year": 2020, "tier": 500})
    assert calc.run({"region": "湖南", "year": 2021, "tier": 500, "back_paid": True})["value"] == 0


@settings(max_examples=30, deadline=None)
@given(a=st.integers(0, 45), b=st.integers(0, 45), balance=st.floats(0, 1e6))
def test_more_years_and_more_savings_never_lower_the_pension(a: int, b: int, balance: float) -> None:
    low, high = sorted((a, b))
    calc = get("residents_pension")
    assert calc.run({**PERSON, "contribution_years": low, "total_contribution_years": low,
                     "account_balance": balance})["value"] <= calc.run(
        {**PERSON, "contribution_years": high, "total_contribution_years": high, "account_balance": balance + 1})["value"]


@settings(max_examples=20, deadline=None)
@given(pair=st.lists(st.sampled_from([100, 200, 300, 400, 500, 600, 1000, 3000]), min_size=2, max_size=2))
def test_higher_tier_never_gets_a_smaller_subsidy(pair: list[int]) -> None:
    low, high = sorted(pair)
    calc = get("residents_contribution_subsidy")
    assert calc.run({"region": "湖南", "year": 2021, "tier": low})["value"] <= calc.run(
        {"region": "湖南", "year": 2021, "tier": high})["value"]
