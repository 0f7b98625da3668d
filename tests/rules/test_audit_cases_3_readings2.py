"""Readings earlier audits left open (session 13), each decided from the compilation lines cited beside it and
worked by hand. SD = shandong-2020.txt, Q2 = national-and-provinces-2020-q2.txt, HN = hunan-hrss-2020.txt,
CQ = chongqing-hrss-2021.txt. Figures the texts do not print (a city's standard, a minimum wage) are example inputs."""

from __future__ import annotations

import pytest

from tests.rules.audit_support import refused, run, step, steps

# ---- 1. work_for_training_subsidy: 山东 鲁人社字〔2020〕55号 第七条, the city's standard as an input ----
# SD:2871 “第七条 以工代训补贴。企业、农民专业合作社和扶贫车间等各类生产经营主体吸纳贫困劳动力就业并开展以工代训，以及
# 参保企业吸纳就业困难人员、零就业家庭成员就业并开展以工代训，按月给予生产经营主体补贴，最长不超过6个月，补贴标准由设区的市确定。”
# SD:2829 “（鲁人社字〔2020〕55号  2020年5月21日）”; SD:2919 “第二十五条 本办法自发布之日起施行，执行至2021年12年31日。”

WFTS = "work_for_training_subsidy"
CITY = {"region": "山东", "enterprise_size": "small", "work_for_training_kind": "city_standard", "wfts_trainees": 4,
        "application_date": "2021-06-10", "training_month": "2021-05", "wfts_city_standard": 600}
SD_55 = "鲁人社字〔2020〕55号"


def test_a_2021_shandong_month_is_paid_at_the_citys_standard_named_as_supplied():
    # 2021-05 is within 55号 (to 2021-12-31); 2 of the 6 months used → 4 left; 4 × 600 = 2400
    result = run(WFTS, {**CITY, "wfts_months_used": 2})
    assert result["value"] == 2400
    assert {doc for doc, _, _ in steps(result)} == {SD_55}
    assert step(result, "补贴标准由设区的市确定")["value"] == 600
    assert step(result, "设区的市确定的以工代训补贴标准", "官方数字由使用者提供")["value"] == 600
    # the 6 months per enterprise or per person: not said; read per person, and the step says so
    assert step(result, "按人员", "有歧义")["source"]["article"].endswith("第七条")


def test_without_the_citys_standard_the_case_is_refused_naming_it():
    error = refused(WFTS, {k: v for k, v in CITY.items() if k != "wfts_city_standard"})
    assert error.field == "wfts_city_standard" and "设区的市确定" in error.reason


def test_six_months_used_gives_0_with_the_reason():
    result = run(WFTS, {**CITY, "wfts_months_used": 6})
    assert result["value"] == 0
    assert step(result, "6 个月已满")["source"]["doc_no"] == SD_55


def test_an_individual_business_is_paid_for_poverty_hires_only():
    # “各类生产经营主体吸纳贫困劳动力” but “参保企业吸纳就业困难人员、零就业家庭成员”: a 个体工商户 must say which it hired
    shop = {**CITY, "enterprise_size": "individual_business", "wfts_trainees": 2}
    assert refused(WFTS, shop).field == "wfts_poverty_hires"
    assert run(WFTS, {**shop, "wfts_poverty_hires": True})["value"] == 2 * 600
    hardship = run(WFTS, {**shop, "wfts_poverty_hires": False})
    assert hardship["value"] == 0
    assert step(hardship, "参保企业", "不予补贴")["source"]["doc_no"] == SD_55


def test_a_month_before_55_took_effect_is_refused_and_points_to_78():
    # 55号 dated 2020-05-21: April 2020 is before it; May 2020 given alone is asked for its day (s15 rules2: the
    # month-within convention, tests/rules/test_s15_month_changes.py), a day before the 21st refused as April
    for month in ("2020-04", "2020-05-20"):
        error = refused(WFTS, {**CITY, "application_date": "2020-07-10", "training_month": month})
        assert error.field == "training_month" and "2020年5月21日" in error.reason and "鲁人社函〔2020〕78号" in error.reason
    asked = refused(WFTS, {**CITY, "application_date": "2020-07-10", "training_month": "2020-05"})
    assert asked.reason.startswith("该月内政策于2020年5月21日起变化")
    # June 2020 is covered: 4 × 600
    assert run(WFTS, {**CITY, "application_date": "2020-07-10", "training_month": "2020-06"})["value"] == 2400


def test_after_78s_claim_period_the_500_kind_is_refused_pointing_to_55():
    # SD:3905 (78号 四（五）) “受理期延长至2021年3月底”: a 2021-06 claim of the 500 kind was a bare coverage gap before
    error = refused(WFTS, {**CITY, "work_for_training_kind": "hiring", "training_month": "2020-12"})
    assert error.field == "work_for_training_kind"
    assert "受理期延长至2021年3月底" in error.reason and "鲁人社字〔2020〕55号 第七条" in error.reason


def test_after_2021_and_outside_shandong_the_city_kind_is_refused():
    late = refused(WFTS, {**CITY, "application_date": "2022-01-10", "training_month": "2021-12"})
    assert late.field == "application_date"
    hunan = refused(WFTS, {**CITY, "region": "湖南"})
    assert hunan.field == "work_for_training_kind" and "新吸纳就业" in hunan.reason


def test_the_500_kinds_of_2020_are_unchanged():
    # SD:3885 (78号 一) 每月500元/人: 2020-10 claimed 2020-11-05, 5 people → 2500; the city kind that month: 5 × 450
    case = {"region": "山东", "enterprise_size": "small", "wfts_trainees": 5, "application_date": "2020-11-05",
            "training_month": "2020-10"}
    assert run(WFTS, case)["value"] == 2500
    assert run(WFTS, {**case, "work_for_training_kind": "city_standard", "wfts_city_standard": 450})["value"] == 2250


# ---- 2. re-placement limits: 山东 and 湖南 公益性岗位, 天津 岗位补贴 / 遴选岗位补助 ----
# SD:1165 (鲁人社字〔2020〕36号 第十八条) “对首次聘用到公益性岗位的零就业家庭成员、建档立卡适龄贫困劳动力、大龄就业困难人员、
# 重度残疾人，补贴期满后连续一年以上仍未能通过用人单位吸纳、灵活就业、自主创业等方式实现就业的…可再次…安置…补贴期限重新计算…
# 累计安置次数（含首次聘用）原则上不超过2次。” SD:1155 (第十四条) 参照当地最低工资标准.

PWP = "public_welfare_post_subsidy"
SD_POST = {"region": "山东", "month": "2021-03", "pwp_kind": "城镇公益性岗位", "pwp_minimum_wage": 1900,
           "pwp_months_received": 10}


def test_a_third_shandong_placement_gets_0_with_the_limit():
    # before: no limit in 山东, paid 1900
    result = run(PWP, {**SD_POST, "pwp_placement": 3, "pwp_first_placed_priority": True,
                       "pwp_jobless_after_previous": True})
    assert result["value"] == 0
    placed = step(result, "第 3 次", "不超过 2 次", "不予补贴")
    assert placed["source"]["doc_no"] == "鲁人社字〔2020〕36号" and placed["source"]["article"].endswith("第十八条")


def test_a_second_shandong_placement_asks_both_conditions_and_pays_when_both_hold():
    with_group = {**SD_POST, "pwp_placement": 2, "pwp_first_placed_priority": True}
    assert refused(PWP, {**SD_POST, "pwp_placement": 2}).field == "pwp_first_placed_priority"
    assert refused(PWP, with_group).field == "pwp_jobless_after_previous"
    assert run(PWP, {**with_group, "pwp_jobless_after_previous": True})["value"] == 1900
    not_a_year = run(PWP, {**with_group, "pwp_jobless_after_previous": False})
    assert not_a_year["value"] == 0 and step(not_a_year, "不符合，不予补贴")
    other = run(PWP, {**with_group, "pwp_first_placed_priority": False, "pwp_jobless_after_previous": True})
    assert other["value"] == 0


def test_without_the_placement_number_the_first_is_assumed_and_said():
    result = run(PWP, SD_POST)
    assert result["value"] == 1900
    assert step(result, "未填写第几次", "按首次安置计算")


def test_a_second_hunan_placement_asks_who_the_person_is():
    # HN:4414 (湘人社规〔2020〕7号 第十八条) “补贴期满后仍然难以…就业的大龄（女年满45周岁、男年满55周岁）就业困难人员、重度残疾人、
    # 零就业家庭成员，可再次…安置…累计安置次数原则上不超过2次”: before, with nothing said, the default birth date made the
    # person “大龄” and 1700 was paid
    case = {"region": "湖南", "month": "2021-10", "pwp_kind": "城镇公益性岗位", "pwp_minimum_wage": 1700,
            "pwp_approval_date": "2021-01-01", "pwp_months_received": 9, "pwp_placement": 2}
    assert refused(PWP, case).field == "pwp_special"
    assert refused(PWP, {**case, "pwp_special": False, "sex": "女"}).field == "birth_date"
    # born 1970-01-01: 51 on 2021-10-01 ≥ 45 → 1700 (at most the minimum wage, 第十六条)
    older = run(PWP, {**case, "pwp_special": False, "sex": "女", "birth_date": "1970-01-01"})
    assert older["value"] == 1700 and step(older, "第 2 次", "符合")["source"]["doc_no"] == "湘人社规〔2020〕7号"
    # born 1990-01-01: 31 → not 大龄, not special → 0
    assert run(PWP, {**case, "pwp_special": False, "sex": "女", "birth_date": "1990-01-01"})["value"] == 0


JP = "job_post_subsidy"
TJ = {"region": "天津", "month": "2020-09", "si_mode": "单位招用或公益性岗位安排（单位申领）",
      "si_group": "就业困难人员中的零就业、单亲、低保家庭人员或需赡养（抚养）患重大疾病直系亲属人员",
      "si_employer_type": "养老服务企业（含民办非企业单位）、员工制家政企业", "si_first_approval_date": "2018-03-01",
      "jp_minimum_wage": 2050}


def test_tianjin_months_that_decide_the_post_subsidy_are_asked_not_read_as_0():
    # Q2:3729–3731 (津人社局发〔2020〕6号 第八条) “社保补贴期限一般最长不超过 3 年，每名享受社保补贴的人员享受期限一般累计不超过
    # 3年”; Q2:3736–3740 (第九条) “岗位补贴自社保补贴享受满 2年后与社保补贴一并申请”: before, no months given gave 0
    # (“已享受社保补贴 0 个月，当月尚不能申请”)
    assert refused(JP, TJ).field == "si_months_received"
    # 30 months ≥ 24: the 1-year 岗位补贴's months decide next
    assert refused(JP, {**TJ, "si_months_received": 30}).field == "jp_months_received"
    # 10 months < 24: the answer is 0 whatever the 岗位补贴 months, so they are not asked
    assert run(JP, {**TJ, "si_months_received": 10})["value"] == 0
    # Q2:3721 (第七条) 2050 × 40 % = 820
    assert run(JP, {**TJ, "si_months_received": 30, "jp_months_received": 3})["value"] == 820


def test_tianjin_selected_post_terms_are_asked_and_each_failure_is_said():
    # Q2:4285–4289 (津人社办发〔2020〕80号 三) “签订 1年以上劳动合同并依法缴纳社会保险费满 3个月的…每人每月 1000元…最长 3 年”:
    # before, a selected post without these gave a silent 0
    case = {**TJ, "si_months_received": 30, "jp_months_received": 3, "jp_selected_post": True}
    assert refused(JP, case).field == "jp_contract_months"
    assert refused(JP, {**case, "jp_contract_months": 12}).field == "jp_contribution_months"
    assert refused(JP, {**case, "jp_contract_months": 12, "jp_contribution_months": 3}).field == \
        "jp_selected_months_received"
    full = {**case, "jp_contract_months": 12, "jp_contribution_months": 3, "jp_selected_months_received": 35}
    assert run(JP, full)["value"] == 820 + 1000
    failing = run(JP, {**full, "jp_contract_months": 6, "jp_contribution_months": 2, "jp_selected_months_received": 36})
    assert failing["value"] == 820
    assert step(failing, "劳动合同期限 6 个月", "不足 12 个月")
    assert step(failing, "缴纳社会保险费 2 个月", "不满 3 个月")
    assert step(failing, "36 个月已满")


# ---- 3. phased_base_floor: a 2020 average at or below 2019's is no rising floor ----
# CQ:17528 (人社厅发〔2021〕2号 三) “各省2021年社会保险个人缴费基数上下限原则上根据2020年本省全口径城镇单位就业人员平均工资…确定。
# 个人缴费基数下限增长过快、2021年当年调整到位确有困难的省份,个人缴费基数下限可分两年过渡。2021年个人缴费基数下限可根据2019年
# 全口径平均工资和2020年全口径平均工资的算术平均值确定”

def test_a_falling_average_gives_the_2020_average_not_the_mean():
    # 80000 → 75000: the mean 77500 would raise the floor above the general rule's 75000 (before: 77500)
    result = run("phased_base_floor", {"year": 2021, "average_wage_2019": 80000, "average_wage_2020": 75000})
    assert result["value"] == 75000
    said = step(result, "不高于", "不属于“下限增长过快”")
    assert said["source"]["doc_no"] == "人社厅发〔2021〕2号" and said["source"]["article"] == "三"
    assert "原则上根据2020年" in said["source"]["quote"]


def test_a_rising_average_still_gives_the_mean():
    # (70000 + 73979) / 2 = 71989.5
    result = run("phased_base_floor", {"year": 2021, "average_wage_2019": 70000, "average_wage_2020": 73979})
    assert result["value"] == 71989.5
    assert step(result, "算术平均值")


# ---- 4. covid_wage: the minimum-wage floor is said to apply, and its figure is the user's ----
# HN:9574 (人社厅明电〔2020〕5号 二) “超过一个工资支付周期的，若职工提供了正常劳动，企业支付给职工的工资不得低于当地最低工资
# 标准。职工没有提供正常劳动的，企业应当发放生活费，生活费标准按各省、自治区、直辖市规定的办法执行。”

COVID = {"pay_date": "2020-03-15", "covid_situation": "stoppage", "contract_wage": 5000}


def test_the_floor_is_marked_as_a_minimum_and_its_figure_named_as_supplied():
    result = run("covid_wage", {**COVID, "pay_cycle_number": 2, "worked_normally": True, "local_minimum_wage": 1700})
    assert result["value"] == 1700
    assert result["details"] == {"basis": "不低于当地最低工资标准", "is_minimum": True}
    floor = step(result, "不得低于当地最低工资标准", "官方数字由使用者提供", "结果为下限")
    assert floor["value"] == 1700 and floor["source"]["article"] == "二"


def test_the_living_allowance_and_the_first_cycle_are_not_minimums():
    allowance = run("covid_wage", {**COVID, "pay_cycle_number": 3, "worked_normally": False,
                                   "provincial_living_allowance": 1360})
    assert allowance["value"] == 1360 and allowance["details"]["is_minimum"] is False
    assert step(allowance, "生活费", "由使用者提供")["value"] == 1360
    first = run("covid_wage", {**COVID, "pay_cycle_number": 1})
    assert first["value"] == 5000 and first["details"] == {"basis": "按劳动合同规定的标准", "is_minimum": False}


# ---- 5. labour_cooperation_subsidy (山东 2020): the period read as the period of giving, said when paid too ----
# SD:5130 (鲁人社函〔2020〕8号 五) “2020年1月1日至12月31日，对在鲁稳定就业3个月以上的渝籍建档立卡贫困人员，每年给予1500元的
# 一次性交通生活补助，以及每月1000元的跨省就业补贴（补贴期限不超过6个月）。” SD:5136 “以上政策执行期限为2020年1月1日—2021年12月31日”.
# The span heads the sentence whose verb is 给予: read as the period of giving, judged by the application date.

def test_a_2020_claim_is_paid_and_the_reading_is_said():
    # 9 months: 1500 + 6 × 1000 = 7500
    result = run("labour_cooperation_subsidy", {"region": "山东", "application_date": "2020-10-01", "lc_poverty": True,
                                                "lc_months_employed": 9})
    assert result["value"] == 7500
    reading = step(result, "给予补助的期间", "按申请日期", "有歧义")
    assert reading["source"]["doc_no"] == "鲁人社函〔2020〕8号" and reading["source"]["article"] == "五、促进稳定就业"


# ---- 6. employment_base_award: 40万 per year, decided ----
# CQ:7760 (渝人社〔2021〕351号 四（二）) “从认定后的第二年起,对每个“双更”基地连续4年开展绩效评估,评估合格的,按照…就业创业1000元/人·年
# 的标准给予绩效奖补,最高不超过40万元。” The cap closes the sentence of each passed evaluation's award; where a cap spans years
# the compilations write 累计 (CQ:9721 “每个品牌累计扶持不超过3年”, Q2:3729–3731 “享受期限一般累计不超过 3年”).

@pytest.mark.parametrize(("people", "expected"), [(500, 400000), (400, 400000), (120, 120000)])
def test_the_cap_is_per_year(people, expected):
    result = run("employment_base_award", {"enterprise_region": "重庆", "application_date": "2024-12-01",
                                           "base_year_after_recognition": 4, "base_evaluation_passed": True,
                                           "base_people_absorbed": people})
    assert result["value"] == expected
    decided = step(result, "每年评估合格后", "未写“累计”")
    assert "有歧义" not in decided["text"] and decided["source"]["doc_no"] == "渝人社〔2021〕351号"
    if people * 1000 > 400000:
        assert step(result, f"按标准为 {people * 1000} 元", "超过最高 400000 元")
