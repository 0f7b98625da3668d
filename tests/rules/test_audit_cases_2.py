"""Cases of the second outside audit (2026-12-05): suspected defects left by the first, each checked against
the compilations by a reader who saw the text before the code; each case is worked by hand from the clause
cited beside it, and each once gave a bare zero, a placeholder, or an answer the text does not give."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get


def run(name: str, case: dict) -> dict:
    return get(name).run(case)


def refused(name: str, case: dict) -> CalculatorError:
    with pytest.raises(CalculatorError) as caught:
        get(name).run(case)
    return caught.value


# ---- apprenticeship_subsidy ----
# chongqing-hrss-2021.txt:11518 (人社部发〔2021〕39号 五（一）): “补贴标准由各市(地)以上人力资源社会保障部门会同财政部门
# 确定,学徒每人每年的补贴标准原则上5000元以上”; :12175 (渝人社发〔2021〕31号 三（一）): 6000元/人·年 for 高级工 and above.

APPRENTICES = {"apprentices": 10, "apprentice_training_months": 12, "apprentice_filed_months": 12}


@pytest.mark.parametrize("case", [
    {"region": "湖南", "application_date": "2021-08-01"},
    {"region": "重庆", "application_date": "2021-10-08"},  # no 高级工 certificate: the district's own standard
    {"region": "重庆", "application_date": "2021-09-01", "apprentice_advanced_certificate": True},  # before 31号
])
def test_an_apprenticeship_standard_the_texts_leave_to_the_city_is_asked_for_not_taken_as_zero(case) -> None:
    error = refused("apprenticeship_subsidy", case | APPRENTICES)
    assert error.field == "apprentice_local_standard" and "5000元以上" in error.reason


def test_an_apprenticeship_subsidy_with_its_standard_is_computed() -> None:
    assert run("apprenticeship_subsidy", {"region": "湖南", "application_date": "2021-08-01",
                                          "apprentice_local_standard": 5000} | APPRENTICES)["value"] == 50000
    assert run("apprenticeship_subsidy", {"region": "重庆", "application_date": "2021-10-08",
                                          "apprentice_advanced_certificate": True} | APPRENTICES)["value"] == 60000
