"""A step that already prints its value is not followed by it again (usability review s14, cosmetic 3:
“…×90%＝月发放标准1530元：1530”)."""

from __future__ import annotations

import re

import pytest

from kuaiban.web.calc_forms import states_value


@pytest.mark.parametrize(("text", "value", "stated"), [
    ("当地最低工资标准1700元/月×90%＝月发放标准1530元", 1530.0, True),
    ("2020年起执行", 0, False),           # the 0 of 2020 is not the value 0
    ("补贴标准为每人1000元", 100, False),  # 100 is not printed: 1000 is another number
    ("比例为0.5", 0.5, True),
    ("符合条件", True, False),            # 是/否 are always shown
    ("月数", None, False),
])
def test_a_value_counts_as_printed_only_as_a_whole_number(text, value, stated):
    assert states_value(text, value) is stated


def test_the_unemployment_benefit_step_shows_1530_once(app_client):
    form = {"region": "湖南", "month": "2024-06", "local_minimum_wage": "1700"}
    page = app_client.post("/calc/unemployment_benefit", data=form).text
    step = re.search(r"<p>[^<]*月发放标准1530元[^<]*(?:：<strong>[^<]*</strong>)?</p>", page)
    assert step is not None and "：<strong>" not in step.group(0)


def test_an_unknown_calculator_sends_back_to_the_calculators(app_client):
    """Usability review s14, cosmetic 6: its 404 offered 返回法规库检索."""
    r = app_client.get("/calc/no_such_calculator")
    assert r.status_code == 404 and '<a href="/calc">返回政策计算</a>' in r.text
