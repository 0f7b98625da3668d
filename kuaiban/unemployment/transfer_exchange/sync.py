"""The exchanger: send staged messages to each partner province, apply theirs — each exactly once.

- **Sending** (transactional outbox): a step stages its message in the step's own transaction
  (:func:`kuaiban.unemployment.transfer._stage`), so a committed step always has its message and a rolled-back
  one never does. The exchanger sends the oldest unacknowledged message of a partner, and marks it
  acknowledged in a transaction of its own once the partner answers ``stored`` or ``duplicate``. A timeout,
  a dropped answer or a kill -9 between the send and the mark means the same message (same id) is sent again;
  the partner answers ``duplicate`` and applies nothing twice. Messages go in order and the round stops at the
  first failure, so the partner never sees a transfer's fund before its 转出.
- **Receiving** (inbox + cursor): each partner message is applied in one transaction with its inbox row (unique
  message id) and the partner's cursor; a crash before the commit means it is fetched again, after it that the
  cursor moved; a message served twice finds its inbox row and is skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, process_lock
from kuaiban.platform.errors import Invalid, ServiceError
from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.transfer_exchange import protocol as p
from kuaiban.unemployment.transfer_exchange.client import PartnerClient

EXCHANGE_LOCK = 7_146_023_521
BUSY = "另一个失业保险关系转移交换进程正在运行：同一数据库同时只能运行一个"


@dataclass
class Report:
    sent: int = 0
    duplicates: int = 0
    conflicts: int = 0
    applied: int = 0
    skipped: int = 0  # served again (already in the inbox)
    not_applied: int = 0  # did not fit the transfer's state: kept in the inbox with the reason
    errors: list[str] = field(default_factory=list)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_partner(session: Session, province: str, name: str, url: str, token: str | None = None) -> tm.Partner:
    """Register (or re-point) the system of another province; its transfers go over the interface. ``token``
    is what that system presents when it calls us (without one it can only be called, not call)."""
    partner = session.get(tm.Partner, province)
    if partner is None:
        partner = tm.Partner(province=province, name=name, url=url, cursor=0)
        session.add(partner)
    else:
        partner.name, partner.url = name, url
    if token:
        partner.token_hash = token_hash(token)
    session.flush()
    return partner


def partner_for_token(session: Session, token: str | None) -> tm.Partner | None:
    if not token:
        return None
    wanted = token_hash(token)
    return next((pt for pt in session.scalars(select(tm.Partner).where(tm.Partner.token_hash.is_not(None)))
                 if hmac.compare_digest(pt.token_hash, wanted)), None)


def receive(session: Session, partner: str, message: dict, *, seq: int = 0, at: dt.datetime | None = None) -> str:
    """One message from ``partner`` in the caller's transaction: stored (and applied, or kept with the reason it
    could not be), or ``duplicate`` / ``conflict`` when its id is already in the inbox."""
    at = at or audit.now()
    mid = str(message.get("message_id") or "")
    if not mid:
        raise Invalid("消息缺少 message_id", "message_id")
    seen = session.scalar(select(tm.InboxMessage).where(tm.InboxMessage.message_id == mid))
    if seen is not None:
        return p.DUPLICATE if seen.digest in (None, p.digest(message)) else p.CONFLICT
    outcome = _apply(session, partner, message, at)
    session.add(tm.InboxMessage(message_id=mid, partner_province=partner, seq=seq,
                                transfer_ref=str(message.get("transfer_ref", "")), kind=str(message.get("kind", "")),
                                digest=p.digest(message), outcome=outcome[:200], received_at=at))
    session.flush()
    return p.STORED if outcome == "applied" else f"{p.STORED}:{outcome}"


def feed(session: Session, partner: str, after: int, limit: int = 50) -> list[dict]:
    """Our messages for ``partner`` after position ``after`` (the outbox id) — what it fetches from us."""
    rows = session.execute(select(tm.OutboxMessage.id, tm.OutboxMessage.payload)
                           .where(tm.OutboxMessage.partner_province == partner, tm.OutboxMessage.id > after)
                           .order_by(tm.OutboxMessage.id).limit(limit))
    return [transfer.wire_message(payload) | {"seq": row_id} for row_id, payload in rows]


def push(engine: Engine, province: str, client: PartnerClient, report: Report, *, batch: int = 100) -> None:
    with session_scope(engine) as s:
        waiting = list(s.execute(select(tm.OutboxMessage.id, tm.OutboxMessage.payload)
                                 .where(tm.OutboxMessage.partner_province == province,
                                        tm.OutboxMessage.acked_at.is_(None))
                                 .order_by(tm.OutboxMessage.id).limit(batch)))
    for row_id, payload in waiting:
        try:
            status = client.send(transfer.wire_message(payload))
        except p.TransportError as exc:
            with session_scope(engine) as s:
                s.execute(update(tm.OutboxMessage).where(tm.OutboxMessage.id == row_id)
                          .values(attempts=tm.OutboxMessage.attempts + 1, last_error=str(exc)))
            report.errors.append(str(exc))
            return  # in order: nothing after a message that may not have arrived
        with session_scope(engine) as s:
            s.execute(update(tm.OutboxMessage).where(tm.OutboxMessage.id == row_id)
                      .values(attempts=tm.OutboxMessage.attempts + 1, acked_at=audit.now(), ack_status=status))
        report.sent += status == p.STORED
        report.duplicates += status == p.DUPLICATE
        report.conflicts += status == p.CONFLICT


def pull(engine: Engine, province: str, client: PartnerClient, report: Report, *, limit: int = 50) -> None:
    with session_scope(engine) as s:
        after = s.get(tm.Partner, province).cursor
    try:
        messages = client.fetch(after, limit)
    except p.TransportError as exc:
        report.errors.append(str(exc))
        return
    for message in sorted(messages, key=lambda m: int(m["seq"])):
        seq = int(message["seq"])
        with session_scope(engine) as s:
            partner = s.get(tm.Partner, province)
            if seq <= partner.cursor:
                continue  # an older message served again
            status = receive(s, province, message, seq=seq)
            report.skipped += status in (p.DUPLICATE, p.CONFLICT)
            report.applied += status == p.STORED
            report.not_applied += status.startswith(f"{p.STORED}:")
            partner.cursor = max(partner.cursor, seq)


def _apply(session: Session, province: str, message: dict, at: dt.datetime) -> str:
    try:
        with session.begin_nested():
            return transfer.apply_partner_message(session, province, message, at)
    except ServiceError as exc:
        return f"未能处理：{exc}"


def exchange_once(engine: Engine, clients: dict[str, PartnerClient] | None = None, *,
                  timeout: float = 5.0) -> Report:
    """One round with every partner: send what is staged, then apply what they have for us."""
    report = Report()
    with session_scope(engine) as s:
        partners = {pt.province: pt.url for pt in s.scalars(select(tm.Partner))}
    for province, url in sorted(partners.items()):
        client = (clients or {}).get(province) or PartnerClient(url, timeout=timeout)
        push(engine, province, client, report)
        pull(engine, province, client, report)
    return report


def run(engine: Engine, *, interval: float = 30.0, timeout: float = 5.0, rounds: int | None = None) -> None:
    """Exchange until stopped (``rounds`` for tests), one exchanger per database."""
    with process_lock.exclusive(engine, "transfer-exchange", EXCHANGE_LOCK, BUSY, wait=True):
        done = 0
        while rounds is None or done < rounds:
            exchange_once(engine, timeout=timeout)
            done += 1
            time.sleep(interval)


def pending(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        rows = list(s.execute(select(tm.OutboxMessage.acked_at, tm.OutboxMessage.ack_status)))
    return {"waiting": sum(a is None for a, _ in rows), "acked": sum(a is not None for a, _ in rows),
            "conflict": sum(st == p.CONFLICT for _, st in rows)}
