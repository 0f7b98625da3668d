"""Readings left undecided by earlier audits (session 13, readings1): unemployment_subsidy for 贫困劳动力 and
with no month insured, fisher_pension_subsidy 重庆 drawing_by_2020 + enterprise, temporary_living_allowance 山东
2021, business_loan ceilings no text prints, contribution_base 天津/上海 2020 before July.

Compilation lines: HN = hunan-hrss-2020.txt, SD = shandong-2020.txt, CQ = chongqing-hrss-2021.txt,
CT = court-national-provinces-2020.txt. Every expected value is worked by hand from the quoted lines.
"""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError
from tests.rules.audit_support import refused, run, step, steps

# ---- 1. unemployment_subsidy: 贫困劳动力 ----
# HN:3003 (人社部发〔2020〕12号 七, 2020-02-21) and SD:5181 (鲁人社字〔2020〕41号 一（八）, 2020-04-14):
#   “对受疫情影响失业的参保贫困劳动力，按照不高于当地失业保险金标准发放失业补助金。”
#   → the ceiling is the local 失业保险金 standard itself (100 % of it), not 80 %. No months are printed there.
# HN:5153 (人社部发〔2020〕40号 三, 2020-05-29): “可以申领6个月的失业补助金，标准不超过当地失业保险金的80%”
#   → the reading chosen: the poverty clause raises only the ceiling; target group and 6 months from 40号.
# CQ:19166 (人社部发〔2021〕29号 六) continues 失业补助金 for 2021 without restating the poverty clause → 80 %.
HN_2020 = {"region": "湖南", "month": "2020-07", "contribution_months": 6, "local_unemployment_benefit": 1500}


def test_poor_worker_2020_ceiling_is_the_whole_local_benefit() -> None:
    result = run("unemployment_subsidy", HN_2020 | {"unemployed_poor_labour": True})
    assert result["value"] == 1500  # 1500 × 100 %
    assert result["details"]["months"] == 6 and result["details"]["total"] == 9000  # 1500 × 6
    assert result["details"]["is_ceiling"] is True
    cited = step(result, "贫困劳动力", "不高于当地失业保险金标准")
    assert cited["source"]["doc_no"] == "人社部发〔2020〕12号" and cited["source"]["article"] == "七"
    # the reading is said: only the ceiling is raised, the months and target group are 40号's
    reading = step(result, "未另定适用对象和领取期限")
    assert reading["source"]["doc_no"] == "人社部发〔2020〕40号"
    assert run("unemployment_subsidy", HN_2020)["value"] == 1200  # 1500 × 80 % for anyone else


def test_poor_worker_in_shandong_cites_the_provincial_restatement() -> None:
    result = run("unemployment_subsidy", HN_2020 | {"region": "山东", "unemployed_poor_labour": True})
    assert result["value"] == 1500
    cited = step(result, "贫困劳动力", "不高于当地失业保险金标准")
    assert (cited["source"]["doc_no"], cited["source"]["article"]) == ("鲁人社字〔2020〕41号", "一（八）")


def test_poor_worker_2021_falls_back_to_80_percent_and_is_told_why() -> None:
    case = HN_2020 | {"month": "2021-03", "unemployment_start_date": "2021-02-01", "unemployed_poor_labour": True}
    result = run("unemployment_subsidy", case)
    assert result["value"] == 1200  # 1500 × 80 %
    assert step(result, "未重申此条")["source"]["doc_no"] == "人社部发〔2021〕29号"


def test_poor_worker_entitled_to_unemployment_benefit_gets_the_benefit_not_the_subsidy() -> None:
    # 30 months insured, left involuntarily, not exhausted: entitled to 失业保险金 (40号 二, HN:5151), so not in the
    # 失业补助金 target group of 40号 三 — the reading chosen for the poverty clause, which names no group
    result = run("unemployment_subsidy", HN_2020 | {"contribution_months": 30, "unemployed_poor_labour": True})
    assert result["value"] == 0 and result["details"]["months"] == 0


def test_beijing_fixed_amount_is_kept_for_a_poor_worker() -> None:
    # CT:2570–2574 (京人社发[2020]8号 一（二）): 参保缴费不足1年的 880元/月, 6 months; no poverty standard printed
    result = run("unemployment_subsidy", {"region": "北京", "month": "2020-07", "contribution_months": 6,
                                          "unemployed_poor_labour": True})
    assert result["value"] == 880 and result["details"]["total"] == 5280  # 880 × 6
    assert step(result, "定额", "贫困劳动力")["source"]["doc_no"] == "京人社发[2020]8号"


@pytest.mark.parametrize("case", [
    {"region": "北京", "month": "2020-07", "contribution_months": 0},
    HN_2020 | {"contribution_months": 0},
    HN_2020 | {"contribution_months": 0, "unemployed_poor_labour": True},
])
def test_no_month_insured_is_not_an_insured_unemployed_person(case: dict) -> None:
    # HN:5153 “不符合领取失业保险金条件的参保失业人员”; CT:2564 “在京参保缴费不足 1 年”: 0 months paid is not 参保
    result = run("unemployment_subsidy", case)
    assert result["value"] == 0 and result["details"]["months"] == 0
    assert "参保失业人员" in step(result, "参保缴费月数为")["text"]


def test_one_month_insured_in_beijing_gets_the_under_a_year_amount() -> None:
    result = run("unemployment_subsidy", {"region": "北京", "month": "2020-07", "contribution_months": 1})
    assert result["value"] == 880 and result["details"]["months"] == 6


@pytest.mark.parametrize("region", ["北京", "山东"])
def test_2021_claims_cite_no_2020_provincial_notice(region: str) -> None:
    # CT:2605–2607 (京 一（五）) 执行时间 2020年3月至12月; SD:5356 (鲁人社函〔2020〕41号 二（二）) 2020年3月至12月:
    # a 2021 claim is 人社部发〔2021〕29号 六's (CQ:19166), which says nothing of transfers or local standards
    case = {"region": region, "month": "2021-03", "contribution_months": 6, "unemployment_start_date": "2021-02-01",
            "local_unemployment_benefit": 1500}
    result = run("unemployment_subsidy", case)
    assert result["value"] == 1200
    assert not [s for s in steps(result) if s[0] in ("京人社发[2020]8号", "鲁人社函〔2020〕41号")]


# ---- 2. fisher_pension_subsidy, 重庆 drawing_by_2020 ----
# CQ:9957–9961 (渝人社发〔2021〕9号 一（二）) “2020年12月31日及以前已领取城乡居民养老保险待遇的退捕渔民 1.本人累计缴纳
# 城乡居民养老保险费达到或超过7500元的，其应享受的缴费补贴37500元直接计入本人城乡居民养老保险个人账户” — a case of the
# 城乡居民 scheme only; the flexible workers of the enterprise scheme are 一（一）2 (按年).
CQ_DRAWING = {"region": "重庆", "month": "2021-06", "fisher_subsidy_case": "drawing_by_2020",
              "cumulative_contributions": 6000}


def test_drawing_by_2020_with_the_enterprise_scheme_is_asked_again_not_paid() -> None:
    error = refused("fisher_pension_subsidy", CQ_DRAWING | {"fisher_scheme": "enterprise"})
    assert error.field == "fisher_scheme" and "城乡居民" in str(error)


def test_drawing_by_2020_residents_top_up_cites_the_drawing_clause() -> None:
    # 7500 − 6000 = 1500 to pay first (一（二）2 “不足7500元的…核定应补缴金额”), then 37500 credited
    result = run("fisher_pension_subsidy", CQ_DRAWING | {"fisher_scheme": "residents"})
    assert result["value"] == 37500 and result["details"]["top_up_required"] == 1500
    assert step(result, "须补缴")["source"]["article"] == "一（二）1–2"


# ---- 3. temporary_living_allowance, 山东 2021 ----
# SD:5374 (鲁人社函〔2020〕41号 四（二）) “临时生活补助执行时间为2020年5月至12月” — 山东's 实施细则 ends with 2020.
# CQ:19166 (人社部发〔2021〕29号 六) governs 2021: “对参保不满1年的失业农民工,发放临时生活补助。保障范围为2021年1月1日之后
# 新发生的参保失业人员”; the compilations hold no 山东 2021 implementing text. Standard: the local 低保 (an input), ≤ 3 months.
SD_TLA = {"region": "山东", "rural_contract_worker": True, "contribution_months": 5, "local_subsistence_allowance": 700}


def test_shandong_2021_claim_is_not_computed_under_the_2020_notice() -> None:
    result = run("temporary_living_allowance", SD_TLA | {"month": "2021-06", "unemployment_start_date": "2021-03-01"})
    assert result["value"] == 700 and result["details"]["total"] == 2100  # 700 × 3
    assert not [s for s in steps(result) if s[0] == "鲁人社函〔2020〕41号" and s[1] == "四（三）"]
    ended = step(result, "执行期已届满")
    assert (ended["source"]["doc_no"], ended["source"]["article"]) == ("鲁人社函〔2020〕41号", "四（二）")
    assert any(s[0] == "人社部发〔2021〕29号" for s in steps(result))


def test_shandong_2020_claim_still_cites_its_own_notice() -> None:
    result = run("temporary_living_allowance", SD_TLA | {"month": "2020-06", "last_contribution_date": "2020-03-01"})
    assert result["value"] == 700
    assert step(result, "月标准")["source"]["article"] == "四（三）"


# ---- 4. business_loan: ceilings no text prints ----
# SD:4108 (财金〔2020〕21号 一（二）) lowers the small-firm hiring share only; no text in the compilations prints a
# small-firm amount for 湖南 (HN:4257, 湘人社规〔2020〕5号 二, lowers the share to 20 % / 10 % only) nor nationally.
# SD:4140 (21号 九) “各地可适当放宽创业担保贷款借款人条件、提高贷款额度上限” → the ceiling is a local figure: an input
# (the calculator asks for it by name), never the variables' −1.
# SD:4112 (21号 二) “个人最高可申请创业担保贷款额度由15万元提高至20万元”; SD:4120 (21号 四) “本通知印发之日前已发放和已签订
# 合同但未发放的贷款，仍按原规定执行” → a 湖南 individual contract of 2020-04-01 keeps the 原规定 150000.
HN_LOAN = {"region": "湖南", "loan_lpr": 0.0405, "loan_rate": 0.05}
HN_FIRM = HN_LOAN | {"contract_date": "2020-04-01", "loan_borrower": "小微企业", "firm_staff": 50, "firm_new_hires": 10}


@pytest.mark.parametrize("case", [
    HN_FIRM,  # 10 of 50 = 20 % ≥ 20 % (湘人社规〔2020〕5号 二)
    HN_FIRM | {"contract_date": "2020-05-01", "loan_area": "中、西部地区", "loan_lpr": 0.0385},
    HN_FIRM | {"region": "湖北", "contract_date": "2021-02-01", "loan_area": "中、西部地区", "loan_lpr": 0.0385},
    HN_LOAN | {"contract_date": "2020-04-01", "loan_borrower": "合伙创业或组织起来共同创业", "loan_partners": 2},
])
def test_a_ceiling_no_text_prints_is_asked_for_not_answered_minus_one(case: dict) -> None:
    error = refused("business_loan", case)
    assert error.field == "loan_local_limit" and "汇编未载明" in str(error)


def test_the_local_ceiling_supplied_is_the_answer_and_is_cited_as_local() -> None:
    result = run("business_loan", HN_FIRM | {"loan_local_limit": 2000000})
    assert result["value"] == 2000000 and result["details"]["firm_eligible"] is True
    assert step(result, "当地规定额度上限")["source"]["article"] == "九、鼓励地方加大支持力度"


def test_a_firm_below_the_hiring_share_is_answered_zero_without_a_local_ceiling() -> None:
    # 9 of 50 = 18 % < 20 % (湘人社规〔2020〕5号 二)
    result = run("business_loan", HN_FIRM | {"firm_new_hires": 9})
    assert result["value"] == 0 and result["details"]["firm_eligible"] is False


def test_a_local_ceiling_beside_a_printed_one_is_refused() -> None:
    # national-and-provinces-2020-q2.txt:3279–3281 (津政办规〔2020〕7号 （十七）) prints 天津's small-firm 300万
    case = {"region": "天津", "contract_date": "2020-06-01", "loan_borrower": "小微企业", "firm_staff": 50,
            "firm_new_hires": 10, "loan_lpr": 0.0385, "loan_rate": 0.04, "loan_area": "东部地区"}
    assert run("business_loan", case)["value"] == 3000000  # 10 of 50 = 20 % ≥ 15 % (21号 一（二）)
    assert refused("business_loan", case | {"loan_local_limit": 5000000}).field == "loan_local_limit"


@pytest.mark.parametrize("region", ["湖南", "湖北", "上海"])
@pytest.mark.parametrize("day", ["2020-04-01", "2020-05-01", "2020-06-15", "2021-02-01"])
def test_the_checks_hiring_test_agrees_with_the_calculators(region: str, day: str) -> None:
    # the check asks for a local ceiling exactly when the firm passes the hiring test the variable computes
    # (HN:4257 20 % / 10 %; SD:4108 15 % / 8 %; CT:2888–2890 上海 15 % / 8 %; above 100 staff the lower share)
    for staff, hires in [(20, 3), (20, 2), (50, 10), (50, 9), (100, 15), (100, 14), (101, 9), (101, 8), (150, 11),
                         (150, 15), (0, 0)]:
        case = {"region": region, "contract_date": day, "loan_borrower": "小微企业", "firm_staff": staff,
                "firm_new_hires": hires, "loan_lpr": 0.0385, "loan_rate": 0.04, "loan_area": "中、西部地区"}
        try:
            answer = run("business_loan", case)
        except CalculatorError as error:  # a gap (no rule that day) or the request for the local ceiling
            if error.field != "loan_local_limit":
                continue
            assert run("business_loan", case | {"loan_local_limit": 1})["details"]["firm_eligible"] is True
        else:
            assert answer["value"] == 0 and answer["details"]["firm_eligible"] is False, (staff, hires)


def test_hunan_individual_before_the_national_notice_keeps_the_earlier_150000() -> None:
    result = run("business_loan", HN_LOAN | {"contract_date": "2020-04-01", "loan_borrower": "个人"})
    assert result["value"] == 150000
    cited = step(result, "按原规定执行")
    assert cited["source"]["doc_no"] == "财金〔2020〕21号"
    # from 2020-04-15 the raised national 200000 (SD:4112)
    later = run("business_loan", HN_LOAN | {"contract_date": "2020-04-15", "loan_borrower": "个人",
                                            "loan_area": "中、西部地区"})
    assert later["value"] == 200000


# ---- 5. contribution_base, 天津 and 上海 2020 (社保年度 from July) ----
# CT:3767–3769 (津人社局发〔2020〕12号) “2019 年度全市职工平均工资及 2020 年度工资福利和社会保险缴费基数”; CT:3785–3787
# 二（一） 3364 / 18969; CT:3848 “本通知从 2020 年 7月起执行”; CT:3867–3869 (附 政策问答 2) “2020 年最低缴费基数维持 2019 年
# 标准不变，即月 3364元；最高缴费基数为平均工资的 300%，即月 18969元，2020 年 7月起执行” → Tianjin's own “2020年度” figures
# run from July; January–June keep the 2019 standard: floor 3364 (the same), cap not printed.
def test_tianjin_2020_wage_below_the_floor_is_the_floor_all_year() -> None:
    result = run("contribution_base", {"region": "天津", "year": 2020, "monthly_wage": 3000})
    assert result["value"] == 3364
    before = step(result, "7月以前的月份仍按上一年度标准")
    assert before["value"] == 3364 and before["source"]["article"] == "附《政策问答》2"
    assert "本结果适用于全年" in step(result, "同样按下限")["text"]


@pytest.mark.parametrize(("wage", "expected"), [(20000, 18969), (5000, 5000)])
def test_tianjin_2020_above_the_floor_holds_from_july_only(wage: float, expected: float) -> None:
    result = run("contribution_base", {"region": "天津", "year": 2020, "monthly_wage": wage})
    assert result["value"] == expected
    assert "上一年度上限汇编未载明" in step(result, "7月以前的月份仍按上一年度标准")["text"]
    assert step(result, "本结果适用于2020年7月起的月份")["source"]["doc_no"] == "津人社局发〔2020〕12号"


def test_shanghai_2020_floor_is_kept_from_before_july() -> None:
    # CT:3158–3164 “2020 年 7月 1日起…将上限调整为 28017元/月；同时…社保缴费基数下限继续维持4927元/月”
    result = run("contribution_base", {"region": "上海", "year": 2020, "monthly_wage": 3000})
    assert result["value"] == 4927
    assert step(result, "7月以前的月份仍按上一年度标准")["value"] == 4927


def test_hunan_calendar_year_figures_say_nothing_of_earlier_months() -> None:
    # 湘人社规〔2020〕10号 三: 2020年度 figures from 1 January — no earlier months to speak of
    result = run("contribution_base", {"region": "湖南", "year": 2020, "monthly_wage": 3000})
    assert not [s for s in steps(result) if "以前的月份" in s[2]]
