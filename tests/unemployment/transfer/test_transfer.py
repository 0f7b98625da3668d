"""失业保险关系跨省转移接续 between two regions of one kuaiban (人社厅发〔2021〕85号 三): both routes, each office's
5 working days, refusals with reasons, the fund and its month, the person following every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.notification_models import Notification
from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm

from .world import DESTINATION, DETAILS, MONDAY, ORIGIN, PERSON_ID, make_offices


@pytest.fixture
def offices(tmp_path):
    return make_offices(f"sqlite:///{tmp_path / 'kuaiban.db'}")


@pytest.mark.postgres
def test_both_routes_on_each_backend(backend_url):
    """The whole route on SQLite and PostgreSQL (the conditional version UPDATE, sealed record, notifications)."""
    test_route_via_the_origin_five_working_days_each_then_the_fund_within_a_month(make_offices(backend_url))


def start_at(offices, side, by=None, at=MONDAY, **kw):
    with offices.session() as s:
        user = by or offices.person
        t = transfer.start(s, user, side=side, origin_region=ORIGIN, destination_region=DESTINATION,
                           name="样例甲", card_number="SAMPLE-CARD-0001",
                           id_number=None if user.role == "applicant" else PERSON_ID,
                           employment_status="参保失业人员（符合领金条件但未申领）", at=at, **kw)
        return t.ref


def read(offices, ref):
    with offices.session() as s:
        return transfer.as_dict(transfer.get(s, offices.origin_clerk, ref), today=MONDAY.date())


def messages(offices):
    with offices.session() as s:
        return [(n.kind, n.text) for n in s.scalars(select(Notification).where(
            Notification.user_id == offices.person.id).order_by(Notification.id))]


def test_route_via_the_origin_five_working_days_each_then_the_fund_within_a_month(offices):
    ref = start_at(offices, tm.ORIGIN)
    t = read(offices, ref)
    assert (t["state"], t["waiting_for"], t["due"]) == ("待转出", "转出地", "2021-11-22")  # 5th working day
    with offices.session() as s:
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY + dt.timedelta(days=2))
    t = read(offices, ref)
    # the 联系函 reaches the 转入地 with the 转出: its own 5 working days run from Wednesday 11-17
    assert (t["state"], t["waiting_for"], t["due"]) == ("待转入", "转入地", "2021-11-24")
    # 6 unpaid months × 1500 = 9000 entitlement; × 1.5 = 13500, due within a month of the 转出
    assert t["fund"] == {"state": "待划转", "amount": "13500.00", "due": "2021-12-17", "sent_on": None,
                         "received_on": None}
    assert t["record"]["contributions"]["approved"][0]["start"] == "2019-01"
    # the 转入 does not wait for the money (三（四）)
    with offices.session() as s:
        transfer.transfer_in(s, offices.destination_clerk, ref, at=MONDAY + dt.timedelta(days=3))
    t = read(offices, ref)
    assert t["state"] == "已转入" and t["benefits_paid_meanwhile"] and t["fund"]["state"] == "待划转"
    with offices.session() as s:
        transfer.send_fund(s, offices.origin_clerk, ref, at=MONDAY + dt.timedelta(days=10))
        transfer.confirm_fund(s, offices.destination_clerk, ref, at=MONDAY + dt.timedelta(days=12))
    t = read(offices, ref)
    assert t["fund"]["state"] == "已到账" and t["fund"]["received_on"] == "2021-11-27"
    kinds = [k for k, _ in messages(offices)]
    assert kinds == ["ue_transfer_received", "ue_transfer_out", "ue_transfer_in", "ue_transfer_fund",
                     "ue_transfer_fund"]
    assert [s["what"] for s in t["steps"]] == ["申请", "办理转出", "办理转入", "划转失业保险费用", "确认费用到账"]


def test_route_via_the_destination_accepts_sends_the_letter_and_the_origin_has_five_days(offices):
    ref = start_at(offices, tm.DESTINATION)
    assert read(offices, ref)["state"] == "待受理"
    with offices.session() as s, pytest.raises(Forbidden):  # the 转出地's clerk cannot act for the 转入地
        transfer.accept(s, offices.origin_clerk, ref, at=MONDAY)
    with offices.session() as s:
        transfer.accept(s, offices.destination_clerk, ref, at=MONDAY + dt.timedelta(days=1))
    t = read(offices, ref)
    assert (t["state"], t["waiting_for"], t["due"]) == ("待转出", "转出地", "2021-11-23")
    with offices.session() as s:
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY + dt.timedelta(days=2))
    t = read(offices, ref)
    # 三（三） gives the 转入地 no limit for the 转入 after the 转出: none is invented
    assert t["state"] == "待转入" and t["due"] is None and "未规定" in t["basis"]
    assert [k for k, _ in messages(offices)][:2] == ["ue_transfer_received", "ue_transfer_accepted"]


def test_less_than_a_year_at_the_origin_moves_the_relationship_not_the_fund(offices):
    ref = start_at(offices, tm.ORIGIN)
    short = DETAILS | {"contributions": {"approved": [], "unapproved": [
        {"region": "430102", "start": "2021-01", "end": "2021-11"},  # 11 months here …
        {"region": "440106", "start": "2015-01", "end": "2020-12"}]}}  # … years elsewhere do not count
    with offices.session() as s:
        t = transfer.transfer_out(s, offices.origin_clerk, ref, details=short, at=MONDAY)
        assert (t.fund_state, t.fund_amount, t.fund_due) == ("不转移费用", Decimal("0.00"), None)
        assert "不满1年" in t.record["fund_explanation"]
        with pytest.raises(Conflict):
            transfer.send_fund(s, offices.origin_clerk, ref, at=MONDAY)


def test_the_origin_states_the_entitlement_when_no_unpaid_benefit_is_on_record(offices):
    ref = start_at(offices, tm.ORIGIN)
    employed = DETAILS | {"unpaid_benefit": None, "unemployment_reason": None}
    with offices.session() as s, pytest.raises(Invalid) as missing:
        transfer.transfer_out(s, offices.origin_clerk, ref, details=employed, at=MONDAY)
    assert missing.value.field == "entitlement"
    with offices.session() as s:
        t = transfer.transfer_out(s, offices.origin_clerk, ref, details=employed, entitlement="4000.10", at=MONDAY)
        assert t.fund_amount == Decimal("6000.15")


def test_a_refusal_needs_a_reason_and_never_the_fund_not_having_arrived(offices):
    ref = start_at(offices, tm.ORIGIN)
    with offices.session() as s:
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
    with offices.session() as s, pytest.raises(Invalid):
        transfer.refuse(s, offices.destination_clerk, ref, reason="  ", at=MONDAY)
    with offices.session() as s, pytest.raises(Invalid) as excuse:
        transfer.refuse(s, offices.destination_clerk, ref, reason="失业保险费用尚未划转到位", at=MONDAY)
    assert "不得以费用未划转到位" in str(excuse.value)
    with offices.session() as s:
        transfer.refuse(s, offices.destination_clerk, ref, reason="申请人已在转入地领取失业保险金", at=MONDAY)
    t = read(offices, ref)
    assert t["state"] == "不予办理" and t["refusal"] == {"side": "转入地", "reason": "申请人已在转入地领取失业保险金"}
    assert "申请人已在转入地领取失业保险金" in messages(offices)[-1][1]


def test_queues_are_scoped_to_each_office_and_the_person_sees_only_their_own(offices):
    ref = start_at(offices, tm.ORIGIN)
    with offices.session() as s:
        assert [t.ref for t in transfer.queue(s, offices.origin_clerk)] == [ref]
        assert transfer.queue(s, offices.destination_clerk) == []  # nothing for the 转入地 yet
        assert [t.ref for t in transfer.queue(s, offices.hunan_supervisor)] == [ref]
        assert transfer.queue(s, offices.elsewhere) == []
        with pytest.raises(Forbidden):
            transfer.get(s, offices.elsewhere, ref)
        assert [t.ref for t in transfer.mine(s, offices.person)] == [ref]
    with offices.session() as s:
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
    with offices.session() as s:
        # the 转出地 still owes the fund; the 转入地 now has the 转入 to do
        assert [t.ref for t in transfer.queue(s, offices.destination_clerk)] == [ref]
        assert [t.ref for t in transfer.queue(s, offices.origin_clerk)] == [ref]


def test_overdue_steps_and_funds_are_named(offices):
    ref = start_at(offices, tm.ORIGIN)
    with offices.session() as s:
        t = transfer.get(s, offices.origin_clerk, ref)
        assert transfer.overdue(t, dt.date(2021, 11, 22)) == []
        assert transfer.overdue(t, dt.date(2021, 11, 23)) == ["转出地办理已超过时限（2021-11-22）"]
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
        assert "失业保险费用划转已超过1个月时限（2021-12-15）" in transfer.overdue(t, dt.date(2021, 12, 16))


def test_the_notice_is_not_applied_before_it_was_issued_nor_within_one_province(offices):
    with pytest.raises(Invalid) as early:
        start_at(offices, tm.ORIGIN, at=dt.datetime(2021, 11, 8, 10))
    assert "2021年11月9日" in str(early.value)
    with offices.session() as s, pytest.raises(Invalid) as same:
        transfer.start(s, offices.person, side=tm.ORIGIN, origin_region=ORIGIN, destination_region="430104",
                       name="样例甲", card_number="X1", employment_status="参保职工", at=MONDAY)
    assert "省内" in str(same.value)


def test_a_closed_transfer_takes_no_further_step(offices):
    ref = start_at(offices, tm.ORIGIN)
    with offices.session() as s:
        transfer.refuse(s, offices.origin_clerk, ref, reason="未在转出地参保", at=MONDAY)
    with offices.session() as s, pytest.raises(Conflict):
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
