"""Audit of Table A sections A-T, A-S, A-L, A-D (session 14, rules-tsld): the discrepancies found by running cases
written from the texts (report.md), each with its hand-worked expectation.

Compilation lines: HN = hunan-hrss-2020.txt, NP = national-and-provinces-2020-q2.txt, CQ = chongqing-hrss-2021.txt,
SD = shandong-2020.txt, CT = court-national-provinces-2020.txt.
"""

from __future__ import annotations

from tests.rules.audit_support import refused, run, step

# ---- 1. training_provider_subsidy: a per-day subsidy needs the days ----
# CQ:7419 (渝人社办〔2021〕28号 一): “通用职业素质培训、安全技能培训补贴标准不超过100元/人·天,补贴时长不超过5天”
# NP:2495 (穗人社规字〔2020〕4号 八): “按照参训人员每人每天 50元、最高不超过 500元的标准发放给予补贴”
CQ_STAY = {"application_date": "2021-03-01", "region": "重庆", "provider_trainees": 10}
GZ = {"application_date": "2020-06-01", "region": "广东", "provider_trainees": 2}


def test_chongqing_without_days_is_asked_not_answered_zero() -> None:
    error = refused("training_provider_subsidy", CQ_STAY)
    assert error.field == "provider_training_days" and "每人每天" in str(error)


def test_chongqing_six_days_are_capped_at_five() -> None:
    result = run("training_provider_subsidy", CQ_STAY | {"provider_training_days": 6})
    assert result["value"] == 5000  # 10 人 × 100 元 × min(6, 5) 天
    assert result["details"]["is_ceiling"] is True


def test_guangzhou_without_days_is_asked() -> None:
    error = refused("training_provider_subsidy", GZ | {"enterprise_region_code": "440100"})
    assert error.field == "provider_training_days"


def test_guangdong_without_a_city_is_asked_for_it() -> None:
    error = refused("training_provider_subsidy", GZ | {"provider_training_days": 3})
    assert error.field == "enterprise_region_code" and "广州" in str(error)


def test_guangzhou_district_is_paid_per_day_up_to_500() -> None:
    three = run("training_provider_subsidy", GZ | {"enterprise_region_code": "440106", "provider_training_days": 3})
    assert three["value"] == 300  # 2 人 × 50 元 × 3 天
    twelve = run("training_provider_subsidy", GZ | {"enterprise_region_code": "440106", "provider_training_days": 12})
    assert twelve["value"] == 1000  # 2 人 × min(50 × 12, 500)


def test_shenzhen_gets_nothing_and_is_told_the_rule_is_guangzhous() -> None:
    result = run("training_provider_subsidy", GZ | {"enterprise_region_code": "440300", "provider_training_days": 3})
    assert result["value"] == 0
    assert step(result, "广州市的规定", "不在广州市")["source"]["doc_no"] == "穗人社规字〔2020〕4号"
    assert not [s for s in result["explanation"] if "每人 0 元" in s["text"]]  # no longer the 广州 label with 0


# ---- 2. statutory_deadline: 公示30日后 可以申请 is the day after the 30 days ----
# CQ:20452 (人社部发〔2021〕65号 第二十二条): “…公示30日后,可以申请返还工资保证金或银行保函正本。”
# Start day not counted (民法典 第二百零一条, as for every other limit): from 12-01 the 30 days are 12-02…12-31,
# so one may apply from 2022-01-01; a first permitted day is not moved over the New Year holiday (第二百零三条
# extends last days only).
def test_wage_deposit_return_may_be_applied_for_the_day_after_the_notice() -> None:
    def earliest(start: str) -> str:
        return run("statutory_deadline", {"start_date": start, "deadline_item": "wage_deposit_return_earliest"})["value"]

    assert earliest("2021-12-01") == "2022-01-01"
    assert earliest("2021-12-02") == "2022-01-02"  # a Sunday in the New Year holiday: not moved
    assert earliest("2021-11-01") == "2021-12-02"


def test_other_wage_deposit_limits_are_unchanged() -> None:
    # CQ:20454 第二十二条: 审核 5个工作日内 — 12-30 (Thu) → 12-31, 01-04, 01-05, 01-06, 01-07
    result = run("statutory_deadline", {"start_date": "2021-12-30", "deadline_item": "wage_deposit_return_review"})
    assert result["value"] == "2022-01-07"


# ---- 3. arbitration_limitation: a continued period ending on a holiday ends on the next working day ----
# HN:9578 (人社厅明电〔2020〕5号 三): “从中止时效的原因消除之日起，仲裁时效期间继续计算。”
# 60 days were left on 2020-02-01 (02-01…03-31); resumed 2020-08-05, the 60th day is 2020-10-03, inside the
# National Day holiday 2020-10-01…10-08; the next working day is 10-09 (the reading statutory_deadline applies).
ARB = {"suspension_start": "2020-02-01", "limitation_original_end": "2020-03-31"}


def test_limitation_ending_in_the_national_day_holiday_moves_to_the_next_working_day() -> None:
    result = run("arbitration_limitation", ARB | {"cause_removed": "2020-08-05"})
    assert result["value"] == "2020-10-09"
    moved = step(result, "2020-10-03", "休息日或法定节假日", "2020-10-09")
    assert moved["source"]["doc_no"] == "人社厅明电〔2020〕5号"


def test_limitation_ending_on_a_make_up_working_sunday_is_not_moved() -> None:
    # resumed 2020-04-30 → 60th day 2020-06-28, a Sunday worked in exchange for 端午 (调休上班日)
    assert run("arbitration_limitation", ARB | {"cause_removed": "2020-04-30"})["value"] == "2020-06-28"


def test_a_year_without_a_published_holiday_arrangement_is_said() -> None:
    result = run("arbitration_limitation", ARB | {"limitation_original_end": "2029-03-31", "cause_removed": "2020-04-30"})
    assert result["value"] == "2029-06-28"  # remaining 2020-02-01…2029-03-31, resumed 2020-04-30
    step(result, "节假日安排尚未公布")


# ---- 4. business_loan: the reasons for a 0 are shown ----
# SD:3946, 3956 (鲁人社字〔2020〕27号 第七条、第九条): “累计次数不超过3次” “对展期、逾期的创业担保贷款，财政部门不予贴息”
SD_LOAN = {"region": "山东", "contract_date": "2020-06-01", "loan_borrower": "个人", "loan_lpr": 0.0385,
           "loan_rate": 0.0435, "loan_amount": 100000}


def test_a_fourth_loan_is_refused_with_the_three_times_rule() -> None:
    result = run("business_loan", SD_LOAN | {"loan_previous_times": 3})
    assert result["value"] == 0
    assert step(result, "此前已享受 3 次", "不超过 3 次")["source"]["doc_no"] == "鲁人社字〔2020〕27号"
    assert not [s for s in run("business_loan", SD_LOAN | {"loan_previous_times": 2})["explanation"]
                if "累计次数" in s["text"]]


def test_an_overdue_loan_has_no_subsidy_and_says_why() -> None:
    result = run("business_loan", SD_LOAN | {"loan_overdue": True})
    assert result["value"] == 200000 and result["details"]["subsidy_rate"] == 0
    assert step(result, "展期或逾期", "不予贴息")["source"]["article"] == "第九条"


# ---- 5. wording: the applied figures are shown ----
def test_wage_deposit_clean_two_years_is_called_a_ceiling() -> None:
    # CQ:20414 (人社部发〔2021〕65号 第十二条): “连续2年未发生工资拖欠的,其新增工程应降低存储比例,降幅不低于50%”
    result = run("wage_deposit", {"deposit_date": "2021-11-01", "contract_value": 10000000,
                                  "provincial_deposit_ratio": 0.02, "wage_record": "clean_two_years"})
    assert result["value"] == 100000  # 10,000,000 × 2 % × (1 − 50 %)
    assert result["details"]["is_ceiling"] is True
    step(result, "连续2年", "降幅不低于50%", "上限")


def test_chongqing_maternity_shows_the_80_days() -> None:
    # CQ:1454 (〔五届〕第154号 八): “在国家规定产假的基础上增加产假八十天”
    result = run("leave_entitlement", {"leave_date": "2022-01-10", "region": "重庆", "leave_kind": "maternity",
                                       "national_maternity_days": 98})
    assert result["value"] == 178  # 98 + 80
    step(result, "98 天", "增加的 80 天", "178 天")


def test_shortage_trade_uplift_shows_the_ten_percent() -> None:
    # HN:4167 (湘人社规〔2020〕2号 四): “普调后其培训补贴标准上浮10%” — 1000 × 1.5 × 1.1
    result = run("training_subsidy_standard", {"class_filing_date": "2020-06-01", "region": "湖南",
                                               "catalogue_standard": 1000, "shortage_trade": True})
    assert result["value"] == 1650
    step(result, "紧缺职业", "10%")


def test_apprenticeship_shows_the_months_counted() -> None:
    # CQ:12175 (渝人社发〔2021〕31号): “补贴期限为实际培训期限(不超过备案期限)”; 人社部发〔2021〕39号: 原则上5000元以上
    result = run("apprenticeship_subsidy", {"application_date": "2021-10-08", "region": "湖南", "apprentices": 2,
                                            "apprentice_training_months": 7, "apprentice_filed_months": 12,
                                            "apprentice_local_standard": 6000})
    assert result["value"] == 7000  # 2 × 6000 × 7 / 12
    step(result, "实际培训期限 7 个月", "备案期限 12 个月", "计 7 个月")
    longer = run("apprenticeship_subsidy", {"application_date": "2021-10-08", "region": "重庆", "apprentices": 2,
                                            "apprentice_training_months": 18, "apprentice_filed_months": 12,
                                            "apprentice_advanced_certificate": True})
    assert longer["value"] == 12000  # 2 × 6000 × min(18, 12) / 12
    step(longer, "计 12 个月")
    low = run("apprenticeship_subsidy", {"application_date": "2021-10-08", "region": "湖南", "apprentices": 1,
                                         "apprentice_training_months": 12, "apprentice_filed_months": 12,
                                         "apprentice_local_standard": 4000})
    step(low, "低于全国原则上的下限", "5000 元以上")


def test_severance_under_the_cap_uses_the_own_wage_and_says_so() -> None:
    # CT:1926–1928: 封顶基数 11715 × 3 = 35145 元 from 2020-05
    result = run("severance_cap", {"month": "2020-06", "region": "北京", "monthly_wage": 30000})
    assert result["value"] == 30000
    step(result, "不高于封顶基数", "30000")


def test_shandong_individual_business_floor_is_a_city_option() -> None:
    # SD:230 (“六保三促” 19): “有条件的市可将一次性创业补贴政策放宽到符合条件的新注册个体工商户，补贴标准不低于2000元”
    result = run("startup_subsidy", {"region": "山东", "application_date": "2020-08-01", "su_first": True,
                                     "su_months": 12, "su_contributions": True, "su_business": "个体工商户"})
    assert result["value"] == 2000 and result["details"]["is_floor"] is True
    assert step(result, "有条件的市")["source"]["doc_no"] == "“六保三促”工作方案（修订版）"


# ---- 6. startup_subsidy 天津: the failing condition is named, the category is asked ----
# NP:3248 (津政办规〔2020〕7号 （十四）): “对登记失业半年以上人员、返乡入乡人员首次创办企业且正常经营满 1年的，给予
# 3000元一次性创业补贴。”
TJ_START = {"region": "天津", "application_date": "2020-09-01", "su_first": True, "su_months": 12,
            "su_founder": "登记失业半年以上人员"}


def test_tianjin_startup_names_the_condition_that_fails() -> None:
    assert run("startup_subsidy", TJ_START)["value"] == 3000
    step(run("startup_subsidy", TJ_START | {"su_months": 11}), "正常经营 11 个月", "不满 12 个月")
    step(run("startup_subsidy", TJ_START | {"su_founder": "其他创业人员"}), "登记失业半年以上人员、返乡入乡人员")
    step(run("startup_subsidy", TJ_START | {"su_business": "个体工商户"}), "个体工商户不在其内")
    step(run("startup_subsidy", TJ_START | {"su_first": False}), "不是首次创办")


def test_tianjin_startup_without_the_category_is_asked() -> None:
    case = {key: value for key, value in TJ_START.items() if key != "su_founder"}
    assert refused("startup_subsidy", case).field == "su_founder"


def test_covid_wage_pay_cycle_zero_is_refused() -> None:
    # HN:9574 (人社厅明电〔2020〕5号 二): “停工停产在一个工资支付周期内的…” — cycles are counted from 1
    case = {"pay_date": "2020-03-15", "contract_wage": 5000, "covid_situation": "stoppage"}
    assert refused("covid_wage", case | {"pay_cycle_number": 0}).field == "pay_cycle_number"
    assert run("covid_wage", case | {"pay_cycle_number": 1})["value"] == 5000


# ---- 7. statutory_deadline: a day outside an item's documents is refused with the days they cover ----
def test_a_start_outside_the_item_names_the_days_in_force() -> None:
    # CQ:19253 人社厅发〔2021〕85号 (from 2021-11-09); CT:3295–3440 津人社办发〔2020〕91号 (2020-06-01 … 2023-05-31);
    # CT:1961 京人社保字〔2020〕68号 二: “2020 年 6月10日至 2020 年 7月25日”
    def refusal(start: str, item: str) -> str:
        error = refused("statutory_deadline", {"start_date": start, "deadline_item": item})
        assert error.field == "start_date"
        return str(error)

    assert "2021年11月9日起" in refusal("2021-11-08", "ui_transfer_out")
    assert "2020年6月1日至2023年5月31日" in refusal("2023-06-01", "tj_contract_renewal")
    assert "2020年6月10日至2020年7月25日" in refusal("2020-07-26", "bj_wage_declaration")


def test_project_training_rates_are_shown_as_percentages_with_the_thresholds() -> None:
    # SD:2869 (鲁人社字〔2020〕55号): “培训后就业率达到85%或培训合格率达到95%的，全额拨付…不高于全额资金的80%”
    result = run("project_training_payment", {"payment_date": "2020-06-01", "region": "山东",
                                               "project_full_subsidy": 100000, "project_employment_rate": 0.84,
                                               "project_pass_rate": 0.949})
    assert result["value"] == 80000  # 100000 × 80 %
    step(result, "就业率 84%", "合格率 94.9%", "85%", "95%", "80%")


def test_shandong_non_provincial_incubator_is_told_why_not_asked_again() -> None:
    # SD:649–657 (鲁人社字〔2020〕22号 十一): the operating subsidy is for 省级 bases and parks only
    case = {"enterprise_region": "山东", "application_date": "2020-05-10", "incubator_waived_rent": 1000000}
    assert "缺少此字段" in str(refused("incubator_subsidy", case))
    error = refused("incubator_subsidy", case | {"incubator_provincial_level": False})
    assert error.field == "incubator_provincial_level" and "其他孵化载体" in str(error)
    assert run("incubator_subsidy", case | {"incubator_provincial_level": True})["value"] == 300000  # 1000000 × 30 %


def test_a_limit_reaching_an_unpublished_holiday_year_is_refused_not_a_crash() -> None:
    # CQ:4999 (渝府办发〔2021〕131号 第十一条): 5个工作日 — counting needs the year's 国务院办公厅 holiday notice
    error = refused("statutory_deadline", {"start_date": "2029-03-31", "deadline_item": "cq_complaint_enquiry"})
    assert error.field == "start_date" and "2029年的节假日安排尚未公布" in str(error)
    assert "chinese" not in str(error)  # no English in what users see
