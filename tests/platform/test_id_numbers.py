"""公民身份号码 as every pillar checks it (kuaiban.platform.id_numbers): the check character and the birth
date are strict; the address code must be a county-level 行政区划代码 of any year, because numbers carry the
county where the 户口 was registered when the number was issued, not the county of the birth year."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from kuaiban.platform import auth
from kuaiban.platform.errors import Invalid
from kuaiban.platform.id_numbers import checked_citizen_id, citizen_id_problem


def number(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_a_person_born_before_their_district_was_created_is_accepted():
    tongzhou_1990 = number("11011219900517031")  # 北京市通州区 dates from 1997
    with pytest.raises(InvalidComponent):
        ric.validate(tongzhou_1990)  # python-stdnum alone refuses them
    assert citizen_id_problem(tongzhou_1990) is None


@pytest.mark.parametrize(("value", "problem"), [
    ("11010119900307001", "应为 18 位公民身份号码"),
    ("1101011990030700AX", "应为 18 位公民身份号码"),
    ("110101199003070012", "校验位不正确"),
    (number("11010119900230001"), "中的出生日期（第 7–14 位）不是有效日期"),
    (number("11010120990101001"), "中的出生日期（第 7–14 位）晚于今天"),
    (number("99999919900101001"), "中的地址码（前 6 位）不是行政区划代码"),
    (number("11019919900101001"), "中的地址码（前 6 位）不是行政区划代码"),  # no such county in 北京
])
def test_each_problem_is_named(value, problem):
    assert citizen_id_problem(value, today=dt.date(2026, 12, 3)) == problem


def test_a_lower_case_x_is_compacted_to_the_standard_capital():
    with_x = next(number(f"1101011990030700{i}") for i in range(10) if number(f"1101011990030700{i}")[-1] == "X")
    assert checked_citizen_id(with_x.lower()) == with_x


def test_an_account_is_refused_with_the_problem_in_chinese_naming_the_field():
    with pytest.raises(Invalid) as refused:
        auth.checked_id_number("citizen", "110101199003070012")
    assert str(refused.value) == "公民身份号码校验位不正确" and refused.value.field == "id_number"
