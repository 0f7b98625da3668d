"""Audit rules-pcw (session 14), Table A sections A-P, A-C and A-W: discrepancies D1–D5 of report.md.

Each case is worked by hand from the clause quoted beside it. Short file names (data/compilations/):
HN hunan-hrss-2020.txt, CQ chongqing-hrss-2021.txt, CT court-national-provinces-2020.txt, SD shandong-2020.txt.
"""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import get
from tests.rules.audit_support import refused, run, step

# ---- D1, D2. contribution_deferral: 49号's end of December is the last day of every deferral ----
# HN:5187 (人社部发〔2020〕49号 二) “受疫情影响生产经营出现严重困难的企业，可继续缓缴社会保险费至2020年12月底”;
# HN:5197 (49号 六) “不得突破本通知的政策要求”; HN:5768 (湘人社规〔2020〕10号 二) “可缓缴社会保险费至2020年12月底”;
# CQ:17524 (人社厅发〔2021〕2号 一) “2021年1月1日起，不再实施阶段性减免和缓缴企业养老保险、失业保险、工伤保险费政策”.
DEFERRAL = {"query_date": "2020-10-01", "enterprise_size": "small", "serious_difficulty": True}


@pytest.mark.parametrize(("region", "start"), [("河北", "2020-10-01"), ("湖南", "2020-08-01"), ("山东", "2020-07-15")])
def test_a_deferral_begun_after_june_ends_on_the_last_day_of_2020(region: str, start: str) -> None:
    # start + 6 months would be 2021-04-01 / 2021-02-01 / 2021-01-15: past the end 49号 sets
    result = run("contribution_deferral", DEFERRAL | {"region": region, "deferral_start": start})
    assert result["value"] == "2020-12-31"
    cited = step(result, "可继续缓缴至年底", "2020-12-31")
    assert cited["source"]["doc_no"] == "人社部发〔2020〕49号"


def test_before_june_the_six_months_still_stretch_to_the_end_of_december() -> None:
    # 2020-03-01 + 6 months = 2020-09-01 < 2020-12-31: 49号 extends it (unchanged behaviour)
    result = run("contribution_deferral", DEFERRAL | {"region": "河北", "deferral_start": "2020-03-01"})
    assert result["value"] == "2020-12-31"


def test_before_49hao_the_six_months_rule_alone() -> None:
    # HN:4941 (人社部发〔2020〕11号 三) “缓缴期限原则上不超过6个月”: 2020-06-01 + 6 months = 2020-12-01
    case = DEFERRAL | {"query_date": "2020-06-01", "region": "河北", "deferral_start": "2020-06-01"}
    assert run("contribution_deferral", case)["value"] == "2020-12-01"


def test_a_deferral_cannot_start_after_the_last_day() -> None:
    case = DEFERRAL | {"region": "湖南", "deferral_start": "2021-01-05"}
    error = refused("contribution_deferral", case)
    assert error.field == "deferral_start" and "2020年12月31日" in str(error)


def test_the_shandong_step_prints_its_six_months() -> None:
    # SD:30 (鲁政办发〔2020〕4号 9) “缓缴期最长6个月”
    case = DEFERRAL | {"query_date": "2020-03-01", "region": "山东", "deferral_start": "2020-03-01"}
    result = run("contribution_deferral", case)
    assert result["value"] == "2020-09-01"
    assert step(result, "山东", "中小企业缓缴期最长6个月")["source"]["doc_no"] == "鲁政办发〔2020〕4号"


# ---- D3. injury_rate_reduction (北京): the words are Beijing's, the 20 % cut is said ----
# CT:1854–1856 (京人社发〔2020〕4号 一) “一类至八类行业用人单位工伤保险费率，在现行费率的基础上下调 20%”;
# CT:1858 (二) “按项目参保的施工企业…缴费费率统一调整至0.8%”. 1.8‰ is 湖南's project rate (HN:5611), not Beijing's.
def test_the_project_choice_is_not_labelled_with_hunans_rate() -> None:
    words = {field.name: field.words for field in get("injury_rate_reduction").fields}["injury_basis"]
    assert "1.8‰" not in "".join(words.values())
    assert words["project"] == "按项目参保的施工企业"
    by_word = run("injury_rate_reduction", {"month_date": "2020-05-01", "region": "北京", "injury_basis": "按项目参保的施工企业"})
    assert by_word["value"] == 0.008


def test_the_industry_step_names_the_twenty_percent_cut() -> None:
    case = {"month_date": "2021-04-30", "region": "北京", "injury_basis": "industry", "current_injury_rate": 0.01}
    result = run("injury_rate_reduction", case)
    assert result["value"] == 0.008  # 0.01 × (1 − 20 %)
    assert step(result, "下调20%", "0.01", "0.008")["source"]["doc_no"] == "京人社发〔2020〕4号"


# ---- D4. work_injury_benefit_adjustment (湖南): no minimum wage asked where it cannot matter ----
# HN:5902 (湘人社规〔2020〕15号 一（一）) “2019 年 12 月 31 日前…已享受伤残津贴的在职工伤人员调整增加伤残津贴”;
# HN:5906 (一（二）) “每人每月增加 140 元…低于 2020 年统筹地区最低工资标准的，补足”;
# HN:5944 (三（五）) “已享受基本养老保险待遇…不再按照本通知的规定调整伤残津贴”.
HN_WI = {"region": "湖南", "month": "2020-03", "work_injury_benefit_kind": "disability_allowance", "disability_grade": 2,
         "monthly_benefit_before": 2000}


@pytest.mark.parametrize("extra", [{"benefit_start_date": "2020-01-01"},
                                   {"benefit_start_date": "2015-01-01", "drawing_basic_pension": True},
                                   {"benefit_start_date": "2015-01-01", "disability_grade": 7}])
def test_out_of_scope_cases_answer_zero_without_the_minimum_wage(extra: dict) -> None:
    result = run("work_injury_benefit_adjustment", HN_WI | extra)
    assert result["value"] == 0
    assert step(result, "不在调整范围")
    assert not any("无元" in s["text"] for s in result["explanation"])


def test_in_scope_cases_still_need_the_minimum_wage() -> None:
    assert refused("work_injury_benefit_adjustment", HN_WI | {"benefit_start_date": "2019-12-31"}).field == "local_minimum_wage"
    # 1500 + 140 = 1640 < 1700 → topped up to 1700: +200
    result = run("work_injury_benefit_adjustment",
                 HN_WI | {"monthly_benefit_before": 1500, "benefit_start_date": "2019-12-31", "local_minimum_wage": 1700})
    assert result["value"] == 200 and result["details"]["adjusted"] == 1700


# ---- D5. social_insurance_relief (湖南): May–June halving after the bills — offset or refund ----
# HN:5762 (湘人社规〔2020〕10号 一) “对全省大型企业…减半征收的政策，延长执行到2020年6月底，机关事业单位以外的其他单位参照执行”;
# HN:5764 “已全额缴纳5—6月份三项社会保险费的企业和单位，对应减征的部分，企业和单位可选择冲抵以后月份的缴费，也可选择退回”.
@pytest.mark.parametrize(("size", "month"), [("large", "2020-05"), ("other_unit", "2020-06")])
def test_may_june_halving_says_offset_or_refund(size: str, month: str) -> None:
    result = run("social_insurance_relief", {"region": "湖南", "month": month, "size": size, "payroll": 100000,
                                             "employer_rate": 0.2})
    assert result["value"] == 0.5 and result["details"]["waived_amount"] == 10000  # 100000 × 0.2 × 0.5
    cited = step(result, "冲抵以后月份的缴费", "退回")
    assert (cited["source"]["doc_no"], cited["source"]["article"]) == ("湘人社规〔2020〕10号", "一")


@pytest.mark.parametrize(("size", "month"), [("large", "2020-04"), ("small", "2020-05"), ("large", "2020-07")])
def test_no_offset_step_outside_the_extended_halving(size: str, month: str) -> None:
    result = run("social_insurance_relief", {"region": "湖南", "month": month, "size": size})
    assert not any("冲抵" in s["text"] for s in result["explanation"])


# ---- W1, W2 (wording). The reason a case is out names its day; a daily rate reads as a percentage ----
# HN:6019 (湘人社规〔2020〕23号) “事业单位老工伤人员（即2005年12月29日前由原人事部门认定的工伤人员）…一等每年16900元”.
@pytest.mark.parametrize(("recognised", "expected"), [("2005-12-28", 16900), ("2005-12-29", 0)])
def test_old_injury_cases_end_on_the_day_the_text_prints(recognised: str, expected: float) -> None:
    case = {"region": "湖南", "month": "2020-08", "old_injury_grade": "first", "injury_recognition_date": recognised}
    result = run("old_injury_health_allowance", case)
    assert result["value"] == expected
    if not expected:
        assert step(result, "不适用", "2005年12月29日前由原人事部门认定")


def test_tianjin_late_fee_rate_reads_as_a_percentage() -> None:
    # CT:3822 (津人社局发〔2020〕12号 二（七）) “按日加收万分之五滞纳金”: 10000 × 0.0005 × 100 日 = 500
    case = {"month": "2020-08", "region": "天津", "arrears_insurance": "pension", "arrears_month": "2015-03",
            "arrears_amount": 10000, "days_overdue": 100}
    result = run("contribution_late_fee", case)
    assert result["value"] == 500
    assert step(result, "按日加收欠缴费款的 0.05%")["value"] == 0.0005


# ---- fisher_pension_subsidy (重庆): months paid in a year are at most twelve ----
# CQ:9953 (渝人社发〔2021〕9号 一（一）2) “缴费不足1年的，当年缴费补贴根据实际缴费月数进行发放，即2500元/12个月×当年缴费月数”
def test_more_than_twelve_months_in_a_year_is_refused() -> None:
    case = {"region": "重庆", "month": "2021-06", "fisher_scheme": "enterprise", "fisher_subsidy_case": "annual",
            "contribution_year": 2021}
    assert refused("fisher_pension_subsidy", case | {"months_paid_in_year": 13}).field == "months_paid_in_year"
    assert run("fisher_pension_subsidy", case | {"months_paid_in_year": 12})["value"] == 2500
    assert run("fisher_pension_subsidy", case | {"months_paid_in_year": 5})["value"] == 1042  # 2500 / 12 × 5 = 1041.67


# ---- A supplied figure the texts already print is not used, and the answer says so ----
# CQ:18106 (渝人社发〔2021〕15号 五) “我市小微企业按14%确定企业职工基本养老保险单位缴费比例”;
# SD:209 (“六保三促”方案 5（1）) “企业职工基本养老保险继续执行16%的单位缴费比例”.
EPC = {"month": "2021-03", "monthly_wage": 5000, "individual_contribution_base": 5000}


def test_a_small_firms_printed_rate_is_not_called_supplied() -> None:
    result = run("employer_pension_contribution",
                 EPC | {"region": "重庆", "enterprise_size": "small", "supplied_employer_pension_rate": 0.16})
    assert result["value"] == 700  # 5000 × 14 %
    assert step(result, "小微企业单位缴费比例 14%")["source"]["doc_no"] == "渝人社发〔2021〕15号"
    assert step(result, "使用者提供的单位缴费比例 16% 未采用", "14%")
    assert not any("由使用者提供" in s["text"] for s in result["explanation"])


def test_shandong_says_a_supplied_rate_is_not_used() -> None:
    result = run("employer_pension_contribution",
                 EPC | {"region": "山东", "enterprise_size": "large", "supplied_employer_pension_rate": 0.2})
    assert result["value"] == 800  # 5000 × 16 %
    assert step(result, "使用者提供的单位缴费比例 20% 未采用", "16%")


def test_a_large_chongqing_firm_still_uses_the_supplied_rate() -> None:
    result = run("employer_pension_contribution",
                 EPC | {"region": "重庆", "enterprise_size": "large", "supplied_employer_pension_rate": 0.16})
    assert result["value"] == 800  # 5000 × 16 % (supplied; 汇编未载 large firms' rate)
    assert step(result, "单位缴费比例 16%（由使用者提供")


# CQ:18164 (渝人社发〔2021〕42号 二) “…2021年度月缴费基数上限为18495元、下限为3699元”; CQ:18104 (渝人社发〔2021〕15号 四)
# “对2020年自愿暂缓缴费月度可于2021年底前进行补缴，缴费基数在2021年我市…上下限范围内自主选择”.
def test_backpay_says_supplied_limits_are_not_used_where_printed() -> None:
    case = {"payment_date": "2021-06-01", "region": "重庆", "deferred_month": "2020-05", "chosen_base": 3000,
            "supplied_floor": 3000, "supplied_cap": 16000}
    result = run("flexible_pension_backpay", case)
    assert result["value"] == 3699  # 3000 below the printed floor 3699
    assert step(result, "使用者提供的上下限未采用", "3699", "18495")


# HN:5484 (湘政发〔2020〕19号 四（三）3) “对重度残疾人等缴费特别困难群体，县市区人民政府按每人每年100元缴费档次给予全部代缴”
def test_hunan_proxy_says_a_supplied_lowest_tier_is_not_used() -> None:
    result = run("residents_contribution_proxy",
                 {"region": "湖南", "month": "2021-03", "proxy_group": "severe", "lowest_tier": 200})
    assert result["value"] == 100
    assert step(result, "使用者提供的最低缴费档次标准200元未采用", "100元")


# CT:1858 (京人社发〔2020〕4号 二) “按项目参保的施工企业…缴费费率统一调整至0.8%”: not a cut of the current rate
def test_beijing_project_rate_says_a_supplied_current_rate_is_not_used() -> None:
    case = {"month_date": "2020-05-01", "region": "北京", "injury_basis": "project", "current_injury_rate": 0.01}
    result = run("injury_rate_reduction", case)
    assert result["value"] == 0.008
    assert step(result, "所填现行费率 0.01 未采用")
