"""Held-out style cases for Table A sections A-U (unemployment) and A-E (employment subsidies), session 14
(rules-ue): each test is a discrepancy found by running the calculators against the texts.

Compilation lines: HN = hunan-hrss-2020.txt, NP = national-and-provinces-2020-q2.txt, CQ = chongqing-hrss-2021.txt,
SD = shandong-2020.txt. Every expected value is
worked by hand from the quoted lines.
"""

from __future__ import annotations

from kuaiban.rules.calculators import CalculatorError
from tests.rules.audit_support import refused, run, step

# ---- D1. internship_subsidy: 湖南 prints only the raised standard ----
# HN:4229 (湘人社规〔2020〕4号 九): “对见习期满留用见习人员达到50%的单位，见习补贴标准提高至当地最低工资标准的120%”
# → below 50 % (or with the rate unknown) the standard is not printed: refused naming the rate, never −1 元.
HN_INTERNSHIP = {"enterprise_region": "湖南", "application_date": "2020-06-01", "employer_minimum_wage": 1700,
                 "internship_trainee_months": 10}


def test_hunan_internship_half_kept_is_120_percent_of_the_minimum_wage() -> None:
    result = run("internship_subsidy", HN_INTERNSHIP | {"internship_retention_rate": 0.5})
    assert result["details"]["monthly_standard"] == 2040  # 1700 × 120 %
    assert result["value"] == 20400  # 2040 × 10 人月


def test_hunan_internship_under_half_kept_is_refused_not_minus_one() -> None:
    error = refused("internship_subsidy", HN_INTERNSHIP | {"internship_retention_rate": 0.49})
    assert error.field == "internship_retention_rate"
    assert "无法计算" in error.message and "50%" in error.message and "120%" in error.message
    assert refused("internship_subsidy", HN_INTERNSHIP).field == "internship_retention_rate"


# ---- D2. job_search_subsidy: 湖北籍2020届 graduates studying in 湖南 ----
# HN:4113 (湘政办发〔2020〕20号 （十）): “对在本省就读的湖北籍 2020 届高校毕业生给予一次性求职创业补贴”; no amount
# is printed (nor in 人社厅发〔2020〕46号 四, HN:3892) → refused naming 湖北籍, not 0 “不在所列补贴对象之内”.
HN_GRADUATE = {"region": "湖南", "application_date": "2020-06-10", "js_graduating_year": True,
               "js_graduation_year": 2020, "js_category": "不属于所列困难类别"}


def test_hubei_born_graduate_in_hunan_is_entitled_at_an_unprinted_standard() -> None:
    error = refused("job_search_subsidy", HN_GRADUATE | {"js_hubei": True})
    assert error.field == "js_hubei" and "无法计算" in error.message and "2020届" in error.message
    # a graduate of a listed hardship group still gets 4号's 1500 (HN:4229); no category and not 湖北籍: 0
    assert run("job_search_subsidy", HN_GRADUATE | {"js_hubei": True, "js_category": "孤儿"})["value"] == 1500
    assert run("job_search_subsidy", HN_GRADUATE)["value"] == 0


# ---- D3. job_post_subsidy: 天津 small and other firms, 就业困难人员 by age ----
# NP:3682, 3705 (津人社局发〔2020〕6号 第四、五条): 岗位补贴 for “其他女年满35周岁、男年满45周岁就业困难人员”;
# NP:3715 (第六条): younger ones get “最长1年五项社保补贴” only. 第七条 (NP:3721), 第九条 (NP:3736): 岗位补贴 = 最低工资标准的40%.
TJ_POST = {"region": "天津", "si_mode": "单位招用或公益性岗位安排（单位申领）", "si_first_approval_date": "2020-06-01",
           "jp_minimum_wage": 2050, "jp_contract_months": 12, "month": "2022-09", "si_group": "就业困难人员",
           "si_employer_type": "小微企业（含初创期科技型中小企业、大学生创业企业）", "si_months_received": 27,
           "jp_months_received": 3}


def test_tianjin_post_subsidy_asks_the_age_it_depends_on() -> None:
    assert refused("job_post_subsidy", TJ_POST).field == "sex"
    assert refused("job_post_subsidy", TJ_POST | {"sex": "女"}).field == "birth_date"


def test_tianjin_post_subsidy_by_age_at_first_approval() -> None:
    older = run("job_post_subsidy", TJ_POST | {"sex": "女", "birth_date": "1984-05-01"})  # 36 on 2020-06-01
    assert older["value"] == 820  # 2050 × 40 %, after 24 months of 社保补贴 (第九条)
    younger = run("job_post_subsidy", TJ_POST | {"sex": "女", "birth_date": "1986-05-01"})  # 34
    assert younger["value"] == 0
    assert step(younger, "没有岗位补贴")


# ---- D4. unemployment_benefit_to_retirement: “自2019年12月起” ----
# HN:5151 (人社部发〔2020〕40号 二): “自2019年12月起，…对领取失业保险金期满仍未就业且距法定退休年龄不足1年的失业人员，
# 可继续发放失业保险金至法定退休年龄” → a benefit ending 2019-11-30 continues from 2019-12-01.
EXPIRED_NOV = {"region": "湖南", "month": "2020-01", "unemployment_benefit_exhausted": True,
               "benefit_end_date": "2019-11-30", "statutory_retirement_date": "2020-09-30"}


def test_benefit_ending_30_november_2019_continues_from_december() -> None:
    result = run("unemployment_benefit_to_retirement", EXPIRED_NOV)
    assert result["value"] == 10  # 2019-12 … 2020-09 (retirement on 30 September: 10 started months)
    # a benefit ending a day earlier would continue from 30 November, before the rule: not reached
    assert run("unemployment_benefit_to_retirement", EXPIRED_NOV | {"benefit_end_date": "2019-11-29"})["value"] == 0


# ---- D5. stable_job_refund: 湖南 困难企业 meets either test ----
# HN:4093 (湘政办发〔2020〕20号 二（四）): “净利润指标需具备以下两个条件之一: 上年度 10 月至本年度 6 月, 企业连续 6 个月亏损;
# 企业上年度净利润同比下降超过 20%”; HN:5872 (湘人社规〔2020〕13号 四): 不超过 6 个月 × 月人均失业保险金 × 月均参保人数.
HN_HARDSHIP = {"region": "湖南", "application_date": "2020-10-01", "unit_kind": "enterprise", "restructuring": False,
               "blacklisted": False, "layoff_rate_cap": 0.055, "refund_type": "hardship", "size": "large",
               "insured_last_year": 100, "decrease_last_year": 3, "claimants_last_year": 2,
               "monthly_unemployment_benefit": 1530, "avg_insured_oct_to_mar": 50}


def test_six_loss_months_suffice_without_the_profit_drop() -> None:
    result = run("stable_job_refund", HN_HARDSHIP | {"loss_months": 6})
    assert result["value"] == 459000  # 6 × 1530 × 50, a ceiling
    assert result["details"]["is_ceiling"] is True
    assert step(result, "困难企业认定", "未填", "符合")


def test_a_drop_over_20_percent_suffices_without_the_loss_months() -> None:
    assert run("stable_job_refund", HN_HARDSHIP | {"net_profit_drop": 0.25})["value"] == 459000


def test_only_the_figure_that_can_still_decide_is_asked() -> None:
    assert refused("stable_job_refund", HN_HARDSHIP | {"loss_months": 5}).field == "net_profit_drop"
    assert refused("stable_job_refund", HN_HARDSHIP | {"net_profit_drop": 0.2}).field == "loss_months"  # 20 % is not 超过
    error = refused("stable_job_refund", HN_HARDSHIP)
    assert isinstance(error, CalculatorError) and error.field == "loss_months" and "其一" in error.message
    assert run("stable_job_refund", HN_HARDSHIP | {"loss_months": 5, "net_profit_drop": 0.2})["value"] == 0


# ---- W1. a 0 says which condition failed ----
# HN:4083 (湘政办发〔2020〕20号 一（二）): 跨区域有组织劳务输出、稳定就业6个月以上，300元/人;
# 京 一次性就业创业服务补助 (NP:1447): 50人（含）以上 2.4万元 — the lowest tier.
HN_EXPORT = {"enterprise_region": "湖南", "application_date": "2020-09-01", "placement_kind": "跨市州有组织劳务输出（湖南）",
             "placement_count": 40}


def test_placement_zero_names_the_months_that_fall_short() -> None:
    result = run("placement_subsidy", HN_EXPORT | {"placement_employed_months": 5})
    assert result["value"] == 0
    assert step(result, "须稳定就业", "6 个月以上", "所填为 5 个月")
    assert step(run("placement_subsidy", HN_EXPORT), "未填写已稳定就业")
    assert run("placement_subsidy", HN_EXPORT | {"placement_employed_months": 6})["value"] == 12000  # 300 × 40


def test_placement_zero_names_the_tier_and_the_region() -> None:
    beijing = {"enterprise_region": "北京", "application_date": "2020-06-01",
               "placement_kind": "为急聘平台重点企业推荐上岗（北京）", "placement_count": 49}
    assert step(run("placement_subsidy", beijing), "人数须达到 50 人", "所填为 49 人")
    assert run("placement_subsidy", beijing | {"placement_count": 50})["value"] == 24000
    elsewhere = run("placement_subsidy", beijing | {"enterprise_region": "湖南"})
    assert elsewhere["value"] == 0 and step(elsewhere, "不是湖南的文件载明的情形")


# NP:2434 (穗人社规字〔2020〕4号 七（一）): 本市籍建档立卡贫困劳动力…有组织劳务输出到户籍所在县以外…连续就业并参加社会保险
# 6个月以上的，500元.
GZ = {"region": "广东", "region_code": "440106", "application_date": "2020-11-15", "pj_registered_poor": True,
      "pj_organised_out_of_county": True, "pj_months_insured": 6}


def test_poverty_job_search_zero_names_each_failed_condition() -> None:
    assert run("poverty_job_search_subsidy", GZ)["value"] == 500
    assert step(run("poverty_job_search_subsidy", GZ | {"pj_months_insured": 5}), "参保 5 个月", "不足 6 个月")
    other_city = run("poverty_job_search_subsidy", GZ | {"region_code": "440300"})
    assert other_city["value"] == 0 and step(other_city, "440300", "不在广州市")
    assert step(run("poverty_job_search_subsidy", GZ | {"pj_organised_out_of_county": False}), "未通过有组织劳务输出")


# ---- W2, W3. the figures a case writer checks are shown ----
# CQ:7285, 7318 (渝人社办〔2021〕23号 一、二): 300元/人; SD:4180 (鲁人社字〔2020〕43号 五): 留用率达到50%以上提高10%, read as 60 % → 70 %.
def test_festival_subsidy_shows_zero_staff_as_a_number() -> None:
    result = run("festival_staffing_subsidy", {"enterprise_region": "重庆", "application_date": "2021-03-01",
                                               "festival_trainees": 3, "festival_red_packet": 300})
    assert result["value"] == 900  # 3 × 300
    assert step(result, "外地员工 0 人、见习人员 3 人")


def test_internship_step_shows_the_share_of_the_minimum_wage_used() -> None:
    kept = run("internship_subsidy", {"enterprise_region": "山东", "application_date": "2020-06-01",
                                      "employer_minimum_wage": 1910, "internship_trainee_months": 10,
                                      "internship_retention_rate": 0.5})
    assert kept["value"] == 13370  # 1910 × 70 % = 1337 × 10
    assert step(kept, "1337 元", "1910 元的 70%")


# ---- D6. public_welfare_post_subsidy: kinds whose standard is not printed ----
# SD:1197 (鲁人社字〔2020〕36号 第二十四条): 乡村公益性岗位 “补贴标准由各县级人力资源社会保障部门参照当地小时最低工资标准确定…
# 补贴期限最长不超过5年” → refused while months remain (was −1 元), 0 once the 60 months are used up.
# NP:1803–1815 (广东 兜底安置办法 第八条): 城镇 posts ≤ 3 years, 乡村 ≤ 1 year, no standard printed.
SD_RURAL = {"region": "山东", "pwp_kind": "乡村公益性岗位", "month": "2021-03", "pwp_minimum_wage": 1900}


def test_rural_post_without_a_printed_standard_is_refused_not_minus_one() -> None:
    error = refused("public_welfare_post_subsidy", SD_RURAL | {"pwp_months_received": 59})
    assert error.field == "pwp_kind" and "无法计算" in error.message and "60个月" in error.message
    assert run("public_welfare_post_subsidy", SD_RURAL | {"pwp_months_received": 60})["value"] == 0
    guangdong = {"region": "广东", "month": "2021-03"}
    assert refused("public_welfare_post_subsidy", guangdong | {"pwp_kind": "乡村公益性岗位", "pwp_months_received": 11}).field == "pwp_kind"
    assert refused("public_welfare_post_subsidy", guangdong | {"pwp_kind": "城镇公益性岗位", "pwp_months_received": 12}).field == "pwp_kind"
    assert run("public_welfare_post_subsidy", guangdong | {"pwp_kind": "城镇公益性岗位", "pwp_months_received": 36})["value"] == 0
