"""The transfer with another province's system over our interface (docs/unemployment-transfer.md): this kuaiban
serves 长沙市芙蓉区; 重庆 (province 50) is the simulator. Every message is applied exactly once, whatever the
network does: timeouts, errors, dropped answers, feeds served twice."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select

from kuaiban.platform.notification_models import Notification
from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.national.faults import FaultPlan, OneShot
from kuaiban.unemployment.transfer_exchange import simulator, sync
from kuaiban.unemployment.transfer_exchange.client import PartnerClient

from .world import DETAILS, MONDAY, ORIGIN, PERSON_ID, make_offices

PARTNER_REGION = "500103"


@pytest.fixture
def partner():
    server = simulator.start()
    yield server
    server.shutdown()


@pytest.fixture
def offices(tmp_path, partner):
    offices = make_offices(f"sqlite:///{tmp_path / 'kuaiban.db'}")
    with offices.session() as s:
        sync.set_partner(s, "50", "重庆市失业保险系统（模拟）", partner.url)
    return offices


def exchange(offices, partner, rounds=1, timeout=2.0):
    reports = [sync.exchange_once(offices.engine, {"50": PartnerClient(partner.url, timeout=timeout)})
               for _ in range(rounds)]
    return reports[-1]


def state(offices, ref):
    with offices.session() as s:
        return transfer.as_dict(s.scalar(select(tm.Transfer).where(tm.Transfer.ref == ref)), today=MONDAY.date())


def out_to_partner(offices, n=0, at=MONDAY):
    """A transfer from 芙蓉区 to 渝中区, started by the person and transferred out by the clerk here."""
    with offices.session() as s:
        t = transfer.start(s, offices.person, side=tm.ORIGIN, origin_region=ORIGIN, destination_region=PARTNER_REGION,
                           name="样例甲", card_number=f"SAMPLE-CARD-{n:04d}", employment_status="参保职工", at=at)
        transfer.transfer_out(s, offices.origin_clerk, t.ref, details=DETAILS, at=at)
        return t.ref


def in_from_partner(offices, n=0, at=MONDAY):
    """A transfer from 渝中区 to 芙蓉区, filed at this (转入地) office and accepted: the 联系函 goes to 重庆."""
    with offices.session() as s:
        t = transfer.start(s, offices.origin_clerk, side=tm.DESTINATION, origin_region=PARTNER_REGION,
                           destination_region=ORIGIN, name="样例甲", card_number=f"SAMPLE-CARD-{n:04d}",
                           id_number=PERSON_ID, employment_status="参保失业人员（正在领金期间）", at=at)
        transfer.accept(s, offices.origin_clerk, t.ref, at=at)
        return t.ref


def test_transferred_out_here_transferred_in_there_then_the_fund(offices, partner):
    ref = out_to_partner(offices)
    assert state(offices, ref)["partner_system"] and state(offices, ref)["due"] is None  # their clock, not ours
    report = exchange(offices, partner)
    assert (report.sent, report.applied) == (1, 1)  # our 转出 stored, their 转入 applied
    t = state(offices, ref)
    assert t["state"] == "已转入" and t["steps"][-1] == {**t["steps"][-1], "what": "办理转入", "by_partner_system": True}
    with offices.session() as s:
        transfer.send_fund(s, offices.origin_clerk, ref, at=MONDAY + dt.timedelta(days=9))
    exchange(offices, partner)
    assert state(offices, ref)["fund"]["state"] == "已到账"
    seen = partner.state.snapshot()
    assert seen["received"] == 2 and seen["applied_twice"] == [] and seen["transfers"][ref] == "已转入"


def test_filed_here_as_destination_the_partner_transfers_out_with_its_fund(offices, partner):
    ref = in_from_partner(offices)
    exchange(offices, partner)
    t = state(offices, ref)
    assert t["state"] == "待转入" and t["fund"]["amount"] == "16200.00" and t["fund"]["state"] == "待划转"
    assert t["record"]["unpaid_benefit"] == {"months": 6, "monthly_amount": "1800.00"}
    with offices.session() as s:  # the 转入 does not wait for the money
        transfer.transfer_in(s, offices.origin_clerk, ref, at=MONDAY + dt.timedelta(days=1))
    exchange(offices, partner)
    assert partner.state.snapshot()["transfers"][ref] == "已转入"


def test_a_contact_letter_from_the_partner_opens_a_transfer_with_five_working_days_here(offices, partner):
    ref = "ZY20211115SAMPLEPARTNER1"
    partner.state.originate({"transfer_ref": ref, "kind": "contact_letter", "origin_region": ORIGIN,
                             "destination_region": PARTNER_REGION,
                             "record": {"name": "样例甲", "card_number": "SAMPLE-CARD-9", "id_number": PERSON_ID,
                                        "employment_status": "参保职工"}})
    exchange(offices, partner)
    with offices.session() as s:
        assert [t.ref for t in transfer.queue(s, offices.origin_clerk)] == [ref]
        t = s.scalar(select(tm.Transfer).where(tm.Transfer.ref == ref))
        assert t.state == "待转出" and t.stage_due is not None and t.person_applicant_id == offices.person.applicant_id
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
    exchange(offices, partner)
    assert state(offices, ref)["state"] == "已转入"


def test_a_message_that_does_not_fit_is_kept_with_its_reason_not_retried(offices, partner):
    ref = out_to_partner(offices)
    exchange(offices, partner)
    partner.state._queue(ref, "transferred_in")  # the partner reports the 转入 again, under another id
    partner.state.feed[-1]["message_id"] = f"{ref}:transferred_in:again"
    report = exchange(offices, partner)
    assert report.not_applied == 1
    with offices.session() as s:
        outcome = s.scalar(select(tm.InboxMessage.outcome).where(tm.InboxMessage.message_id.like("%again")))
    assert outcome.startswith("与当前状态不符")
    assert exchange(offices, partner).not_applied == 0  # the cursor moved past it


@pytest.mark.parametrize("kind", ["timeout", "error", "drop_before", "drop_after"])
def test_one_fault_on_the_send_is_retried_and_applied_once(offices, partner, kind):
    partner.faults = FaultPlan(once=[OneShot(kind, "/v1/transfer-messages", 1)], timeout_sleep=0.6)
    ref = out_to_partner(offices)
    first = exchange(offices, partner, timeout=0.3)
    assert first.errors and first.sent == 0  # no answer: the sender cannot know whether it arrived
    time.sleep(0.5)  # a timed-out request is processed late, here before the retry
    exchange(offices, partner, rounds=3, timeout=2.0)
    assert state(offices, ref)["state"] == "已转入"
    seen = partner.state.snapshot()
    assert seen["received"] == 1 and seen["applied_twice"] == []
    with offices.session() as s:
        sent = s.scalar(select(tm.OutboxMessage))
    # processed on the first try (late, or before the dropped answer): the retry is a duplicate
    assert (sent.attempts, sent.ack_status) == (2, "duplicate" if kind in ("timeout", "drop_after") else "stored")
    assert sync.pending(offices.engine) == {"waiting": 0, "acked": 1, "conflict": 0}


def test_many_transfers_through_random_faults_lose_and_repeat_nothing(offices, partner):
    partner.faults = FaultPlan(rates={"timeout": 0.1, "error": 0.1, "drop_before": 0.1, "drop_after": 0.1,
                                      "duplicate": 0.3}, timeout_sleep=0.25, seed=85)
    outs = [out_to_partner(offices, n) for n in range(12)]
    ins = [in_from_partner(offices, 100 + n) for n in range(12)]
    for _ in range(60):
        exchange(offices, partner, timeout=0.15)
        with offices.session() as s:
            open_outs = s.scalar(select(func.count()).select_from(tm.Transfer)
                                 .where(tm.Transfer.ref.in_(outs), tm.Transfer.state != tm.TRANSFERRED))
            open_ins = s.scalar(select(func.count()).select_from(tm.Transfer)
                                .where(tm.Transfer.ref.in_(ins), tm.Transfer.state != tm.AWAITING_TRANSFER_IN))
        if not open_outs and not open_ins and not sync.pending(offices.engine)["waiting"]:
            break
    assert (open_outs, open_ins) == (0, 0)
    seen = partner.state.snapshot()
    faults = {k: v for k, v in seen["counts"].items() if k.startswith("fault.")}
    assert sum(faults.values()) > 5  # the faults did happen
    assert seen["received"] == 24 and seen["applied_twice"] == []
    with offices.session() as s:
        assert s.scalar(select(func.count()).select_from(tm.InboxMessage)) == 24  # one 转入 or 转出 each
        per_transfer = s.execute(select(tm.TransferStep.transfer_id, func.count()).group_by(tm.TransferStep.transfer_id))
        assert sorted({n for _, n in per_transfer}) == [3]  # 申请 + (转出, 转入) or (受理, 转出): never twice


def test_the_partner_refuses_with_its_reason_and_the_person_is_told(offices, partner):
    ref = out_to_partner(offices)
    partner.state.lock.acquire()  # the partner refuses instead of transferring in
    try:
        partner.state.received[f"{ref}:transferred_out"] = "seen"
        partner.state._queue(ref, "refused", side="destination", reason="申请人已在本地领取失业保险金")
    finally:
        partner.state.lock.release()
    exchange(offices, partner)
    t = state(offices, ref)
    assert t["state"] == "不予办理" and t["refusal"] == {"side": "转入地", "reason": "申请人已在本地领取失业保险金"}
    with offices.session() as s:
        texts = [n.text for n in s.scalars(select(Notification).where(Notification.user_id == offices.person.id))]
    assert any("申请人已在本地领取失业保险金" in x for x in texts)


def test_a_staged_message_keeps_the_person_sealed_at_rest(offices, partner):
    ref = out_to_partner(offices)
    with offices.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT payload FROM ue_transfer_outbox").scalar_one()
        row = conn.exec_driver_sql("SELECT record FROM ue_transfers WHERE ref = ?", (ref,)).scalar_one()
    assert PERSON_ID not in raw and "样例甲" not in raw and "SAMPLE-CARD" not in raw
    assert PERSON_ID not in row and "样例甲" not in row
    exchange(offices, partner)
    assert partner.state.snapshot()["received"] == 1  # and on the wire it is a plain record again
    with offices.session() as s:
        assert transfer.wire_message(s.scalar(select(tm.OutboxMessage)).payload)["record"]["id_number"] == PERSON_ID


def test_same_message_id_with_other_content_is_a_conflict_kept_for_a_human(offices, partner):
    out_to_partner(offices)
    with offices.session() as s:
        staged = s.scalar(select(tm.OutboxMessage))
        partner.state.receive(transfer.wire_message(staged.payload) | {"fund_amount": "1.00"})  # someone else sent other content
    report = exchange(offices, partner)
    assert report.conflicts == 1
    assert sync.pending(offices.engine) == {"waiting": 0, "acked": 1, "conflict": 1}
    with offices.session() as s:
        kept = s.scalar(select(tm.OutboxMessage))
    assert (kept.ack_status, kept.attempts) == ("conflict", 1)  # not sent again: a human must look at it
    assert partner.state.snapshot()["counts"]["conflict"] == 1
