"""湖南 灵活就业社会保险补贴 (湘人社规〔2020〕22号 第十、十二条) end to end on the rules pillar's calculator:
社区（村）录入调查 → 街道（乡镇）确认 → 人社部门审核 (three accounts), 公示7天, then monthly payment to the
social security card; a register that cannot answer is flagged, never a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Invalid
from kuaiban.programs import claims, definitions, figures, payroll, registers
from kuaiban.programs.models import Claim, Entitlement
from kuaiban.rules.calculators import get

PROGRAM = "hn_social_insurance_subsidy_flexible"
FACTS = {"si_group": "就业困难人员", "si_first_approval_date": "2021-03-01", "si_months_received": "0", "sex": "女",
         "birth_date": "1975-05-01", "si_personal_paid": "900", "si_rate": "0.27"}
MARCH_1 = dt.datetime(2021, 3, 1, 9, 0)


def average_wage(town, period: str, value: float = 5800) -> None:
    """上年度全省全口径社会平均工资 is the office's figure (entered when published; never the applicant's): 5800
    stands for it in these tests."""
    with town.session() as s:
        figures.enter(s, definitions.get(PROGRAM), "430000", "si_average_wage", period, value)


def test_three_levels_seven_days_then_the_months_are_paid_at_the_calculators_amount(sqlite_town) -> None:
    town = sqlite_town
    average_wage(town, "2021-01")
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, PROGRAM, month="2021-03", facts=FACTS,
                              account="6217000000000001", at=MARCH_1)
    assert claim.status == "reviewing" and claim.flags == ["就业困难人员认定暂时无法比对，请人工核查"]
    for user, months in ((town.hunan_window, None), (town.hunan_reviewer, None), (town.hunan_reviewer2, 3)):
        with town.session() as s:
            claims.act(s, user, claim.id, outcome="pass", months=months, at=MARCH_1)
    with town.session() as s:
        noticed = s.get(type(claim), claim.id)
        assert noticed.status == "publicity" and noticed.publicity_until == dt.date(2021, 3, 8)
        assert [r["id"] for r in claims.publicity_list(s)] == [claim.id]
        claims.close_publicity(s, town.hunan_supervisor, claim.id, at=dt.datetime(2021, 3, 9, 9, 0))
    expected = []
    for month in ("2021-03", "2021-04", "2021-05"):
        answer = get("social_insurance_subsidy").run({
            "region": "430104", "month": month, "si_mode": "灵活就业（个人申领）", "si_group": "就业困难人员",
            "si_first_approval_date": "2021-03-01", "si_months_received": 0, "sex": "女", "birth_date": "1975-05-01",
            "si_personal_paid": 900, "si_rate": 0.27, "si_average_wage": 5800})
        expected.append((month, round(answer["value"] * 100)))
    with town.session() as s:
        schedule = s.execute(select(Entitlement.month, Entitlement.amount_fen).where(Entitlement.claim_id == claim.id)
                             .order_by(Entitlement.month)).all()
        assert schedule == expected and all(fen > 0 for _, fen in schedule)
        # 先缴后补 (第八条): the months are paid once the register shows them paid (here at the form's rate)
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            m: {"paid": True, "rate": 0.27, "personal_paid": 900} for m, _ in expected}})
        batch, _ = payroll.build(s, PROGRAM, "430000", "2021-05", actor=town.hunan_supervisor)
    assert batch.lines == 3 and batch.total_fen == sum(fen for _, fen in expected)


def test_a_month_before_the_rules_start_is_not_accepted_and_the_calculator_says_why(sqlite_town) -> None:
    # 湘人社规〔2020〕22号 第十九条: from 2021-01-01; before it the compilations print no 就业困难人员 rule, so the
    # calculator refuses the month (it once answered 0 under the graduates' rule) and no claim is written
    town = sqlite_town
    average_wage(town, "2020-01")
    with town.session() as s:
        with pytest.raises(Invalid) as refused:
            claims.submit(s, town.hunan_citizen, PROGRAM, month="2020-09",
                          facts=FACTS | {"si_first_approval_date": "2020-09-01"}, account="6217000000000001",
                          at=dt.datetime(2020, 9, 1, 9, 0))
        assert "湘人社规〔2020〕22号" in str(refused.value)
        assert s.scalar(select(Claim.id).where(Claim.month == "2020-09")) is None


def test_the_first_month_may_be_up_to_a_year_before_the_claim_and_no_earlier(sqlite_town) -> None:
    """第六条（一） (hunan-hrss-2020.txt:4561): “初次核定其享受社会保险补贴时间不早于初次申报时间一年”: a claim made on
    2022-03-01 may start in 2021-03 (twelve months back), not in 2021-02."""
    town = sqlite_town
    average_wage(town, "2021-01")
    on = dt.datetime(2022, 3, 1, 9, 0)
    with town.session() as s:
        with pytest.raises(Invalid) as too_early:
            claims.submit(s, town.hunan_citizen, PROGRAM, month="2021-02", facts=FACTS, account="6217000000000001",
                          at=on)
        assert too_early.value.field == "month"
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, PROGRAM, month="2021-03", facts=FACTS, account="6217000000000001",
                              at=on)
        assert claim.month == "2021-03"
