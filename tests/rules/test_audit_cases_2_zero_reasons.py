"""Zeros that say why (second outside audit, 2026-12-05, report section 1a–1d).

Each case below once answered 0 with no step naming the condition that failed (or with a generic step showing
"本年0元"/"最高 0 元", or a wrong date). Each is worked by hand from the clause quoted beside it; the test asserts
the value, that a step's text names the failed condition, and that this step cites the document setting it.
Short file names: HN hunan-hrss-2020.txt, CQ chongqing-hrss-2021.txt, SD shandong-2020.txt,
Q2 national-and-provinces-2020-q2.txt, CT court-national-provinces-2020.txt (data/compilations/).
"""

from __future__ import annotations

import itertools

import pytest

from kuaiban.rules.calculators import get
from tests.rules.audit_support import refused, run
from tests.rules.audit_support import step as reason


def cites(step: dict, doc_no: str, article: str | None = None) -> None:
    assert step["source"]["doc_no"] == doc_no, step
    if article is not None:
        assert step["source"]["article"] == article, step


# ---- 1a. fisher_pension_subsidy ----
HN_FISHER = {"region": "湖南", "month": "2020-10", "fisher_scheme": "residents"}
CQ_FISHER = {"region": "重庆", "month": "2021-03"}


def test_hunan_other_licensed_fisher_gets_no_provincial_subsidy_and_is_told_the_county_decides() -> None:
    # HN:4901 “政府对专业渔民按每人每年3000元…对持证兼业渔民按每人每年2000元…”: only these two kinds;
    # HN:4903 “其它持证渔民中的生活困难对象，市州、县市区可根据实际情况给予适当补助，具体方案由市州、县市区人民政府制定”
    result = run("fisher_pension_subsidy", HN_FISHER | {"fisher_kind": "other_licensed"})
    assert result["value"] == 0
    step = reason(result, "其它持证渔民不享受", "市州、县市区")
    cites(step, "湘人社发〔2020〕37号", "四（四）1")
    assert all("每年0元" not in s["text"] for s in result["explanation"])


def test_hunan_third_fisher_of_a_household_is_told_the_two_per_household_limit() -> None:
    # HN:4901 “每户补贴不超过2人”: two others of the household already receive it
    result = run("fisher_pension_subsidy", HN_FISHER | {"fisher_kind": "professional", "household_others_subsidised": 2})
    assert result["value"] == 0
    cites(reason(result, "本户已有2人享受补贴", "每户补贴不超过2人"), "湘人社发〔2020〕37号", "四（四）1")


def test_chongqing_tier_below_3000_names_the_tier() -> None:
    # CQ:9949 “2021年及以后年度选择的年缴费档次不低于3000元,且按年足额缴费后,每年享受2500元缴费补贴”: 2000 < 3000
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2021,
                                                        "annual_contribution": 2000, "paid_in_full": True})
    assert result["value"] == 0
    cites(reason(result, "年缴费档次为2000元", "低于3000元"), "渝人社发〔2021〕9号", "一（一）1")


def test_chongqing_2020_tier_below_3000_names_the_2021_option_to_top_up() -> None:
    # CQ:9975 “年缴费低于3000元档次的，可在2021年内…将2020年缴费档次变更为3000元，补齐差额后可享受2020年度缴费补贴”
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2020,
                                                        "annual_contribution": 2000, "paid_in_full": True})
    assert result["value"] == 0
    step = reason(result, "2020年按2000元档次缴费", "2021年12月31日前", "变更为3000元")
    cites(step, "渝人社发〔2021〕9号", "一（四）")


def test_chongqing_residents_case_asks_whether_paid_in_full_instead_of_assuming_not() -> None:
    # CQ:9945 “按照先缴后补、不缴不补原则”, CQ:9949 “且按年足额缴费后”: a missing answer is not “not paid”
    error = refused("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2021,
                                                           "annual_contribution": 3000})
    assert error.field == "paid_in_full"
    error = refused("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2021,
                                                           "paid_in_full": True})
    assert error.field == "annual_contribution"


def test_chongqing_not_paid_in_full_says_so() -> None:
    # CQ:9949 “且按年足额缴费后,每年享受2500元缴费补贴”
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2021,
                                                        "annual_contribution": 3000, "paid_in_full": False})
    assert result["value"] == 0
    cites(reason(result, "未按年足额缴费", "不缴不补"), "渝人社发〔2021〕9号", "一（一）1")


def test_chongqing_year_outside_2020_to_2034_is_zero_with_the_subsidy_period() -> None:
    # CQ:9945 “在2020年1月1日至2034年12月31日期间…享受养老保险缴费补贴”: 2035 is outside
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "contribution_year": 2035,
                                                        "annual_contribution": 3000, "paid_in_full": True})
    assert result["value"] == 0
    cites(reason(result, "2020年至2034年", "2035年不在补贴期间"), "渝人社发〔2021〕9号", "一")
    assert all("本年0元" not in s["text"] for s in result["explanation"])


def test_chongqing_flexible_worker_is_asked_for_the_months_paid() -> None:
    # CQ:9953 “当年缴费补贴根据实际缴费月数进行发放,即2500元/12个月×当年缴费月数”: no months, no figure
    error = refused("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "enterprise", "contribution_year": 2021})
    assert error.field == "months_paid_in_year"


def test_chongqing_flexible_worker_with_no_month_paid_gets_zero_not_paid_not_subsidised() -> None:
    # CQ:9945 “先缴后补、不缴不补”
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "enterprise", "contribution_year": 2021,
                                                        "months_paid_in_year": 0})
    assert result["value"] == 0
    cites(reason(result, "缴费0个月", "不缴不补"), "渝人社发〔2021〕9号", "一")


def test_chongqing_settlement_of_a_flexible_worker_is_zero_because_settlement_is_for_residents_participants() -> None:
    # CQ:9949–9951 “1.参加我市城乡居民基本养老保险的…此类人员…符合待遇领取条件时…进行清算”; CQ:9953 flexible workers
    # are paid year by year (“2500元/12个月×当年缴费月数”), with no settlement
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "enterprise", "fisher_subsidy_case": "settlement",
                                                        "years_subsidised": 3})
    assert result["value"] == 0
    cites(reason(result, "清算只适用于参加城乡居民基本养老保险", "不清算"), "渝人社发〔2021〕9号", "一（一）1")
    cites(reason(result, "按年享受缴费补贴"), "渝人社发〔2021〕9号", "一（一）2")
    assert all("缴费补贴0元一次计入" not in s["text"] for s in result["explanation"])


def test_chongqing_settlement_asks_for_the_years_already_subsidised() -> None:
    # CQ:9951 “已享受缴费补贴年限不足15年的…清算”: the remaining years depend on it
    error = refused("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "fisher_subsidy_case": "settlement",
                                                           "cumulative_contributions": 4000})
    assert error.field == "years_subsidised"


def test_chongqing_settlement_after_15_years_subsidised_says_nothing_remains() -> None:
    # CQ:9951 “已享受缴费补贴年限不足15年的…进行清算”: 15 years already
    result = run("fisher_pension_subsidy", CQ_FISHER | {"fisher_scheme": "residents", "fisher_subsidy_case": "settlement",
                                                        "years_subsidised": 15, "cumulative_contributions": 4000})
    assert result["value"] == 0
    cites(reason(result, "已享受缴费补贴15年", "已满15年"), "渝人社发〔2021〕9号", "一（一）1")


# ---- 1b. temporary_relief_grant ----
# SD:5039 (鲁人社字〔2020〕119号 七): “对受疫情影响无法返岗复工、连续3个月无收入来源，生活困难且失业保险政策无法覆盖的
# 农民工等未参保失业人员，未纳入低保范围的…按照不高于当地3个月城市低保标准…发放一次性临时救助金”
RELIEF = {"region": "山东", "application_date": "2020-11-01", "relief_dibao_standard": 750}


def test_relief_after_two_months_without_income_names_the_three_months() -> None:
    result = run("temporary_relief_grant", RELIEF | {"relief_uninsured": True, "relief_no_income_months": 2})
    assert result["value"] == 0 and result["details"]["is_ceiling"] is False
    cites(reason(result, "连续无收入来源 2 个月", "不满 3 个月"), "鲁人社字〔2020〕119号")
    assert all("最高 0 元" not in s["text"] for s in result["explanation"])


def test_relief_for_someone_unemployment_insurance_covers_says_not_a_relief_case() -> None:
    result = run("temporary_relief_grant", RELIEF | {"relief_uninsured": False, "relief_no_income_months": 3})
    assert result["value"] == 0
    cites(reason(result, "不属于救助对象", "失业保险政策无法覆盖", "未纳入低保"), "鲁人社字〔2020〕119号")


def test_relief_for_three_months_is_three_times_the_dibao_standard_as_a_ceiling() -> None:
    result = run("temporary_relief_grant", RELIEF | {"relief_uninsured": True, "relief_no_income_months": 3})
    assert result["value"] == 2250 and result["details"]["is_ceiling"] is True


# ---- 1c. temporary_living_allowance ----

def test_beijing_last_record_before_2019_names_the_record_date() -> None:
    # CT:2623 (京人社发[2020]8号 二（一）): “2019 年 1月 1日之后在京有参保记录但累计参保不满 1 年的失业农民合同制工人”
    result = run("temporary_living_allowance", {"region": "北京", "month": "2020-06", "rural_contract_worker": True,
                                                "contribution_months": 5, "last_contribution_date": "2018-12-31"})
    assert result["value"] == 0
    cites(reason(result, "最近一次参保记录为2018年12月31日", "早于2019年1月1日"), "京人社发[2020]8号", "二（一）")


def test_hunan_2020_names_concurrent_unemployment_subsidy_as_a_reading_and_no_longer_says_2020_05_01() -> None:
    # HN:5157 (人社部发〔2020〕40号 四): “对2019年1月1日之后参保不满1年的失业农民工…临时生活补助”: the date is 2019-01-01;
    # 40号 prints no rule on 失业补助金 beside it (CT:2645 北京 and SD:5326 山东 do): the step says it is a reading
    result = run("temporary_living_allowance", {"region": "湖南", "month": "2020-06", "rural_contract_worker": True,
                                                "contribution_months": 5, "last_contribution_date": "2020-03-31",
                                                "drawing_unemployment_subsidy": True, "local_subsistence_allowance": 600})
    assert result["value"] == 0
    step = reason(result, "正在领取失业补助金", "国家文件未载明", "本计算按不同时享受理解")
    cites(step, "人社部发〔2020〕40号", "四")
    assert all("2020年5月1日" not in s["text"] for s in result["explanation"])


def test_hunan_2020_record_before_2019_names_2019_01_01() -> None:
    # HN:5157 “对2019年1月1日之后参保不满1年的失业农民工”
    result = run("temporary_living_allowance", {"region": "湖南", "month": "2020-06", "rural_contract_worker": True,
                                                "contribution_months": 5, "last_contribution_date": "2018-06-30",
                                                "local_subsistence_allowance": 600})
    assert result["value"] == 0
    cites(reason(result, "早于2019年1月1日"), "人社部发〔2020〕40号", "四")


def test_2021_names_when_unemployment_began_not_when_insured() -> None:
    # CQ:19166 (人社部发〔2021〕29号 六): “保障范围为2021年1月1日之后新发生的参保失业人员”
    result = run("temporary_living_allowance", {"region": "湖南", "month": "2021-06", "rural_contract_worker": True,
                                                "contribution_months": 5, "unemployment_start_date": "2020-12-15",
                                                "local_subsistence_allowance": 600})
    assert result["value"] == 0
    step = reason(result, "失业发生于2020年12月15日", "早于2021年1月1日", "新发生的参保失业人员")
    cites(step, "人社部发〔2021〕29号", "六")
    assert all("之后参保不满" not in s["text"] for s in result["explanation"])


def test_shandong_2020_once_only_and_not_beside_the_subsidy_cite_shandongs_notice() -> None:
    # SD:5326 (鲁人社字〔2020〕78号 二): “临时生活补助只能申领享受一次，不与失业补助金等其他失业保险待遇同时享受”
    result = run("temporary_living_allowance", {"region": "山东", "month": "2020-06", "rural_contract_worker": True,
                                                "contribution_months": 5, "last_contribution_date": "2020-03-31",
                                                "temporary_living_allowance_received_before": True,
                                                "drawing_unemployment_subsidy": True, "local_subsistence_allowance": 735})
    assert result["value"] == 0
    cites(reason(result, "只能申领享受一次"), "鲁人社字〔2020〕78号", "二")
    cites(reason(result, "正在领取失业补助金", "不与其同时享受"), "鲁人社字〔2020〕78号", "二")


def test_a_full_year_insured_names_the_twelve_months() -> None:
    # CT:2623 “累计参保不满 1 年”
    result = run("temporary_living_allowance", {"region": "北京", "month": "2020-06", "rural_contract_worker": True,
                                                "contribution_months": 12, "last_contribution_date": "2020-03-31"})
    assert result["value"] == 0
    cites(reason(result, "累计参保12个月", "已满12个月"), "京人社发[2020]8号", "二（一）")


# ---- 1d. job_search_subsidy ----
# HN:4229 (湘人社规〔2020〕4号 九): “对毕业学年有就业创业意愿并积极求职创业的低保家庭、贫困残疾人家庭、建档立卡贫困家庭和
# 特困人员中的高校毕业生，残疾、孤儿及获得国家助学贷款的高校毕业生，按1500元/人的标准给予一次性求职创业补贴”
GRADUATE = {"js_graduating_year": True, "js_graduation_year": 2020}
HN_JS = {"region": "湖南", "application_date": "2020-05-10"} | GRADUATE


@pytest.mark.parametrize(("case", "words"), [
    ({}, ("困难类别「未填」", "不在所列补贴对象之内")),
    ({"js_category": "不属于所列困难类别"}, ("困难类别「不属于所列困难类别」", "不在所列补贴对象之内")),
    # 重点困境儿童 is in 山东's list (SD:4732–4746), not in 湖南's
    ({"js_category": "重点困境儿童（含事实无人抚养儿童）"}, ("重点困境儿童", "不在所列补贴对象之内")),
    ({"js_category": "低保家庭", "js_school": "中等职业学校或技工院校"}, ("只发给高校毕业生", "中等职业学校或技工院校")),
    ({"js_category": "低保家庭", "js_graduating_year": False}, ("不在毕业学年内", "积极求职创业")),
    # “一次性”: the notice prints no rule for a second claim; the step says it is a reading
    ({"js_category": "低保家庭", "js_previous_amount": 1500}, ("已领取一次性求职创业补贴 1500 元", "不再重复发放")),
])
def test_hunan_job_search_zero_names_the_failed_condition(case: dict, words: tuple[str, ...]) -> None:
    result = run("job_search_subsidy", HN_JS | case)
    assert result["value"] == 0
    cites(reason(result, *words), "湘人社规〔2020〕4号")
    assert all("补贴 0 元" not in s["text"] for s in result["explanation"])


def test_shandong_hardship_notice_is_for_the_class_of_2021_only() -> None:
    # SD:4719–4728 (鲁人社函〔2020〕69号): “关于做好2021届高等学校中职学校技工院校毕业生求职创业补贴发放工作的通知”
    result = run("job_search_subsidy", {"region": "山东", "application_date": "2020-10-10", "js_category": "低保家庭"}
                 | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "只发给2021届毕业生", "所填为2020届"), "鲁人社函〔2020〕69号")


def test_shandong_hubei_subsidy_is_for_universities_only() -> None:
    # SD:4507 (鲁人社字〔2020〕60号 一): “湖北籍2020届全日制普通高等学校毕业生，补贴标准为1000元/人”
    result = run("job_search_subsidy", {"region": "山东", "application_date": "2020-06-15", "js_hubei": True,
                                        "js_school": "中等职业学校或技工院校"} | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "全日制普通高等学校毕业生", "中等职业学校或技工院校"), "鲁人社字〔2020〕60号")


def test_shandong_before_the_hardship_notice_only_hubei_graduates_are_paid() -> None:
    # SD:4507: on 2020-06-15 only 60号 (湖北籍2020届) is in force; 69号 is dated 2020-09-23 (SD:4725)
    result = run("job_search_subsidy", {"region": "山东", "application_date": "2020-06-15", "js_category": "低保家庭"}
                 | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "湖北籍2020届", "所填不是湖北籍"), "鲁人社字〔2020〕60号")


def test_shandong_hubei_graduate_paid_1000_before_gets_no_top_up() -> None:
    # SD:4509 “2019年已申领求职创业补贴的湖北籍毕业生（除助学贷款类别的）不再重复申报，其中按照600元/人的标准发放的，
    # 此次按照400元/人的标准进行补发”
    result = run("job_search_subsidy", {"region": "山东", "application_date": "2020-06-15", "js_hubei": True,
                                        "js_previous_amount": 1000} | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "已申领求职创业补贴 1000 元", "不再重复申报"), "鲁人社字〔2020〕60号")


def test_tianjin_pays_hubei_students_only() -> None:
    # Q2:4103–4109 (津人社办发〔2020〕78号 一): “（一）生源地为湖北的学生；（二）毕业前户籍地为湖北的学生”
    result = run("job_search_subsidy", {"region": "天津", "application_date": "2020-06-01", "js_hubei": False} | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "生源地或毕业前户籍地为湖北", "所填不是湖北籍"), "津人社办发〔2020〕78号")


def test_tianjin_already_paid_is_not_paid_again() -> None:
    # Q2:4115–4117: “此前已享受一次性求职创业补贴的不再予以补贴”
    result = run("job_search_subsidy", {"region": "天津", "application_date": "2020-06-01", "js_hubei": True,
                                        "js_previous_amount": 1500} | GRADUATE)
    assert result["value"] == 0
    cites(reason(result, "此前已享受一次性求职创业补贴", "不再予以补贴"), "津人社办发〔2020〕78号")


# ---- every 0 of the four calculators has a step of value 0 saying why; a positive answer has none ----

def _grid(base: dict, choices: dict) -> list[dict]:
    keys = list(choices)
    return [base | dict(zip(keys, values, strict=True)) for values in itertools.product(*choices.values())]


GRIDS = {
    "job_search_subsidy": [
        *_grid({"region": "湖南", "application_date": "2020-05-10"}, {
            "js_graduating_year": [True, False], "js_graduation_year": [2020, 2021],
            "js_category": ["不属于所列困难类别", "低保家庭", "重点困境儿童（含事实无人抚养儿童）", "在学期间获得国家助学贷款"],
            "js_school": ["全日制普通高等学校", "中等职业学校或技工院校"], "js_previous_amount": [0, 600]}),
        *[case for date in ("2020-06-15", "2020-10-15") for case in _grid({"region": "山东", "application_date": date}, {
            "js_graduating_year": [True, False], "js_graduation_year": [2020, 2021], "js_hubei": [True, False],
            "js_category": ["不属于所列困难类别", "低保家庭"], "js_school": ["全日制普通高等学校", "中等职业学校或技工院校"],
            "js_previous_amount": [0, 600, 1000], "js_previous_loan_category": [True, False]})],
        *_grid({"region": "天津", "application_date": "2020-06-01"}, {
            "js_graduating_year": [True, False], "js_graduation_year": [2019, 2020], "js_hubei": [True, False],
            "js_school": ["全日制普通高等学校", "中等职业学校或技工院校"], "js_previous_amount": [0, 1500]}),
    ],
    "temporary_relief_grant": _grid({"region": "山东", "application_date": "2020-11-01", "relief_dibao_standard": 750}, {
        "relief_uninsured": [True, False], "relief_no_income_months": [0, 2, 3, 6]}),
    "temporary_living_allowance": [
        *[case for region in ("北京", "山东", "湖南") for case in _grid(
            {"region": region, "month": "2020-06", "local_subsistence_allowance": 700}, {
                "rural_contract_worker": [True, False], "contribution_months": [5, 12],
                "last_contribution_date": ["2018-12-31", "2019-01-01"],
                "temporary_living_allowance_received_before": [True, False], "drawing_unemployment_benefit": [True, False],
                "drawing_unemployment_subsidy": [True, False], "stop_condition_met": [True, False]})],
        *[case for region in ("北京", "重庆") for case in _grid(
            {"region": region, "month": "2021-06", "local_subsistence_allowance": 700}, {
                "rural_contract_worker": [True, False], "contribution_months": [5, 12],
                "unemployment_start_date": ["2020-12-31", "2021-01-01"],
                "temporary_living_allowance_received_before": [True, False], "drawing_unemployment_benefit": [True, False],
                "drawing_unemployment_subsidy": [True, False], "stop_condition_met": [True, False]})],
    ],
    "fisher_pension_subsidy": [
        *_grid({"region": "湖南", "month": "2020-10"}, {
            "fisher_scheme": ["residents", "enterprise"], "fisher_kind": ["professional", "part_time_licensed", "other_licensed"],
            "household_others_subsidised": [0, 1, 2]}),
        *_grid({"region": "重庆", "month": "2021-03", "fisher_scheme": "residents"}, {
            "contribution_year": [2019, 2020, 2021, 2034, 2035], "annual_contribution": [2000, 3000],
            "paid_in_full": [True, False], "double_dismissal_subsidy": [True, False]}),
        *_grid({"region": "重庆", "month": "2021-03", "fisher_scheme": "enterprise"}, {
            "contribution_year": [2020, 2021, 2035], "months_paid_in_year": [0, 5, 12], "double_dismissal_subsidy": [True, False]}),
        *_grid({"region": "重庆", "month": "2021-06", "fisher_subsidy_case": "settlement"}, {
            "fisher_scheme": ["residents", "enterprise"], "years_subsidised": [0, 3, 15],
            "cumulative_contributions": [0, 4000, 9000]}),
    ],
}


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_every_zero_has_a_step_of_value_zero_saying_why_and_no_positive_answer_has_one(name: str) -> None:
    calc = get(name)
    output = calc.spec.data["output"]
    zero_steps = 0
    for case in GRIDS[name]:
        result = calc.run(case)
        reasons = [step for step in result["explanation"] if step["value"] == 0]
        if result["value"] == 0:
            assert reasons, (case, [step["text"] for step in result["explanation"]])
            zero_steps += 1
        else:
            assert not reasons, (case, [step["text"] for step in result["explanation"]])
    assert zero_steps, f"{name} ({output}): the grid has no zero"
