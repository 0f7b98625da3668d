"""Nothing is paid twice, also when two claims are made at the same moment.

The checks of a submission read what earlier claims hold (kuaiban.programs.claims, derived); two submissions
at once both read before either has written, so a read alone would let both pass. Two mechanisms close it:

- **Places** (``prog_claim_places``, unique): a rule that allows one claim only — 一次性吸纳就业补贴 每人只补一次
  (a place per person of the staff list), a once-only program and the programs it excludes (失业补助金 ↔ 临时生活补助:
  a place per applicant and pair of programs), a yearly program once a year (校园招聘活动补助: the year), a monthly
  program once a month — is a place the claim takes in
  its own transaction. The database's unique index lets one of two simultaneous claims have it; the other's
  INSERT fails (PostgreSQL makes it wait until the first commits), and that claim is refused or turned away
  naming the one that holds it. This holds whatever the isolation level and whichever path writes the claim.
  A refused claim gives its places back (the rules count claims “that were not refused”).
- **A lock per person** for 同一时间只能享受一种 (``not_beside``): whether another claim is *running* depends on its
  months, which no unique row can say. The submission takes a transaction lock on each of its persons before
  it reads the other program's claims: PostgreSQL ``pg_advisory_xact_lock`` on the person's hash (released at
  COMMIT or ROLLBACK); SQLite has one writer at a time, and the claim's own INSERT has taken that lock before
  the read. Locks are taken in sorted order, after the audit log's lock (which every submission takes first),
  so two submissions cannot deadlock.

- **A lock per applicant** for a cap over the applicant's earlier claims (以工代训 30万/200万, ``earlier_amount``;
  山东 一次性生活补助金's 24 months, ``earlier_months``):
  the submission takes it before it reads them (PostgreSQL advisory lock; SQLite ``BEGIN IMMEDIATE``, the write
  lock), so two claims of one enterprise for different months cannot both count the same room under the cap.

Earlier, committed claims are still found by the reads (which name them in the refusal); the places and locks
only decide between claims that are made together.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuaiban.programs import definitions
from kuaiban.programs.definitions import Program
from kuaiban.programs.models import Claim, ClaimPlace

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def _excluded(program: Program) -> set[str]:
    """The once-only programs excluded with ``program`` either way (the relation is read symmetrically)."""
    out = set(program.exclusive_with)
    for other in definitions.programs().values():
        if program.code in other.exclusive_with:
            out.add(other.code)
    return {code for code in out if code in definitions.programs() and definitions.get(code).once_only}


def applicant_places(program: Program, applicant_id: int, month: str) -> list[str]:
    """The places of the rule 只能申领一次 (with the excluded programs), 每年一次 (a yearly program: the calendar
    year of the claim's month) or, for a monthly program, 每月一次."""
    if program.once_only:
        pairs = {"|".join(sorted((program.code, other))) for other in (program.code, *_excluded(program))}
        return sorted(f"once:{pair}:{applicant_id}" for pair in pairs)
    if program.once_per_year:
        return [f"year:{program.code}:{program.period_of(month)}:{applicant_id}"]
    return [f"month:{program.code}:{month}:{applicant_id}"]


def same_period(program: Program, month: str):
    """The SQL condition “a claim of the same period as ``month``”: the same calendar year for a yearly
    program, else the same month (what the read before the places finds)."""
    if program.once_per_year:
        year = program.period_of(month)
        return Claim.month.between(f"{year}-01", f"{year}-12")
    return Claim.month == month


def person_places(program: Program, persons: list[str]) -> list[str]:
    """One place per person (keyed hash) for each once-per-person rule (``staff_seen``) counting this program's
    own claims: 每人只补一次 across every employer."""
    out = set()
    for rule in program.derived:
        if rule.kind == "staff_seen" and program.code in (rule.programs or (program.code,)):
            scope = "|".join(sorted(rule.programs or (program.code,)))
            out.update(f"person:{scope}:{person}" for person in persons)
    return sorted(out)


def take(session: Session, claim_id: int, places: list[str]) -> dict[str, int]:
    """Give the claim ``places``: {} when it has them all; else the places another claim holds → that claim
    (nothing taken). Inside a savepoint, so a refused INSERT leaves the caller's transaction usable."""
    if not places:
        return {}
    for _ in range(3):  # a holder that rolled back while we waited frees its place: try again
        try:
            with session.begin_nested():
                session.execute(insert(ClaimPlace), [{"claim_id": claim_id, "place": p} for p in sorted(places)])
            return {}
        except IntegrityError:
            held = dict(session.execute(select(ClaimPlace.place, ClaimPlace.claim_id).where(
                ClaimPlace.place.in_(places), ClaimPlace.claim_id != claim_id)).all())
            if held:
                return held
    raise RuntimeError("places kept changing while a claim was taking them")  # not reached in practice


def release(session: Session, claim_id: int) -> None:
    """A refused claim holds no place: the person or applicant may be claimed for again."""
    session.execute(delete(ClaimPlace).where(ClaimPlace.claim_id == claim_id))


def lock_persons(session: Session, keys: list[str]) -> None:
    """Hold a transaction lock on each person (keyed hash) until COMMIT/ROLLBACK (PostgreSQL); on SQLite the
    caller's own write already holds the database's single write lock."""
    if session.get_bind().dialect.name != "postgresql":
        session.flush()  # the claim's INSERT: SQLite's write lock, held to the end of the transaction
        return
    for key in sorted(set(keys)):
        session.execute(_LOCK, {"key": f"prog-person:{key}"})


def lock_applicant(session: Session, applicant_id: int) -> None:
    """Hold a transaction lock on the applicant before reading its earlier claims: PostgreSQL an advisory lock;
    SQLite the write lock at once (``BEGIN IMMEDIATE``), since its driver opens a transaction only at the first
    write and reads before it would see nothing of a claim being made beside."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"key": f"prog-applicant:{applicant_id}"})
        return
    conn = session.connection()
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
