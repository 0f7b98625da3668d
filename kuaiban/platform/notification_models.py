"""The message centre's tables (消息中心): messages to accounts, their delivery outbox, and the deliveries
the default sender records.

Created by migration 0006. A message belongs to one account; an applicant with several accounts gets one
message each, so each person reads (and marks read) their own.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuaiban.db import Base


class Notification(Base):
    """One message in an account's message centre."""

    __tablename__ = "msg_notifications"
    __table_args__ = (Index("ix_msg_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("svc_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # see notifications.KINDS
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))  # the case or registration page
    ref: Mapped[str | None] = mapped_column(String(60), index=True)  # 办件编号 / AAZ341
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class OutboxEntry(Base):
    """A message waiting to be delivered outside the site (SMS, e-mail …), written with the message.

    ``claimed_until`` is a dispatcher's lease: a row whose lease ran out (its dispatcher died) is
    claimed again, and the row's id, the idempotency key, makes the second send harmless."""

    __tablename__ = "msg_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("msg_notifications.id", ondelete="CASCADE"),
                                                 unique=True)
    recipient: Mapped[str] = mapped_column(String(80))  # the account's user name: the sender resolves it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # gave up after MAX_ATTEMPTS


class Delivery(Base):
    """What the default sender (:class:`kuaiban.platform.notifications.RecordingSender`) delivered:
    one row per idempotency key, however often it was asked."""

    __tablename__ = "msg_deliveries"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[dt.datetime] = mapped_column(DateTime)
