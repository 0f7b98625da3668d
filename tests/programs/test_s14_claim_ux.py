"""Session 14 usability findings on the benefit programs (/work/wt/s14/ux/report.md): what a claimant is told
before typing (B2, B5), every problem of a claim at once (C1), whose turn a step is (C6), and what the month's
payroll batch does with claims still in 公示 (C15)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.programs import claims, definitions, figures, payroll, window
from kuaiban.programs.models import PaymentLine
from tests.programs.conftest import AUG_3
from tests.programs.test_review_and_publicity import PROGRAM as THREE_STEPS

ACCOUNT = "6222000000000001"
TODAY = dt.date(2026, 12, 6)
JAN_5 = dt.datetime(2021, 1, 5, 10)  # 湘人社规〔2020〕22号 in force (2021年1月1日起施行)  # the tester's day: every compiled policy has ended by then

# The three-step program of test_review_and_publicity (a program is data), under its own code and without its
# district step: 北京's 失业保险金 calculator so that it runs in every build, and a 7-day 公示.
PROGRAM = THREE_STEPS | {
    "code": "test_s14_publicity", "name": "测试项目（公示后发放）",
    "sources": ["hn22_flexible_review", "hn22_flexible_review"],
    "steps": [THREE_STEPS["steps"][0],
              {"code": "street", "name": "街道（乡镇）确认", "role": "reviewer", "source": "hn22_flexible_review"}],
}


@pytest.fixture
def added_program(add_program):
    return add_program(PROGRAM)


# ---------------------------------------------------------------- B2, B5: the window, before any typing


def test_a_closed_window_is_said_with_its_last_month_not_a_dash() -> None:
    """鲁人社函〔2020〕78号 sets 以工代训's 受理 until 2021-03 and gives no start (schedule.claim_until only): the
    list used to print “受理期为 — 至 2021-03” after the whole form was filled in."""
    found = window.window(definitions.get("sd_work_for_training_subsidy"), "370102", TODAY)
    assert (found.state, found.text, found.months) == ("closed", "受理期已结束（截至 2021年3月）", ())
    hiring = window.window(definitions.get("hn_hiring_subsidy"), "430104", TODAY)
    assert hiring.text == "受理期已结束（截至 2020年12月）"  # 湘政办发〔2020〕20号（三）: 受理截止 2020-12-31
    early = window.window(definitions.get("bj_unemployment_subsidy"), "110105", dt.date(2020, 6, 30))
    assert early.state == "not_yet" and early.text == "受理期尚未开始（受理期为 2020年7月至2020年12月）"


def test_the_months_a_claim_may_start_from_are_those_the_texts_and_the_rules_in_force_allow() -> None:
    """湖南 灵活就业社会保险补贴: back pay up to a year before the claim (湘人社规〔2020〕22号 第六条（一）), and the
    rules in force end 2025-12-31: on 2026-12-06 only 2025-12 can be claimed — the one month the tester found
    by trial and error."""
    flexible = definitions.get("hn_social_insurance_subsidy_flexible")
    assert window.window(flexible, "430104", TODAY).months == ("2025-12",)
    assert window.window(flexible, "430104", TODAY).months_text == "2025年12月"
    assert window.window(flexible, "430104", TODAY).note == "现行政策规定的补贴标准只到 2025年12月，此后的月份本系统无法计算"
    in_2021 = window.window(flexible, "430104", dt.date(2021, 1, 5))
    assert in_2021.months[0] == "2020-03" and in_2021.months[-1] == "2021-01"  # 2020-02-22 起: 2020-03 first
    assert in_2021.months_text == "2020年3月至2021年1月"
    # no back pay: the month of the claim only (北京 失业保险金, 京人社发[2020]8号 from 2020-07-01)
    assert window.window(definitions.get("bj_unemployment_benefit"), "110105", TODAY).months == ("2026-12",)


def test_the_list_of_offers_carries_the_window(sqlite_town) -> None:
    town = sqlite_town
    with town.session() as s:
        offers = {o["code"]: o for o in claims.offers(s, town.enterprise, today=TODAY)}
        citizen = {o["code"]: o for o in claims.offers(s, town.hunan_citizen, today=TODAY)}
    assert offers["hn_hiring_subsidy"]["window"]["open"] is False
    assert offers["hn_hiring_subsidy"]["window"]["text"] == "受理期已结束（截至 2020年12月）"
    assert citizen["hn_social_insurance_subsidy_flexible"]["window"]["months_text"] == "2025年12月"


def test_a_claim_outside_the_window_is_refused_on_the_form_as_a_whole(sqlite_town) -> None:
    town = sqlite_town
    with town.session() as s, pytest.raises(Invalid) as closed:
        claims.submit(s, town.enterprise, "hn_hiring_subsidy", facts={}, account=ACCOUNT,
                      at=dt.datetime(2026, 12, 6, 12))
    assert closed.value.field == "program"  # the form as a whole, not 收款账户
    assert "受理期已结束（截至 2020年12月）" in closed.value.message and "—" not in closed.value.message


def test_a_month_the_rules_do_not_reach_is_named_by_the_form_label_in_plain_words(sqlite_town) -> None:
    town = sqlite_town
    with town.session() as s, pytest.raises(Invalid) as late:
        claims.submit(s, town.hunan_citizen, "hn_social_insurance_subsidy_flexible", month="2026-11",
                      facts={}, account=ACCOUNT, at=dt.datetime(2026, 12, 6, 12))
    problems = {e["field"]: e["detail"] for e in late.value.errors}
    assert problems["month"].startswith("申领月份")
    assert "可申领的月份：2025年12月" in problems["month"]
    assert "规则覆盖" not in problems["month"] and "补贴所属月份" not in problems["month"]


# ---------------------------------------------------------------- C1: every problem at once


def test_every_problem_of_the_form_comes_back_at_once(sqlite_town) -> None:
    """Month format, a field's type, a missing required field and the account, in one answer."""
    town = sqlite_town
    with town.session() as s, pytest.raises(Invalid) as bad:
        # (2025年12月 is read as 2025-12 since session 20; a thirteenth month is no month)
        claims.submit(s, town.hunan_citizen, "hn_social_insurance_subsidy_flexible", month="2025年13月",
                      facts={"si_rate": "27%", "si_months_received": "0"}, account="",
                      at=dt.datetime(2026, 12, 6, 12))
    fields = [e["field"] for e in bad.value.errors]
    assert fields[0] == "month"
    assert {"month", "si_rate", "si_group", "birth_date", "account"} <= set(fields)


# ---------------------------------------------------------------- C6: whose turn


def test_whose_turn_a_step_is(sqlite_town, added_program) -> None:
    town = sqlite_town
    with town.session() as s:
        claim = claims.submit(s, town.citizen, added_program, month="2020-08", facts={"contribution_months": 70},
                              account=ACCOUNT, at=AUG_3)
        assert claims.turn(s, town.reviewer, claim) == {"may_act": False, "text": "本环节待窗口（受理）人员办理"}
        assert claims.turn(s, town.window, claim)["may_act"] is True
        assert [r["turn"] for r in claims.waiting_for_others(s, town.reviewer)] == ["待窗口（受理）人员办理"]
        assert claims.queue(s, town.window)[0]["turn"]["text"] == "本环节由您办理"
        claims.act(s, town.window, claim.id, outcome="pass", at=AUG_3)
    with town.session() as s:
        claim = s.get(type(claim), claim.id)
        assert claims.turn(s, town.reviewer, claim)["may_act"] is True
        assert claims.waiting_for_others(s, town.reviewer) == []


def test_the_person_who_passed_the_last_step_is_told_another_person_takes_this_one(sqlite_town) -> None:
    """The 湖南 program's 街道 and 区 steps are both the reviewers' (湘人社规〔2020〕22号 第十条), by two people."""
    town = sqlite_town
    program = definitions.get("hn_social_insurance_subsidy_flexible")
    with town.session() as s:  # 上年度社会平均工资: the office's figure (6000 stands for it), never the applicant's
        figures.enter(s, program, "430000", "si_average_wage", "2021-01", 6000)
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, "hn_social_insurance_subsidy_flexible", month="2021-01",
                              facts={"si_group": "就业困难人员", "si_first_approval_date": "2020-08-01",
                                     "si_months_received": "0", "sex": "女", "birth_date": "1980-01-01",
                                     "si_personal_paid": "600", "si_rate": "0.27"},
                              account=ACCOUNT, at=JAN_5)
        assert claim.status == "reviewing", claim.reasons
        claims.act(s, town.hunan_window, claim.id, outcome="pass", at=JAN_5)
        claims.act(s, town.hunan_reviewer, claim.id, outcome="pass", at=JAN_5)
        turn = claims.turn(s, town.hunan_reviewer, claim)
        assert turn == {"may_act": False, "text": "上一环节由您办理，本环节待另一名审核人员办理"}
        with pytest.raises(Forbidden):
            claims.act(s, town.hunan_reviewer, claim.id, outcome="pass", at=JAN_5)
        assert claims.turn(s, town.hunan_reviewer2, claim)["may_act"] is True


# ---------------------------------------------------------------- C15: the batch of a month with claims in 公示


def test_a_month_built_during_the_publicity_is_paid_in_the_next_batch_exactly_once(sqlite_town,
                                                                                    added_program) -> None:
    """The batch of 2020-08 is built while the only claim is in its 7 days of 公示 (湘人社规〔2020〕22号 第十二条:
    公示7天): it has no line, and the staff member is told beforehand. Once the 公示 is over the claim's months
    (2020-08, 2020-09) go into the next batch built (2020-09), and 2020-08 is never paid twice."""
    town = sqlite_town
    code = added_program
    with town.session() as s:
        claim = claims.submit(s, town.citizen, code, month="2020-08", facts={"contribution_months": 70},
                              account=ACCOUNT, at=AUG_3)
        claims.act(s, town.window, claim.id, outcome="pass", at=AUG_3)
        claims.act(s, town.reviewer, claim.id, outcome="pass", at=AUG_3)
        assert s.get(type(claim), claim.id).status == "publicity"
    with town.session() as s:
        assert payroll.still_open(s, code, "110000", "2020-08") == {"publicity": 1, "reviewing": 0}
        august, built = payroll.build(s, code, "110000", "2020-08", at=AUG_3 + dt.timedelta(days=2))
        assert built and (august.lines, august.total_fen) == (0, 0)
    with town.session() as s:  # 公示 over (until 2020-08-10), no objection
        claims.close_publicity(s, town.reviewer2, claim.id, at=dt.datetime(2020, 8, 11, 9))
        assert payroll.still_open(s, code, "110000", "2020-08") == {"publicity": 0, "reviewing": 0}
    with town.session() as s:
        again, built = payroll.build(s, code, "110000", "2020-08")
        assert not built and again.id == august.id and again.lines == 0  # the month's batch is not rebuilt
        september, built = payroll.build(s, code, "110000", "2020-09")
        months = s.scalars(select(PaymentLine.month).where(PaymentLine.batch_id == september.id)
                           .order_by(PaymentLine.month)).all()
        assert built and months == ["2020-08", "2020-09"]  # the owed August, in the next batch
        october, _ = payroll.build(s, code, "110000", "2020-10")
        assert october.lines == 0
        paid_august = s.scalar(select(func.count(PaymentLine.id)).where(PaymentLine.claim_id == claim.id,
                                                                        PaymentLine.month == "2020-08"))
        assert paid_august == 1


# ---------------------------------------------------------------- cosmetic 2: 依据 once each


def test_a_clause_cited_twice_is_listed_once(added_program) -> None:
    shown = definitions.describe(definitions.get(added_program))["citations"]
    assert len(shown) == len(set(shown)) == 1


def test_citations_are_listed_once_each_in_order() -> None:
    """鲁人社函〔2020〕78号 二 was listed four times on the 以工代训 form (three clause keys quote it)."""
    sd = definitions.describe(definitions.get("sd_work_for_training_subsidy"))
    assert len(sd["citations"]) == len(set(sd["citations"]))
    assert [c for c in sd["citations"] if c.startswith("鲁人社函〔2020〕78号 二")] == ["鲁人社函〔2020〕78号 二"]
