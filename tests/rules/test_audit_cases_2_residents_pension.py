"""Audit 2 (session 12), item 3: residents_pension assumed the contribution condition of 湘政发〔2020〕19号 七
("按已满足计算"). It is now decided from the years paid, back-paid years included, against the years required
by the age at the old scheme's start (residents_pension_required_years). Cases worked by hand from the clauses
cited beside them; the scheme start date 2010-07-01 is an assumed input, not an official date."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get

# hunan-hrss-2020.txt:5506 (七): “年满 60 周岁、累计缴费满 15 年，且未领取国家规定的基本养老保障待遇的，可以从符合
#   领取条件的次月起按月领取” (no 不含补缴 here: back-paid years count).
# hunan-hrss-2020.txt:5508 (七): “制度实施时已年满 60 周岁，…不用缴费，…可以按月领取城乡居民养老保险基础养老金；距规定
#   领取年龄不足 15 年的，应逐年缴费，允许补缴，累计缴费不超过 15 年；距规定领取年龄超过 15 年的，应按年缴费，累计缴费
#   不少于 15 年。”
# hunan-hrss-2020.txt:5498 (六（一）): “对累计缴费年限满 15 年（不含补缴年限）的，每增加 1 年缴费，每月加发年限基础养老金
#   2 元。” (不含补缴 only for this extra); :5502 (六（二）): “个人账户全部储存额除以 139”.

BASE = {"region": "湖南", "month": "2021-06", "basic_pension": 100, "scheme_start_date": "2010-07-01"}


def run(case: dict) -> dict:
    return get("residents_pension").run(BASE | case)


def texts(result: dict) -> str:
    return "\n".join(item["text"] for item in result["explanation"])


def test_fewer_years_than_required_near_60_at_the_start_is_not_eligible() -> None:
    # 5508 不足15年: born 1960-05-10 reaches 60 on 2020-05-10, 9 years 10 months and 9 days after 2010-07-01 → 9.92
    # years, 10 to pay (a started year counts, as residents_pension_required_years); 5 paid → not eligible, 补缴 allowed.
    result = run({"birth_date": "1960-05-10", "contribution_years": 5, "total_contribution_years": 5,
                  "account_balance": 3000})
    assert result["value"] == 0 and result["details"] == {"eligible": False, "required_years": 10}
    last = [item for item in result["explanation"] if item["value"] == 0.0][-1]
    assert "不足须缴的 10 年" in last["text"] and "允许补缴，尚差 5 年" in last["text"]
    assert last["source"]["article"] == "七" and "允许补缴" in last["source"]["quote"]
    assert "无法从输入判断" not in texts(result)


def test_the_required_years_paid_give_the_pension() -> None:
    # 5508: 10 years paid (none back-paid) = the 10 required; 5502: 3000 ÷ 139 = 21.58; 100 + 0 + 21.58 = 121.58
    result = run({"birth_date": "1960-05-10", "contribution_years": 10, "total_contribution_years": 10,
                  "account_balance": 3000})
    assert result["value"] == 121.58 and result["details"]["eligible"] is True
    assert "已满须缴的 10 年" in texts(result)


def test_back_paid_years_count_for_the_condition_but_not_for_the_extra() -> None:
    # 5506/5508 count back-paid years; 5498 excludes them from the 2元 extra: 4 paid + 6 back-paid = 10 ≥ 10 → eligible,
    # extra 0 (4 years 不含补缴 < 15); 100 + 0 + 21.58
    result = run({"birth_date": "1960-05-10", "contribution_years": 4, "total_contribution_years": 10,
                  "account_balance": 3000})
    assert result["value"] == 121.58 and result["details"]["extra_years_pension"] == 0


def test_nothing_paid_five_years_from_60_at_the_start_is_not_eligible() -> None:
    # 5508 不足15年: born 1955-03-10 reaches 60 on 2015-03-10, 4.75 years after the start → 5 to pay; 0 paid.
    # The old answer was 100 (the basic pension, with the condition assumed).
    result = run({"birth_date": "1955-03-10", "contribution_years": 0, "total_contribution_years": 0,
                  "account_balance": 0})
    assert result["value"] == 0 and result["details"]["required_years"] == 5


def test_60_at_the_start_draws_the_basic_pension_without_paying() -> None:
    # 5508: born 1948-01-01 was 62 on 2010-07-01 → “不用缴费，…可以按月领取…基础养老金”: 100, by 5508, not by 5506
    result = run({"birth_date": "1948-01-01", "contribution_years": 0, "total_contribution_years": 0,
                  "account_balance": 0})
    assert result["value"] == 100 and result["details"]["required_years"] == 0
    required = result["explanation"][1]
    assert "不用缴费" in required["text"] and required["source"]["article"] == "七"


def test_twelve_years_are_not_enough_for_someone_born_1965() -> None:
    # Born 1965-03-01: 60 on 2025-03-01, paid from 2025-04 (5506 次月). On 2010-07-01 they were 45.33, i.e. 14.67
    # years from 60 (the audit's table says “45.3 years to 60”: that is their age): 5508 不足15年 → pay each year,
    # a started year counting → 15, at most 15. 12 paid → not eligible; 补缴 allowed (3 more years).
    result = get("residents_pension").run(BASE | {"month": "2025-04", "birth_date": "1965-03-01",
                                                  "contribution_years": 12, "total_contribution_years": 12,
                                                  "account_balance": 0})
    assert result["value"] == 0 and result["details"]["required_years"] == 15
    assert "14.67 年，不足15年" in texts(result) and "尚差 3 年" in texts(result)


def test_more_than_15_years_from_60_at_the_start_needs_15_with_no_shortcut() -> None:
    # 5508 超过15年 → 累计缴费不少于15年: the same person with a scheme started 2009-09-01 was 15.5 years from 60.
    # 14 years → 0 (no 延缴 route for residents in 19号); 15 → 100.
    case = {"month": "2025-04", "birth_date": "1965-03-01", "scheme_start_date": "2009-09-01", "account_balance": 0,
            "contribution_years": 14}
    short = get("residents_pension").run(BASE | case | {"total_contribution_years": 14})
    assert short["value"] == 0 and "15.50 年：累计缴费不少于15年" in texts(short)
    assert short["explanation"][-2]["source"]["article"] == "七、养老保险待遇领取条件"  # 5506: 满15年
    assert get("residents_pension").run(BASE | case | {"total_contribution_years": 15})["value"] == 100


def test_twenty_years_decide_the_condition_and_give_the_extra() -> None:
    # 5498: 20 years 不含补缴, 5 over 15 → 5 × 2 = 10; 5502: 13900 ÷ 139 = 100; 100 + 10 + 100 = 210 (unchanged),
    # now without the line saying the condition “无法从输入判断”.
    result = run({"birth_date": "1960-05-10", "contribution_years": 20, "total_contribution_years": 20,
                  "account_balance": 13900})
    assert result["value"] == 210 and "无法从输入判断" not in texts(result)


def test_the_new_inputs_are_required_and_consistent() -> None:
    case = {"birth_date": "1960-05-10", "contribution_years": 12, "account_balance": 0}
    for missing in ("total_contribution_years", "scheme_start_date"):
        with pytest.raises(CalculatorError) as caught:
            get("residents_pension").run({key: value for key, value in (BASE | case | {"total_contribution_years": 12})
                                          .items() if key != missing})
        assert caught.value.field == missing and caught.value.reason == "缺少此字段"
    with pytest.raises(CalculatorError) as caught:  # years 不含补缴 are part of the years 含补缴
        run(case | {"total_contribution_years": 10})
    assert caught.value.field == "total_contribution_years" and "少于不含补缴年限的累计缴费年限 12 年" in caught.value.reason


@pytest.mark.parametrize(("birth", "required"), [("1960-05-10", 10), ("1955-03-10", 5), ("1948-01-01", 0)])
def test_required_years_no_longer_print_the_general_15_year_line_against_their_answer(birth: str,
                                                                                        required: int) -> None:
    # 5508 replaces 5506's 满15年 for those 60 or near 60 at the start; the line of 5506 now shows only where 15 applies
    result = get("residents_pension_required_years").run(
        {"region": "湖南", "month": "2021-03", "birth_date": birth, "scheme_start_date": "2010-07-01"})
    assert result["value"] == required
    assert not any("累计缴费满15年" in item["text"] for item in result["explanation"])
    young = get("residents_pension_required_years").run(
        {"region": "湖南", "month": "2021-03", "birth_date": "1980-05-01", "scheme_start_date": "2010-07-01"})
    assert young["value"] == 15 and any("累计缴费满15年" in item["text"] for item in young["explanation"])
