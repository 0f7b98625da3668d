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
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, process_lock
from kuaiban.platform.errors import ServiceError
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


def set_partner(session: Session, province: str, name: str, url: str) -> tm.Partner:
    """Register (or re-point) the system of another province; its transfers go over the interface."""
    partner = session.get(tm.Partner, province)
    if partner is None:
        partner = tm.Partner(province=province, name=name, url=url, cursor=0)
        session.add(partner)
    else:
        partner.name, partner.url = name, url
    session.flush()
    return partner


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
            if s.scalar(select(tm.InboxMessage.id).where(tm.InboxMessage.message_id == message["message_id"])):
                report.skipped += 1
            else:
                at = audit.now()
                outcome = _apply(s, province, message, at)
                s.add(tm.InboxMessage(message_id=str(message["message_id"]), partner_province=province, seq=seq,
                                      transfer_ref=str(message.get("transfer_ref", "")),
                                      kind=str(message.get("kind", "")), outcome=outcome[:200], received_at=at))
                report.applied += outcome == "applied"
                report.not_applied += outcome != "applied"
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
