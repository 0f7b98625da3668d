"""SQLAlchemy models of 失业登记 as a service: registrations and their 书面承诺, follow-ups (跟踪调查),
services provided, deregistrations (注销, with the exit record queued for upload), the AAZ341 counters
and the simulated 社会保险参保登记 / 劳动用工备案 registers.

Tables are prefixed ``ue_`` and created only by the Alembic migration 0003_unemployment.
Times are naive Beijing times, as in :mod:`kuaiban.platform.models`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kuaiban.db import Base
from kuaiban.platform.personal_data import LookupHash, SealedJSON, SealedString, lookup_hash
from kuaiban.unemployment.personal import is_personal

# channels (渠道): 人社厅发〔2020〕3号 二 — 线上 and 线下; the national entry (全国统一服务入口) is the third
ONLINE = "online"
WINDOW = "window"
NATIONAL = "national"
CHANNELS = (ONLINE, WINDOW, NATIONAL)
CHANNEL_NAMES = {ONLINE: "线上（本地平台）", WINDOW: "窗口（线下）", NATIONAL: "全国统一服务入口"}

# registration states
PENDING = "待审核"
REGISTERED = "已登记"  # 审核通过
REJECTED = "审核不通过"
DEREGISTERED = "已注销"
STATES = (PENDING, REGISTERED, REJECTED, DEREGISTERED)

# AAE540 审核结果 (code table review_result)
APPROVED_CODE = "1"
REJECTED_CODE = "2"


class Registration(Base):
    """One 失业登记 application and, once decided, its result record; later its deregistration."""

    __tablename__ = "ue_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    aaz341: Mapped[str] = mapped_column(String(18), unique=True)  # 系统流水号
    adc201: Mapped[str | None] = mapped_column(String(36), unique=True)  # 全国平台失业登记申请编号
    aab301: Mapped[str] = mapped_column(String(6), index=True)  # 登记失业地行政区划代码
    channel: Mapped[str] = mapped_column(String(12))
    place_basis: Mapped[str] = mapped_column(String(12))  # 户籍地 | 常住地 | 就业地 | 参保地 | 未说明
    # AAC002, else AAC044: stored encrypted; found and matched through the keyed hash beside it
    id_number: Mapped[str] = mapped_column(SealedString("ue_registrations.id_number"))
    id_number_hash: Mapped[str] = mapped_column(LookupHash(of="id_number"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # AAC003
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    status: Mapped[str] = mapped_column(String(12), index=True)
    # the 40-field application record as received (identity numbers, phones, addresses encrypted)
    application: Mapped[dict] = mapped_column(SealedJSON("ue_registrations.application", is_personal))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    limit_working_days: Mapped[int] = mapped_column(Integer)
    limit_basis: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # counted with weekends and fixed-date holidays only while the year's 节假日安排 was unknown (migration 0028)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    register_check: Mapped[dict | None] = mapped_column(JSON)
    register_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    decision: Mapped[str | None] = mapped_column(String(3))  # AAE540
    reject_reason: Mapped[str | None] = mapped_column(String(200))  # AAE360
    result: Mapped[dict | None] = mapped_column(SealedJSON("ue_registrations.result", is_personal))  # 46 fields
    result_notes: Mapped[list | None] = mapped_column(JSON)  # what building the result changed, and why
    result_uploaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    contact_due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deregistered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    commitment: Mapped[Declaration | None] = relationship(back_populates="registration", uselist=False,
                                                         cascade="all, delete-orphan")
    followups: Mapped[list[FollowUp]] = relationship(back_populates="registration", cascade="all, delete-orphan",
                                                     order_by="FollowUp.at")
    deregistration: Mapped[Deregistration | None] = relationship(back_populates="registration", uselist=False,
                                                                 cascade="all, delete-orphan")
    notices: Mapped[list[Notice]] = relationship(back_populates="registration", cascade="all, delete-orphan",
                                                 order_by="Notice.id")

    @validates("id_number")
    def _hash_person(self, _key: str, value: str) -> str:
        self.id_number_hash = lookup_hash(value)
        return value


class Declaration(Base):
    """书面承诺: the applicant's signed declaration that the filled-in information is true (3号 三)."""

    __tablename__ = "ue_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ue_registrations.id", ondelete="CASCADE"),
                                                 unique=True)
    text: Mapped[str] = mapped_column(SealedString("ue_commitments.text"))  # quotes the 身份证号
    signer: Mapped[str] = mapped_column(String(50))
    signer_id_number: Mapped[str] = mapped_column(SealedString("ue_commitments.signer_id_number"))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    signature: Mapped[str] = mapped_column(String(64))  # sha256 over text, signer, id number and time
    source: Mapped[dict] = mapped_column(JSON)

    registration: Mapped[Registration] = relationship(back_populates="commitment")


class FollowUp(Base):
    """One contact or 跟踪调查 with a registered person: method and outcome."""

    __tablename__ = "ue_followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ue_registrations.id", ondelete="CASCADE"),
                                                 index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    method: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)

    registration: Mapped[Registration] = relationship(back_populates="followups")


class ServiceProvided(Base):
    """One service of the minimum package (3号 四（一）–（七）) provided to a registered person."""

    __tablename__ = "ue_services_provided"
    __table_args__ = (UniqueConstraint("registration_id", "service_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ue_registrations.id", ondelete="CASCADE"))
    service_key: Mapped[str] = mapped_column(String(40))
    provided_at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))


class Deregistration(Base):
    """注销失业登记 with its 11-field exit record; ``exit_uploaded_at`` stays empty until the daily upload."""

    __tablename__ = "ue_deregistrations"
    __table_args__ = (UniqueConstraint("aab301", "aaz341"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ue_registrations.id", ondelete="CASCADE"),
                                                 unique=True)
    aab301: Mapped[str] = mapped_column(String(6))  # 注销地
    aaz341: Mapped[str] = mapped_column(String(18))  # the exit record's own 系统流水号
    reason_code: Mapped[str] = mapped_column(String(3))  # AJC00A
    sub_reason: Mapped[str | None] = mapped_column(String(20))
    effective_on: Mapped[dt.date] = mapped_column(Date)  # ADC210
    employer: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    notice_required: Mapped[bool] = mapped_column(Boolean)
    exit_record: Mapped[dict] = mapped_column(SealedJSON("ue_deregistrations.exit_record", is_personal))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    exit_uploaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # why the exit record is not uploaded yet (None: it goes with the next daily upload), e.g. the
    # 社会保障号码 the exit record requires is not known yet (migration 0018)
    exit_held: Mapped[str | None] = mapped_column(String(200))

    registration: Mapped[Registration] = relationship(back_populates="deregistration")


# what a notice is about (告知): the review result (3号 三, hunan 3405 “以适当方式主动反馈办理结果”) and the
# deregistration (3号 五, hunan 3433 “注销其失业登记，并以适当方式予以告知”)
NOTICE_DECISION = "decision"
NOTICE_DEREGISTRATION = "deregistration"
NOTICE_ABOUT = {NOTICE_DECISION: "审核结果", NOTICE_DEREGISTRATION: "注销失业登记"}
MESSAGE_CENTRE = "消息中心"  # method of a notice the system posted to the person's own account


class Notice(Base):
    """A notice the person is owed, and how they were told: by the system (a message to their account)
    or by a caseworker (电话、短信、当面、书面). ``told_at`` None: owed, not yet given (migration 0018)."""

    __tablename__ = "ue_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ue_registrations.id", ondelete="CASCADE"),
                                                 index=True)
    about: Mapped[str] = mapped_column(String(16))
    owed_since: Mapped[dt.datetime] = mapped_column(DateTime)
    method: Mapped[str | None] = mapped_column(String(20))
    told_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    registration: Mapped[Registration] = relationship(back_populates="notices")


class NumberCounter(Base):
    """The last AAZ341 sequence issued for one key (登记地 + day)."""

    __tablename__ = "ue_number_counters"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class InsuranceEnrolment(Base):
    """A row of the simulated 社会保险参保登记 register (synthetic data only)."""

    __tablename__ = "ue_register_insurance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(40))
    unit_name: Mapped[str] = mapped_column(String(200))
    insurance: Mapped[str] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(6))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)


class EmploymentFiling(Base):
    """A row of the simulated 劳动用工备案 register (synthetic data only)."""

    __tablename__ = "ue_register_employment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(40))
    unit_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(6))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
