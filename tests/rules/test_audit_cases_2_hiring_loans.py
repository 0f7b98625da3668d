"""Second outside audit (2026-12-05, /work/wt/s12/audit2/report.md items 7–11 and 15): hiring_subsidy,
business_loan, training_living_allowance and arbitration_limitation.

Each case is worked by hand from the clause quoted beside it. Principles: a case no printed rule covers is refused
naming the field (not answered 0); an input that decides the answer is asked (not read as "no"); a 0 that is a real
answer has a step of value 0 naming the failed condition and citing its clause.
Short file names (data/compilations/): HN hunan-hrss-2020.txt, CQ chongqing-hrss-2021.txt, SD shandong-2020.txt.
"""

from __future__ import annotations

import itertools

import pytest

from kuaiban.rules.calculators import get
from tests.rules.audit_support import refused, run, step


def docs(result: dict) -> set[str]:
    return {s["source"]["doc_no"] for s in result["explanation"]}


# ---- hiring_subsidy, 湖南 (audit item 7, reversed by audit s13 F13): 湘政办发〔2020〕20号 governs from its day ----
# HN:4089 (20号 二（三）, 2020-04-28) “对企业吸纳登记失业半年以上人员或中小微企业招用毕业年度高校毕业生就业, 且签订 1 年以上
#   劳动合同并按规定缴纳社会保险的, 可给予 1000 元/人的一次性吸纳就业补贴, 受理截止期限为 2020 年 12 月 31 日”
# HN:4135 (20号 结束语) “此前于疫情期间发布的有关政策措施，与本通知不一致的，按照本通知执行”
# HN:4165 (2号 三) “疫情防控期间，对企业吸纳登记失业人员就业且签订 1 年以上劳动合同并按规定缴纳社会保险的…可给予 1000 元/人”
# HN:4209 (4号 二) “疫情防控期间，中小微企业吸纳高校毕业生稳定就业 1 年以上并按规定缴纳社会保险的可按 1000 元/人的标准给予”
# HN:4233 (4号 末段) “本措施自公布之日起实行，执行到2020年12月31日止”
# Reading (audit s13 F13): 20号 restates the same subsidy (一次性吸纳就业补贴, 1000 元/人) with its own groups and a
# deadline; 2号's any 登记失业人员 and 4号's any graduate are “不一致” with it, so from 2020-04-28 20号's groups apply.
# Were the earlier grants kept beside it, 20号's “半年以上” and “毕业年度” would change no answer at all. 2号's
# “与一次性岗位补贴不重复享受”, on which 20号 says nothing, stays.
HUNAN = {"enterprise_region": "湖南", "hiring_count": 1, "hiring_contract_months": 12, "hiring_contributions_paid": True}


def test_hunan_sme_hiring_a_past_graduate_after_20hao_is_not_paid() -> None:
    # 其他高校毕业生, 小型企业, hired 2020-05-25, applied 2020-06-01: 20号 pays 毕业年度 graduates only → 0
    result = run("hiring_subsidy", HUNAN | {"application_date": "2020-06-01", "enterprise_size": "小型企业",
                                            "hiring_group": "其他高校毕业生", "hiring_date": "2020-05-25"})
    assert result["value"] == 0
    reason = step(result, "只补贴中小微企业招用毕业年度高校毕业生")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "湘政办发〔2020〕20号"
    assert step(result, "不限毕业年度", "按此后的规定执行")["source"]["article"] == "结束语"


def test_hunan_registered_unemployed_after_20hao_need_half_a_year() -> None:
    # 登记失业 3 months (< 20号's half year), hired 2020-04-01, applied 2020-05-06 → 0; 8 months → 2 × 1000 under 20号
    case = HUNAN | {"application_date": "2020-05-06", "enterprise_size": "大型企业", "hiring_group": "登记失业人员",
                    "hiring_count": 2, "hiring_date": "2020-04-01"}
    result = run("hiring_subsidy", case | {"hiring_unemployed_months": 3})
    assert result["value"] == 0
    reason = step(result, "登记失业 3 个月", "不足 6 个月")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "湘政办发〔2020〕20号"
    assert step(result, "不论失业时长", "按此后的规定执行")["source"]["article"] == "结束语"
    assert run("hiring_subsidy", case | {"hiring_unemployed_months": 6})["value"] == 2000  # “半年以上”含6个月
    # before 20号 (2号 alone, from 2020-02-21): any registered unemployed
    before = run("hiring_subsidy", case | {"application_date": "2020-04-27", "hiring_unemployed_months": 3})
    assert before["value"] == 2000 and docs(before) == {"湘人社规〔2020〕2号"}


def test_hunan_graduate_of_the_year_after_20hao_cites_20hao() -> None:
    # HN:4089: 中小微企业招用毕业年度高校毕业生 → 3 × 1000, the step and the total cite 20号 only
    result = run("hiring_subsidy", HUNAN | {"application_date": "2020-06-01", "enterprise_size": "中型企业",
                                            "hiring_group": "毕业年度（应届）高校毕业生", "hiring_count": 3,
                                            "hiring_date": "2020-05-25"})
    assert result["value"] == 3000 and docs(result) == {"湘政办发〔2020〕20号"}


def test_hunan_graduate_applied_for_before_4hao_names_the_only_rule_then() -> None:
    # 2号 in force from 2020-02-21 (HN:4147 “本通知自2020年2月21日起施行”), 4号 dated 2020-02-22 (HN:4199):
    # on 2020-02-21 only 登记失业人员 are subsidised
    result = run("hiring_subsidy", HUNAN | {"application_date": "2020-02-21", "enterprise_size": "小型企业",
                                            "hiring_group": "其他高校毕业生", "hiring_date": "2020-02-10"})
    assert result["value"] == 0
    reason = step(result, "只有吸纳登记失业人员的补贴")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "湘人社规〔2020〕2号"


def test_hunan_2021_application_is_refused_not_answered() -> None:
    # HN:4089 受理截止 2020-12-31; HN:4233 4号 执行到2020-12-31; 2号's “疫情防控期间” has no printed end
    error = refused("hiring_subsidy", HUNAN | {"application_date": "2021-01-04", "enterprise_size": "小型企业",
                                               "hiring_group": "其他高校毕业生", "hiring_date": "2020-07-01"})
    assert error.field == "application_date"


# ---- hiring_subsidy (audit item 8): a missing condition is asked; a 0 names the condition that failed ----

def test_hunan_missing_contributions_is_asked_not_read_as_no() -> None:
    # HN:4089 “并按规定缴纳社会保险的”: the audit's case answered 0 without saying why
    case = {k: v for k, v in HUNAN.items() if k != "hiring_contributions_paid"}
    error = refused("hiring_subsidy", case | {"application_date": "2020-06-01", "enterprise_size": "小型企业",
                                              "hiring_group": "毕业年度（应届）高校毕业生", "hiring_date": "2020-05-25"})
    assert error.field == "hiring_contributions_paid"


def test_hunan_unpaid_contributions_zero_names_the_condition() -> None:
    result = run("hiring_subsidy", HUNAN | {"application_date": "2020-06-01", "enterprise_size": "小型企业",
                                            "hiring_group": "毕业年度（应届）高校毕业生", "hiring_date": "2020-05-25",
                                            "hiring_contributions_paid": False})
    assert result["value"] == 0
    reason = step(result, "未按规定为其缴纳社会保险费")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "湘政办发〔2020〕20号"


def test_hunan_large_enterprise_hiring_a_graduate_zero_names_the_size() -> None:
    # HN:4209 (and 4089): graduates only for 中小微企业; 大型企业 → 0
    result = run("hiring_subsidy", HUNAN | {"application_date": "2020-06-01", "enterprise_size": "大型企业",
                                            "hiring_group": "毕业年度（应届）高校毕业生", "hiring_date": "2020-05-25"})
    assert result["value"] == 0
    reason = step(result, "只给中小微企业", "大型企业")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "湘政办发〔2020〕20号"


CHONGQING = {"enterprise_region": "重庆", "application_date": "2021-09-01", "enterprise_size": "小型企业",
             "hiring_group": "毕业年度（应届）高校毕业生", "hiring_count": 1, "hiring_date": "2021-03-01",
             "hiring_contract_months": 12, "hiring_contributions_paid": True}


def test_chongqing_missing_months_employed_is_asked() -> None:
    # CQ:19311 “稳定用工6个月以上、按规定缴纳社会保险费的,按2000元/人”: the audit's case answered 0
    error = refused("hiring_subsidy", CHONGQING)
    assert error.field == "hiring_employed_months" and "6个月以上" in str(error)


def test_chongqing_five_months_employed_zero_names_the_six_months() -> None:
    result = run("hiring_subsidy", CHONGQING | {"hiring_employed_months": 5})
    assert result["value"] == 0
    reason = step(result, "已稳定用工 5 个月", "不足 6 个月")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "渝人社发〔2021〕27号"
    assert run("hiring_subsidy", CHONGQING | {"hiring_employed_months": 6})["value"] == 2000


SHANDONG_NEW = {"enterprise_region": "山东", "application_date": "2020-03-20", "enterprise_size": "大型企业",
                "hiring_group": "其他人员", "hiring_count": 1, "hiring_date": "2020-02-20", "hiring_contract_months": 12,
                "hiring_contributions_paid": True}


def test_shandong_new_hire_window_asks_for_the_prior_record() -> None:
    # SD:429 (鲁人社字〔2020〕22号 二) “新吸纳就业人员，须签订劳动合同之前半年内在补贴申报企业无办理就业登记（备案）或缴纳社会保险记录”
    assert refused("hiring_subsidy", SHANDONG_NEW).field == "hiring_prior_record"
    assert run("hiring_subsidy", SHANDONG_NEW | {"hiring_prior_record": False})["value"] == 1000
    rehired = run("hiring_subsidy", SHANDONG_NEW | {"hiring_prior_record": True})
    assert rehired["value"] == 0
    reason = step(rehired, "签订劳动合同前 6 个月内", "不算新吸纳")
    assert reason["value"] == 0 and reason["source"]["doc_no"] == "鲁人社字〔2020〕22号"


def test_shandong_hire_outside_both_windows_names_both() -> None:
    # SD:429 window 2020-02-10…03-10; SD:4174 (43号 二) “2020年3月11日至12月31日，中小微企业招用毕业年度高校毕业生”
    result = run("hiring_subsidy", SHANDONG_NEW | {"application_date": "2021-02-01", "enterprise_size": "小型企业",
                                                   "hiring_group": "毕业年度（应届）高校毕业生", "hiring_date": "2021-01-02"})
    assert result["value"] == 0
    assert step(result, "2020年2月10日至2020年3月10日")["source"]["doc_no"] == "鲁人社字〔2020〕22号"
    assert step(result, "2020年3月11日至2020年12月31日")["source"]["doc_no"] == "鲁人社字〔2020〕43号"


def _grid(base: dict, choices: dict) -> list[dict]:
    keys = list(choices)
    return [base | dict(zip(keys, values, strict=True)) for values in itertools.product(*choices.values())]


HIRING_GRID = [
    case for region, applied, hired in [
        ("湖南", "2020-02-21", "2020-02-10"), ("湖南", "2020-03-15", "2020-03-01"), ("湖南", "2020-06-15", "2020-06-01"),
        ("山东", "2020-03-20", "2020-02-20"), ("山东", "2020-04-29", "2020-03-20"), ("山东", "2020-06-01", "2020-04-01"),
        ("山东", "2021-02-01", "2021-01-02"), ("重庆", "2021-09-01", "2021-03-01")]
    for case in _grid({"enterprise_region": region, "application_date": applied, "hiring_date": hired, "hiring_count": 2,
                       "hiring_prior_record": False, "hiring_employed_months": 6}, {
        "enterprise_size": ["小型企业", "大型企业"],
        "hiring_group": ["登记失业人员", "毕业年度（应届）高校毕业生", "其他高校毕业生", "其他人员"],
        "hiring_contract_months": [11, 12], "hiring_contributions_paid": [True, False],
        "hiring_subsidised_before": [True, False], "hiring_job_post_subsidy_received": [True, False],
        "hiring_unemployed_months": [3, 8]})
]


def test_every_hiring_zero_has_a_step_of_value_zero_and_no_positive_answer_has_one() -> None:
    calc = get("hiring_subsidy")
    zeros = 0
    for case in HIRING_GRID:
        result = calc.run(case)
        reasons = [s for s in result["explanation"] if s["value"] == 0]
        if result["value"] == 0:
            assert reasons, (case, [s["text"] for s in result["explanation"]])
            zeros += 1
        else:
            assert not reasons, (case, [s["text"] for s in result["explanation"]])
    assert 0 < zeros < len(HIRING_GRID)


# ---- business_loan (audit items 10 and 11) ----
# SD:4120 (财金〔2020〕21号 四) “中、西部地区由不超过LPR+200BP下降为LPR+150BP，东部地区由不超过LPR+100BP下降为不超过LPR+50BP”
# SD:4124 (21号 五) “自2021年1月1日起，新发放的…贷款利息，LPR-150BP以下部分，由借款人和借款企业承担，剩余部分财政给予贴息”
HUNAN_LOAN = {"region": "湖南", "contract_date": "2021-03-01", "loan_borrower": "个人", "loan_lpr": 0.0385,
              "loan_rate": 0.05, "loan_amount": 150000}


def test_hunan_loan_without_area_is_asked_not_taken_as_east() -> None:
    assert refused("business_loan", HUNAN_LOAN).field == "loan_area"


def test_hunan_central_loan_cap_and_2021_subsidy() -> None:
    # cap 3.85% + 1.5% = 5.35% (the 5% contract complies); 贴息 5% − (3.85% − 1.5%) = 2.65%; 150000 × 2.65% = 3975
    result = run("business_loan", HUNAN_LOAN | {"loan_area": "中、西部地区"})
    assert result["value"] == 200000
    assert result["details"]["rate_cap"] == pytest.approx(0.0535)
    assert result["details"]["subsidy_rate"] == pytest.approx(0.0265)
    assert result["details"]["yearly_subsidy"] == pytest.approx(3975)
    assert not any("超过利率上限" in s["text"] for s in result["explanation"])
    poor = run("business_loan", HUNAN_LOAN | {"loan_area": "贫困地区（国家扶贫开发工作重点县、全国14个集中连片特殊困难地区）"})
    assert poor["details"]["rate_cap"] == pytest.approx(0.0635)  # 贫困地区 LPR+250BP


@pytest.mark.parametrize("region", ["天津", "上海"])
def test_regions_printing_no_spread_of_their_own_are_asked_the_area(region: str) -> None:
    # 津政办规〔2020〕7号 （十七） and 沪府规〔2020〕10号 print no rate cap: the national one by area applies
    case = HUNAN_LOAN | {"region": region, "contract_date": "2020-06-01"}
    assert refused("business_loan", case).field == "loan_area"
    assert run("business_loan", case | {"loan_area": "东部地区"})["details"]["rate_cap"] == pytest.approx(0.0435)


SHANDONG_LOAN = {"region": "山东", "loan_borrower": "个人", "loan_lpr": 0.0385, "loan_rate": 0.0435, "loan_amount": 200000}


def test_shandong_individual_cap_is_20_wan_from_21hao() -> None:
    # SD:4112 (21号 二) “符合条件的个人最高可申请创业担保贷款额度由15万元提高至20万元”, issued 2020-04-15 (SD:4156);
    # SD:3982 (鲁人社字〔2020〕27号 第十七条) “执行过程中，如遇政策调整，按最新政策执行”; no area asked: SD:4061 (鲁财金〔2020〕25号 三)
    # prints 山东's own LPR+50BP from 21号's issue
    result = run("business_loan", SHANDONG_LOAN | {"contract_date": "2020-05-01"})
    assert result["value"] == 200000
    assert step(result, "贷款最高额度 200000 元")["source"]["doc_no"] == "财金〔2020〕21号"
    assert step(result, "按最新政策执行")["source"] == {
        "doc_no": "鲁人社字〔2020〕27号", "article": "第十七条", "quote": "执行过程中，如遇政策调整，按最新政策执行。"}
    assert result["details"]["yearly_subsidy"] == pytest.approx(8700)  # 200000 × 4.35%
    # the day before 21号: 27号 第七条 (SD:3946–3950) “可申请最高15万元的创业担保贷款”
    assert run("business_loan", SHANDONG_LOAN | {"contract_date": "2020-04-14", "loan_lpr": 0.0405,
                                                 "loan_rate": 0.05})["value"] == 150000


def test_shandong_partners_and_small_firms_follow_21hao_from_its_issue() -> None:
    # partners: 27号 第七条 at most 3 partners, each at the individual cap (20万 under 21号) → 60万
    partners = run("business_loan", SHANDONG_LOAN | {"contract_date": "2020-04-20", "loan_borrower": "合伙创业或组织起来共同创业",
                                                     "loan_partners": 3})
    assert partners["value"] == 600000
    # SD:4108 (21号 一（二）) “由20%下降为15%”: 15 of 100 staff now pass (27号's 20% did not)
    firm = run("business_loan", SHANDONG_LOAN | {"contract_date": "2020-04-20", "loan_borrower": "小微企业",
                                                 "firm_staff": 100, "firm_new_hires": 15, "loan_amount": 1000000})
    assert firm["value"] == 3000000 and firm["details"]["firm_eligible"] is True
    assert step(firm, "达到规定比例")["source"]["doc_no"] == "财金〔2020〕21号"


def test_shandong_rate_over_the_27hao_cap_cites_27hao() -> None:
    # SD:3950 (27号 第七条) “贷款利率可在…LPR的基础上加点100个基点”: 4.05% + 1% = 5.05% < 5.1%
    result = run("business_loan", SHANDONG_LOAN | {"contract_date": "2020-04-05", "loan_lpr": 0.0405, "loan_rate": 0.051,
                                                   "loan_amount": 150000})
    over = step(result, "超过利率上限 5.05%")
    assert (over["source"]["doc_no"], over["source"]["article"]) == ("鲁人社字〔2020〕27号", "第七条")


def test_a_loan_without_principal_shows_no_zero_subsidy() -> None:
    # the year's 贴息 is on the principal: without it the rate is given and the amount is not computed (it was “0 元”)
    result = run("business_loan", {k: v for k, v in SHANDONG_LOAN.items() if k != "loan_amount"} | {"contract_date": "2020-06-01"})
    assert result["details"]["yearly_subsidy"] is None
    assert step(result, "未填贷款本金")["value"] == pytest.approx(0.0435)
    assert not any("一年贴息 0 元" in s["text"] for s in result["explanation"])


# ---- training_living_allowance (audit item 9) ----
# HN:4293–4295 (湘人社规〔2020〕6号 一（三）) “将退捕渔民纳入…同时，对其中的贫困劳动力…在培训期间按照培训天数给予每人每天20元生活费补贴”
# HN:4327 (6号 四（二）) online: “每人每课时3元的生活费补贴，但每人每天不超过20元”
# SD:336 (鲁人社字〔2020〕11号 一) “全面暂停各级各类聚集性职业技能培训活动”; SD:340 (三) online training only, “按照5元/学时标准”
HUNAN_TRAINING = {"application_date": "2020-05-01", "region": "湖南", "training_days": 10, "living_allowance_group": True}


def test_hunan_offline_training_of_a_non_fisher_is_refused_not_zero() -> None:
    error = refused("training_living_allowance", HUNAN_TRAINING | {"training_mode": "offline", "retired_fisher": False})
    assert error.field == "retired_fisher" and "退捕渔民" in str(error)


def test_hunan_offline_training_asks_whether_a_fisher_and_the_mode_is_never_assumed() -> None:
    assert refused("training_living_allowance", HUNAN_TRAINING | {"training_mode": "offline"}).field == "retired_fisher"
    assert refused("training_living_allowance", HUNAN_TRAINING).field == "training_mode"


def test_hunan_offline_fisher_gets_20_a_day() -> None:
    result = run("training_living_allowance", HUNAN_TRAINING | {"training_mode": "offline", "retired_fisher": True})
    assert result["value"] == 200  # 10 days × 20
    not_listed = run("training_living_allowance", HUNAN_TRAINING | {"training_mode": "offline", "retired_fisher": True,
                                                                    "living_allowance_group": False})
    assert not_listed["value"] == 0
    reason = step(not_listed, "不属退捕渔民中的贫困劳动力")
    assert reason["value"] == 0 and reason["source"]["article"] == "一（三）"


def test_shandong_offline_training_is_refused_not_zero() -> None:
    case = {"application_date": "2020-04-01", "region": "山东", "training_mode": "offline", "training_days": 5,
            "living_allowance_group": True}
    assert refused("training_living_allowance", case).field == "training_mode"
    online = run("training_living_allowance", case | {"training_mode": "online", "class_hours_per_day": 4})
    assert online["value"] == 100  # 5 days × 4 hours × 5


def test_chongqing_needs_no_mode_and_pays_by_the_day() -> None:
    # CQ:19293 (渝人社发〔2021〕27号 二) “按每人每天50元…最长不超过30天”, online or offline alike
    case = {"application_date": "2021-09-01", "region": "重庆", "training_days": 40, "living_allowance_group": True}
    assert run("training_living_allowance", case)["value"] == 1500
    on_benefit = run("training_living_allowance", case | {"receiving_unemployment_benefit": True})
    assert on_benefit["value"] == 0 and step(on_benefit, "失业保险金不可同时领取")["value"] == 0


# ---- arbitration_limitation (audit item 15) ----
# HN:9578 (人社厅明电〔2020〕5号 三) “因受疫情影响造成当事人不能在法定仲裁时效期间申请劳动人事争议仲裁的，仲裁时效中止。
#   从中止时效的原因消除之日起，仲裁时效期间继续计算”; HN:9582–9584 dated “2020年1月24日”

def test_a_suspension_before_the_notice_is_refused() -> None:
    error = refused("arbitration_limitation", {"cause_removed": "2020-02-10", "suspension_start": "2019-12-10",
                                               "limitation_original_end": "2020-03-31"})
    assert error.field == "suspension_start" and "2020年1月24日" in str(error)


def test_a_suspension_on_the_notice_day_counts() -> None:
    # 2020-01-24 to 2020-03-31 leaves 67 days; the count runs on from 2020-02-10: 2020-02-10 + 67 = 2020-04-17
    result = run("arbitration_limitation", {"cause_removed": "2020-02-10", "suspension_start": "2020-01-24",
                                            "limitation_original_end": "2020-03-31"})
    assert result["value"] == "2020-04-17"
