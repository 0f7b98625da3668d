"""失业登记 in the message centre: the person hears that the application arrived, the review result (with the
reason when refused) and the deregistration — through the account that applied online, or for a window
filing the citizen account holding the same 证件号码; a person without an account gets nothing to read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kuaiban.platform import notifications
from kuaiban.platform.notification_models import Notification, OutboxEntry
from kuaiban.unemployment.decision import decide
from kuaiban.unemployment.deregistration import deregister
from kuaiban.unemployment.registration import submit
from tests.unemployment.world import SEPT_30, local_application, make_world

DECIDED = dt.datetime(2020, 10, 9, 9, 0)


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def inbox(world):
    with world.session() as s:
        return notifications.messages(s, world.citizen).items


def test_an_online_application_is_acknowledged_and_a_refusal_gives_its_reason(world):
    with world.session() as s:
        reg = submit(s, world.citizen, local_application(0), declaration_signed=True, at=SEPT_30)
    (received,) = inbox(world)
    assert (received.kind, received.ref, received.link) == ("ue_received", reg.aaz341,
                                                            f"/unemployment/registrations/{reg.aaz341}")
    # submitted on the eve of National Day 2020: the 3 working days are 10-09, 10-10 (补班) and 10-12
    assert reg.aaz341 in received.text and "3个工作日内办结（2020年10月12日前）" in received.text
    with world.session() as s:
        decide(s, world.reviewer, reg.aaz341, approve=False, reason="经核实已在其他单位就业", version=reg.version,
               at=DECIDED)
    refused = inbox(world)[0]
    assert (refused.kind, refused.title) == ("ue_rejected", "失业登记审核不通过")
    assert "原因：经核实已在其他单位就业" in refused.text
    with world.session() as s:  # each message has its outbox row: the refusal goes out by SMS too
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 2


def test_a_window_filing_reaches_the_persons_own_account_through_approval_and_deregistration(world):
    with world.session() as s:
        reg = submit(s, world.window, local_application(0), declaration_signed=True, at=SEPT_30)
    with world.session() as s:
        reg = decide(s, world.reviewer, reg.aaz341, approve=True, version=reg.version, at=DECIDED)
    with world.session() as s:
        deregister(s, world.window, reg.aaz341, reason_code="11", employer="样例有限公司", version=reg.version,
                   at=DECIDED)
    gone, approved, received = inbox(world)
    assert [m.kind for m in (received, approved, gone)] == ["ue_received", "ue_approved", "ue_deregistered"]
    assert {m.link for m in (received, approved, gone)} == {None}  # window filings are not on the applicant pages
    assert "已于2020年10月9日审核通过" in approved.text
    assert gone.title == "失业登记已注销" and reg.aaz341 in gone.text and "原因：" in gone.text


def test_a_person_without_an_account_gets_no_message_and_the_decision_still_stands(world):
    with world.session() as s:
        reg = submit(s, world.window, local_application(5), declaration_signed=True, at=SEPT_30)
    with world.session() as s:
        assert decide(s, world.reviewer, reg.aaz341, approve=True, version=reg.version, at=DECIDED).decision == "1"
        assert s.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_new_application_gives_the_regions_reviewers_one_digest_message(world):
    from kuaiban.platform import new_work

    with world.session() as s:
        for n in range(2):
            submit(s, world.citizen if n == 0 else world.window, local_application(n), declaration_signed=True,
                   at=SEPT_30)
    new_work.digest(world.engine, now=SEPT_30 + dt.timedelta(minutes=5))
    with world.session() as s:
        got = {n.user_id: n for n in s.scalars(select(Notification).where(Notification.kind == new_work.KIND))}
    assert world.reviewer.id in got and world.window.id not in got  # 审核 is the reviewer's
    assert got[world.reviewer.id].title == "新的待办：2 件"
    assert got[world.reviewer.id].text.startswith("待审核的失业登记 2 件")
    assert got[world.reviewer.id].link == "/unemployment/review"  # the 失业登记 review queue
