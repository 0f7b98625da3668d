"""SQLAlchemy models of the 快办 case system: bundle cases and their tasks, materials,
告知承诺 commitments, 好差评 ratings and rectifications (accounts and the audit log are the platform's).

Tables are prefixed ``svc_``; the schema is created only by the Alembic migration 0002_services.
Times are naive datetimes in Beijing time (Asia/Shanghai): working days are counted on China's calendar.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kuaiban.db import Base
from kuaiban.platform.models import Applicant
from kuaiban.platform.personal_data import SealedJSON
from kuaiban.services.form_fields import is_personal

# task states
SUBMITTED = "待受理"
ACCEPTED = "已受理"
REVIEWED = "已审核"
DONE = "已办结"
REFUSED = "不予受理"
CORRECTION = "待补正"
REVOKED = "已撤销"  # a 办结 result revoked after its 告知承诺 was found untrue (人社厅发〔2020〕110号)
TASK_STATES = (SUBMITTED, ACCEPTED, REVIEWED, DONE, REFUSED, CORRECTION, REVOKED)
FINAL_TASK_STATES = (DONE, REFUSED, REVOKED)

# case states
CASE_OPEN = "办理中"
CASE_CORRECTION = "待补正"
CASE_DONE = "已办结"

# rectification states (核实 → 整改 → 反馈)
RECT_VERIFY = "待核实"
RECT_FIX = "待整改"
RECT_FEEDBACK = "待反馈"
RECT_CLOSED = "已反馈"





class ItemRoute(Base):
    """Which agency of a region handles a service item (the bundle list names agencies per bundle only)."""

    __tablename__ = "svc_item_routes"
    __table_args__ = (UniqueConstraint("region", "item_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    item_key: Mapped[str] = mapped_column(String(200))  # item code, or name for an uncoded group
    agency: Mapped[str] = mapped_column(String(80))


class ItemMaterial(Base):
    """A material a region requires for a service item (the compilations list none per item)."""

    __tablename__ = "svc_item_materials"
    __table_args__ = (UniqueConstraint("region", "item_key", "material"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    item_key: Mapped[str] = mapped_column(String(200))
    material: Mapped[str] = mapped_column(String(300))
    basis: Mapped[str | None] = mapped_column(Text)  # where the requirement comes from (服务指南 …)


class Case(Base):
    """One application for a bundle (打包“一件事”)."""

    __tablename__ = "svc_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    bundle_seq: Mapped[int] = mapped_column(Integer)
    bundle_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), index=True)
    # identity numbers, phones, addresses and bank accounts of the form are stored encrypted
    form: Mapped[dict] = mapped_column(SealedJSON("svc_cases.form", is_personal))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # latest of the tasks' deadlines; None when any task's limit is unknown
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # a task's deadline is provisional (a year's 节假日安排 unknown: kuaiban.platform.calendar.estimate), migration 0028
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # materials: asked (distinct, after dedup), required (counted once per item needing them), committed
    materials_asked: Mapped[int] = mapped_column(Integer, default=0)
    materials_required: Mapped[int] = mapped_column(Integer, default=0)
    materials_committed: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    applicant: Mapped[Applicant] = relationship()
    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.id")
    materials: Mapped[list[Material]] = relationship(back_populates="case", order_by="Material.id")
    commitments: Mapped[list[Commitment]] = relationship(back_populates="case", order_by="Commitment.id")


class Task(Base):
    """One service item of a case, routed to its agency: 受理 → 审核 → 办结, or 不予受理, or 补正."""

    __tablename__ = "svc_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("svc_cases.id", ondelete="CASCADE"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(20))
    item_name: Mapped[str] = mapped_column(String(200))
    group_name: Mapped[str | None] = mapped_column(String(200))
    agency: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the time limit applied: kind/value and whether it is the target (提速) or statutory limit
    limit_kind: Mapped[str | None] = mapped_column(String(16))
    limit_value: Mapped[int | None] = mapped_column(Integer)
    limit_basis: Mapped[str | None] = mapped_column(String(40))  # 提速目标 | 法定时限 | a 文号 (migration 0020)
    limit_note: Mapped[str | None] = mapped_column(Text)  # why unknown, or the conditions left aside
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # counted with weekends and fixed-date holidays only; recomputed when the year is entered (migration 0028)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_actor_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    last_reason: Mapped[str | None] = mapped_column(Text)
    correction_notice: Mapped[list | None] = mapped_column(JSON)  # every missing material, at once
    correction_due: Mapped[dt.datetime | None] = mapped_column(DateTime)  # 补正期限 (end of that day)
    # the number the item got where it was handed off (kuaiban.services.handoffs), e.g. the 失业登记's
    # AAZ341: its decision settles the task (migration 0018)
    handoff_ref: Mapped[str | None] = mapped_column(String(40), index=True)

    case: Mapped[Case] = relationship(back_populates="tasks")
    # the result recorded at 办结 (kuaiban.services.outcomes), for the items that carry one
    outcome_row: Mapped[TaskOutcome | None] = relationship(viewonly=True, uselist=False)


class Material(Base):
    """A material of a case, asked for once however many items need it."""

    __tablename__ = "svc_materials"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("svc_cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    needed_by: Mapped[list] = mapped_column(JSON)  # item codes (or names) needing it
    status: Mapped[str] = mapped_column(String(12))  # 已提交 | 承诺代替 | 缺
    reference: Mapped[str | None] = mapped_column(String(300))  # file name or digest the applicant gave
    provided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="materials")


class Commitment(Base):
    """告知承诺: a signed written commitment replacing a certificate, and its verification (核查)."""

    __tablename__ = "svc_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("svc_cases.id", ondelete="CASCADE"), index=True)
    item_name: Mapped[str] = mapped_column(String(200))
    certificate: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    signer: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    signature: Mapped[str] = mapped_column(String(64))  # SHA-256 of text, signer and time
    source: Mapped[dict] = mapped_column(JSON)  # the 告知承诺制 list row it rests on
    verification_state: Mapped[str] = mapped_column(String(12))  # 待核查 | 核查属实 | 核查不实
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verification_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="commitments")


# what a rating is of: a 一件事 case or a decided benefit claim (prog_claims, named here by its table only: the
# programs pillar is never imported by this one), exactly one of them
ONE_SUBJECT = "(case_id IS NULL) <> (claim_id IS NULL)"


class Rating(Base):
    """好差评: one rating per case after completion, or per benefit claim after its decision; 5 levels,
    optional text. ``region`` is the case's or the claim's (what the statistics count by)."""

    __tablename__ = "svc_ratings"
    __table_args__ = (CheckConstraint(ONE_SUBJECT, name="ck_svc_ratings_one_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("svc_cases.id", ondelete="CASCADE"), unique=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("prog_claims.id"), unique=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 … 1 非常不满意
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Rectification(Base):
    """差评整改: 核实 → 整改 → 反馈, with its own deadline; of a case's rating or a claim's."""

    __tablename__ = "svc_rectifications"
    __table_args__ = (CheckConstraint(ONE_SUBJECT, name="ck_svc_rectifications_one_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("svc_ratings.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("svc_cases.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("prog_claims.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    state: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verify_note: Mapped[str | None] = mapped_column(Text)
    fix_note: Mapped[str | None] = mapped_column(Text)
    feedback_note: Mapped[str | None] = mapped_column(Text)


class RegionSetting(Base):
    """A region's own setting, e.g. the rectification time limit (the compilations give none)."""

    __tablename__ = "svc_region_settings"
    __table_args__ = (UniqueConstraint("region", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(200))



class CreditRecord(Base):
    """告知承诺 found untrue (核查不实): 纳入信用记录 (人社厅发〔2020〕110号), repaired (信用修复) or not."""

    __tablename__ = "svc_credit_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("svc_commitments.id"), unique=True)
    case_number: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    repaired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    repaired_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    repair_note: Mapped[str | None] = mapped_column(Text)


class TaskOutcome(Base):
    """The result a reviewer records when closing an item that grants a benefit (:mod:`kuaiban.services.outcomes`):
    核定 or 不予核定, the monthly amount and months the office decided, the first month and the account paid
    into. Figures are the office's, entered by staff; nothing is computed here. ``details`` keeps the account
    sealed (personal data). Migration 0024_svc_task_outcomes."""

    __tablename__ = "svc_task_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("svc_tasks.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[str] = mapped_column(String(8))  # 核定 | 不予核定
    monthly_amount: Mapped[str | None] = mapped_column(String(20))  # yuan, as entered (“1530.00”)
    months: Mapped[int | None] = mapped_column(Integer)
    first_month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    details: Mapped[dict] = mapped_column(SealedJSON("svc_task_outcomes.details", lambda key: key == "account"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
