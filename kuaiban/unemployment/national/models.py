"""The synchroniser's own tables (prefix ``ue_sync_``, created only by migration 0004_national_sync).

- ``ue_sync_inbox``: every application downloaded, once per ADC201, written in the same transaction as the
  local registration it became (or as the reason the local system refused it);
- ``ue_sync_outbox``: result and exit records staged for upload — a frozen copy of the payload, so every
  retry sends the same bytes — keyed by kind + AAB301:AAZ341 (the idempotency key), acknowledged or
  failed with the platform's receipt;
- ``ue_sync_cursors``: the download cursor, the client id and the times of the last download and exit upload;
- ``ue_sync_counters``: faults met, retries and other tallies for reports.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuaiban.db import Base
from kuaiban.platform.personal_data import SealedJSON
from kuaiban.unemployment.personal import is_personal

# inbox states
HANDED_OFF = "registered"  # became a local registration in the same transaction
REFUSED = "refused"  # the local system would not register it; kept with the reason for a human

# outbox kinds
RESULT = "result"
EXIT = "exit"


class InboxItem(Base):
    __tablename__ = "ue_sync_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    adc201: Mapped[str] = mapped_column(String(36), unique=True)  # 失业登记申请编号: one row per application
    platform_seq: Mapped[int] = mapped_column(BigInteger)
    aab301: Mapped[str | None] = mapped_column(String(6))
    record: Mapped[dict] = mapped_column(SealedJSON("ue_sync_inbox.record", is_personal))
    state: Mapped[str] = mapped_column(String(12), index=True)
    local_ref: Mapped[str | None] = mapped_column(String(40))  # the local registration's AAZ341
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)


class OutboxItem(Base):
    __tablename__ = "ue_sync_outbox"
    __table_args__ = (UniqueConstraint("kind", "record_key"), UniqueConstraint("kind", "local_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # result | exit
    record_key: Mapped[str] = mapped_column(String(40))  # AAB301:AAZ341, the idempotency key
    local_id: Mapped[int] = mapped_column(Integer)  # the registration (result) or deregistration (exit) row
    adc201: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict] = mapped_column(SealedJSON("ue_sync_outbox.payload", is_personal))
    digest: Mapped[str] = mapped_column(String(64))
    batch_date: Mapped[str | None] = mapped_column(String(8))  # exits: the day's batch (YYYYMMDD)
    staged_at: Mapped[dt.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    acked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    ack_status: Mapped[str | None] = mapped_column(String(24))
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


class SyncCursor(Base):
    __tablename__ = "ue_sync_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SyncCounter(Base):
    __tablename__ = "ue_sync_counters"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
