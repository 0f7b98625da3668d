"""A decided month now computed at nothing because an input of the decision changed is held, not left waiting (s17).

kuaiban.programs.settle holds a month (待核定, paid at neither until a reviewer or supervisor decides it) when the
amount computed before the batch differs from the decided one and the decision's own inputs no longer give the
decided amount (an official figure corrected after the decision). Before s17 only a positive amount was held: a
month computed at nothing (0) went ``pending`` — unpaid, looked at again by every batch, and never put before a
caseworker, though the decision granted it.

A 0 that the decision's own inputs do not explain — they still give the decided amount — is the month's
contributions as the register shows them (湘人社规〔2020〕22号 第七条（一）“未缴齐上述三种社会保险费的不予补贴”, 第八条 先缴后补):
it stays ``pending`` and is paid once the register shows the month paid, as before (the control below, and
test_audit_s13_subsidies' employer whose April was paid late).

The case: 湖南 灵活就业社会保险补贴 decided at 604.80 元 a month (6000 × 60 % × 28 % × 60 %; 6000 a test figure),
the office's figure then corrected to 6200; the register shows November at a rate of 0 — computed at 0.00 元. On
SQLite and on PostgreSQL (the ``town`` fixture)."""

from __future__ import annotations

from sqlalchemy import select

from kuaiban.platform.notification_models import Notification
from kuaiban.programs import held, registers
from kuaiban.programs.models import ClaimEvent
from tests.programs.helpers import (
    DECIDED,
    NOV_10,
    approve_flexible,
    build_flex,
    corrected_after_decision,
    paid_lines,
    schedule,
)

AT_NOTHING = {"2021-11": {"paid": True, "rate": 0}}


def test_a_decided_month_computed_at_nothing_after_a_correction_is_held(town) -> None:
    claim_id = corrected_after_decision(town, months=AT_NOTHING)
    november = build_flex(town, "2021-11")
    assert november["lines"] == 0 and paid_lines(town) == []
    assert november["held"] == [{"claim": claim_id, "month": "2021-11", "region": "430104",
                                 "decided": "604.80", "found": "0.00"}]  # before s17: [] (pending)
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "held")
    with town.session() as s:
        note, internal = s.execute(select(ClaimEvent.note, ClaimEvent.internal_note).where(
            ClaimEvent.claim_id == claim_id, ClaimEvent.step == "payroll")).one()
        assert "暂缓发放" in note and "604.80" in internal and "核算为 0.00 元" in internal
    # held, it is not computed again (nor recorded again) by the next batch
    assert build_flex(town, "2021-12")["held"] == november["held"]


def test_keeping_the_decision_of_a_month_held_at_nothing_pays_it_once(town) -> None:
    claim_id = corrected_after_decision(town, months=AT_NOTHING)
    build_flex(town, "2021-11")
    with town.session() as s:
        answer = held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided",
                              reason="缴费记录待核实，本月按原决定发放")
        assert (answer["amount"], answer["found"]) == ("604.80", "0.00")
    build_flex(town, "2021-12")  # paid at the decided amount, not held again for the same 0
    assert paid_lines(town) == [("2021-11", DECIDED)]  # December: not in the register yet, waits
    with town.session() as s:
        assert len(s.scalars(select(ClaimEvent.id).where(ClaimEvent.claim_id == claim_id,
                                                         ClaimEvent.outcome == "held")).all()) == 1


def test_deciding_nothing_for_a_month_held_at_nothing_pays_nothing_and_says_so(town) -> None:
    claim_id = corrected_after_decision(town, months=AT_NOTHING)
    build_flex(town, "2021-11")
    with town.session() as s:
        answer = held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="found",
                              reason="当月未按规定缴费，不予补贴")
        assert answer["amount"] == "0.00"
    assert schedule(town, claim_id)[0] == ("2021-11", 0, "pending")  # not due at 0
    build_flex(town, "2021-12")
    assert [m for m, _ in paid_lines(town)] == []
    with town.session() as s:
        text = s.scalars(select(Notification.text).where(Notification.kind == "program_paid")).one()
        assert "核定为 0.00 元" in text and "该月不发放补贴" in text and "随下一发放批次发放" not in text


def test_nothing_from_the_contributions_alone_waits_and_is_paid_once_they_are(town) -> None:
    """The control (先缴后补): no correction; the register shows November at a rate of 0, so the decision's inputs
    still give 604.80 — November waits (pending, not held); once the register shows it paid at 28 % it is paid
    at 604.80 by the next batch."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": AT_NOTHING})
    claim_id = approve_flexible(town, town.hunan_citizen, 2, NOV_10)
    assert build_flex(town, "2021-11")["held"] == []
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "pending")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": 0.28}}})
    assert build_flex(town, "2021-12")["held"] == []
    assert paid_lines(town) == [("2021-11", DECIDED)]
