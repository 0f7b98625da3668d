"""计算明细 (audit s20 4.6 / NEW-3): a breakdown row is labelled by what the detail is — its own label in the
spec, or the variable it computes — never by an input that merely shares its key, nor by a variable's label
written for other regions than the case's."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.enums import Region
from kuaiban.web.calc_forms import detail_rows, form_fields, shown_value

# the audit's case: a retiree who drew the pension 120 months
SURVIVOR = {"death_date": "2022-03-01", "status": "retired", "contribution_months": 360, "pension_months": 120,
            "base_income": 4000}
PROVINCES = [region.value for region in list(Region)[1:]]


def test_survivor_breakdown_names_the_pension_months_and_the_national_funeral_grant() -> None:
    calc = CALCULATORS["survivor_benefit"]
    result = calc.run(SURVIVOR)
    rows = dict(detail_rows(calc, result["details"], SURVIVOR))
    # 30 years → 24 months, less 10 years drawn → 14 months of 抚恤金: not the 120 months entered
    assert rows.get("抚恤金发放月数") == "14"
    assert "已领取基本养老金的月数" not in rows
    assert rows.get("丧葬补助金") == "8000"  # 人社部发〔2021〕18号 第四条: 2 × 4000
    assert rows.get("抚恤金") == "56000"
    assert not any(place in label for label in rows for place in PROVINCES)


def test_the_page_shows_the_same_breakdown(app_client) -> None:
    page = app_client.post("/calc/survivor_benefit", data={k: str(v) for k, v in SURVIVOR.items()}).text
    table = re.search(r'<table class="details">(.*?)</table>', page, re.S)
    assert table, page[-2000:]
    cells = re.findall(r"<th[^>]*>(.*?)</th><td>(.*?)</td>", table.group(1))
    assert ("抚恤金发放月数", "14") in cells and ("丧葬补助金", "8000") in cells
    assert not any("已领取基本养老金的月数" in label or "湖南" in label or "重庆" in label for label, _ in cells)


def _same(given: Any, shown: str) -> bool:
    return shown_value(getattr(given, "value", given)) == shown


def _region_of(calc, values: dict[str, Any]) -> str | None:
    field = next((f.name for f in calc.fields if f.type == "region"), None)
    region = values.get(field) if field else None
    return getattr(region, "value", None)


# the calculators still written in Python have no examples: a case each (inputs of tests/rules)
PYTHON_CASES = [
    ("pension_adjustment", {"region": "湖南", "year": 2020, "scheme": "enterprise", "contribution_months": 360,
                            "pension_base": 3000, "birth_date": "1945-03-01", "retirement_date": "2005-06-30",
                            "county": "吉首市"}),
    ("contribution_base", {"region": "湖南", "year": 2020, "monthly_wage": 2000}),
    ("residents_pension", {"region": "湖南", "basic_pension": 103, "contribution_years": 20, "account_balance": 13900,
                           "birth_date": "1955-05-05", "total_contribution_years": 20,
                           "scheme_start_date": "2010-07-01", "month": "2021-06"}),
    ("social_insurance_relief", {"region": "湖南", "month": "2020-03", "size": "large", "payroll": 100000,
                                 "employer_rate": 0.2}),
    ("stable_job_refund", {"region": "天津", "application_date": "2021-08-02", "unit_kind": "enterprise",
                           "fund_reserve_ok": True, "layoff_rate_cap": 0.055, "refund_type": "general",
                           "size": "large", "insured_last_year": 100, "decrease_last_year": 5,
                           "claimants_last_year": 0, "contributions_last_year": 40000}),
]


def _cases() -> list[tuple[str, dict[str, Any]]]:
    return [(name, example["input"]) for name, calc in sorted(CALCULATORS.items())
            for example in calc.examples] + PYTHON_CASES


@pytest.mark.parametrize(("name", "raw"), _cases(), ids=lambda item: item if isinstance(item, str) else "")
def test_every_breakdown_row_is_labelled_by_what_it_is(name: str, raw: dict[str, Any]) -> None:
    calc = CALCULATORS[name]
    try:
        result = calc.run(raw)
    except Exception:  # an example refused (a worked refusal) has no breakdown
        if (name, raw) in PYTHON_CASES:
            raise
        pytest.skip("refused")
    values = calc.parse(raw)
    labels = {f.label: f.name for f in form_fields(calc)}
    region = _region_of(calc, values)
    for label, shown in detail_rows(calc, result["details"], raw):
        # a row carrying an input's label shows that input's value
        if label in labels and labels[label] in values:
            assert _same(values[labels[label]], shown), (name, label, shown, values[labels[label]])
        # a label naming provinces names only the case's (a variable shared by regions is not labelled for others)
        named = [place for place in PROVINCES if place in label]
        assert not named or (region is not None and named == [region]), (name, label, region)
        assert not re.search(r"[A-Za-z]{2,}", label)


def test_python_calculators_label_their_details() -> None:
    """The calculators still written in Python (no examples) label their details explicitly."""
    calc = CALCULATORS["contribution_base"]
    raw = {"region": "湖南", "year": 2020, "monthly_wage": 2000}
    result = calc.run(raw)
    rows = dict(detail_rows(calc, result["details"], raw))
    assert rows["缴费基数下限"] == shown_value(result["details"]["floor"]) and set(rows) >= {"缴费基数上限"}
    for name, raw in PYTHON_CASES:
        result = CALCULATORS[name].run(raw)
        assert detail_rows(CALCULATORS[name], result["details"], raw), name
