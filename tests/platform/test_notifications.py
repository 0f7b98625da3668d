"""消息中心: what 快办 posts at each step, to whom, in the step's own transaction; reading, paging and
marking read; the dispatcher's sending, retries and leases — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from kuaiban.db import session_scope
from kuaiban.platform import auth, notifications
from kuaiban.platform.errors import Conflict, Invalid, NotFound
from kuaiban.platform.models import AuditEntry, User
from kuaiban.platform.notification_models import Delivery, Notification, OutboxEntry
from kuaiban.services import cases, ratings
from tests.services.conftest import FORM, PASSWORD, SHARED

AT = dt.datetime(2020, 9, 30, 10, 0)


def inbox(world, user: User) -> list[Notification]:
    with world.session() as s:
        return notifications.messages(s, user).items


def submit(world, **kw) -> str:
    with world.session() as s:
        return cases.submit(s, world.citizen, "企业招用员工", FORM, at=AT, **kw).number


def task_ids(world, number: str) -> list[int]:
    with world.session() as s:
        return [t.id for t in cases.get_case(s, world.citizen, number).tasks]


def test_a_submission_tells_every_account_of_the_applicant_and_no_one_else(world):
    with world.session() as s:  # the enterprise has a second account (another clerk of the company)
        colleague = auth.create_user(s, "colleague", PASSWORD, "applicant", applicant=world.citizen.applicant,
                                     region=world.citizen.region)
    number = submit(world, items=["2.4.3", "1.1.5"])
    for account in (world.citizen, colleague):
        (msg,) = inbox(world, account)
        assert (msg.kind, msg.ref, msg.link, msg.read_at) == ("case_received", number, f"/services/cases/{number}",
                                                              None)
        assert msg.title == "办件已收到：企业招用员工"
        assert number in msg.text and "共 2 个事项" in msg.text and SHARED in msg.text  # the material still missing
    assert inbox(world, world.neighbour) == [] and inbox(world, world.window) == []
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 2
        assert notifications.unread_count(s, world.citizen) == 1


def test_each_step_tells_the_applicant_what_happened_and_why(world):
    number = submit(world, items=["2.4.3", "1.1.5", "4.1.1"])
    first, second, third = task_ids(world, number)
    with world.session() as s:
        cases.act(s, world.window, first, "accept", at=AT)
        cases.act(s, world.window, second, "refuse", reason="不属于本机构受理范围", at=AT)
        cases.act(s, world.window, third, "correct", missing=["营业执照副本"], at=AT)
    correction, refused, accepted, _ = inbox(world, world.citizen)  # newest first (same moment: by id)
    assert accepted.kind == "case_accepted" and "已受理" in accepted.text
    assert refused.kind == "case_refused" and "理由：不属于本机构受理范围。" in refused.text
    assert correction.kind == "case_correction"
    assert "营业执照副本" in correction.text and SHARED in correction.text  # every material the notice names
    for step in ("review", "complete"):
        with world.session() as s:
            cases.act(s, world.reviewer, first, step, at=AT)
    done, reviewed = inbox(world, world.citizen)[:2]
    assert (reviewed.kind, done.kind) == ("case_reviewed", "case_done")
    assert "整个办件已办结" not in done.text  # the 补正 task is still open


def test_a_step_that_fails_posts_nothing(world):
    number = submit(world, items=["2.4.3"])
    (tid,) = task_ids(world, number)
    with world.session() as s:
        cases.act(s, world.window, tid, "accept", at=AT)
    with world.session() as s, pytest.raises(Conflict):
        cases.act(s, world.window, tid, "refuse", reason="重复", version=1, at=AT)
    assert [m.kind for m in inbox(world, world.citizen)] == ["case_accepted", "case_received"]


def test_the_rectifications_feedback_reaches_the_account_that_rated(world):
    with world.session() as s:
        colleague = auth.create_user(s, "colleague", PASSWORD, "applicant", applicant=world.citizen.applicant)
    number = submit(world, items=["2.4.3"])
    (tid,) = task_ids(world, number)
    for step, who in [("accept", world.window), ("review", world.reviewer), ("complete", world.reviewer)]:
        with world.session() as s:
            cases.act(s, who, tid, step, at=AT)
    assert "整个办件已办结" in inbox(world, world.citizen)[0].text
    with world.session() as s:
        ratings.rate(s, colleague, number, 1, "等了很久")
        (rect,) = ratings.rectifications(s, world.supervisor)
    for note in ("情况属实", "已增开窗口"):
        with world.session() as s:
            ratings.advance(s, world.supervisor, rect.id, note)
    assert "rating_feedback" not in [m.kind for m in inbox(world, colleague)]  # not before the 反馈 step
    with world.session() as s:
        ratings.advance(s, world.supervisor, rect.id, "已电话回访并致歉")
    feedback = inbox(world, colleague)[0]
    assert feedback.kind == "rating_feedback" and "反馈：已电话回访并致歉" in feedback.text
    assert "rating_feedback" not in [m.kind for m in inbox(world, world.citizen)]  # the rater only


def test_messages_are_paged_newest_first_and_marked_read_by_their_owner_only(world):
    with world.session() as s:
        for n in range(notifications.PAGE_SIZE + 3):
            notifications.post(s, recipients=[world.citizen], kind="case_received", title=f"第{n}条", text="正文",
                               at=AT + dt.timedelta(minutes=n))
        notifications.post(s, recipients=[world.neighbour], kind="case_received", title="别人的", text="正文", at=AT)
    with world.session() as s:
        first = notifications.messages(s, world.citizen)
        assert (first.total, first.pages, first.unread) == (23, 2, 23)
        assert [m.title for m in first.items[:2]] == ["第22条", "第21条"]
        assert [m.title for m in notifications.messages(s, world.citizen, 2).items] == ["第2条", "第1条", "第0条"]
        theirs = notifications.messages(s, world.neighbour).items[0].id
        with pytest.raises(NotFound) as e:
            notifications.mark_read(s, world.citizen, [first.items[0].id, theirs])
        assert e.value.field == "ids"
    with world.session() as s:  # the refusal marked nothing
        assert notifications.unread_count(s, world.citizen) == 23
        assert notifications.mark_read(s, world.citizen, [first.items[0].id], at=AT) == 1
        assert notifications.mark_read(s, world.citizen, [first.items[0].id], at=AT) == 0  # already read
        assert notifications.mark_read(s, world.citizen, "all", at=AT) == 22
        assert notifications.unread_count(s, world.citizen) == 0
        assert notifications.unread_count(s, world.neighbour) == 1
        logged = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "messages_read")).all()
        assert [d["count"] for d in logged] == [1, 22]
        with pytest.raises(Invalid):
            notifications.messages(s, world.citizen, 0)


def test_a_message_needs_a_known_kind_a_title_and_a_text(world):
    with world.session() as s:
        with pytest.raises(Invalid) as e:
            notifications.post(s, recipients=[world.citizen], kind="sms", title="标题", text="正文")
        assert e.value.field == "kind"
        with pytest.raises(Invalid) as e:
            notifications.post(s, recipients=[world.citizen], kind="case_done", title=" ", text="正文")
        assert e.value.field == "title"


# ---------------------------------------------------------------- the dispatcher


class FlakySender:
    """Fails the first ``failures`` calls, then records like the default sender."""

    def __init__(self, engine, failures: int) -> None:
        self.inner, self.failures, self.calls = notifications.RecordingSender(engine), failures, 0

    def send(self, key, recipient, title, text) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("短信网关无响应")
        self.inner.send(key, recipient, title, text)


def deliveries(world) -> list[tuple[str, str, str]]:
    with world.session() as s:
        return [(d.key, d.recipient, d.title) for d in s.scalars(select(Delivery).order_by(Delivery.delivered_at))]


def test_the_dispatcher_sends_each_message_once_with_the_outbox_id_as_key(world):
    submit(world, items=["2.4.3"])
    with world.session() as s:
        (row,) = s.scalars(select(OutboxEntry)).all()
        assert (row.recipient, row.sent_at) == ("citizen", None)
    sender = notifications.RecordingSender(world.engine)
    assert notifications.deliver(world.engine, sender, at=AT).sent == [row.id]
    assert notifications.deliver(world.engine, sender, at=AT + dt.timedelta(hours=1)).sent == []
    assert deliveries(world) == [(str(row.id), "citizen", "办件已收到：企业招用员工")]
    with world.session() as s:
        assert s.get(OutboxEntry, row.id).sent_at == AT
        assert s.scalar(select(func.count()).where(AuditEntry.action == "message_sent")) == 1
        assert notifications.unread_count(s, world.citizen) == 1  # sending is not reading


def test_a_failed_send_is_retried_with_back_off_then_given_up(world):
    with world.session() as s:
        notifications.post(s, recipients=[world.citizen], kind="case_refused", title="不予受理", text="理由", at=AT)
    sender = FlakySender(world.engine, failures=2)
    first = notifications.deliver(world.engine, sender, at=AT)
    assert first.retrying and not first.sent
    assert notifications.deliver(world.engine, sender, at=AT + dt.timedelta(seconds=29)).retrying == []  # waiting
    assert notifications.deliver(world.engine, sender, at=AT + dt.timedelta(seconds=30)).retrying  # 2nd failure
    with world.session() as s:
        row = s.scalars(select(OutboxEntry)).one()
        assert (row.attempts, row.last_error) == (2, "ConnectionError: 短信网关无响应")
        assert row.next_attempt_at == AT + dt.timedelta(seconds=30) + notifications.backoff(2)  # 60 s later
    assert notifications.deliver(world.engine, sender, at=AT + dt.timedelta(minutes=2)).sent
    assert len(deliveries(world)) == 1

    with world.session() as s:
        notifications.post(s, recipients=[world.citizen], kind="case_done", title="已办结", text="正文", at=AT)
    dead = FlakySender(world.engine, failures=10**6)
    moment = AT
    for _ in range(notifications.MAX_ATTEMPTS):
        notifications.deliver(world.engine, dead, at=moment)
        moment += notifications.LONGEST_RETRY
    with world.session() as s:
        given_up = s.scalars(select(OutboxEntry).where(OutboxEntry.failed_at.is_not(None))).one()
        assert given_up.attempts == notifications.MAX_ATTEMPTS and given_up.sent_at is None
    assert dead.calls == notifications.MAX_ATTEMPTS
    assert notifications.deliver(world.engine, dead, at=moment + dt.timedelta(days=1)).failed == []


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [notifications.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(world):
    with world.session() as s:
        notifications.post(s, recipients=[world.citizen], kind="case_done", title="已办结", text="正文", at=AT)
    with world.session() as s:
        (claimed,) = notifications.claim(s, at=AT, batch=10)
    with world.session() as s:  # a second dispatcher meanwhile
        assert notifications.claim(s, at=AT + notifications.LEASE - dt.timedelta(seconds=1), batch=10) == []
    with world.session() as s:  # the first died: after its lease the row is free again
        assert notifications.claim(s, at=AT + notifications.LEASE + dt.timedelta(seconds=1), batch=10) == [claimed]


def test_the_deliver_command_sends_what_is_due_once(world, backend_url):
    from typer.testing import CliRunner

    from kuaiban.cli import app

    submit(world, items=["2.4.3"])
    runner = CliRunner()
    first = runner.invoke(app, ["notifications", "deliver", "--once", "--db", backend_url])
    again = runner.invoke(app, ["notifications", "deliver", "--once", "--db", backend_url])
    assert (first.exit_code, first.stdout.strip()) == (0, '{"sent": 1, "retrying": 0, "failed": 0}')
    assert again.stdout.strip() == '{"sent": 0, "retrying": 0, "failed": 0}'
    assert [title for _, _, title in deliveries(world)] == ["办件已收到：企业招用员工"]


def test_two_dispatchers_claiming_at_once_take_disjoint_rows(world):
    """PostgreSQL: the second skips the rows the first has locked (SKIP LOCKED) and takes the rest at once;
    SQLite: the second waits for the first's write lock, then sees its leases. Either way no row twice."""
    with world.session() as s:
        for n in range(4):
            notifications.post(s, recipients=[world.citizen], kind="case_done", title=f"第{n}条", text="正文", at=AT)
    claims: dict[str, list[int]] = {}
    with session_scope(world.engine) as first:
        claims["first"] = notifications.claim(first, at=AT, batch=1)  # locked until this block commits

        def second() -> None:
            with session_scope(world.engine) as s:
                claims["second"] = notifications.claim(s, at=AT, batch=10)

        other = threading.Thread(target=second)
        other.start()
        other.join(1.0)  # PostgreSQL: done already; SQLite: waiting for the lock
    other.join(30)
    with world.session() as s:
        every = sorted(s.scalars(select(OutboxEntry.id)))
    assert len(claims["first"]) == 1 and sorted(claims["first"] + claims["second"]) == every


def test_an_applicant_message_skips_inactive_accounts_and_never_doubles_a_named_recipient(world):
    """The applicant's accounts are found by the database in the same statement on PostgreSQL, one by one
    on SQLite: on both, one message and one outbox row per active account, a named recipient counted once."""
    with world.session() as s:
        colleague = auth.create_user(s, "colleague", PASSWORD, "applicant", applicant=world.citizen.applicant,
                                     region=world.citizen.region)
        gone = auth.create_user(s, "former-clerk", PASSWORD, "applicant", applicant=world.citizen.applicant,
                                region=world.citizen.region)
        s.get(User, gone.id).active = False
    with world.session() as s:
        ids = notifications.post(s, kind="case_received", title="标题", text="正文", applicant=world.citizen.applicant_id,
                                 recipients=[s.get(User, colleague.id)], ref="KB1", at=AT)
    assert len(ids) == len(set(ids)) == 2
    with world.session() as s:
        rows = s.execute(select(Notification.user_id, OutboxEntry.recipient, OutboxEntry.attempts)
                         .join(OutboxEntry, OutboxEntry.notification_id == Notification.id)
                         .where(Notification.ref == "KB1").order_by(Notification.user_id)).all()
    assert rows == [(world.citizen.id, world.citizen.username, 0), (colleague.id, "colleague", 0)]
    assert inbox(world, gone) == []
