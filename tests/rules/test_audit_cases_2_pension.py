"""Audit 1 (session 12) D8, D9, D10 on pension_adjustment, worked by hand from the compilations
(data/compilations/<file>:<line>).

D8: the hardship-county tilt is matched by 行政区划代码 (GB/T 2260): a county is given as its code, its official
name or a common short form, and an unknown one is refused naming the field. D9: 重庆 leaves 建国前参加革命工作的
退休老工人 out of the adjustment. D10: the 重庆 scope and tilt steps cite the enterprise clauses.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from kuaiban.platform.regions import common_names
from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.calculators.base import parameters_at
from kuaiban.rules.calculators.pension_adjustment import FOUNDING_DAY
from kuaiban.rules.population import run_table

CALC = get("pension_adjustment")

# 重庆 2021, 渝人社发〔2021〕22号. chongqing-hrss-2021.txt:18538 "每人每月增加42元"; :18542 "每满1年,每人每月增加2元";
# :18544 "以本人2020年12月基本养老金为基数,每人每月增加0.7%". 300 months = 25 years: 42 + 50 + 3000 × 0.7% (21) = 113.
CQ = {"region": "重庆", "year": 2021, "scheme": "enterprise", "contribution_months": 300, "pension_base": 3000,
      "birth_date": "1955-01-01", "retirement_date": "2015-01-01"}
CQ_PLAIN = 113.0
CQ_TILT = 20.0  # :18552 "(黔江区、城口县、…、石柱县、秀山县、酉阳县、彭水县,下同)的企业退休人员,每人每月再增加20元"

# 湖南 2020, 湘人社规〔2020〕11号. hunan-hrss-2020.txt:5801 "每人每月增加基本养老金 50 元"; :5803 "每满 1 年月基本养老金
# 增加 1.4 元 … 每月再增加 1.5%". 360 months = 30 years: 50 + 42 + 2000 × 1.5% (30) = 122; born 1955, under 70
# on 2019-12-31 (:5805), no age tilt.
HN = {"region": "湖南", "year": 2020, "scheme": "enterprise", "contribution_months": 360, "pension_base": 2000,
      "birth_date": "1955-01-01", "retirement_date": "2015-01-01"}
HN_PLAIN = 122.0
HN_TILT = 8.0  # :5809 "（桑植县、江华瑶族自治县、…、凤凰县、…）的退休人员，每人每月再增加基本养老金 8 元"


def refused(case: dict) -> CalculatorError:
    with pytest.raises(CalculatorError) as caught:
        CALC.run(case)
    return caught.value


# ---- D8: the county by its 行政区划代码, official name or common short form ----


@pytest.mark.parametrize("county", ["石柱土家族自治县", "石柱县", "石柱", "500240", "重庆市石柱土家族自治县", "重庆市石柱县"])
def test_chongqing_shizhu_gets_the_hardship_tilt_however_it_is_written(county: str) -> None:
    # chongqing-hrss-2021.txt:18552 lists "石柱县": the county whose official name is 石柱土家族自治县, code 500240
    result = CALC.run(CQ | {"county": county})
    assert result["value"] == CQ_PLAIN + CQ_TILT == 133.0
    assert result["details"]["county_code"] == "500240"
    step = next(s for s in result["explanation"] if "艰苦边远地区" in s["text"])
    assert step["text"].startswith("所在区县石柱土家族自治县（500240）属于") and step["value"] == CQ_TILT


@pytest.mark.parametrize("county", ["秀山土家族苗族自治县", "酉阳土家族苗族自治县", "彭水苗族土家族自治县", "黔江区", "500229"])
def test_chongqing_other_listed_counties_by_official_name_or_code(county: str) -> None:
    # chongqing-hrss-2021.txt:18552 "秀山县、酉阳县、彭水县" (自治县 all three), "黔江区"; 500229 is 城口县
    assert CALC.run(CQ | {"county": county})["value"] == 133.0


@pytest.mark.parametrize("county", ["渝中区", "500103", "江北区", "500105"])
def test_chongqing_unlisted_districts_get_no_tilt_and_say_so(county: str) -> None:
    # 江北区 (500105) is a district of 重庆 in 2021 (the 行政区划 table withdraws the code only in 2025)
    result = CALC.run(CQ | {"county": county})
    assert result["value"] == CQ_PLAIN
    step = next(s for s in result["explanation"] if "艰苦边远地区" in s["text"])
    assert "不属于" in step["text"] and step["value"] == 0


@pytest.mark.parametrize("county", ["江华瑶族自治县", "江华县", "江华", "431129", "凤凰县", "凤凰", "433123", "湘西州凤凰县",
                                    "湖南省湘西土家族苗族自治州凤凰县", "吉首市"])
def test_hunan_listed_counties_by_official_name_short_form_code_or_address(county: str) -> None:
    # hunan-hrss-2020.txt:5809 lists "江华瑶族自治县" (people write 江华县) and "凤凰县" (in 湘西土家族苗族自治州)
    result = CALC.run(HN | {"county": county})
    assert result["value"] == HN_PLAIN + HN_TILT == 130.0
    assert result["explanation"][5]["value"] == HN_TILT


@pytest.mark.parametrize("county", ["长沙县", "岳麓区", "430104"])
def test_hunan_unlisted_counties_get_no_tilt(county: str) -> None:
    # hunan-hrss-2020.txt:5809: 长沙县 and 岳麓区 are not among the fourteen
    assert CALC.run(HN | {"county": county})["value"] == HN_PLAIN


@pytest.mark.parametrize(("case", "county", "says"), [
    (HN, "不存在县", "不是湖南省所辖的区县"),
    (CQ, "不存在县", "不是重庆市所辖的区县"),
    (HN, "城口县", "不是湖南省所辖的区县"),  # a county of another province (城口县 is 重庆's)
    (CQ, "吉首市", "不是重庆市所辖的区县"),
    (CQ, "430104", "不是重庆市所辖的区县"),  # a code of another province
    (CQ, "500232", "不是重庆市所辖的区县"),  # 武隆县, withdrawn in 2016 (now 武隆区 500156)
    (HN, "湘西州", "湖南省湘西土家族苗族自治州是地级区划"),  # a prefecture, not a county
    (HN, "433100", "湖南省湘西土家族苗族自治州是地级区划"),
    (HN, "长沙", "湖南省长沙市是地级区划，也可能是 湖南省长沙市长沙县（430121）"),  # 长沙市 or 长沙县
])
def test_a_county_that_cannot_be_read_is_refused_naming_the_field(case: dict, county: str, says: str) -> None:
    error = refused(case | {"county": county})
    assert error.field == "county" and error.message.startswith("所在区县：") and says in error.message
    assert f"「{county}」" in error.message


def test_the_short_forms_come_from_the_official_names() -> None:
    # the 民族 of an autonomous county's name are taken off (GB/T 3304's 56 names), the place name is kept
    assert common_names("石柱土家族自治县") == {"石柱县", "石柱"}
    assert common_names("彭水苗族土家族自治县") == {"彭水县", "彭水"}
    assert common_names("湘西土家族苗族自治州") == {"湘西州", "湘西"}
    assert common_names("凤凰县") == {"凤凰"}


# ---- D9: 建国前参加革命工作的退休老工人 are outside the 重庆 adjustment ----

# chongqing-hrss-2021.txt:18528 "(三)离休干部、建国前参加革命工作的退休老工人、两航起义退休人员、原南侨机工服务团退休人员等
# 不执行本次退休人员基本养老金调整办法。" The input is the 参加革命工作 date (the one :18550's 1953 tilt reads): a retiree
# who joined before 1949-10-01 is such a 老工人 (a 干部 who did is a 离休干部, also outside). 480 months = 40 years,
# retired 1990: 42 + 80 + 5000 × 0.7% (35) + :18554 (40 − 20) × 3 = 60 → 217, + :18550 1953 tilt 20 → 237.
OLD = CQ | {"contribution_months": 480, "pension_base": 5000, "birth_date": "1930-05-01",
            "retirement_date": "1990-06-01", "county": "渝中区"}


@pytest.mark.parametrize("start", ["1948-03-01", "1949-09-30"])
@pytest.mark.parametrize("scheme", ["enterprise", "institution"])
def test_chongqing_retiree_who_joined_the_revolution_before_1949_10_01_is_refused(start: str, scheme: str) -> None:
    error = refused(OLD | {"scheme": scheme, "work_start_date": start})
    assert error.field == "work_start_date"
    assert "建国前参加革命工作的退休老工人" in error.message and "不执行渝人社发〔2021〕22号的调整办法" in error.message
    assert "1949年10月1日以前" in error.message


def test_chongqing_retiree_who_joined_on_1949_10_01_gets_the_1953_tilt() -> None:
    result = CALC.run(OLD | {"work_start_date": "1949-10-01"})
    assert result["value"] == 237.0 and result["details"]["revolution_1953"] == 20
    excluded = next(s for s in result["explanation"] if s["source"]["article"] == "一、调整范围（三）")
    assert "1949-10-01 在1949年10月1日及以后，不属于建国前参加革命工作的退休老工人" in excluded["text"]


def test_chongqing_without_a_date_is_computed_as_joined_after_1949_and_says_so() -> None:
    result = CALC.run(OLD)
    assert result["value"] == 217.0
    excluded = next(s for s in result["explanation"] if s["source"]["article"] == "一、调整范围（三）")
    assert excluded["text"].startswith("未提供参加革命工作日期：按1949年10月1日及以后参加革命工作计算")


def test_hunan_has_no_such_exclusion() -> None:
    # hunan-hrss-2020.txt:5797: every 退休人员 retired by 2019-12-31 is in scope; 湘人社规〔2020〕11号 excludes no one by
    # the date they began work
    assert CALC.run(HN | {"county": "岳麓区", "work_start_date": "1948-03-01"})["value"] == HN_PLAIN


def test_the_day_population_mode_groups_by_is_the_parameter() -> None:
    p = parameters_at("2021-01-01").pension_adjustment.chongqing
    assert p.excluded_revolution_before == FOUNDING_DAY == "1949-10-01"
    assert CALC.gap_date_bounds == {"work_start_date": (FOUNDING_DAY,)}


# ---- D10: the 重庆 steps cite the enterprise clauses ----


def test_chongqing_enterprise_scope_cites_the_enterprise_clause() -> None:
    steps = CALC.run(CQ | {"county": "渝中区"})["explanation"]
    scope = steps[0]["source"]
    # chongqing-hrss-2021.txt:18516 "1.…按月领取基本养老金的企业退休人员(…)"; :18518 "2.…以个人身份参加…的人员"
    assert scope["article"] == "一、调整范围（一）1、2"
    assert "的企业退休人员" in scope["quote"] and "机关事业单位" not in scope["quote"]
    tilt = next(s for s in steps if s["text"].startswith("适当倾斜"))["source"]
    # :18548 "1.符合本通知调整范围第(一)项第1、2目规定的企业退休人员,在定额调整和挂钩调整的基础上,再按下列规定倾斜调整:"
    assert tilt["article"] == "三、（三）1" and "第(一)项第1、2目规定的企业退休人员" in tilt["quote"]


def test_chongqing_institution_scope_cites_the_institution_clause() -> None:
    steps = CALC.run(CQ | {"county": "渝中区", "scheme": "institution"})["explanation"]
    # chongqing-hrss-2021.txt:18526 "…按月领取基本养老金的机关事业单位退休人员(…)"
    assert steps[0]["source"]["article"] == "一、调整范围（二）" and "机关事业单位退休人员" in steps[0]["source"]["quote"]


def test_chongqing_retired_too_late_cites_its_own_scheme_scope() -> None:
    late = CALC.run(CQ | {"county": "渝中区", "retirement_date": "2021-01-01"})
    assert late["value"] == 0 and late["explanation"][0]["source"]["article"] == "一、调整范围（一）1、2"


# ---- population mode: the same answers and refusals, row by row ----


def test_population_mode_reads_counties_and_refuses_as_single_mode() -> None:
    cases = [
        CQ | {"county": "石柱土家族自治县"},
        CQ | {"county": "500240"},
        CQ | {"county": "渝中区", "work_start_date": "1949-09-30"},
        OLD | {"work_start_date": "1949-10-01"},
        OLD | {"work_start_date": "1948-03-01", "scheme": "institution"},
        OLD,
        HN | {"county": "江华县", "work_start_date": "1948-03-01"},
        HN | {"county": "湘西州凤凰县"},
        HN | {"county": "不存在县"},
        HN | {"county": "城口县"},
        CQ | {"county": "江北区", "work_start_date": "1960-01-01"},
    ]
    columns = {name: [case.get(name) for case in cases] for name in
               ("region", "year", "scheme", "contribution_months", "pension_base", "birth_date", "retirement_date",
                "county", "work_start_date")}
    table = pa.table(columns).cast(pa.schema([
        ("region", pa.dictionary(pa.int32(), pa.string())), ("year", pa.int64()), ("scheme", pa.string()),
        ("contribution_months", pa.int64()), ("pension_base", pa.float64()), ("birth_date", pa.string()),
        ("retirement_date", pa.string()), ("county", pa.dictionary(pa.int32(), pa.string())),
        ("work_start_date", pa.string())]))
    values, errors = run_table(CALC, table)
    for i, case in enumerate(cases):
        try:
            expected, field = CALC.run({k: v for k, v in case.items() if v is not None})["value"], None
        except CalculatorError as error:
            expected, field = None, error.field
        if field is None:
            assert errors[i] is None and values[i] == expected, (i, errors[i])
        else:
            assert errors[i] is not None and errors[i].startswith(f"{field}："), (i, errors[i])
    assert [e.split("：")[0] if e else None for e in errors] == [
        None, None, "work_start_date", None, "work_start_date", None, None, None, "county", "county", None]
    assert list(values[[0, 1, 3, 5, 6, 7]]) == [133.0, 133.0, 237.0, 217.0, 130.0, 130.0]
