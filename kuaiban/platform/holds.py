"""限制办理 (holds): a fact one pillar records about a person that another pillar's procedure must respect.

The first is 京人社发[2020]8号 一（六）: “发放失业补助金期间，不办理失业保险关系转出（转入）”. The benefit is paid by
the programs pillar, the transfer is handled by 失业登记; neither may reach into the other, so the program
records a hold (kind ``unemployment_transfer``) for the months it pays, and the transfer asks this module.
A hold names the person by the lookup hash of their 证件号码 (never the number), the region whose offices it
binds, the dates, the reason and the clause it rests on; ending it early (停发) keeps the row for the record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kuaiban.db import Base
from kuaiban.platform import audit, regions
from kuaiban.platform.personal_data import LookupHash, lookup_hashes

UNEMPLOYMENT_TRANSFER = "unemployment_transfer"
KINDS = {UNEMPLOYMENT_TRANSFER: "失业保险关系转移"}


class Hold(Base):
    __tablename__ = "plat_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_hash: Mapped[str] = mapped_column(LookupHash(), index=True)  # lookup hash of the 证件号码
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(12))  # the offices it binds: a GB/T 2260 scope
    starts: Mapped[dt.date] = mapped_column(Date)
    ends: Mapped[dt.date | None] = mapped_column(Date)  # last day it applies (None: until released)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(80))  # clause key (data/clauses)
    origin: Mapped[str] = mapped_column(String(80), index=True)  # what placed it, e.g. program_claim:12
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


def place(session: Session, *, subject_hash: str, kind: str, region: str, starts: dt.date, ends: dt.date | None,
          reason: str, source: str | None, origin: str, at: dt.datetime | None = None) -> Hold:
    if kind not in KINDS:
        raise ValueError(f"unknown hold kind {kind!r}")
    hold = Hold(subject_hash=subject_hash, kind=kind, region=region, starts=starts, ends=ends, reason=reason,
                source=source, origin=origin, created_at=at or audit.now())
    session.add(hold)
    session.flush()
    return hold


def end(session: Session, origin: str, *, last_day: dt.date) -> int:
    """End the holds ``origin`` placed on ``last_day`` at the latest (停发: the period is over); how many."""
    done = session.execute(update(Hold).where(Hold.origin == origin,
                                              or_(Hold.ends.is_(None), Hold.ends > last_day))
                           .values(ends=last_day).execution_options(synchronize_session=False))
    return done.rowcount


def active(session: Session, id_number: str | None, kind: str, *, regions_: tuple[str, ...],
           on: dt.date) -> Hold | None:
    """A hold of ``kind`` on the person that binds an office of any of ``regions_`` on ``on``, if any."""
    if not id_number:
        return None
    candidates = session.scalars(select(Hold).where(
        Hold.subject_hash.in_(lookup_hashes(id_number)), Hold.kind == kind, Hold.starts <= on,
        or_(Hold.ends.is_(None), Hold.ends >= on)).order_by(Hold.id))
    return next((h for h in candidates if any(regions.covers(h.region, r) for r in regions_)), None)
