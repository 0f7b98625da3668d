"""The platform's tables: applicants (办事人), user accounts, login tokens and the append-only audit log.

Every pillar stands on these. The table names keep their historical ``svc_`` prefix (they were
created by migration 0002 when they lived with 快办); renaming them would buy nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kuaiban.db import Base

# roles
APPLICANT = "applicant"
WINDOW = "window"  # 窗口人员: 受理 / 不予受理 / 补正
REVIEWER = "reviewer"  # 后台审核人员: 审核 / 办结
SUPERVISOR = "supervisor"  # 监督人员: every case of the region, statistics, rectifications
ROLES = (APPLICANT, WINDOW, REVIEWER, SUPERVISOR)


class Applicant(Base):
    """办事人: a citizen (个人) or an enterprise (单位)."""

    __tablename__ = "svc_applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # citizen | enterprise
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(40))  # 证件号码 / 统一社会信用代码
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class User(Base):
    __tablename__ = "svc_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt_hex$hash_hex
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    agency: Mapped[str | None] = mapped_column(String(80))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("svc_applicants.id"))
    display_name: Mapped[str | None] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    applicant: Mapped[Applicant | None] = relationship()


class Token(Base):
    """A login session; only the SHA-256 of the bearer token is stored."""

    __tablename__ = "svc_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("svc_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    """Append-only, hash-chained log of every state change (database triggers refuse UPDATE, DELETE,
    REPLACE and TRUNCATE; see kuaiban.platform.audit for the chain)."""

    __tablename__ = "svc_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict] = mapped_column(JSON)
    # the chain (kuaiban.platform.audit): position 1, 2, 3 …, hash of the entry before (GENESIS for the
    # first) and SHA-256(prev_hash, canonical entry). seq is unique: two entries can never follow the
    # same one (no fork); an integer growing at the index's right edge costs less than a unique hash
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
