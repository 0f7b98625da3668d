"""The platform's tables: applicants (办事人), user accounts, login tokens and the append-only audit log.

Every pillar stands on these. The table names keep their historical ``svc_`` prefix (they were
created by migration 0002 when they lived with 快办); renaming them would buy nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kuaiban.db import Base
from kuaiban.platform.personal_data import LookupHash, SealedString, optional_hash

# roles
APPLICANT = "applicant"
WINDOW = "window"  # 窗口人员: 受理 / 不予受理 / 补正
REVIEWER = "reviewer"  # 后台审核人员: 审核 / 办结
SUPERVISOR = "supervisor"  # 监督人员: every case of the region, statistics, rectifications
# the other parties of 创业担保贷款 (鲁人社字〔2020〕27号 第三条): each account names its institution in
# ``User.agency`` and sees only the work routed to that institution, within its region
GUARANTOR = "guarantor"  # 担保机构（担保基金运营管理机构）: 担保审查、出具担保
BANK = "bank"  # 经办银行: 贷款审查、签订合同、发放、按季申请贴息、回收
FINANCE = "finance"  # 财政部门: 贴息复核与拨付
PARTNER_ROLES = (GUARANTOR, BANK, FINANCE)
ROLES = (APPLICANT, WINDOW, REVIEWER, SUPERVISOR, *PARTNER_ROLES)


class Applicant(Base):
    """办事人: a citizen (个人) or an enterprise (单位)."""

    __tablename__ = "svc_applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # citizen | enterprise
    name: Mapped[str] = mapped_column(String(200))
    # 证件号码 / 统一社会信用代码, stored encrypted; looked up and kept unique through id_number_hash
    id_number: Mapped[str | None] = mapped_column(SealedString("svc_applicants.id_number"))
    id_number_hash: Mapped[str | None] = mapped_column(LookupHash(of="id_number"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    @validates("id_number")
    def _hash_number(self, _key: str, value: str | None) -> str | None:
        self.id_number_hash = optional_hash(value)
        return value


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
    # set by an administrator's reset: the holder must choose a new password before anything else
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
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


class LoginThrottle(Base):
    """Failed logins of one account (``account:<username>``) or one address (``address:<ip>``) in the
    current window; shared by every worker process because it lives in the database."""

    __tablename__ = "svc_login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
