"""Tables of 创业担保贷款: the application (one per loan, from 申请 to 结清), its timeline, and the quarterly
贴息 claims with their payment by 财政.

Amounts are whole 分 in integers. One subsidy claim per (loan, quarter), ever: a unique index, and the
payment is a conditional UPDATE of that row — a quarter's subsidy cannot be paid twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuaiban.db import Base
from kuaiban.platform.personal_data import SealedString


class LoanApplication(Base):
    """创业担保贷款申请 and, once the bank lends, the loan itself."""

    __tablename__ = "loan_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"), index=True)
    region: Mapped[str] = mapped_column(String(12), index=True)  # 创业地
    borrower: Mapped[str] = mapped_column(String(20))  # 个人 | 合伙创业或组织起来共同创业 | 小微企业
    # eligibility → guarantee → lending → active → repaid | refused | withdrawn
    status: Mapped[str] = mapped_column(String(20), index=True)
    step_due: Mapped[dt.date | None] = mapped_column(Date)  # the current step's deadline (None: not printed)
    guarantor: Mapped[str | None] = mapped_column(String(80), index=True)  # 担保机构 (agency), routed by 人社
    bank: Mapped[str | None] = mapped_column(String(80), index=True)  # 经办银行 (agency): chosen, then routed
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    requested_months: Mapped[int] = mapped_column(Integer)
    facts: Mapped[dict] = mapped_column(JSON)  # the form: category, project, partners, staff, new hires …
    materials: Mapped[dict] = mapped_column(JSON)  # material → 提交 | 承诺 (告知承诺)
    commitment: Mapped[str | None] = mapped_column(Text)  # the commitment text confirmed
    account: Mapped[str | None] = mapped_column(SealedString("loan_applications.account"))
    # 人社 eligibility: the calculator's answer
    approved_limit_fen: Mapped[int | None] = mapped_column(BigInteger)
    max_term_months: Mapped[int | None] = mapped_column(Integer)  # None: not printed for the region
    eligibility: Mapped[list] = mapped_column(JSON)  # the calculator's cited steps
    # 担保机构
    guarantee_no: Mapped[str | None] = mapped_column(String(60))
    guaranteed_fen: Mapped[int | None] = mapped_column(BigInteger)
    # 经办银行: the contract
    contract_no: Mapped[str | None] = mapped_column(String(60))
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    principal_fen: Mapped[int | None] = mapped_column(BigInteger)
    term_months: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[str | None] = mapped_column(String(12))  # annual rate, decimal text (0.0435)
    lpr: Mapped[str | None] = mapped_column(String(12))  # LPR of the contract date (official figure)
    rate_cap: Mapped[str | None] = mapped_column(String(12))
    subsidy_rate: Mapped[str | None] = mapped_column(String(12))  # the annual rate 财政 pays
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date)
    maturity: Mapped[dt.date | None] = mapped_column(Date)
    contract_steps: Mapped[list] = mapped_column(JSON)  # the calculator's cited steps at the contract
    extended_on: Mapped[dt.date | None] = mapped_column(Date)  # 展期
    overdue_on: Mapped[dt.date | None] = mapped_column(Date)  # 逾期
    repaid_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)  # refusal reason
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoanEvent(Base):
    """One step of the timeline the applicant follows: who did what, when, and the step's deadline."""

    __tablename__ = "loan_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_applications.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(20))  # applicant | office | guarantor | bank | finance | system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class SubsidyClaim(Base):
    """A quarter's 贴息 for one loan: the bank claims it (渝: by the 10th of the next quarter's first month),
    人社 checks it, 财政 reviews and pays it, the bank passes it to the borrower."""

    __tablename__ = "loan_subsidy_claims"
    __table_args__ = (UniqueConstraint("application_id", "quarter", name="uq_loan_subsidy_quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_applications.id"), index=True)
    region: Mapped[str] = mapped_column(String(12), index=True)
    bank: Mapped[str] = mapped_column(String(80), index=True)
    quarter: Mapped[str] = mapped_column(String(7))  # 2021Q2
    interest_fen: Mapped[int] = mapped_column(BigInteger)  # interest the borrower paid in the quarter
    subsidy_fen: Mapped[int] = mapped_column(BigInteger)  # computed, never entered
    basis: Mapped[list] = mapped_column(JSON)  # how: cited steps
    # submitted → checked (人社) → paid (财政) → credited (bank passed it on) | refused
    status: Mapped[str] = mapped_column(String(12), index=True)
    due: Mapped[dt.date | None] = mapped_column(Date)  # the claim's own deadline (None: not printed)
    late: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    credited_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    credit_due: Mapped[dt.date | None] = mapped_column(Date)  # 3 working days after payment (渝)
