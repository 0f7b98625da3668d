"""Cases of the first outside audit of session 12 (D1–D7, U1, U4) on 失业保险金, 丧葬费/丧葬补助金 and 工伤待遇调整,
each worked by hand from the compilation lines cited beside it (paths under data/compilations/). Each once gave a
bare 0 where no printed rule covers the case, asked for a figure the texts print, or named the wrong source."""

from __future__ import annotations

from datetime import date

import pytest

from kuaiban.rules.expressions import years_after
from kuaiban.rules.system import tax_benefit_system
from tests.rules.audit_support import refused as refusal
from tests.rules.audit_support import run, steps


def texts(result: dict) -> str:
    return "\n".join(s["text"] for s in result["explanation"])


# ---- unemployment_benefit, 重庆 (D1, D2) ----

CQ = {"region": "重庆", "national_key_county": True}


@pytest.mark.parametrize("case", [
    {"region": "重庆", "month": "2021-10", "local_minimum_wage": 1800, "national_key_county": False},
    {"region": "重庆", "month": "2021-10", "local_minimum_wage": 1800},  # not said: not assumed
    {"region": "重庆", "month": "2022-05", "national_key_county": False},
])
def test_d1_a_chongqing_county_that_is_not_a_national_key_county_is_refused_not_0(case):
    # chongqing-hrss-2021.txt:9254 (渝人社办[2021]189号（四）3) “对国家重点帮扶县,失业保险金标准按当地最低工资标准90%确定”:
    # nothing in the compilations sets the other counties' standard
    error = refusal("unemployment_benefit", case)
    assert error.field == "national_key_county"
    assert "其他区县的失业保险金标准汇编未载" in error.reason and "90%" in error.reason
    assert "城口县、巫溪县、酉阳县、彭水县" in error.reason


def test_d2_the_four_key_counties_all_stand_in_band_2_of_the_2022_minimum_wage():
    # chongqing-hrss-2021.txt:7534 (渝人社〔2021〕234号) “对城口县、巫溪县、酉阳县、彭水县4个国家级乡村振兴重点帮扶县…”;
    # :16967 (渝人社发〔2021〕52号 一（二）) “城口县、…巫溪县、石柱县、秀山县、酉阳县、彭水县职工最低月工资标准为2000元/月”
    # (GB/T 2260: 城口 500229, 巫溪 500238, 酉阳 500242, 彭水 500243)
    p = tax_benefit_system().parameters("2022-04-01")
    key = set(p.unemployment_benefit.key_counties.r500000.counties)
    assert key == {"500229", "500238", "500242", "500243"}
    assert key <= set(p.minimum_wage.r500000.band_2.counties)
    assert not key & set(p.minimum_wage.r500000.band_1.counties)
    assert p.minimum_wage.r500000.band_2.monthly == 2000


def test_d2_from_april_2022_the_printed_minimum_wage_is_used_and_a_supplied_one_is_said_unused():
    # chongqing-hrss-2021.txt:16967 2000元/月, :16987 “上述标准自2022年4月1日起执行”; :9254 90%: 2000 × 90% = 1800
    result = run("unemployment_benefit", {**CQ, "month": "2022-05", "local_minimum_wage": 1800})
    assert result["value"] == 1800
    cited = steps(result)
    assert ("渝人社发〔2021〕52号", "一（二）", "以上各县均属最低工资标准第2档：职工最低月工资标准2000元/月") in cited
    assert any(doc == "渝人社〔2021〕234号" and "城口县、巫溪县、酉阳县、彭水县" in text for doc, _, text in cited)
    assert any(doc == "渝人社办[2021]189号" and "2000元/月×90%＝月发放标准1800元" in text for doc, _, text in cited)
    assert "使用者提供的当地最低工资标准1800元/月未采用" in texts(result)
    assert "汇编未载明" not in texts(result)
    # not asked for: the same answer without it
    assert run("unemployment_benefit", {**CQ, "month": "2022-05"})["value"] == 1800


def test_d2_before_april_2022_the_chongqing_minimum_wage_is_still_an_official_figure_to_supply():
    # chongqing-hrss-2021.txt:16987 the 52号 standard applies from 2022-04-01; nothing earlier is printed
    error = refusal("unemployment_benefit", {**CQ, "month": "2022-03"})
    assert error.field == "local_minimum_wage"
    result = run("unemployment_benefit", {**CQ, "month": "2022-03", "local_minimum_wage": 1800})
    assert result["value"] == 1620  # 1800 × 90%
    assert "1800元/月（官方数字由使用者提供，汇编未载明）×90%＝月发放标准1620元" in texts(result)


# ---- unemployment_benefit: a year of contributions outside Beijing (U1) ----

@pytest.mark.parametrize("case", [
    {"region": "湖南", "month": "2020-05", "local_minimum_wage": 1700, "contribution_months": 6},
    {"region": "山东", "month": "2020-08", "local_minimum_wage": 1910, "contribution_months": 0},
    {**CQ, "month": "2022-05", "contribution_months": 11},
])
def test_u1_under_a_year_of_contributions_gets_no_unemployment_benefit_with_the_condition_cited(case):
    # hunan-hrss-2020.txt:5151 (人社部发〔2020〕40号 二) “对参保缴费满1年、非因本人意愿中断就业、已办理失业登记并有求职要求的
    # 失业人员，应及时足额发放失业保险金”; shandong-2020.txt:5348 (鲁人社函〔2020〕41号 一（二）) the same; :5354 those under
    # a year “不符合领取失业保险金条件”
    result = run("unemployment_benefit", case)
    assert result["value"] == 0
    doc, article, text = steps(result)[-1]
    assert (doc, article) == ("人社部发〔2020〕40号", "二")
    assert f"累计缴费{case['contribution_months']}个月，不满12个月，不属于领取范围" in text


def test_u1_a_full_year_is_paid_and_months_not_given_are_said_unchecked():
    # hunan-hrss-2020.txt:5151 满1年; :4163 (湘人社规〔2020〕2号 二) 最低工资标准的90%: 1700 × 90% = 1530
    hunan = {"region": "湖南", "month": "2020-05", "local_minimum_wage": 1700}
    full = run("unemployment_benefit", {**hunan, "contribution_months": 12})
    assert full["value"] == 1530 and "累计缴费12个月，满领取失业保险金所需的12个月" in texts(full)
    unknown = run("unemployment_benefit", hunan)
    assert unknown["value"] == 1530 and "未提供累计缴费月数，未核对领取条件" in texts(unknown)


def test_u1_beijing_is_unchanged_and_a_minimum_wage_given_there_is_said_unused():
    # court-national-provinces-2020.txt:2515 (京人社发[2020]8号 解读) 满1年; 京人社发[2020]8号 一（二） 1843 for 5–10 years
    result = run("unemployment_benefit", {"region": "北京", "month": "2020-09", "contribution_months": 60,
                                          "benefit_month": 1, "local_minimum_wage": 2200})
    assert result["value"] == 1843
    assert "使用者提供的当地最低工资标准2200元/月未采用" in texts(result)
    assert run("unemployment_benefit", {"region": "北京", "month": "2020-09", "contribution_months": 11,
                                        "benefit_month": 1})["value"] == 0


# ---- unemployment_benefit_to_retirement, 上海 (U4) ----

SH = {"region": "上海", "unemployment_benefit_exhausted": True}


def test_u4_shanghais_two_year_rule_is_not_stretched_back_over_months_before_it_took_effect():
    # court-national-provinces-2020.txt:3031–3033 (沪府规〔2020〕10号（二十一）) “…且距离法定退休年龄不足 2 年的人员，继续发放失业
    # 保险金直至法定退休年龄”; :3094 “本意见自 2020 年 5月 29日起施行”. Ended 2020-03-31, retiring 2021-12-31: 21 months
    # at the end, so the national 1 year (hunan-hrss-2020.txt:5151) does not reach it; whether the Shanghai rule does
    # is not printed. It once answered 21 in June (counting April and May) and 0 in May.
    case = {**SH, "benefit_end_date": "2020-03-31", "statutory_retirement_date": "2021-12-31"}
    error = refusal("unemployment_benefit_to_retirement", {**case, "month": "2020-06"})
    assert error.field == "benefit_end_date"
    assert "2020年5月29日起施行" in error.reason and "不足2年" in error.reason and "不足1年" in error.reason
    # 2020-05-28: the national 1-year rule alone is in force, which this person does not meet (session 15: the
    # month 2020-05 alone, within which the Shanghai rule starts, asks for the day; it used to answer 0)
    assert run("unemployment_benefit_to_retirement", {**case, "month": "2020-05-28"})["value"] == 0
    asked = refusal("unemployment_benefit_to_retirement", {**case, "month": "2020-05"})
    assert asked.field == "month" and "2020年5月29日起变化" in asked.reason


def test_u4_cases_the_national_rule_settles_or_that_end_after_the_shanghai_rule_are_still_answered():
    # hunan-hrss-2020.txt:5151 不足1年: ended 2020-03-31, retiring 2020-12-31 → 9 months (April … December)
    national = {**SH, "benefit_end_date": "2020-03-31", "statutory_retirement_date": "2020-12-31", "month": "2020-06"}
    assert run("unemployment_benefit_to_retirement", national)["value"] == 9
    # court-national-provinces-2020.txt:3031–3033: ended 2020-06-30, retiring 2022-03-15 (under 2 years) → 21 months
    after = {**SH, "benefit_end_date": "2020-06-30", "statutory_retirement_date": "2022-03-15", "month": "2020-08"}
    assert run("unemployment_benefit_to_retirement", after)["value"] == 21
    # retiring 2023-12-31: more than 2 years from June 2020 under any reading → 0
    far = {**SH, "benefit_end_date": "2020-03-31", "statutory_retirement_date": "2023-12-31", "month": "2020-06"}
    assert run("unemployment_benefit_to_retirement", far)["value"] == 0


def test_years_after_gives_the_anniversary_that_under_n_years_is_measured_against():
    assert years_after(date(2020, 3, 31), 1) == date(2021, 3, 31)
    assert years_after(date(2020, 2, 29), 1) == date(2021, 3, 1)  # 2021-02-28 is still under a year


# ---- funeral_grant (D3–D6) ----

@pytest.mark.parametrize("case", [
    {"region": "湖南", "death_date": "2021-10-01"},
    {"region": "湖南", "death_date": "2021-10-01", "public_institution_staff": False},
])
def test_d3_hunan_covers_only_staff_of_government_bodies_and_public_institutions(case):
    # hunan-hrss-2020.txt:5739 (湘人社规〔2020〕9号 三) “机关事业单位工作人员死亡后丧葬费暂不作调整，继续按因病死亡标准 7000 元、
    # 因工（公）死亡标准 9000 元执行” — nothing for others, whose grant is not in this text
    error = refusal("funeral_grant", case)
    assert error.field == "public_institution_staff" and "只适用于机关事业单位工作人员" in error.reason
    assert run("funeral_grant", {**case, "public_institution_staff": True})["value"] == 7000


CQ_RETIREE = {"region": "重庆", "death_date": "2021-03-01", "disability_grade": 2, "injury_date": "1990-01-01",
              "work_injury_retirement_date": "1995-01-01"}


@pytest.mark.parametrize("change, field, said", [
    ({"injury_date": "1996-10-01", "disability_grade": 3, "work_injury_retirement_date": "2003-12-31"},
     "injury_date", "1996年10月1日（不含）以前受伤"),
    ({"disability_grade": 5}, "disability_grade", "一至四级（或完全丧失劳动能力）"),
    ({"disability_grade": None}, "disability_grade", "一至四级"),
    ({"work_injury_retirement_date": "2004-01-01"}, "work_injury_retirement_date", "2004年1月1日（不含）以前"),
])
def test_d4_chongqing_outside_the_old_work_injury_group_is_refused_naming_the_condition(change, field, said):
    # chongqing-hrss-2021.txt:19923–19927 (渝人社发〔2021〕5号 一) “（一）1996年10月1日(不含)以前受伤…（二）退休前伤残等级
    # 达到一至四级(或完全丧失劳动能力)；（三）2004年1月1日以前(不含)按国发〔1978〕104号文件办理了工伤退休” — it defines whom
    # the notice covers; others' 丧葬补助金 come under rules the compilations do not print
    case = {k: v for k, v in {**CQ_RETIREE, **change}.items() if v is not None}
    error = refusal("funeral_grant", case)
    assert error.field == field and said in error.reason and "不在本计算范围" in error.reason


def test_d4_grade_5_fully_disabled_is_in_the_group():
    # chongqing-hrss-2021.txt:19925 “(或完全丧失劳动能力)”; :19933 6个月; :18608 7438: 6 × 7438 = 44628
    assert run("funeral_grant", {**CQ_RETIREE, "disability_grade": 5, "fully_disabled": True})["value"] == 44628


def test_d5_a_death_year_without_a_printed_wage_asks_for_the_wage_instead_of_answering_0():
    # chongqing-hrss-2021.txt:19933, 19941 丧葬补助金 = 6 × 死亡当年度…在岗职工月平均工资; only 2021's is printed (:18608)
    case = {**CQ_RETIREE, "death_date": "2022-03-01"}
    error = refusal("funeral_grant", case)
    assert error.field == "average_monthly_wage" and "汇编未载该年度" in error.reason
    result = run("funeral_grant", {**case, "average_monthly_wage": 7000})
    assert result["value"] == 42000  # 6 × 7000
    assert any(doc == "渝人社发〔2021〕5号" and "7000元（官方数字由使用者提供，汇编未载明）" in text
               for doc, _, text in steps(result))


def test_d6_the_printed_2021_wage_cites_its_notice_and_a_supplied_wage_is_said_unused():
    # chongqing-hrss-2021.txt:18608 (渝人社发〔2021〕51号 一) “工伤保险的一次性丧葬补助金…计发基数为7438元/月”: 6 × 7438 = 44628
    result = run("funeral_grant", {**CQ_RETIREE, "average_monthly_wage": 6000})
    assert result["value"] == 44628
    cited = steps(result)
    assert ("渝人社发〔2021〕51号", "一", "在岗职工月平均工资7438元取计发企业职工养老保险待遇的计发基数") in cited
    assert ("渝人社发〔2021〕51号", "一", "使用者提供的在岗职工月平均工资6000元未采用：按汇编所载的7438元计算") in cited
    assert "使用者提供，汇编未载明" not in texts(result)


# ---- work_injury_benefit_adjustment (D7) ----

def test_d7_chongqing_pre_2004_disability_pension_is_refused_not_0():
    # chongqing-hrss-2021.txt:19965–19975 (渝人社发〔2021〕11号 二、三) adjusts 伤残津贴 and 供养亲属抚恤金 only; the pre-2004
    # 伤残抚恤金 rule is 湖南's: hunan-hrss-2020.txt:5940 (湘人社规〔2020〕15号 三（三）)
    case = {"region": "重庆", "month": "2021-05", "work_injury_benefit_kind": "disability_pension_before_2004",
            "disability_grade": 2, "monthly_benefit_before": 1000, "benefit_start_date": "2000-01-01"}
    error = refusal("work_injury_benefit_adjustment", case)
    assert error.field == "work_injury_benefit_kind" and "汇编未载" in error.reason
    # 湖南 2020: 1400 + 140 = 1540, topped up to the supplied minimum wage 1700 → +300 (hunan-hrss-2020.txt:5906 一（二）
    # “其伤残津贴每人每月增加 140 元…低于 2020 年统筹地区最低工资标准的，补足到统筹地区最低工资标准”; :5940 三（三） likewise)
    hunan = {**case, "region": "湖南", "month": "2020-05", "monthly_benefit_before": 1400, "local_minimum_wage": 1700}
    assert run("work_injury_benefit_adjustment", hunan)["value"] == 300
    # 重庆's 伤残津贴 for the same grade 2: +280 (chongqing-hrss-2021.txt:19971)
    allowance = {**case, "work_injury_benefit_kind": "disability_allowance"}
    assert run("work_injury_benefit_adjustment", allowance)["value"] == 280
