"""A calculator's 参保地 may be typed as a city, county or address inside the province (长沙市, 湖南省长沙市岳麓区), as a
caseworker writes it — not only as the province or a code (rules audit s14, stumble S1: “长沙市” was refused while
430100 was taken). A name that fits places in several provinces is still refused, naming the field."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.enums import Region
from kuaiban.rules.regions import region_of

CASE = {"month": "2024-06", "local_minimum_wage": 1700}


@pytest.mark.parametrize(("typed", "province"), [
    ("长沙市", Region.hunan), ("湖南省长沙市岳麓区", Region.hunan), ("430100", Region.hunan), ("湖南", Region.hunan),
    ("济南市", Region.shandong), ("重庆市渝中区", Region.chongqing),
])
def test_a_place_inside_a_province_reads_as_that_province(typed, province):
    assert region_of(typed) is province


@pytest.mark.parametrize("typed", ["城关区", "火星", "hunanx", ""])
def test_an_unknown_or_ambiguous_name_is_no_province(typed):
    assert region_of(typed) is None  # 城关区 is a district of several provinces' cities


def test_the_calculator_answers_for_a_city_as_for_its_province():
    calc = get("unemployment_benefit")
    assert calc.run(CASE | {"region": "长沙市"})["value"] == calc.run(CASE | {"region": "湖南"})["value"] == 1530


def test_an_ambiguous_name_is_refused_at_the_field():
    with pytest.raises(CalculatorError) as refused:
        get("unemployment_benefit").run(CASE | {"region": "城关区"})
    assert str(refused.value).startswith("参保地：未知地区「城关区」")
