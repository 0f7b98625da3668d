"""Cases of the second outside audit (session 12, report items 1–6, 12–14) on skill_upgrade_subsidy,
social_insurance_subsidy, stable_job_refund_regional and stable_job_refund_national_2020, each worked by hand from the
compilation lines cited beside it (files in data/compilations/). Each once answered where the text does not: a value
contradicting its own step, a 0 where no printed rule covers the case, or a missing decisive input read as "no"."""

from __future__ import annotations

import pytest

from tests.rules.audit_support import refused as refusal
from tests.rules.audit_support import run, steps


def cites(result: dict, doc_no: str, article: str, words: str = "") -> bool:
    return any(doc == doc_no and art == article and words in text for doc, art, text in steps(result))


# ---- skill_upgrade_subsidy (report items 1, 2) ----

CQ = {"region": "重庆", "ui_contribution_months": 20, "certificate_kind": "skill"}


def test_chongqing_once_a_year_holds_from_january_2021_and_the_value_agrees_with_its_step():
    # chongqing-hrss-2021.txt:19350 渝人社办[2021]179号 二 “从2021年1月1日起,符合条件的参保职工在一个自然年度内每人可申领
    # 并享受1次补贴”; :19346 一（二） “2021年1月1日至2021年8月9日,…可在2021年12月31日之前重新进行补贴申领,2021年度已有
    # 补贴享受记录的除外”. March 2021, already claimed this year → cannot claim (it once answered true)
    result = run("skill_upgrade_subsidy", {**CQ, "month": "2021-03", "skill_subsidy_claimed_this_year": True})
    assert result["value"] is False
    assert cites(result, "渝人社办[2021]179号", "二", "本年度不能再申领")
    assert not any("可以申领" in text for _, _, text in steps(result))
    first = run("skill_upgrade_subsidy", {**CQ, "month": "2021-03", "skill_subsidy_claimed_this_year": False,
                                          "higher_level_subsidised": False})
    assert first["value"] is True and cites(first, "渝人社办[2021]179号", "二", "2021年1月1日起")


def test_chongqing_asks_whether_the_person_already_claimed_this_year():
    # the same line: whether the one claim of 2021 is used decides the answer, so it is asked, not assumed “no”
    error = refusal("skill_upgrade_subsidy", {**CQ, "month": "2021-09"})
    assert error.field == "skill_subsidy_claimed_this_year"
    error = refusal("skill_upgrade_subsidy", {**CQ, "month": "2021-09", "skill_subsidy_claimed_this_year": False})
    assert error.field == "higher_level_subsidised"


def test_a_tianjin_2020_skill_certificate_is_refused_not_answered_false():
    # court-national-provinces-2020.txt:3179–3183 津人社办发〔2020〕84号 only “规范学历提升补贴和职称提升补贴经办工作”, resting
    # on 人社部发〔2019〕23号 (the skill rule, not in the compilations)
    error = refusal("skill_upgrade_subsidy", {"region": "天津", "month": "2020-07", "ui_contribution_months": 40,
                                              "certificate_kind": "skill", "certificate_date": "2020-01-30"})
    assert error.field == "certificate_kind" and "人社部发〔2019〕23号" in error.reason
    # :3193–3209 (84号 一): 学历证书, 36 months, within 12 months of the certificate → still answered
    assert run("skill_upgrade_subsidy", {"region": "天津", "month": "2020-07", "ui_contribution_months": 36,
                                         "certificate_kind": "education", "certificate_date": "2019-07-15"})["value"] is True


# ---- social_insurance_subsidy (report items 3–6) ----

FLEX, EMPLOYER = "灵活就业（个人申领）", "单位招用或公益性岗位安排（单位申领）"
HARDSHIP, GRADUATE = "就业困难人员", "离校（毕业）2年内未就业高校毕业生"
SMALL, OTHER = "小微企业（含初创期科技型中小企业、大学生创业企业）", "其他单位（公益性岗位除外）"
SD_FLEX = {"region": "山东", "month": "2020-11", "si_mode": FLEX, "si_group": HARDSHIP, "sex": "男",
           "birth_date": "1975-01-01", "si_first_approval_date": "2020-11-01", "si_months_received": 0,
           "si_personal_paid": 900}


def test_shandong_hardship_flexible_work_gets_at_most_two_thirds_for_three_years():
    # shandong-2020.txt:160 鲁政办字〔2020〕77号 四 (2020-06-05, :143) “对通过夜经济、小店经济等灵活就业的困难人员…缴纳职工
    # 社会保险的，给予其不超过实际缴费2/3的社会保险补贴。其中就业困难人员补贴期限最长不超过3年”; :311 鲁政办发〔2020〕19号 17
    # the same. 900 × 2/3 = 600, a ceiling, 36 months (it once answered 0 citing the graduates' clause)
    result = run("social_insurance_subsidy", SD_FLEX)
    assert result["value"] == 600 and result["details"]["is_ceiling"] is True
    assert result["details"]["max_months"] == 36
    assert cites(result, "鲁政办字〔2020〕77号", "四", "2/3")
    assert not any(doc == "鲁人社字〔2020〕22号" and "五" in art for doc, art, _ in steps(result))


def test_shandong_hardship_flexible_period_expiring_in_2020_is_extended_by_a_year():
    # shandong-2020.txt:487 鲁人社字〔2020〕22号 四（二） “对就业困难人员在2020年1月1日至12月31日期间享受灵活就业社会保险补贴
    # 期满仍未实现稳定就业的，政策享受期限延长1年”: first approval 2017-06-01 + 36 months expires 2020-05-31 → 48 months;
    # 40 received → still 600
    result = run("social_insurance_subsidy", {**SD_FLEX, "si_first_approval_date": "2017-06-01", "si_months_received": 40})
    assert result["value"] == 600 and result["details"]["max_months"] == 48
    assert cites(result, "鲁人社字〔2020〕22号", "四（二）", "延长")


def test_shandong_hardship_flexible_before_the_standard_was_printed_is_refused():
    # before 77号 (2020-06-05) the compilation prints the extension (22号 四（二）) but no standard: June 2020 takes the rule
    # in force on its first day
    assert refusal("social_insurance_subsidy", {**SD_FLEX, "month": "2020-06", "si_first_approval_date": "2020-06-01"}).field == "month"


def test_employer_subsidies_with_no_printed_rule_are_refused():
    # hunan-hrss-2020.txt:4626 湘人社规〔2020〕22号 “自 2021 年 1 月 1 日起施行”; the 2020 办法 (:4525 “停止执行”) is not
    # in the compilation
    hunan = {"region": "湖南", "month": "2020-09", "si_mode": EMPLOYER, "si_group": HARDSHIP, "si_employer_type": OTHER,
             "sex": "男", "birth_date": "1985-01-01", "si_first_approval_date": "2020-06-01", "si_months_received": 3,
             "si_employer_paid": 1000, "si_all_three_paid": True}
    error = refusal("social_insurance_subsidy", hunan)
    assert error.field == "month" and "湘人社规〔2020〕22号" in error.reason
    # shandong-2020.txt:469 鲁人社字〔2020〕22号 四（一） “对招用就业困难人员用人单位的社会保险补贴，免征期间也不再对免征社会
    # 保险给予补贴，免征期计入社会保险补贴期” — the subsidy exists, its amount is not printed
    error = refusal("social_insurance_subsidy", {**hunan, "region": "山东", "si_employer_paid": 600})
    assert error.field == "si_group" and "四（一）" in error.reason


HN_OLD = {"region": "湖南", "month": "2024-02", "si_mode": FLEX, "si_group": HARDSHIP, "sex": "男",
          "birth_date": "1964-06-01", "si_first_approval_date": "2021-01-01", "si_months_received": 37,
          "si_average_wage": 6000, "si_rate": 0.28}


def test_the_retirement_date_is_asked_once_the_months_received_reach_the_period():
    # hunan-hrss-2020.txt:4561 第六条（一） “最长不超过3年…自初次核定其享受社会保险补贴之日起计算,距法定退休时间不足5年的,
    # 可延长享受至法定退休时间”: the statutory retirement age is not in the compilation
    assert refusal("social_insurance_subsidy", HN_OLD).field == "si_retirement_date"
    # retirement 2024-06-01 < 2021-01-01 + 5 years → extended: 6000 × 60 % × 28 % × 60 % (“4050”, :4573) = 604.8
    extended = run("social_insurance_subsidy", {**HN_OLD, "si_retirement_date": "2024-06-01"})
    assert extended["value"] == 604.8
    assert cites(extended, "湘人社规〔2020〕22号", "《湖南省社会保险补贴实施办法》第六条（一）", "2024年6月1日")
    # retirement 2027-06-01, not within 5 years of the first approval → the 36 months are used up: 0, the period named
    ended = run("social_insurance_subsidy", {**HN_OLD, "si_retirement_date": "2027-06-01"})
    assert ended["value"] == 0 and ended["details"]["in_period"] is False
    assert cites(ended, "湘人社规〔2020〕22号", "《湖南省社会保险补贴实施办法》第六条（一）", "最长补贴 36 个月")
    # with fewer months than the period the date decides nothing and is not asked
    assert run("social_insurance_subsidy", {**HN_OLD, "si_months_received": 20})["value"] == 604.8


TJ_FLEX = {"region": "天津", "month": "2020-09", "si_mode": FLEX, "si_first_approval_date": "2020-06-01",
           "si_months_received": 3, "si_rate": 0.3}


def test_each_tianjin_step_cites_the_clause_that_prints_its_figure():
    # national-and-provinces-2020-q2.txt:4910–4914 津人社办发〔2020〕89号 一（二） 4050 → 50 %: 3364 × 30 % × 50 % = 504.6;
    # the period: :4916 89号 二 “补贴期限一般为三年”
    woman = run("social_insurance_subsidy", {**TJ_FLEX, "si_group": HARDSHIP, "sex": "女", "birth_date": "1978-01-01"})
    assert woman["value"] == 504.6
    assert cites(woman, "津人社办发〔2020〕89号", "一（二）", "50%")
    assert cites(woman, "津人社办发〔2020〕89号", "二、补贴期限", "最长补贴 36 个月")
    assert not any(doc == "津人社局发〔2020〕6号" for doc, _, _ in steps(woman))
    # :3210–3220 津政办规〔2020〕7号（十一） “给予最长 2年三项社保补贴…标准为最低缴费标准的 2/3”: 3364 × 30 % × 2/3 = 672.8
    graduate = run("social_insurance_subsidy", {**TJ_FLEX, "si_group": GRADUATE, "graduation_date": "2019-07-01"})
    assert graduate["value"] == 672.8
    assert all(doc == "津政办规〔2020〕7号" for doc, _, _ in steps(graduate))


def test_a_tianjin_hardship_worker_under_40_50_is_outside_89s_scope_and_the_0_says_so():
    # :4902–4914 89号 “一、人员范围和补贴标准”: (一) the four special groups, (二) “其他经认定的就业困难人员中女年满 40周岁、
    # 男年满 50 周岁” — a woman of 32 is neither
    result = run("social_insurance_subsidy", {**TJ_FLEX, "si_group": HARDSHIP, "sex": "女", "birth_date": "1988-01-01"})
    assert result["value"] == 0 and cites(result, "津人社办发〔2020〕89号", "一（二）", "本人未满")


def test_hunan_2020_and_shandong_employer_periods_cite_their_own_clauses():
    # hunan-hrss-2020.txt:4215 湘人社规〔2020〕4号 四 “补贴标准为其个人实际缴费的40%，补贴期限最长不超过2年”: 900 × 40 % = 360
    hunan = run("social_insurance_subsidy", {"region": "湖南", "month": "2020-09", "si_mode": FLEX, "si_group": GRADUATE,
                                             "si_first_approval_date": "2020-06-01", "si_months_received": 3,
                                             "si_personal_paid": 900})
    assert hunan["value"] == 360
    assert {doc for doc, _, _ in steps(hunan)} == {"湘人社规〔2020〕4号"}
    # shandong-2020.txt:507–509 鲁人社字〔2020〕22号 五（一） “给予最长不超过1年的社会保险补贴”
    sd = run("social_insurance_subsidy", {"region": "山东", "month": "2020-09", "si_mode": EMPLOYER, "si_group": GRADUATE,
                                          "si_employer_type": SMALL, "graduation_date": "2019-07-01",
                                          "si_first_approval_date": "2020-06-01", "si_months_received": 3,
                                          "si_employer_paid": 700})
    assert sd["value"] == 700
    assert cites(sd, "鲁人社字〔2020〕22号", "五（一）小微企业吸纳高校毕业生社会保险补贴", "最长补贴 12 个月")
    assert not any("五（二）" in art for _, art, _ in steps(sd))


def test_a_graduate_hired_by_a_firm_that_is_not_small_gets_0_with_the_condition():
    # :507 五（一） “…的小微企业，按其实际缴纳的社会保险费，给予…补贴”
    result = run("social_insurance_subsidy", {"region": "山东", "month": "2020-09", "si_mode": EMPLOYER, "si_group": GRADUATE,
                                              "si_employer_type": OTHER, "graduation_date": "2019-07-01",
                                              "si_first_approval_date": "2020-06-01", "si_months_received": 3,
                                              "si_employer_paid": 700})
    assert result["value"] == 0 and cites(result, "鲁人社字〔2020〕22号", "五（一）小微企业吸纳高校毕业生社会保险补贴", "只给小微企业")


@pytest.mark.parametrize(("case", "field"), [
    # hunan-hrss-2020.txt:4571 第七条（一） “未缴齐上述三种社会保险费的不予补贴”
    ({"region": "湖南", "month": "2021-05", "si_mode": EMPLOYER, "si_group": HARDSHIP, "si_first_approval_date": "2021-01-01",
      "si_months_received": 4, "si_employer_paid": 800}, "si_all_three_paid"),
    # :4567 第六条（三） “补贴时限…至毕业时间满2年为止”
    ({"region": "湖南", "month": "2021-05", "si_mode": FLEX, "si_group": GRADUATE, "si_first_approval_date": "2021-01-01",
      "si_months_received": 4, "si_average_wage": 6000, "si_rate": 0.28}, "graduation_date"),
    # :4573 第七条（二） “4050”人员 60 %, others 40 %
    ({"region": "湖南", "month": "2021-05", "si_mode": FLEX, "si_group": HARDSHIP, "si_first_approval_date": "2021-01-01",
      "si_months_received": 4, "si_average_wage": 6000, "si_rate": 0.28}, "sex"),
    # national-and-provinces-2020-q2.txt:3705–3719 津人社局发〔2020〕6号 第五、六条: the months depend on the firm
    ({"region": "天津", "month": "2020-09", "si_mode": EMPLOYER, "si_group": HARDSHIP, "sex": "女", "birth_date": "1980-01-01",
      "si_first_approval_date": "2020-06-01", "si_months_received": 3, "si_rate": 0.2, "si_injury_rate": 0.004},
     "si_employer_type"),
    # 东西部扶贫协作…贫困劳动力 is a 天津 category (:3670–3691); 山东 prints only 就业困难人员 and graduates
    ({**SD_FLEX, "si_group": "东西部扶贫协作和对口支援地区建档立卡贫困劳动力"}, "si_group"),
])
def test_an_input_that_decides_the_answer_is_asked_not_defaulted(case, field):
    assert refusal("social_insurance_subsidy", case).field == field


# ---- stable_job_refund_regional (report items 12, 13, and the unsure 山东 hardship of April 2020) ----

SD_REFUND = {"enterprise_region": "山东", "month": "2020-07", "enterprise_size": "large", "insured_last_year": 100,
             "contributions_last_year": 100000, "ui_paid_months": 24, "fund_reserve_months": 15,
             "industry_policy_compliant": True}
TJ_REFUND = {"enterprise_region": "天津", "month": "2020-07", "enterprise_size": "large", "insured_last_year": 100,
             "contributions_last_year": 40000, "ui_paid_months": 24, "unemployment_rate_target": 0.055}


def test_missing_layoff_counts_are_asked_not_taken_as_a_layoff_rate_of_0():
    # shandong-2020.txt:5237 鲁人社字〔2020〕26号 二（二）3 “上年度未裁员或裁员率不高于5.5%…可按上年度参保职工减少人数或领取
    # 失业保险金人数与上年度参保职工人数比较确定”
    assert refusal("stable_job_refund_regional", SD_REFUND).field == "decrease_last_year"
    assert refusal("stable_job_refund_regional", {**SD_REFUND, "decrease_last_year": 3}).field == "claimants_last_year"
    # both given, 3 % and 2 % → eligible: 100000 × 50 % = 50000 (a large firm; :5229 二（一）)
    assert run("stable_job_refund_regional", {**SD_REFUND, "decrease_last_year": 3, "claimants_last_year": 2})["value"] == 50000
    # national-and-provinces-2020-q2.txt:3079 津政办规〔2020〕7号 二（一） “不裁员或裁员率低于本市城镇调查失业率控制目标”
    assert refusal("stable_job_refund_regional", TJ_REFUND).field == "decrease_last_year"


def test_a_failed_layoff_test_is_named_with_its_clause():
    # :3079 6 of 100 = 6 %, not below a 5.5 % target (a supplied figure) → 0, the condition named
    result = run("stable_job_refund_regional", {**TJ_REFUND, "decrease_last_year": 6})
    assert result["value"] == 0 and cites(result, "津政办规〔2020〕7号", "二（一）", "不低于本市城镇调查失业率控制目标")
    # shandong-2020.txt:5237: 7 % and 6 % are both above 5.5 % for a firm of 100
    sd = run("stable_job_refund_regional", {**SD_REFUND, "decrease_last_year": 7, "claimants_last_year": 6})
    assert sd["value"] == 0 and cites(sd, "鲁人社字〔2020〕26号", "二（二）3", "高于5.5%")


def test_tianjin_from_the_2021_national_notice_is_left_to_the_national_calculator():
    # chongqing-hrss-2021.txt:19146 人社部发〔2021〕29号 一 (2021-05-20, :19189) “大型企业按不超过企业及其职工上年度实际缴纳
    # 失业保险费的30%返还，中小微企业按不超过60%返还” — 7号's 50 % for a large firm exceeds it; 7号 prints no end date
    case = {**TJ_REFUND, "month": "2021-08", "decrease_last_year": 5, "ui_paid_months": 12}
    error = refusal("stable_job_refund_regional", case)
    assert error.field == "month" and "人社部发〔2021〕29号" in error.reason
    national = run("stable_job_refund", {"region": "天津", "application_date": "2021-08-02", "unit_kind": "enterprise",
                                         "fund_reserve_ok": True, "layoff_rate_cap": 0.055, "refund_type": "general",
                                         "size": "large", "insured_last_year": 100, "decrease_last_year": 5,
                                         "claimants_last_year": 0, "contributions_last_year": 40000})
    assert national["value"] == 12000  # 40000 × 30 %, the only answer now given for these facts
    # May 2021 holds 7号 (to the 19th) and 29号 (from the 20th): a month cannot tell them apart
    assert refusal("stable_job_refund_regional", {**case, "month": "2021-05"}).field == "month"
    # before 29号 nothing in the compilations ends 7号: April 2021, 5 of 100 = 5 % < 5.5 % → 40000 × 50 % = 20000
    assert run("stable_job_refund_regional", {**case, "month": "2021-04"})["value"] == 20000


def test_shandongs_april_2020_hardship_refund_is_26s_standard_not_63s_ceiling():
    # shandong-2020.txt:5245 26号 三（一） “返还标准可按6个月的…月失业保险金标准和参保职工人数确定” (2020-03-13); :3127 63号
    # （一）2 “按照不超过6个月的…” from 2020-06-08. 6 × 1719 × 80 = 825120
    case = {"enterprise_region": "山东", "month": "2020-04", "enterprise_size": "medium", "insured_last_year": 80,
            "decrease_last_year": 2, "claimants_last_year": 1, "ui_paid_months": 36, "fund_reserve_months": 30,
            "hardship_refund_requested": True, "losses_2018_and_2019": True, "debt_ratio": 0.5, "revenue_drop_2019": 0.4,
            "county_monthly_benefit": 1719}
    april = run("stable_job_refund_regional", case)
    assert april["value"] == 825120 and april["details"]["is_ceiling"] is False
    assert cites(april, "鲁人社字〔2020〕26号", "三（一）", "825120")
    october = run("stable_job_refund_regional", {**case, "month": "2020-10"})
    assert october["value"] == 825120 and october["details"]["is_ceiling"] is True
    assert cites(october, "鲁人社字〔2020〕63号", "（一）2", "上限")


# ---- stable_job_refund_national_2020 (report item 14) ----

HEBEI = {"enterprise_region": "河北", "application_date": "2020-08-01", "nr_refund_kind": "稳岗返还",
         "enterprise_size": "小型企业", "nr_contributions_last_year": 24000}


def test_the_fund_reserve_decides_the_general_refund_and_is_asked():
    # hunan-hrss-2020.txt:3033 人社部发〔2020〕30号 二（一） “实施企业稳岗返还的统筹地区上年失业保险基金滚存结余应具备12个月
    # 以上备付能力”
    assert refusal("stable_job_refund_national_2020", HEBEI).field == "nr_fund_reserve_months"
    assert run("stable_job_refund_national_2020", {**HEBEI, "nr_fund_reserve_months": 10})["value"] == 0
    assert run("stable_job_refund_national_2020", {**HEBEI, "nr_fund_reserve_months": 12})["value"] == 24000
    # the same line: for hardship refunds “对于备付能力不足的统筹地区，要充分发挥省级调剂金作用” — the reserve bars nothing,
    # so it is not asked: 6 × 1500 × 40 = 360000
    hardship = {**HEBEI, "nr_refund_kind": "困难企业稳岗返还（按失业保险金和参保职工人数）", "enterprise_size": "大型企业",
                "nr_monthly_benefit": 1500, "nr_insured_staff": 40}
    assert run("stable_job_refund_national_2020", hardship)["value"] == 360000
