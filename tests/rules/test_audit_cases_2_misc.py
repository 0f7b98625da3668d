"""Audit 4 (session 12), discrepancies D1–D6 and the three unsure items, worked by hand.

Short file names (data/compilations/): CQ chongqing-hrss-2021.txt, SD shandong-2020.txt,
HN hunan-hrss-2020.txt, CT court-national-provinces-2020.txt.
"""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import get
from tests.rules.audit_support import refused, run, step

# ---- D1 training_provider_subsidy (重庆): a campaign, not a lasting standard ----
# CQ:7417 “市人力社保局决定于2021年2月上旬至3月下旬在全市范围开展“迎新春稳岗留工送培训”专项工作”;
# CQ:7419 “通用职业素质培训、安全技能培训补贴标准不超过100元/人·天,补贴时长不超过5天。”

CQ_TRAINING = {"region": "重庆", "provider_trainees": 10, "provider_training_days": 3}


def test_chongqing_stay_put_training_is_answered_within_the_campaign():
    # 3 天 × 100 = 300 元/人 × 10 人 = 3000 (上限), last day of 3月下旬
    result = run("training_provider_subsidy", {**CQ_TRAINING, "application_date": "2021-03-31"})
    assert result["value"] == 3000 and result["details"]["is_ceiling"] is True


@pytest.mark.parametrize("day", ["2021-04-01", "2023-06-01"])
def test_chongqing_stay_put_training_is_refused_after_the_campaign(day):
    error = refused("training_provider_subsidy", {**CQ_TRAINING, "application_date": day})
    assert error.field == "application_date" and "2021-03-31" in str(error)


# ---- D2 wage_deposit: “不得低于…0.5%” is a hard floor ----
# CQ:20408 “施工总承包单位在同一工资保证金管理地区有多个在建工程,存储比例可适当下浮但不得低于施工合同额(或年度合同额)的0.5%。”

def test_a_ratio_under_the_several_projects_floor_is_refused():
    error = refused("wage_deposit", {"deposit_date": "2022-01-01", "contract_value": 10000000,
                                     "provincial_deposit_ratio": 0.004, "several_projects": True})
    assert error.field == "provincial_deposit_ratio" and "不得低于" in str(error) and "0.5%" in str(error)


def test_the_floor_itself_is_answered():
    # 10,000,000 × 0.5% = 50000
    result = run("wage_deposit", {"deposit_date": "2022-01-01", "contract_value": 10000000,
                                  "provincial_deposit_ratio": 0.005, "several_projects": True})
    assert result["value"] == 50000


def test_the_principle_band_of_one_to_three_percent_only_warns():
    # CQ:20406 “原则上不低于1%,不超过3%”: 2,000,000 × 0.4% = 8000, with a step naming the band
    result = run("wage_deposit", {"deposit_date": "2022-01-01", "contract_value": 2000000,
                                  "provincial_deposit_ratio": 0.004})
    assert result["value"] == 8000
    assert step(result, "原则上", "1%", "3%")["source"]["article"] == "第十一条"


# ---- D4 wage_deposit: the 3-year exemption has two more conditions ----
# CQ:20414 (第十二条) “连续3年未发生工资拖欠且按要求落实用工实名制管理和农民工工资专用账户制度的,其新增工程可免于存储工资保证金”;
# “连续2年未发生工资拖欠的,其新增工程应降低存储比例,降幅不低于50%”

CLEAN3 = {"deposit_date": "2022-01-01", "contract_value": 10000000, "provincial_deposit_ratio": 0.02,
          "wage_record": "clean_three_years"}


def test_the_three_year_exemption_asks_for_real_name_management_and_the_wage_account():
    error = refused("wage_deposit", CLEAN3)
    assert error.field == "real_name_and_wage_account"


def test_the_three_year_exemption_with_both_systems_is_zero_citing_article_twelve():
    result = run("wage_deposit", {**CLEAN3, "real_name_and_wage_account": True})
    assert result["value"] == 0
    exemption = step(result, "可免于存储", "实名制")
    assert exemption["source"]["article"] == "第十二条"
    assert not any(s["source"]["article"] == "第十一条" and "免" in s["text"] for s in result["explanation"])


def test_three_clean_years_without_the_systems_count_as_two():
    # 10,000,000 × 2% × (1 − 50%) = 100000, at most (降幅不低于50%)
    result = run("wage_deposit", {**CLEAN3, "real_name_and_wage_account": False})
    assert result["value"] == 100000 and result["details"]["is_ceiling"] is True
    assert step(result, "未落实", "不能免于存储")["source"]["article"] == "第十二条"


# ---- D3 unemployment_fund_transfer: within a province is left to provincial rules ----
# CQ:19265 “本通知适用于参保职工和参保失业人员跨省转移失业保险关系。省内跨统筹区失业保险关系转移及费用划转的办法由各省、自治区自行制定。”

TRANSFER = {"months_insured_at_origin": 36, "entitled_benefit_months": 3, "local_unemployment_benefit": 2000}


def test_a_transfer_within_a_province_is_refused():
    error = refused("unemployment_fund_transfer", {**TRANSFER, "transfer_date": "2022-03-01", "cross_province": False})
    assert error.field == "cross_province" and "各省" in str(error)


def test_the_notice_applies_from_its_date_and_the_note_says_so():
    # CQ:19277 落款 “2021年11月9日”, no other start: 2000 × 3 = 6000, + 50% = 9000 on 2021-11-20
    case = {**TRANSFER, "transfer_date": "2021-11-20", "cross_province": True}
    assert run("unemployment_fund_transfer", case)["value"] == 9000
    notes = " ".join(get("unemployment_fund_transfer").notes)
    assert "2021年12月起" not in notes and "印发之日" in notes


# ---- D5 festival_staffing_subsidy: a 0 says which condition failed ----
# SD:405 “春节期间（2020年1月24日至2020年2月9日）开工生产的疫情防控重点物资生产企业。” (1.适用对象)
# CQ:7293 “3.企业已向留渝的外地员工发放不低于300元的“留岗红包”。” (一（三）申请条件)

@pytest.mark.parametrize("producer", [None, False])
def test_shandong_zero_names_the_key_producer_condition(producer):
    case = {"enterprise_region": "山东", "application_date": "2020-03-10", "festival_person_days": 300}
    if producer is not None:
        case["festival_key_producer"] = producer
    result = run("festival_staffing_subsidy", case)
    assert result["value"] == 0
    assert step(result, "疫情防控重点物资生产企业", "不属于适用对象")["source"]["article"] == "一、一次性用工补贴 1.适用对象"


def test_shandong_key_producer_without_person_days_is_refused():
    error = refused("festival_staffing_subsidy", {"enterprise_region": "山东", "application_date": "2020-03-10",
                                                  "festival_key_producer": True})
    assert error.field == "festival_person_days"


@pytest.mark.parametrize("packet", [None, 200])
def test_chongqing_zero_names_the_red_packet_condition(packet):
    case = {"enterprise_region": "重庆", "application_date": "2021-03-15", "festival_staff": 20}
    if packet is not None:
        case["festival_red_packet"] = packet
    result = run("festival_staffing_subsidy", case)
    assert result["value"] == 0
    assert step(result, "留岗红包", "300", "不符合申请条件")["source"]["article"] == "一（三）申请条件"


def test_chongqing_red_packet_of_300_is_paid():
    # 20 × 300 + 3 × 300 = 6900
    result = run("festival_staffing_subsidy", {"enterprise_region": "重庆", "application_date": "2021-03-15",
                                               "festival_staff": 20, "festival_trainees": 3, "festival_red_packet": 300})
    assert result["value"] == 6900


# ---- D6 labour_cooperation_subsidy (重庆): a ticket before 311号 is not silently dropped ----
# CQ:8643 “此文件印发之日起实施,原《关于继续落实跨区域交通补助政策的通知》(渝就发〔2021〕27号)同时废止。”; CQ:8653 “2021年9月10日”

def test_a_ticket_before_the_notice_is_named_as_not_counted():
    result = run("labour_cooperation_subsidy", {"region": "重庆", "application_date": "2021-03-01",
                                                "lc_destination": "山东省", "lc_poverty": True,
                                                "lc_months_employed": 7, "lc_ticket_amount": 400})
    assert result["value"] == 2000 and result["details"]["chongqing_fare_subsidy"] == 0
    fare = step(result, "跨区域交通补助", "未计入")
    assert fare["source"]["doc_no"] == "渝人社〔2021〕311号" and fare["value"] == 0


# ---- unsure: labour_cooperation_subsidy (山东) 2020 items read by the application date, ambiguity said ----
# SD:5130 “2020年1月1日至12月31日，对在鲁稳定就业3个月以上的渝籍建档立卡贫困人员，每年给予1500元的一次性交通生活补助，
# 以及每月1000元的跨省就业补贴（补贴期限不超过6个月）。”

def test_shandong_2020_items_applied_for_in_2021_are_zero_with_the_ambiguity_said():
    result = run("labour_cooperation_subsidy", {"region": "山东", "application_date": "2021-03-01",
                                                "lc_poverty": True, "lc_months_employed": 9})
    assert result["value"] == 0
    assert step(result, "有歧义", "申请日期")["source"]["article"] == "五、促进稳定就业"
    # within 2020: 1500 + 6 × 1000 = 7500
    assert run("labour_cooperation_subsidy", {"region": "山东", "application_date": "2020-12-31",
                                              "lc_poverty": True, "lc_months_employed": 9})["value"] == 7500


# ---- employment_base_award cap read per year (decided in session 13, test_audit_cases_3_readings2.py) ----
# CQ:7760 “从认定后的第二年起,对每个“双更”基地连续4年开展绩效评估,评估合格的,按照…1000元/人·年的标准给予绩效奖补,最高不超过40万元。”

def test_base_award_cap_is_per_year_and_the_explanation_says_why():
    # 500 × 1000 = 500000 → 400000
    result = run("employment_base_award", {"enterprise_region": "重庆", "application_date": "2025-12-01",
                                           "base_year_after_recognition": 5, "base_evaluation_passed": True,
                                           "base_people_absorbed": 500})
    assert result["value"] == 400000
    assert step(result, "每年", "累计", "合计")["source"]["doc_no"] == "渝人社〔2021〕351号"


# ---- unsure: price_subsidy outside March–June 2020 echoes the user's standard and says so ----
# HN:5159 (人社部发〔2020〕40号 五) “2020年3月至6月，对领取失业保险金和失业补助金人员发放的价格临时补贴，补贴标准在现行标准基础上提高1倍。”

def test_price_subsidy_outside_the_doubling_is_the_users_standard_said_as_such():
    result = run("price_subsidy", {"month": "2021-05", "drawing_unemployment_benefit": True,
                                   "price_subsidy_standard": 40})
    assert result["value"] == 40
    assert step(result, "不在阶段性提高期间", "所填数字")
    doubled = run("price_subsidy", {"month": "2020-06", "drawing_unemployment_benefit": True,
                                    "price_subsidy_standard": 40})
    assert doubled["value"] == 80
