"""Third outside audit (session 12), discrepancies D1–D6 and U1, U2, U5: contributions and wages.

Each case is worked by hand from the clause quoted beside it. Short file names (data/compilations/):
CNP court-national-provinces-2020.txt, HN hunan-hrss-2020.txt, CQ chongqing-hrss-2021.txt, SD shandong-2020.txt.
"""

from __future__ import annotations

import pytest

from tests.rules.audit_support import refused, run


def sources(result: dict) -> list[tuple[str, str]]:
    return [(step["source"]["doc_no"], step["source"]["article"]) for step in result["explanation"]]


# ---- D1. late_declaration (京人社保字〔2020〕68号) ----
BJ = {"month": "2020-08", "region": "北京"}


def test_an_employer_without_last_months_contribution_is_refused():
    # CNP:1975-1977 “按照单位上月缴费额的 110%确定 2020 年度社会保险缴费工资”: nothing to take 110 % of
    assert refused("late_declaration", BJ | {"declarant": "employer"}).field == "previous_month_contribution"


def test_a_person_without_last_years_base_or_the_floor_is_refused():
    # CNP:2026-2029 “依据本人上一年度的缴费基数确定，低于职工养老保险缴费下限的，以下限作为缴费基数”
    assert refused("late_declaration", BJ | {"declarant": "individual", "last_year_base": 6000}).field == "pension_floor"
    assert refused("late_declaration", BJ | {"declarant": "individual", "pension_floor": 3613}).field == "last_year_base"


def test_a_person_below_the_floor_gets_the_floor_and_an_employer_110_percent_of_last_month():
    # CNP:2026-2029: 3000 < 3613 → 3613; CNP:1975-1977 (U2: the result is the 缴费工资): 10000 × 110 % = 11000
    person = run("late_declaration", BJ | {"declarant": "individual", "last_year_base": 3000, "pension_floor": 3613})
    assert person["value"] == 3613 and sources(person) == [("京人社保字〔2020〕68号", "七")]
    employer = run("late_declaration", BJ | {"declarant": "employer", "previous_month_contribution": 10000})
    assert employer["value"] == 11000 and "缴费工资" in employer["explanation"][0]["text"]


# ---- D2. pension_calculation_base (渝人社发〔2021〕51号 二) ----

def test_a_death_in_service_from_2021_09_01_is_refused_naming_the_32_notice():
    # CQ:18612-18614 “2021年9月1日及以后因病或非因工死亡的参保人员…其遗属待遇按照…(渝人社发[2021]32号)执行”
    case = {"region": "重庆", "event_date": "2021-09-01", "calculation_base_purpose": "因病或非因工死亡的在职人员"}
    error = refused("pension_calculation_base", case)
    assert error.field == "event_date" and "渝人社发〔2021〕32号" in str(error)
    # CQ:18610 “2021年1月1日至8月31日期间因病或非因工死亡的在职人员,计发基数为7438元/月”
    assert run("pension_calculation_base", case | {"event_date": "2021-08-31"})["value"] == 7438


# ---- D3. covid_wage (人社厅明电〔2020〕5号 二) ----

def test_the_situation_and_the_pay_cycle_are_required():
    # HN:9574-9576 “停工停产在一个工资支付周期内的…按劳动合同规定的标准…超过一个工资支付周期的，若职工提供了正常劳动…”
    assert refused("covid_wage", {"pay_date": "2020-03-15", "contract_wage": 5000}).field == "covid_situation"
    stoppage = {"pay_date": "2020-03-15", "covid_situation": "stoppage", "contract_wage": 5000}
    assert refused("covid_wage", stoppage).field == "pay_cycle_number"
    assert refused("covid_wage", stoppage | {"pay_cycle_number": 2}).field == "worked_normally"
    first = run("covid_wage", stoppage | {"pay_cycle_number": 1})
    assert first["value"] == 5000 and sources(first) == [("人社厅明电〔2020〕5号", "二")]


def test_a_stoppage_of_public_institution_staff_is_refused():
    # HN:9574 “企业停工停产…”: only enterprises; 9号 二 covers only the isolation of 事业单位 staff
    case = {"pay_date": "2020-03-15", "covid_situation": "stoppage", "pay_cycle_number": 1, "contract_wage": 5000,
            "public_institution_staff": True}
    assert refused("covid_wage", case).field == "public_institution_staff"


# ---- D4. employer_pension_contribution (山东 “六保三促” 5（3）（4）) ----
SD = {"region": "山东", "monthly_wage": 5000, "individual_contribution_base": 5000}


@pytest.mark.parametrize("size", ["micro", "small", "medium", "individual_business"])
def test_shandong_smes_pay_no_pension_contribution_to_the_end_of_2020(size):
    # SD:209 “（3）免征中小微企业基本养老保险…单位缴费部分，执行期限延长至2020年12月31日。（4）以单位方式参保的个体工商户，
    # 参照中小微企业享受减免政策”
    result = run("employer_pension_contribution", SD | {"month": "2020-12", "enterprise_size": size})
    assert result["value"] == 0
    last = result["explanation"][-1]
    assert "免征" in last["text"] and "2020年12月31日" in last["text"] and last["value"] == 0
    assert last["source"]["article"] == "保居民就业 5（3）（4）"


def test_shandong_large_firms_and_2021_pay_16_percent():
    # SD:209 “（1）企业职工基本养老保险继续执行16%的单位缴费比例”: 5000 × 16 % = 800
    assert run("employer_pension_contribution", SD | {"month": "2020-08", "enterprise_size": "large"})["value"] == 800
    assert run("employer_pension_contribution", SD | {"month": "2021-01", "enterprise_size": "small"})["value"] == 800


# ---- D5. flexible_pension_backpay: the limits cite the clause printing them ----

def test_chongqings_limits_cite_the_42_notice():
    # CQ:18164 “以个人身份参加城镇企业职工基本养老保险人员,2021年度月缴费基数上限为18495元、下限为3699元”: 3000 → 3699
    result = run("flexible_pension_backpay", {"payment_date": "2021-06-15", "region": "重庆", "deferred_month": "2020-05",
                                              "chosen_base": 3000})
    assert result["value"] == 3699
    limits = next(s for s in result["explanation"] if "下限" in s["text"] and "3699" in s["text"])
    assert limits["source"]["doc_no"] == "渝人社发〔2021〕42号"
    assert ("人社部发〔2020〕49号", "五") not in sources(result)


def test_shanghais_limits_cite_the_shanghai_note_and_the_back_payment_day_rule():
    # CNP:3137 “缴费基数在补缴时点本市个人缴费基数上下限范围内自主选择”; CNP:3160-3164 “上限调整为 28017元/月…下限继续维持
    # 4927元/月”: 4000 → 4927
    result = run("flexible_pension_backpay", {"payment_date": "2021-03-15", "region": "上海", "deferred_month": "2020-05",
                                              "chosen_base": 4000})
    assert result["value"] == 4927
    limits = next(s for s in result["explanation"] if "4927" in s["text"] and "28017" in s["text"])
    assert "上海" in limits["source"]["doc_no"] and "4927" in limits["source"]["quote"]
    assert result["explanation"][-1]["source"]["article"] == "三"  # the 补缴时点 rule


# ---- D6 and U1. contribution_late_fee, maternity_reserve (津人社局发〔2020〕12号) ----
TJ_FEE = {"region": "天津", "arrears_amount": 10000, "days_overdue": 100}


def test_medical_arrears_cite_the_medical_sentence():
    # CNP:3822-3824 “2011 年 7月 1日后，用人单位补缴医疗保险费的，按日加收万分之五滞纳金”: 10000 × 0.0005 × 100 = 500
    result = run("contribution_late_fee", TJ_FEE | {"month": "2020-08", "arrears_insurance": "medical",
                                                    "arrears_month": "2010-01"})
    assert result["value"] == 500
    assert all("医疗保险费" in step["source"]["quote"] for step in result["explanation"])


def test_the_2020_notice_ends_with_the_2020_contribution_year():
    # CNP:3767 “2020 年度工资福利和社会保险缴费基数等有关问题”; CNP:3848 “本通知从 2020 年 7月起执行”
    assert run("maternity_reserve", {"month": "2021-06", "region": "天津", "pregnant_employees": 1})["value"] == 30197
    assert refused("maternity_reserve", {"month": "2021-07", "region": "天津", "pregnant_employees": 1}).field == "month"
    case = TJ_FEE | {"arrears_insurance": "pension", "arrears_month": "2019-03"}
    assert run("contribution_late_fee", case | {"month": "2021-06"})["value"] == 500
    assert refused("contribution_late_fee", case | {"month": "2022-08"}).field == "month"


# ---- U5. mass_layoff ----

def test_a_layoff_larger_than_the_workforce_is_refused():
    # SD:209 8 “裁员20人以上或者不足20人但占企业职工总数10%以上的”: the layoff is part of the workforce
    case = {"explanation_date": "2020-08-01", "region": "山东", "staff_total": 20}
    assert refused("mass_layoff", case | {"layoff_count": 30}).field == "layoff_count"
    assert run("mass_layoff", case | {"layoff_count": 20})["value"] is True
