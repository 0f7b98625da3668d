"""Tables of the benefit and subsidy programs (项目): claims, their review history and 公示 objections, the
entitlement schedule, payment batches and lines, recoveries, and the simulated registers behind the checks.

Amounts are whole 分 (fen) in integers: a payroll adds up exactly, on both engines.
One payment line per (beneficiary, program, month) ever: a unique index, not a promise of the code.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kuaiban.db import Base
from kuaiban.platform.personal_data import LookupHash, SealedString


class Claim(Base):
    """申领: one claim of one applicant (citizen or enterprise) for one program in one region."""

    __tablename__ = "prog_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program: Mapped[str] = mapped_column(String(60), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"), index=True)
    region: Mapped[str] = mapped_column(String(12), index=True)
    month: Mapped[str] = mapped_column(String(7))  # the month claimed from (YYYY-MM)
    # submitted → reviewing → publicity → approved → ended | refused | stopped
    status: Mapped[str] = mapped_column(String(20), index=True)
    step: Mapped[int] = mapped_column(Integer, default=0)  # index of the current review step
    step_due: Mapped[dt.date | None] = mapped_column(Date)  # its deadline (None: the text gives none)
    facts: Mapped[dict] = mapped_column(JSON)  # the claim form (calculator inputs and the program's fields)
    commitment: Mapped[str | None] = mapped_column(Text)  # the 告知承诺 text the claimant confirmed
    account: Mapped[str | None] = mapped_column(SealedString("prog_claims.account"))  # 社保卡/银行账户
    flags: Mapped[list] = mapped_column(JSON)  # cross-checks that could not be made (never a refusal)
    monthly_fen: Mapped[int | None] = mapped_column(Integer)  # amount of the first month, from the calculator
    explanation: Mapped[list] = mapped_column(JSON)  # the calculator's cited steps
    reasons: Mapped[list] = mapped_column(JSON)  # the decision's reasons
    publicity_until: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ClaimEvent(Base):
    """One step of a claim's history: received, each review step, 公示, decision, stop (the caseworker's log)."""

    __tablename__ = "prog_claim_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id"), index=True)
    step: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)  # what the claimant is told (告知内容): shown to them
    internal_note: Mapped[str | None] = mapped_column(Text)  # the caseworker's own note: staff only
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class ClaimPerson(Base):
    """A person of a claim's staff list (花名册), by the keyed hash of the ID number: the index the checks on
    persons read by person (一次性吸纳就业补贴 每人只补一次, 同一时间只能享受一种) instead of every claim's
    list. A claimant's own person is found through the applicant's hash, not written here."""

    __tablename__ = "prog_claim_persons"
    __table_args__ = (Index("ix_prog_claim_persons_person", "person_hash", "program"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id", ondelete="CASCADE"), index=True)
    program: Mapped[str] = mapped_column(String(60))
    # the hash the staff list holds (kuaiban.programs.staff_list), kept without its value: after a key rotation
    # rekey renames it where the database holds the number elsewhere (the person's own applicant record); a
    # staff-list person nobody else holds stays under the old key and is counted by rekey.stale_hashes
    person_hash: Mapped[str] = mapped_column(LookupHash())


class ClaimPlace(Base):
    """A place only one claim may hold while it is not refused (kuaiban.programs.places): once per person,
    once only per applicant (and with the programs it excludes), once a month. The unique index decides
    between two claims made at the same moment; a refusal deletes the claim's places."""

    __tablename__ = "prog_claim_places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(240), unique=True)


class Objection(Base):
    """A 公示 objection (异议) and how it was resolved (upheld → the claim is refused)."""

    __tablename__ = "prog_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))  # upheld | dismissed
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Entitlement(Base):
    """One month owed under an approved claim: due, pending (先缴后补 or an official figure not published yet:
    kuaiban.programs.settle makes it due before a batch), held (computed again before a batch at another amount
    than the decision gave: kuaiban.programs.held, until a caseworker decides it), stopped or suspended.
    ``amount_fen`` is what a batch pays: the decided amount (``decided_fen``) whenever there is one."""

    __tablename__ = "prog_entitlements"
    __table_args__ = (UniqueConstraint("claim_id", "month", name="uq_prog_entitlement_month"),
                      Index("ix_prog_entitlements_due", "program", "status", "month"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"))
    program: Mapped[str] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(12))
    month: Mapped[str] = mapped_column(String(7))
    amount_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # due | pending | held | stopped | suspended
    # the month's amount as decided (the decision, or a caseworker's decision of a held month); None: the decision
    # left the month waiting for an official figure (its first computed amount is paid). Migration 0025.
    decided_fen: Mapped[int | None] = mapped_column(Integer)
    # the amount computed before a batch that differs from decided_fen (the month held); kept once a caseworker
    # keeps the decided amount, so that the same difference is not held again
    found_fen: Mapped[int | None] = mapped_column(Integer)


class Batch(Base):
    """A payment batch: the month's payroll of one program in one region, or a re-issue of returned lines."""

    __tablename__ = "prog_batches"
    __table_args__ = (Index("uq_prog_monthly_batch", "program", "region", "month", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program: Mapped[str] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(12))
    # the payroll month; a re-issue batch is "YYYY-MM-R<n>" so that it never takes the month's place
    month: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(10))  # monthly | reissue
    lines: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)  # a province's month passes 2^31 fen (21 million yuan)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reconciled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PaymentLine(Base):
    """One payment: the amount owed to one beneficiary under one program for one month — once, ever."""

    __tablename__ = "prog_payment_lines"
    __table_args__ = (UniqueConstraint("applicant_id", "program", "month", name="uq_prog_line_once"),
                      Index("ix_prog_lines_batch", "batch_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("prog_batches.id"))
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("prog_entitlements.id"))
    # copied from the entitlement (which holds their foreign keys): checking them again on every line of a
    # million-line batch was a fifth of its time each (docs/BENCHMARKS.md)
    claim_id: Mapped[int] = mapped_column(Integer)
    applicant_id: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(12))
    month: Mapped[str] = mapped_column(String(7))  # the month owed
    amount_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # issued | paid | returned | reissued
    return_reason: Mapped[str | None] = mapped_column(Text)
    reissue_batch_id: Mapped[int | None] = mapped_column(ForeignKey("prog_batches.id"))


class Recovery(Base):
    """追回: what was paid and should not have been (a false commitment, payment after a stop) — a debt of
    the person, with the months it covers, the stop rule and the clause it rests on, what was repaid and,
    where a supervisor writes it off (核销), the decision and its reason (kuaiban.programs.recovery)."""

    __tablename__ = "prog_recoveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("prog_claims.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)  # owed | partial | repaid | written_off
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # copied from the claim (rows before migration 0019 were filled from it): listed by region without a join
    applicant_id: Mapped[int | None] = mapped_column(Integer, index=True)
    program: Mapped[str | None] = mapped_column(String(60))
    region: Mapped[str | None] = mapped_column(String(12), index=True)
    months: Mapped[list | None] = mapped_column(JSON)  # the months paid and not owed (YYYY-MM)
    rule: Mapped[str | None] = mapped_column(String(40))  # the program's stop rule
    source: Mapped[str | None] = mapped_column(String(60))  # its clause key (kuaiban.platform.citations)
    repaid_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))  # 核销: the supervisor
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Repayment(Base):
    """One repayment of a recovery (退回): amount, day, channel; keyed by the payment's reference (the
    bank's 流水号 or the window's receipt) so that the same payment is never recorded twice."""

    __tablename__ = "prog_recovery_repayments"
    __table_args__ = (UniqueConstraint("recovery_id", "reference", name="uq_prog_repayment_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recovery_id: Mapped[int] = mapped_column(ForeignKey("prog_recoveries.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64), index=True)  # once across every recovery (recovery.py)
    amount_fen: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))  # bank_transfer | counter | other
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))  # None: the operator's command
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RegisterRecord(Base):
    """A simulated register's record of one person or enterprise (参保缴费、就业登记、失业登记、低保 …).

    A register is *available* when it has a row in ``prog_registers``; a check against a register that
    is not available, or that has no record of the subject, is flagged for a caseworker, never refused."""

    __tablename__ = "prog_register_records"
    __table_args__ = (UniqueConstraint("register", "subject_hash", name="uq_prog_register_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register: Mapped[str] = mapped_column(String(40))
    subject_hash: Mapped[str] = mapped_column(LookupHash())  # keyed hash of the ID number / credit code
    facts: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Register(Base):
    """A register the checks may consult, and whether it is reachable now."""

    __tablename__ = "prog_registers"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    online: Mapped[bool] = mapped_column(default=True)


class ListingRun(Base):
    """免申即享: one screening result directory imported for a program (名单), from draft to 公示 to closed.

    ``run_key`` is the SHA-256 of the result's manifest: importing the same run again finds it. A draft is
    replaced by a newer run; once published it stands (corrections go through the 公示's objections)."""

    __tablename__ = "prog_listing_runs"
    __table_args__ = (UniqueConstraint("program", "run_key", name="uq_prog_listing_run"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program: Mapped[str] = mapped_column(String(60), index=True)
    run_key: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[str] = mapped_column(String(10))
    month: Mapped[str] = mapped_column(String(7))  # the month owed (of as_of): the payroll pays it from then
    regions: Mapped[list] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)
    eligible: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    manifest: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))  # draft | published | closed | replaced
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    publicity_days: Mapped[int | None] = mapped_column(Integer)  # set by the office (the texts print none)
    publicity_until: Mapped[dt.date | None] = mapped_column(Date)
    confirm_working_days: Mapped[int | None] = mapped_column(Integer)
    confirm_due: Mapped[dt.date | None] = mapped_column(Date)  # on the working-day calendar
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ListingEntry(Base):
    """One enterprise of a screening: listed (with its claim) or not, with the calculator's reason.

    The credit code is kept as its keyed hash (the enterprise finds its entry by logging in) and masked."""

    __tablename__ = "prog_listing_entries"
    __table_args__ = (Index("ix_prog_listing_entries_code", "program", "credit_hash"),
                      Index("ix_prog_listing_entries_run", "run_id", "region"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(60))
    credit_hash: Mapped[str] = mapped_column(LookupHash())  # 统一社会信用代码 (its applicant holds it sealed)
    credit_masked: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(12))
    eligible: Mapped[bool] = mapped_column(Boolean)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    ceiling: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    insured_last_year: Mapped[int] = mapped_column(Integer)
    layoff_rate: Mapped[float | None] = mapped_column(Float)  # None: not defined (no insured staff last year)
    contributions_fen: Mapped[int] = mapped_column(BigInteger)
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)
    answer: Mapped[str | None] = mapped_column(String(12))  # confirmed | declined
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
