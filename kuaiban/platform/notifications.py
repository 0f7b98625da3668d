"""消息中心: the messages every pillar posts to applicants' accounts, and their delivery outside the site.

- :func:`post` writes, in the caller's transaction, one message per account and one outbox row per
  message: the state change, its audit entry, the message and its outbox row commit together or not at
  all, so a message can be neither lost (the change committed, the process died) nor sent for a change
  that was rolled back.
- :func:`deliver` (the dispatcher, ``kuaiban notifications deliver``) claims due outbox rows with a lease,
  hands each to a :class:`Sender` with the row's id as idempotency key, and marks it sent; a send that
  fails is retried with exponential back-off. A dispatcher that dies between send and mark leaves the
  row claimed until the lease runs out; it is then sent again with the same key, which the sender
  deduplicates: at-least-once sends plus an idempotent receiver deliver each message exactly once.
  (docs/notifications.md gives the argument in full.)
- On the job queue (:mod:`kuaiban.platform.jobs`), every worker is a dispatcher: :func:`post` enqueues the
  delivery in the caller's transaction on PostgreSQL (at most one waiting), and a periodic job
  (:data:`DELIVER_EVERY`) sends what the back-off made due again; ``kuaiban notifications deliver`` still
  runs a dispatcher by hand or from cron. Rows given up after :data:`MAX_ATTEMPTS` are the dead letters
  (:func:`undelivered`), which supervisors see for their region and may send again (:func:`redeliver`).

快办 and 失业登记 both import this module, never each other.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy import Engine, func, insert, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import access, audit, jobs
from kuaiban.platform.errors import Forbidden, Invalid, NotFound
from kuaiban.platform.models import User
from kuaiban.platform.notification_models import Delivery, Notification, OutboxEntry

# kind → what a reader sees as the message's category
KINDS = {
    "case_received": "办件已收到",
    "case_accepted": "已受理",
    "case_refused": "不予受理",
    "case_correction": "补正通知",
    "case_reviewed": "已审核",
    "case_done": "已办结",
    "case_returned": "退回重新受理",
    "case_transferred": "已转办",
    "credit_record": "告知承诺核查不实",
    "rating_feedback": "评价整改反馈",
    "ue_received": "失业登记申请已收到",
    "ue_approved": "失业登记审核通过",
    "ue_rejected": "失业登记审核不通过",
    "ue_deregistered": "失业登记已注销",
    "ue_transfer_received": "失业保险关系转移申请已收到",
    "ue_transfer_accepted": "失业保险关系转移已受理",
    "ue_transfer_out": "失业保险关系已转出",
    "ue_transfer_in": "失业保险关系已转入",
    "ue_transfer_refused": "失业保险关系转移不予办理",
    "ue_transfer_fund": "失业保险费用划转",
    "program_received": "补贴申领已收到",
    "program_step": "补贴申领审核进度",
    "program_publicity": "补贴公示",
    "program_approved": "补贴申领审核通过",
    "program_refused": "补贴申领审核不通过",
    "program_paid": "补贴发放",
    "program_stopped": "补贴停发",
    "program_recovery": "补贴追回",
    "staff_new_work": "新的待办",  # kuaiban.platform.new_work: a digest per staff account, not per item
    "reset_code_issued": "密码重置码已签发",  # kuaiban.platform.password_reset
    "password_reset": "密码已重新设置",
    "loan_received": "创业担保贷款申请已收到",
    "loan_step": "创业担保贷款办理进度",
    "loan_refused": "创业担保贷款申请未通过",
    "loan_granted": "创业担保贷款已发放",
    "loan_subsidy": "创业担保贷款贴息",
    "loan_reminder": "创业担保贷款到期提醒",
    "loan_closed": "创业担保贷款已结清",
}
PAGE_SIZE = 20
LEASE = dt.timedelta(minutes=2)  # longer than any send; a dead dispatcher's rows are free again after it
MAX_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 min: about an hour of retries, then the row is given up
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
DELIVER = "deliver_messages"  # the periodic work of the job queue's workers
DELIVER_EVERY = 10  # seconds: how late a retry that fell due, or a message whose enqueue raced, is sent
ROUNDS = 200  # most rounds one queue job sends before leaving the rest to the next (50 rows a round)

_INSERT_MESSAGE = insert(Notification.__table__).returning(Notification.__table__.c.id)
_INSERT_OUTBOX = insert(OutboxEntry.__table__)
_PG_POST_TO_APPLICANT = sql(
    "WITH r AS (SELECT id, username FROM svc_users WHERE applicant_id = :applicant AND active "
    "AND NOT (id = ANY(CAST(:skip AS integer[])))), "
    "n AS (INSERT INTO msg_notifications (user_id, kind, title, text, link, ref, created_at) "
    "SELECT id, :kind, :title, :text, :link, :ref, :created_at FROM r ORDER BY id RETURNING id, user_id), "
    # the delivery's queue entry (jobs.kick) in the same statement: no round trip more on every step
    "k AS (" + jobs.PG_KICK_SQL.format(also="AND EXISTS (SELECT 1 FROM n) ") + ") "
    "INSERT INTO msg_outbox (notification_id, recipient, created_at, next_attempt_at, attempts) "
    "SELECT n.id, r.username, :created_at, :created_at, 0 FROM n JOIN r ON r.id = n.user_id "
    "ORDER BY n.id RETURNING notification_id")


# ---------------------------------------------------------------- posting


def applicant_users(session: Session, applicant_id: int) -> list[User]:
    """Every active account of an applicant (an enterprise may have several)."""
    return list(session.scalars(select(User).where(User.applicant_id == applicant_id, User.active.is_(True))
                                .order_by(User.id)))


def post(session: Session, *, kind: str, title: str, text: str, recipients: Iterable[User] = (),
         applicant: int | None = None, link: str | None = None, ref: str | None = None,
         at: dt.datetime | None = None) -> list[int]:
    """Post one message to each recipient (and each account of ``applicant``), in the caller's transaction,
    each with its outbox row. Returns the messages' ids (none when nobody has an account to receive it)."""
    if kind not in KINDS:
        raise Invalid(f"未知的消息类型：{kind}", "kind")
    if not title.strip() or not text.strip():
        raise Invalid("消息须有标题和正文", "title" if not title.strip() else "text")
    users = {u.id: u for u in recipients}
    at = at or audit.now()
    conn = session.connection()
    message = {"kind": kind, "title": title[:200], "text": text, "link": link, "ref": ref, "created_at": at}
    if applicant is not None and conn.dialect.name == "postgresql":
        # the applicant's accounts, their messages and outbox rows in one statement: on the hot path of
        # every step (a submission among them) this saves two round trips per message
        ids = [nid for (nid,) in conn.execute(_PG_POST_TO_APPLICANT, message | jobs.kick_params(DELIVER) | {
            "applicant": applicant, "skip": list(users)})]
        applicant = None
    else:
        ids = []
    kicked = bool(ids)
    if applicant is not None:
        users.update((u.id, u) for u in applicant_users(session, applicant))
    for user in users.values():
        nid = conn.execute(_INSERT_MESSAGE, message | {"user_id": user.id, "read_at": None}).scalar_one()
        conn.execute(_INSERT_OUTBOX, {"notification_id": nid, "recipient": user.username, "created_at": at,
                                      "next_attempt_at": at, "attempts": 0, "claimed_until": None,
                                      "last_error": None, "sent_at": None, "failed_at": None})
        ids.append(nid)
    if ids and not kicked:
        jobs.kick(session, DELIVER)  # delivered by a worker once this transaction commits
    return ids


# ---------------------------------------------------------------- reading


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count(Notification.id))
                          .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Page:
    items: list[Notification]
    page: int
    pages: int
    total: int
    unread: int


def messages(session: Session, user: User, page: int = 1) -> Page:
    """One page of the account's messages, newest first."""
    if page < 1:
        raise Invalid("页码须为正整数", "page")
    total = session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id)) or 0
    items = list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                 .order_by(Notification.created_at.desc(), Notification.id.desc())
                                 .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(items, page, max(1, math.ceil(total / PAGE_SIZE)), total, unread_count(session, user))


def message_dict(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "kind_name": KINDS.get(n.kind, n.kind), "title": n.title, "text": n.text,
            "link": n.link, "ref": n.ref, "created_at": n.created_at, "read_at": n.read_at}


def mark_read(session: Session, user: User, ids: Iterable[int] | Literal["all"], *,
              at: dt.datetime | None = None) -> int:
    """Mark the account's own messages read (``"all"``: every unread one). Returns how many changed;
    an id that is not one of the account's messages is refused and nothing is marked."""
    at = at or audit.now()
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids != "all":
        wanted = sorted(set(ids))
        if not wanted:
            raise Invalid("请选择要标为已读的消息", "ids")
        own = set(session.scalars(select(Notification.id).where(Notification.user_id == user.id,
                                                                Notification.id.in_(wanted))))
        if missing := [i for i in wanted if i not in own]:
            raise NotFound(f"没有这条消息：{missing[0]}", "ids")
        stmt = stmt.where(Notification.id.in_(wanted))
    changed = session.execute(stmt.values(read_at=at).execution_options(synchronize_session=False)).rowcount
    if changed:
        audit.record(session, "messages_read", "user", user.id, actor=user, at=at,
                     ids="all" if ids == "all" else wanted, count=changed)
    return changed


def open_message(session: Session, user: User, message_id: int, *, at: dt.datetime | None = None) -> Notification:
    """The account's message, marked read (opening it is reading it)."""
    n = session.get(Notification, message_id)
    if n is None or n.user_id != user.id:
        raise NotFound(f"没有这条消息：{message_id}", "id")
    if n.read_at is None:
        mark_read(session, user, [message_id], at=at)
        session.refresh(n)
    return n


# ---------------------------------------------------------------- delivery


class Sender(Protocol):
    """A channel outside the site (SMS gateway, e-mail …). ``key`` is the idempotency key: a sender must
    deliver a key at most once however often it is called with it (gateways take it as a request id)."""

    def send(self, key: str, recipient: str, title: str, text: str) -> None: ...


class RecordingSender:
    """The default sender: records each delivery in ``msg_deliveries``, once per key, in a transaction of
    its own (as an external gateway would: the dispatcher's own rollback cannot undo it)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert(Delivery).on_conflict_do_nothing(index_elements=["key"])

    def send(self, key: str, recipient: str, title: str, text: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._insert, {"key": key, "recipient": recipient, "title": title, "text": text,
                                        "delivered_at": audit.now()})


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)  # outbox ids
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # gave up after MAX_ATTEMPTS


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed send: 30 s, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def claim(session: Session, *, at: dt.datetime, batch: int, lease: dt.timedelta = LEASE) -> list[int]:
    """Lease up to ``batch`` due rows to this dispatcher: one UPDATE … RETURNING.

    PostgreSQL: the rows are picked ``FOR UPDATE SKIP LOCKED``, so dispatchers running at once take
    different rows without waiting on each other. SQLite: the UPDATE is the transaction's first
    statement, so it takes the database's one write lock before reading, and a second dispatcher's
    claim runs after it, seeing the leases."""
    o = OutboxEntry
    due = (select(o.id).where(o.sent_at.is_(None), o.failed_at.is_(None), o.next_attempt_at <= at,
                              or_(o.claimed_until.is_(None), o.claimed_until < at))
           .order_by(o.id).limit(batch))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = session.execute(update(o).where(o.id.in_(due.scalar_subquery())).values(claimed_until=at + lease)
                           .returning(o.id).execution_options(synchronize_session=False))
    return sorted(rows.scalars())


def deliver(engine: Engine, sender: Sender, *, batch: int = 50, at: dt.datetime | None = None,
            lease: dt.timedelta = LEASE, clock: Callable[[], dt.datetime] = audit.now) -> DeliveryReport:
    """One round of the dispatcher: claim due rows, send each, mark it (each in its own transaction, so a
    crash loses at most the mark of the message being sent — which the lease and the key make good)."""
    report = DeliveryReport()
    with session_scope(engine) as session:
        ids = claim(session, at=at or clock(), batch=batch, lease=lease)
    for outbox_id in ids:
        with session_scope(engine) as session:
            row = session.get(OutboxEntry, outbox_id)
            message = session.get(Notification, row.notification_id)
            recipient, title, text = row.recipient, message.title, message.text
        try:
            sender.send(str(outbox_id), recipient, title, text)
        except Exception as exc:  # any failure of the channel: retry later, never lose the row
            _failed(engine, outbox_id, f"{type(exc).__name__}: {exc}"[:2000], at or clock(), report)
            continue
        _sent(engine, outbox_id, at or clock(), report)
    return report


def _sent(engine: Engine, outbox_id: int, at: dt.datetime, report: DeliveryReport) -> None:
    with session_scope(engine) as session:
        done = session.execute(update(OutboxEntry).where(OutboxEntry.id == outbox_id, OutboxEntry.sent_at.is_(None))
                               .values(sent_at=at, claimed_until=None, attempts=OutboxEntry.attempts + 1)
                               .execution_options(synchronize_session=False)).rowcount
        if done:
            audit.record(session, "message_sent", "outbox", outbox_id, actor=None, at=at)
    report.sent.append(outbox_id)


def _failed(engine: Engine, outbox_id: int, error: str, at: dt.datetime, report: DeliveryReport) -> None:
    with session_scope(engine) as session:
        row = session.get(OutboxEntry, outbox_id)
        if row.sent_at is not None:  # another dispatcher got it through meanwhile
            return
        row.attempts += 1
        row.last_error = error
        row.claimed_until = None
        if row.attempts >= MAX_ATTEMPTS:
            row.failed_at = at
            report.failed.append(outbox_id)
        else:
            row.next_attempt_at = at + backoff(row.attempts)
            report.retrying.append(outbox_id)
        audit.record(session, "message_send_failed", "outbox", outbox_id, actor=None, at=at,
                     attempts=row.attempts, error=error, given_up=row.failed_at is not None)


def run(engine: Engine, sender: Sender, *, interval: float, once: bool,
        on_round: Callable[[DeliveryReport], None] | None = None) -> None:
    """The dispatcher's loop: a round, then a pause of ``interval`` seconds when nothing was due."""
    while True:
        report = deliver(engine, sender)
        if on_round is not None:
            on_round(report)
        if once:
            return
        if not (report.sent or report.retrying or report.failed):
            time.sleep(interval)


# ---------------------------------------------------------------- on the job queue


def _recording(engine: Engine) -> Sender:
    return RecordingSender(engine)


_sender_factory: Callable[[Engine], Sender] = _recording


def use_sender(factory: Callable[[Engine], Sender]) -> None:
    """The channel the queue's workers send through (a gateway's client; by default :class:`RecordingSender`)."""
    global _sender_factory
    _sender_factory = factory


def deliver_due(engine: Engine) -> DeliveryReport:
    """The queue job: rounds of :func:`deliver` until nothing is due (or :data:`ROUNDS` rounds)."""
    sender = _sender_factory(engine)
    total = DeliveryReport()
    for _ in range(ROUNDS):
        report = deliver(engine, sender)
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        if not (report.sent or report.retrying or report.failed):
            break
    return total


jobs.every(DELIVER, DELIVER_EVERY, deliver_due)


def _require_supervisor(user: User) -> None:
    if user.role != "supervisor":
        raise Forbidden("未送达的消息仅限监督人员查看", "user")


def undelivered(session: Session, user: User, *, limit: int = 200) -> list[dict]:
    """The dead letters: messages to accounts of the supervisor's region whose delivery was given up after
    :data:`MAX_ATTEMPTS`, newest first, with the last error (in the channel's words)."""
    _require_supervisor(user)
    o, n = OutboxEntry, Notification
    rows = session.execute(
        access.scoped(select(o.id, o.recipient, o.attempts, o.last_error, o.failed_at, n.kind, n.title, n.ref)
                      .join(n, n.id == o.notification_id).join(User, User.id == n.user_id)
                      .where(o.failed_at.is_not(None)), user, User.region)
        .order_by(o.failed_at.desc(), o.id.desc()).limit(limit))
    return [{"id": r.id, "recipient": r.recipient, "attempts": r.attempts, "last_error": r.last_error,
             "failed_at": r.failed_at, "kind": r.kind, "kind_name": KINDS.get(r.kind, r.kind), "title": r.title,
             "ref": r.ref} for r in rows]


def redeliver(session: Session, user: User, ids: Iterable[int], *, at: dt.datetime | None = None) -> int:
    """Send given-up messages of the supervisor's region again (after the channel was mended): attempts start
    over; the idempotency key is the same, so a message the gateway did take is still delivered once."""
    _require_supervisor(user)
    at = at or audit.now()
    wanted = sorted(set(ids))
    if not wanted:
        raise Invalid("请选择要重新发送的消息", "ids")
    o = OutboxEntry
    mine = set(session.scalars(access.scoped(
        select(o.id).join(Notification, Notification.id == o.notification_id)
        .join(User, User.id == Notification.user_id).where(o.failed_at.is_not(None), o.id.in_(wanted)),
        user, User.region)))
    if missing := [i for i in wanted if i not in mine]:
        raise NotFound(f"没有这条未送达的消息：{missing[0]}", "ids")
    session.execute(update(OutboxEntry).where(OutboxEntry.id.in_(wanted)).values(
        failed_at=None, attempts=0, next_attempt_at=at, claimed_until=None).execution_options(
        synchronize_session=False))
    audit.record(session, "messages_redelivered", "user", user.id, actor=user, at=at, ids=wanted)
    jobs.kick(session, DELIVER)
    return len(wanted)
