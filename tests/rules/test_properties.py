"""Monotonicity the texts imply, checked with hypothesis over the calculators."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban.rules.calculators import get
from kuaiban.rules.formulas import bands

months = st.integers(min_value=0, max_value=600)
money = st.floats(min_value=0, max_value=50_000, allow_nan=False)
pension = st.floats(min_value=0.01, max_value=50_000, allow_nan=False)  # 0 is refused (Field.positive, session 20)


@settings(max_examples=40, deadline=None)
@given(region=st.sampled_from(["湖南", "重庆"]), a=months, b=months, base=pension)
def test_pension_increase_never_falls_with_more_contribution_years(region, a, b, base) -> None:
    low, high = sorted((a, b))
    common = {
        "region": region,
        "year": 2020 if region == "湖南" else 2021,
        "scheme": "enterprise",
        "pension_base": base,
        "birth_date": "1950-06-01",
        "retirement_date": "2004-06-30",
        "county": "城口县" if region == "重庆" else "吉首市",  # a hardship county of the retiree's own province
    }
    calc = get("pension_adjustment")
    assert calc.run({**common, "contribution_months": low})["value"] <= calc.run(
        {**common, "contribution_months": high})["value"]


@settings(max_examples=40, deadline=None)
@given(region=st.sampled_from(["湖南", "重庆", "上海", "天津"]), a=money, b=money)
def test_contribution_base_is_monotone_and_within_bounds(region, a, b) -> None:
    year = 2021 if region == "重庆" else 2020
    calc = get("contribution_base")
    low, high = (calc.run({"region": region, "year": year, "monthly_wage": w}) for w in sorted((a, b)))
    assert low["value"] <= high["value"]
    assert low["details"]["floor"] <= low["value"] <= low["details"]["cap"]


@settings(max_examples=40, deadline=None)
@given(a=months, b=months, income=st.floats(min_value=1, max_value=20_000))
def test_survivor_benefit_grows_with_contribution_years(a, b, income) -> None:
    low, high = sorted((a, b))
    calc = get("survivor_benefit")
    base = {"death_date": "2022-01-01", "status": "employed", "base_income": income}
    assert calc.run({**base, "contribution_months": low})["value"] <= calc.run(
        {**base, "contribution_months": high})["value"] + 1e-6


@settings(max_examples=40, deadline=None)
@given(contrib=st.integers(min_value=180, max_value=480), a=months, b=months)
def test_retiree_survivor_benefit_falls_with_pension_drawn_but_not_below_nine_months(contrib, a, b) -> None:
    low, high = sorted((a, b))
    calc = get("survivor_benefit")
    base = {"death_date": "2022-01-01", "status": "retired", "contribution_months": contrib, "base_income": 1000}
    early = calc.run({**base, "pension_months": low})
    late = calc.run({**base, "pension_months": high})
    assert late["value"] <= early["value"]
    assert late["details"]["pension_months"] >= 9


@settings(max_examples=40, deadline=None)
@given(a=months, b=months, nth=st.integers(min_value=1, max_value=12))
def test_beijing_benefit_grows_with_contribution_time_in_first_year(a, b, nth) -> None:
    low, high = sorted((a, b))
    calc = get("unemployment_benefit")
    base = {"region": "北京", "month": "2020-09", "benefit_month": nth}
    assert calc.run({**base, "contribution_months": low})["value"] <= calc.run(
        {**base, "contribution_months": high})["value"]


@settings(max_examples=60, deadline=None)
@given(bounds=st.lists(st.integers(-50, 500) | st.floats(-50, 500), min_size=1, max_size=6).map(sorted),
       values=st.lists(st.integers(-2**31, 2**31 - 1) | st.integers(-100, 600), min_size=1, max_size=50))
def test_bands_by_table_are_the_binary_search(bounds, values) -> None:
    """formulas.bands (a table over the bounds' range) answers as searchsorted does, for every whole number."""
    import numpy as np

    array = np.array(values, dtype=np.int32)
    assert bands(array, np.array(bounds)).tolist() == np.searchsorted(np.array(bounds), array, side="right").tolist()
