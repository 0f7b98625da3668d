"""A 0 is refused only where the rule multiplies by the input in the case at hand (tryout s21 item 7).

经济补偿封顶基数 answered “0 元/月” for a wage of 0 while other calculators refused such a 0; 遗属待遇 refused a 0 in
the optional 个人缴费之和 with 120 months of contributions, where 第六条's cap does not use it, saying “填0只会得出0”.
Each amount the rule multiplies by was decided from the clause it rests on (the spec's comment cites it):
refused at 0 where 0 can only give a meaningless 0 (`positive`, or `positive_when` for an optional input some
cases use), left alone where 0 is a real answer or still gives one (a floor lifts it, nothing received yet).
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.calculators.declarative import SpecError, _field
from kuaiban.rules.population import run_table
from kuaiban.web import calc_forms

SEVERANCE = {"month": "2020-06", "region": "110105", "monthly_wage": 50000}
SURVIVOR = {"death_date": "2021-09-01", "status": "employed", "base_income": 3000}


def _refused(name: str, case: dict) -> CalculatorError:
    with pytest.raises(CalculatorError) as caught:
        get(name).run(case)
    return caught.value


def test_a_wage_of_zero_is_refused_by_the_severance_cap_as_by_the_others() -> None:
    error = _refused("severance_cap", SEVERANCE | {"monthly_wage": 0})
    assert error.field == "monthly_wage"
    assert error.message == "本人月工资：不能为0（计算按此数进行，填0只会得出0），请填写实际的数字（您填写的是 0）"
    assert get("severance_cap").run(SEVERANCE)["value"] == 35145  # the example, as before
    assert get("severance_cap").run(SEVERANCE | {"monthly_wage": 8000.5})["value"] == 8000.5  # below the cap


def test_population_mode_refuses_the_same_zero_wage() -> None:
    table = pa.table({"month": ["2020-06"] * 2, "region": ["110105"] * 2, "monthly_wage": [0.0, 8000.0]})
    values, errors = run_table(get("severance_cap"), table)
    assert "不能为0" in str(errors[0]) and errors[1] is None and values[1] == 8000


# (calculator, input) refused at 0 in every case, each for the clause its spec's comment cites
ALWAYS = [("severance_cap", "monthly_wage"), ("wage_deposit", "contract_value"),
          ("project_training_payment", "project_full_subsidy"), ("platform_accident_insurance_subsidy", "platform_premium"),
          ("business_loan", "loan_amount"), ("work_injury_premium", "contract_total")]
# not stable_job_refund's contributions_last_year: a field check would come before the calculator's own, and an
# enterprise with no insured staff (so no contributions) is told that first (tests/programs/test_screening.py)


# a case each of the Python calculators computes (they carry no examples), from the audit tests
CASES = {
    "stable_job_refund": {"region": "天津", "application_date": "2021-08-02", "unit_kind": "enterprise",
                          "fund_reserve_ok": True, "layoff_rate_cap": 0.055, "refund_type": "general", "size": "large",
                          "insured_last_year": 100, "decrease_last_year": 5, "claimants_last_year": 0,
                          "contributions_last_year": 40000},
    "work_injury_premium": {"region": "湖南", "month": "2021-03", "basis": "industry", "industry_class": 1,
                            "payroll": 100000},
}


@pytest.mark.parametrize(("name", "field"), ALWAYS)
def test_each_of_them_refuses_zero_where_it_answered_before(name: str, field: str) -> None:
    calc = CALCULATORS[name]
    assert next(f for f in calc.fields if f.name == field).positive
    cases = [e["input"] for e in calc.examples if field in e["input"]] or [CASES[name]]
    if name == "work_injury_premium":
        cases = [{"region": "湖南", "month": "2021-03", "basis": "project", "contract_total": 1_000_000}]
    for case in cases:
        assert calc.run(case)["value"] is not None  # the case computes with the figure given
        with pytest.raises(CalculatorError) as caught:
            calc.run(case | {field: 0})
        assert caught.value.field == field and "不能为0" in caught.value.message


def test_an_optional_amount_refused_at_zero_says_to_leave_it_empty_where_not_needed() -> None:
    """work_injury_premium's contract total is used when insured by project only: the message is true either way."""
    case = {"region": "湖南", "month": "2021-03", "basis": "industry", "industry_class": 1, "payroll": 100000,
            "contract_total": 0}
    error = _refused("work_injury_premium", case)
    assert error.field == "contract_total"
    assert error.message.startswith("工程合同总造价：不能为0（计算用到此项时按此数进行，填0只会得出0）")
    assert "本次用不到的请留空不填" in error.message
    assert msg.zero("x", 0) != msg.zero("x", 0, optional=True)


def test_the_national_refund_refuses_zero_only_in_the_kind_that_multiplies_by_it() -> None:
    calc = get("stable_job_refund_national_2020")
    general = next(e["input"] for e in calc.examples if e["input"]["nr_refund_kind"] == "稳岗返还")
    error = _refused(calc.name, general | {"nr_contributions_last_year": 0})
    assert error.message == ("企业及其职工上年度缴纳的失业保险费：不能为0（本次计算按此数进行，填0只会得出0），"
                             "请填写实际的数字（您填写的是 0）")
    # the monthly contributions due are another kind's: a 0 there is no concern of this case
    assert calc.run(general | {"nr_monthly_contributions_due": 0})["value"] == calc.run(general)["value"]
    hardship = next(e["input"] for e in calc.examples if e["input"]["nr_refund_kind"] != "稳岗返还")
    assert calc.run(hardship | {"nr_contributions_last_year": 0})["value"] == calc.run(hardship)["value"]


def test_late_declaration_does_not_refuse_a_zero_contribution_of_an_individual() -> None:
    # (an employer's 0 is not refused yet: see the spec's comment on previous_month_contribution)
    # an individual's case does not use the employer's contribution: a 0 there is not refused for it
    individual = {"month": "2020-07", "region": "北京", "declarant": "individual", "last_year_base": 6000,
                  "pension_floor": 3613, "previous_month_contribution": 0}
    alone = {k: v for k, v in individual.items() if k != "previous_month_contribution"}
    assert get("late_declaration").run(individual)["value"] == get("late_declaration").run(alone)["value"]


def test_population_mode_refuses_the_zero_only_in_the_rows_that_use_it() -> None:
    calc = get("stable_job_refund_national_2020")
    general = next(e["input"] for e in calc.examples if e["input"]["nr_refund_kind"] == "稳岗返还")
    rows = [general | {"nr_contributions_last_year": 0}, general | {"nr_monthly_contributions_due": 0}, general]
    names = sorted({k for row in rows for k in row})
    table = pa.table({k: [row.get(k) for row in rows] for k in names})
    values, errors = run_table(calc, table)
    assert "不能为0" in str(errors[0]) and errors[1] is None and errors[2] is None
    assert values[1] == values[2] == calc.run(general)["value"]


@pytest.mark.parametrize(("name", "case", "field"), [
    # a true 0: nothing owed owes no 滞纳金 (tj_late_fee 二（七）), a month without wages no premium or relief
    ("contribution_late_fee", None, "arrears_amount"),
    ("work_injury_premium", {"region": "湖南", "month": "2021-03", "basis": "industry", "industry_class": 1,
                             "payroll": 100000}, "payroll"),
    ("social_insurance_relief", {"region": "湖南", "month": "2020-05", "size": "large", "payroll": 100000,
                                 "employer_rate": 0.2}, "payroll"),
    # 0 still gives an answer: the contribution base is lifted to the local floor
    ("contribution_base", {"region": "天津", "year": 2020, "monthly_wage": 3000}, "monthly_wage"),
    # 0 in the individual account still leaves the 基础养老金 (100 元 here)
    ("residents_pension", {"region": "湖南", "month": "2021-06", "basic_pension": 100, "scheme_start_date": "2010-07-01",
                           "birth_date": "1950-05-10", "contribution_years": 0, "total_contribution_years": 0,
                           "account_balance": 3000}, "account_balance"),
])
def test_where_zero_is_a_real_answer_it_is_not_refused(name: str, case: dict | None, field: str) -> None:
    calc = get(name)
    case = case or next(e["input"] for e in calc.examples if field in e["input"])
    assert not next(f for f in calc.fields if f.name == field).positive
    result = calc.run(case | {field: 0})
    if field in ("monthly_wage", "account_balance"):
        assert result["value"] > 0  # lifted to the floor, or the 基础养老金 alone
    else:
        assert result["value"] == 0 or result["details"], result  # computed, not refused


def test_the_survivor_benefit_ignores_a_zero_personal_sum_it_does_not_use() -> None:
    """120 months: 第六条's cap (不足5年) does not apply, so 个人缴费之和 is not used and its 0 not refused."""
    calc = get("survivor_benefit")
    with_zero = calc.run(SURVIVOR | {"contribution_months": 120, "personal_contributions": 0})
    assert with_zero["value"] == calc.run(SURVIVOR | {"contribution_months": 120})["value"] == 3000 * 2 + 3000 * 9


def test_the_survivor_benefit_refuses_a_zero_personal_sum_where_it_caps_the_benefit() -> None:
    error = _refused("survivor_benefit", SURVIVOR | {"contribution_months": 40, "personal_contributions": 0})
    assert error.field == "personal_contributions"
    assert error.message.startswith("个人缴费之和：不能为0（累计缴费不足5年的，遗属待遇不超过个人缴费之和，填0只会得出0）")
    assert error.message.endswith("不清楚的可不填，将给出待遇上限（您填写的是 0）")
    # left empty: the ceiling, as the message promises
    assert get("survivor_benefit").run(SURVIVOR | {"contribution_months": 40})["value"] == 15000


def test_an_optional_input_left_empty_on_the_form_is_never_refused() -> None:
    for name, calc in sorted(CALCULATORS.items()):
        empty = {f.name: "" for f in calc.fields if not f.required}
        _, errors = calc_forms.read_form(calc, empty)
        assert not set(errors) & set(empty), (name, errors)


def test_the_survivor_form_takes_zero_in_the_unused_field() -> None:
    calc = get("survivor_benefit")
    form = {"death_date": "2021-09-01", "status": "employed", "contribution_months": "120", "base_income": "3000",
            "personal_contributions": "0"}
    raw, errors = calc_forms.read_form(calc, form)
    assert errors == {}
    assert calc.run(raw)["value"] == 33000


def test_positive_when_is_for_an_optional_number_only() -> None:
    with pytest.raises(SpecError):
        _field({"name": "x", "type": "number", "label": "某数", "positive_when": "True"}, "spec")
    with pytest.raises(SpecError):
        _field({"name": "x", "type": "date", "label": "某日", "required": False, "positive_when": "True"}, "spec")
    assert not _field({"name": "x", "type": "number", "label": "某数", "required": False,
                       "positive_when": "True"}, "spec").positive  # refused by a check, not by parse_value
