"""The decision binds the payment (s16): a month of an approved claim whose amount, computed again before the
batch (kuaiban.programs.settle: 先缴后补 and official figures), differs from the amount the decision gave is
neither paid at the decided amount nor at the new one. It is held (待核定), the difference is written on the claim
(history, and for staff the two amounts), the batch's report names it, and a reviewer or supervisor of the
claim's region decides the month's amount (按原决定金额 / 按重新核算金额, with the reason; audited, the claimant
told of a changed amount). The next batch built pays it once.

The real case: 湖南 灵活就业社会保险补贴 (湘人社规〔2020〕22号 第七条（二）: 上年度全省全口径社会平均工资的60% × 实际缴纳的费率,
“4050”人员 60%). The decision of 2021-11 computes 6000 × 60 % × 28 % × 60 % = 604.80 元 a month (6000 is a test
figure for the office's 2021 average wage); the office then corrects the figure to 6200 (`enter-figure
--replace`): computed again, 6200 × 60 % × 28 % × 60 % = 624.96 元. Before s16 the batch paid 624.96 元 silently.

On SQLite and on PostgreSQL (the ``town`` fixture), as the other payroll tests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, definitions, held, payroll
from kuaiban.programs.models import Claim, ClaimEvent
from tests.programs.helpers import (
    BOTH_PAID,
    DECIDED,
    FLEX,
    FOUND,
    build_flex,
    corrected_after_decision,
    paid_lines,
    pay_first_claim,
    schedule,
    suspend_as_a_stop_would,
)


def test_a_month_computed_at_another_amount_than_decided_is_held_recorded_and_reported(town) -> None:
    claim_id = corrected_after_decision(town)
    assert schedule(town, claim_id) == [("2021-11", DECIDED, "due"), ("2021-12", DECIDED, "due")]

    november = build_flex(town, "2021-11")
    # neither 624.96 (the new figure, no decision) nor 604.80 (the computation now disagrees) is paid
    assert (november["lines"], november["total"]) == (0, "0.00")
    assert paid_lines(town) == []
    assert november["held"] == [{"claim": claim_id, "month": "2021-11", "region": "430104",
                                 "decided": "604.80", "found": "624.96"}]
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "held")
    with town.session() as s:
        events = s.execute(select(ClaimEvent.step, ClaimEvent.outcome, ClaimEvent.note, ClaimEvent.internal_note)
                           .where(ClaimEvent.claim_id == claim_id, ClaimEvent.step == "payroll")).all()
        assert len(events) == 1
        step, outcome, note, internal = events[0]
        assert (step, outcome) == ("payroll", "held")
        assert "2021-11" in note and "暂缓发放" in note and "待经办机构核定" in note
        assert "604.80" in internal and "624.96" in internal
        built = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_batch_built").order_by(AuditEntry.id))
        assert built.detail["held"] == [[claim_id, "2021-11"]]
        # the claim as the claimant reads it, and as staff read it
        mine = claims.claim_dict(s, s.get(Claim, claim_id))
        assert mine["history"][-1]["step_name"] == "发放核算" and mine["history"][-1]["outcome_name"] == "暂缓发放"
        assert "internal_note" not in mine["history"][-1] and "held_payments" not in mine
        staff = claims.claim_dict(s, s.get(Claim, claim_id), staff=True)
        assert staff["held_payments"] == [{"month": "2021-11", "decided": "604.80", "found": "624.96"}]
        assert staff["schedule"][0] == {"month": "2021-11", "amount": 604.80, "status": "held"}

    # the same batch again: unchanged; the next month's batch neither pays it nor records it again
    again = build_flex(town, "2021-11")
    assert (again["built"], again["lines"]) == (False, 0)
    december = build_flex(town, "2021-12")
    assert december["lines"] == 0 and december["held"] == november["held"]
    with town.session() as s:
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.step == "payroll")) == 1


def test_a_month_computed_at_the_decided_amount_is_paid_as_before(town) -> None:
    claim_id = pay_first_claim(town)
    assert build_flex(town, "2021-11")["held"] == []
    assert paid_lines(town) == [("2021-11", DECIDED)]
    with town.session() as s:
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                ClaimEvent.step == "payroll")) == 0


def test_a_rate_actually_paid_other_than_the_form_is_paid_as_the_text_says_and_recorded(town) -> None:
    """先缴后补 (湘人社规〔2020〕22号 第七条（二）: 费率按实际缴纳社会保险的费率执行): the register shows November paid at
    26 % where the form said 28 % — 6000 × 60 % × 26 % × 60 % = 561.60 元. The decision's own inputs still give
    604.80 元: the difference is the text's own rule, so the month is paid at 561.60 (as before s16), but no longer
    silently: the claim's history and the batch's report say so, once."""
    claim_id = pay_first_claim(town, {"2021-11": {"paid": True, "rate": 0.26}})
    november = build_flex(town, "2021-11")
    assert november["held"] == []
    assert paid_lines(town) == [("2021-11", 56160)]
    with town.session() as s:
        batch = payroll.get_batch(s, None, november["batch"])
        assert payroll.report(s, batch)["adjusted"] == [{"claim": claim_id, "month": "2021-11",
                                                          "decided": "604.80", "paid": "561.60"}]
        notes = s.scalars(select(ClaimEvent.note).where(ClaimEvent.claim_id == claim_id,
                                                        ClaimEvent.outcome == "adjusted")).all()
        assert notes == ["2021-11 按当月实际缴费核算为 561.60 元（审核时按申请表核算为 604.80 元；先缴后补，按实际缴纳的计算）"]
        history = claims.claim_dict(s, s.get(Claim, claim_id))["history"]
        assert (history[-1]["step_name"], history[-1]["outcome_name"]) == ("发放核算", "按实际缴费核算")
    build_flex(town, "2021-12")
    with town.session() as s:
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.outcome == "adjusted")) == 1


def test_a_corrected_figure_and_another_rate_together_are_held(town) -> None:
    """Both: the figure corrected to 6200 and November paid at 26 % (6200 × 60 % × 26 % × 60 % = 580.32 元). The
    decision's own inputs give 624.96 now, not 604.80: held, with the amount found."""
    claim_id = corrected_after_decision(town, months={"2021-11": {"paid": True, "rate": 0.26}})
    assert build_flex(town, "2021-11")["held"] == [{"claim": claim_id, "month": "2021-11", "region": "430104",
                                                "decided": "604.80", "found": "580.32"}]
    assert paid_lines(town) == []


def test_keeping_the_decided_amount_pays_it_once_in_the_next_batch_and_is_not_held_again(town) -> None:
    claim_id = corrected_after_decision(town, months=BOTH_PAID)
    build_flex(town, "2021-11")
    with town.session() as s:
        answer = held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided",
                              reason="更正前的数字为准，本月按原决定发放")
        assert answer == {"claim": claim_id, "month": "2021-11", "choice": "decided", "amount": "604.80",
                          "decided": "604.80", "found": "624.96"}
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "due")
    december = build_flex(town, "2021-12")
    # November at the decided amount; December is held in its turn (computed at 624.96 as well)
    assert paid_lines(town) == [("2021-11", DECIDED)]
    assert december["held"] == [{"claim": claim_id, "month": "2021-12", "region": "430104",
                                 "decided": "604.80", "found": "624.96"}]
    build_flex(town, "2022-01")
    assert paid_lines(town) == [("2021-11", DECIDED)]  # paid once
    with town.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_payment_amount_confirmed"))
        assert entry.actor_id == town.hunan_reviewer.id
        assert {k: entry.detail[k] for k in ("month", "choice", "amount_fen", "decided_fen", "found_fen", "reason")} == {
            "month": "2021-11", "choice": "decided", "amount_fen": DECIDED, "decided_fen": DECIDED, "found_fen": FOUND,
            "reason": "更正前的数字为准，本月按原决定发放"}
        event = s.scalars(select(ClaimEvent).where(ClaimEvent.step == "payment_amount")).one()
        assert (event.outcome, event.actor_id) == ("kept", town.hunan_reviewer.id)


def test_paying_the_recomputed_amount_is_a_new_decision_told_to_the_claimant(town) -> None:
    claim_id = corrected_after_decision(town)
    build_flex(town, "2021-11")
    with town.session() as s:
        held.confirm(s, town.hunan_supervisor, claim_id, "2021-11", choice="found",
                     reason="上年度社会平均工资更正为公布数")
    assert schedule(town, claim_id)[0] == ("2021-11", FOUND, "due")
    build_flex(town, "2021-12")
    build_flex(town, "2022-01")
    assert paid_lines(town) == [("2021-11", FOUND)]
    with town.session() as s:
        event = s.scalars(select(ClaimEvent).where(ClaimEvent.step == "payment_amount")).one()
        assert event.outcome == "changed"
        assert "624.96" in event.note and "604.80" in event.note and "上年度社会平均工资更正为公布数" in event.note
        told = s.scalars(select(Notification).where(Notification.title.like("%发放金额%"))).all()
        assert len(told) == 1 and "624.96" in told[0].text
        history = claims.claim_dict(s, s.get(Claim, claim_id))["history"]
        assert history[-1]["step_name"] == "核定发放金额" and history[-1]["outcome_name"] == "按重新核算金额发放"


def test_who_may_decide_a_held_amount_and_bad_input_change_nothing(town) -> None:
    claim_id = corrected_after_decision(town)
    build_flex(town, "2021-11")
    refusals = [
        (town.hunan_window, "decided", "理由", Forbidden),  # 窗口: not a reviewer
        (town.reviewer, "decided", "理由", Forbidden),  # 北京's reviewer: not the claim's region
        (town.hunan_citizen, "decided", "理由", Forbidden),
        (town.hunan_reviewer, "decided", "  ", Invalid),
        (town.hunan_reviewer, "more", "理由", Invalid),
    ]
    for user, choice, reason, error in refusals:
        with pytest.raises(error) as caught, town.session() as s:
            held.confirm(s, user, claim_id, "2021-11", choice=choice, reason=reason)
        assert caught.value.message
    with pytest.raises(Invalid) as caught, town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="more", reason="理由")
    assert caught.value.field == "choice" and "按原决定金额" in caught.value.message
    with pytest.raises(Invalid) as caught, town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="")
    assert caught.value.field == "reason" and caught.value.message == "请写明核定理由"
    with pytest.raises(Conflict) as caught, town.session() as s:  # December is not held
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-12", choice="decided", reason="理由")
    assert caught.value.field == "month"
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "held")
    with town.session() as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "program_payment_amount_confirmed")) == 0
    # decided once; a second decision on the same month (a double click, a second caseworker) is refused
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="理由")
    with pytest.raises(Conflict), town.session() as s:
        held.confirm(s, town.hunan_reviewer2, claim_id, "2021-11", choice="found", reason="理由")
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "due")


def test_a_held_month_of_a_stopped_claim_is_stopped_not_paid(town) -> None:
    claim_id = corrected_after_decision(town)
    build_flex(town, "2021-11")
    with town.session() as s:
        claims.stop(s, town.hunan_reviewer, claim_id, rule=definitions.get(FLEX).stops[0].code, month="2021-10")
    assert {status for _, _, status in schedule(town, claim_id)} <= {"stopped", "suspended"}
    with town.session() as s:
        assert payroll.held(s, FLEX, "430000", "2021-12") == []


def test_a_held_month_suspended_and_resumed_is_held_again_unless_its_amount_was_kept(town) -> None:
    """None of the programs settled at payment has a 暂停 rule today; a claim is suspended here as a 暂停 leaves it
    (its months and its status), then resumed through ``claims.resume``."""
    claim_id = corrected_after_decision(town, months=BOTH_PAID)
    build_flex(town, "2021-12")  # both months held
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="以原决定为准")
    suspend_as_a_stop_would(town, claim_id)
    with town.session() as s:
        claims.resume(s, town.hunan_reviewer, claim_id)
    assert [status for _, _, status in schedule(town, claim_id)] == ["due", "held"]
    build_flex(town, "2022-01")
    assert paid_lines(town) == [("2021-11", DECIDED)]
