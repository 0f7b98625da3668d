"""Tables of 失业保险关系跨省转移接续 (人社厅发〔2021〕85号), prefix ``ue_transfer``, created only by migration
0013_ui_transfer.

- ``ue_transfers``: one transfer, known to this kuaiban as its 转出地 side, its 转入地 side or both (two regions
  of one kuaiban); the transfer record the text lists (三（一）) is one JSON object whose name, card and identity
  numbers are sealed (the person's account is linked by id, found through svc_applicants' lookup hash);
- ``ue_transfer_steps``: every step (started, accepted, transferred out/in, refused with the reason, funds) —
  what the person follows;
- ``ue_transfer_partners``: the other provinces' systems reached over the interface (docs/unemployment-transfer.md);
- ``ue_transfer_outbox`` / ``ue_transfer_inbox``: messages to and from a partner, each under its idempotency key
  (message id): staged in the same transaction as the step that causes them, applied in the same transaction
  as the inbox row that records them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kuaiban.db import Base
from kuaiban.platform.personal_data import SealedJSON

# which side of the transfer an office (or this kuaiban) is on
ORIGIN = "origin"  # 转出地
DESTINATION = "destination"  # 转入地
SIDE_NAMES = {ORIGIN: "转出地", DESTINATION: "转入地"}

# states of a transfer
AWAITING_ACCEPTANCE = "待受理"  # filed at the 转入地 (三（三）): it accepts and sends the 联系函 within 5 working days
AWAITING_TRANSFER_OUT = "待转出"  # at the 转出地: 办理转出 within 5 working days (三（二）（三）)
AWAITING_TRANSFER_IN = "待转入"  # the 转出地 has transferred out; the 转入地 办理转入
TRANSFERRED = "已转入"
REFUSED = "不予办理"
STATES = (AWAITING_ACCEPTANCE, AWAITING_TRANSFER_OUT, AWAITING_TRANSFER_IN, TRANSFERRED, REFUSED)
OPEN_STATES = (AWAITING_ACCEPTANCE, AWAITING_TRANSFER_OUT, AWAITING_TRANSFER_IN)

# state of the fund (失业保险费用划转, 一（四）, 三（四）)
FUND_NOT_MOVED = "不转移费用"  # insured less than a year at the 转出地
FUND_PENDING = "待划转"
FUND_SENT = "已划转"
FUND_RECEIVED = "已到账"

PERSONAL_RECORD_KEYS = frozenset({"name", "card_number", "id_number"})


def is_personal_record_key(key: str) -> bool:
    return key in PERSONAL_RECORD_KEYS


def is_personal_payload_key(key: str) -> bool:
    """A staged message keeps its transfer record as one JSON string (:func:`kuaiban.unemployment.transfer._stage`),
    so the whole record — name, card and identity numbers among it — is sealed at rest."""
    return key == "record"


class Transfer(Base):
    __tablename__ = "ue_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # 转移编号, shared by both systems
    origin_region: Mapped[str] = mapped_column(String(6), index=True)
    destination_region: Mapped[str] = mapped_column(String(6), index=True)
    origin_office: Mapped[str] = mapped_column(String(100))
    destination_office: Mapped[str] = mapped_column(String(100))
    filed_at_side: Mapped[str] = mapped_column(String(12))  # the office the request went to first
    filed_by: Mapped[str] = mapped_column(String(12))  # person (本人线上) | office (窗口代办)
    partner_province: Mapped[str | None] = mapped_column(String(2))  # other side in another system, else None
    person_applicant_id: Mapped[int | None] = mapped_column(ForeignKey("svc_applicants.id"), index=True)
    record: Mapped[dict] = mapped_column(SealedJSON("ue_transfers.record", is_personal_record_key))
    state: Mapped[str] = mapped_column(String(12), index=True)
    stage_started_on: Mapped[dt.date] = mapped_column(Date)
    stage_due: Mapped[dt.date | None] = mapped_column(Date)  # None: no limit in the text, or holidays unpublished
    stage_basis: Mapped[str] = mapped_column(String(200))
    refused_by_side: Mapped[str | None] = mapped_column(String(12))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    transferred_out_on: Mapped[dt.date | None] = mapped_column(Date)
    transferred_in_on: Mapped[dt.date | None] = mapped_column(Date)
    fund_state: Mapped[str | None] = mapped_column(String(12))
    fund_amount: Mapped[str | None] = mapped_column(Numeric(14, 2))
    fund_due: Mapped[dt.date | None] = mapped_column(Date)
    fund_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    fund_received_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    steps: Mapped[list[TransferStep]] = relationship(back_populates="transfer", cascade="all, delete-orphan",
                                                     order_by="TransferStep.id")


class TransferStep(Base):
    __tablename__ = "ue_transfer_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ue_transfers.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    side: Mapped[str] = mapped_column(String(12))
    what: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)  # reported by the partner's system

    transfer: Mapped[Transfer] = relationship(back_populates="steps")


class Partner(Base):
    __tablename__ = "ue_transfer_partners"

    province: Mapped[str] = mapped_column(String(2), primary_key=True)  # first two digits of GB/T 2260
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(300))
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # last message of theirs applied
    token_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the token it presents to us


class OutboxMessage(Base):
    __tablename__ = "ue_transfer_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)  # the idempotency key
    partner_province: Mapped[str] = mapped_column(String(2), index=True)
    transfer_ref: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict] = mapped_column(SealedJSON("ue_transfer_outbox.payload", is_personal_payload_key))
    staged_at: Mapped[dt.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    acked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    ack_status: Mapped[str | None] = mapped_column(String(24))


class InboxMessage(Base):
    __tablename__ = "ue_transfer_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    partner_province: Mapped[str] = mapped_column(String(2))
    seq: Mapped[int] = mapped_column(Integer)
    transfer_ref: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    digest: Mapped[str | None] = mapped_column(String(64))  # of the message (seq left out): duplicate or conflict
    outcome: Mapped[str] = mapped_column(String(200))  # applied | the reason it was not
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)

