"""节假日安排 entered by a supervisor for a year the installed chinese-calendar does not know yet.

Each winter the 国务院办公厅 publishes the next year's public holidays and 调休 working days; until a
chinese-calendar release carries them, every deadline crossing into that year would be unknown. A
supervisor enters the notice here (its 文号, title and date are kept as the source), and every worker
process uses it at its next deadline computation:

- a single-row version counter (``plat_calendar_version``) is bumped in the same transaction as the
  change; :func:`sync` reads it (one primary-key read) before a deadline is computed and reloads the
  table into :mod:`kuaiban.platform.calendar` only when it differs from what this process loaded.
- a year chinese-calendar already knows is refused, never overridden silently; if a later
  chinese-calendar release covers an entered year, the package wins and the page says so.
- deadlines counted while the year was unknown are provisional (:func:`kuaiban.platform.calendar.estimate`);
  entering the year recomputes them in the same transaction (:data:`AFTER_ENTRY`);
- in December (and while the current year is unknown) supervisors are reminded of a missing year
  (:func:`reminder`);
- who may enter: the calendar is national, so a national supervisor (no region) or a provincial one
  (region code ``xx0000``: the 人社厅 that runs a provincial installation); city and county supervisors
  may read it only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kuaiban.db import Base
from kuaiban.platform import audit, calendar, regions
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import SUPERVISOR, User

HOLIDAY, WORKDAY = "holiday", "workday"

# Called with (session, year) in the transaction entering a year, after the calendar uses it: each recomputes the
# provisional deadlines (kuaiban.platform.calendar.estimate) of its pillar. Registered by the composition root
# (kuaiban.handoffs): the platform does not import the pillars.
AFTER_ENTRY: list[Callable[[Session, int | None], object]] = []
KIND_NAMES = {HOLIDAY: "放假", WORKDAY: "调休上班"}
_VERSION_ROW = 1


class HolidayYear(Base):
    """One year's arrangement and the notice it was entered from."""

    __tablename__ = "plat_holiday_years"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    notice_number: Mapped[str] = mapped_column(String(80))  # 文号, e.g. 国办发明电〔…〕…号
    notice_title: Mapped[str] = mapped_column(String(200))
    notice_date: Mapped[dt.date] = mapped_column(Date)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime)

    days: Mapped[list[HolidayDay]] = relationship(back_populates="year_row", order_by="HolidayDay.day",
                                                  cascade="all, delete-orphan")


class HolidayDay(Base):
    """A date of an entered year that is not an ordinary weekday or weekend: 放假 or 调休上班."""

    __tablename__ = "plat_holiday_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("plat_holiday_years.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # holiday | workday
    festival: Mapped[str] = mapped_column(String(20))  # 元旦、春节 …

    year_row: Mapped[HolidayYear] = relationship(back_populates="days")


class CalendarVersion(Base):
    """One row: bumped with every change of the entered arrangements, read cheaply by every process."""

    __tablename__ = "plat_calendar_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Period:
    """放假 from ``start`` to ``end`` (inclusive) or, for 调休上班, one day (start == end)."""

    festival: str
    start: dt.date
    end: dt.date


# ---------------------------------------------------------------- the calendar of every process


_VERSION_READ = select(CalendarVersion.version).where(CalendarVersion.id == _VERSION_ROW)  # built once
_UNREAD = object()


def version_column():
    """The version counter as a scalar subquery, for a caller to read within a query of its own (one round
    trip fewer on a hot path) and hand to :func:`sync` as ``version``. NULL before any change."""
    return _VERSION_READ.scalar_subquery()


@lru_cache(maxsize=16)
def _database_name(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def sync(session: Session, *, within_a_year_of: dt.date | dt.datetime | None = None,
         version: int | object | None = _UNREAD) -> None:
    """Make :mod:`kuaiban.platform.calendar` use this database's entered years as now committed.

    One primary-key read when nothing changed; called before any deadline is computed. A caller whose
    limits are shorter than a year passes their start: while chinese-calendar covers the year after it,
    no entered year can matter and not even that read is made (the hot path of most years). A caller that
    has already read :func:`version_column` in this transaction passes it as ``version`` instead."""
    horizon = within_a_year_of and within_a_year_of + dt.timedelta(days=366)
    if horizon is not None and horizon.year <= calendar.covered_years()[1]:
        return
    if version is _UNREAD:
        version = session.scalar(_VERSION_READ)
    stamp = (_database_name(session.get_bind().url), version or 0)
    if stamp == calendar.entered_stamp():
        return
    years: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
    rows = session.execute(select(HolidayYear.year, HolidayDay.day, HolidayDay.kind)
                           .join(HolidayDay, HolidayDay.year_id == HolidayYear.id))
    for year, day, kind in rows:
        holidays, workdays = years.setdefault(year, (set(), set()))
        (holidays if kind == HOLIDAY else workdays).add(day)
    calendar.install_entered({y: calendar.EnteredYear(frozenset(h), frozenset(w)) for y, (h, w) in years.items()},
                             stamp)


def _bump(session: Session) -> None:
    done = session.execute(update(CalendarVersion).where(CalendarVersion.id == _VERSION_ROW)
                           .values(version=CalendarVersion.version + 1))
    if done.rowcount == 0:
        session.add(CalendarVersion(id=_VERSION_ROW, version=1))
        session.flush()


# ---------------------------------------------------------------- who may enter, what is entered


def may_enter(user: User) -> bool:
    """National or provincial supervisors: the arrangement is national (see the module's docstring)."""
    return user.role == SUPERVISOR and (user.region is None or regions.level_of(user.region) == regions.PROVINCE)


def require_may_enter(user: User) -> None:
    require_role(user, SUPERVISOR)
    if not may_enter(user):
        raise Forbidden("节假日安排全国统一，只能由全国或省级监督人员录入")


def known_by_package(year: int) -> bool:
    first, last = calendar.covered_years()
    return first <= year <= last


def years(session: Session) -> list[HolidayYear]:
    return list(session.scalars(select(HolidayYear).order_by(HolidayYear.year)))


def get_year(session: Session, year: int) -> HolidayYear:
    row = session.scalar(select(HolidayYear).where(HolidayYear.year == year))
    if row is None:
        raise NotFound(f"尚未录入 {year} 年的节假日安排", "year")
    return row


_LINE = re.compile(r"^(?P<festival>[^\d\s]{1,20})\s*(?P<start>\d{4}-\d{1,2}-\d{1,2})"
                   r"(?:\s*(?:至|到|~|—|-{1,2})\s*(?P<end>\d{4}-\d{1,2}-\d{1,2}))?$")


def parse_periods(text: str, field: str, *, single_days: bool) -> list[Period]:
    """Lines such as ``春节 2027-02-06 至 2027-02-13`` (放假) or ``春节 2027-02-14`` (调休上班, one day
    a line); Invalid naming ``field`` and the line at fault."""
    out: list[Period] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().replace("：", " ").replace(":", " ")
        if not line:
            continue
        m = _LINE.match(line)
        if m is None or (single_days and m["end"]):
            shape = "节日名称 日期（如：春节 2027-02-14）" if single_days else \
                "节日名称 起始日期 至 结束日期（如：春节 2027-02-06 至 2027-02-13），单日只写一个日期"
            raise Invalid(f"第 {n} 行格式不对：应为“{shape}”", field)
        try:
            start = dt.date.fromisoformat(_padded(m["start"]))
            end = dt.date.fromisoformat(_padded(m["end"])) if m["end"] else start
        except ValueError:
            raise Invalid(f"第 {n} 行的日期不存在：{line}", field) from None
        if end < start:
            raise Invalid(f"第 {n} 行的结束日期早于起始日期", field)
        out.append(Period(m["festival"], start, end))
    return out


def _padded(text: str) -> str:
    y, mo, d = text.split("-")
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def enter_year(session: Session, user: User, year: int, *, notice_number: str, notice_title: str,
               notice_date: dt.date, holidays: list[Period], workdays: list[Period]) -> HolidayYear:
    """Store (or replace) a year's arrangement from its notice; every deadline uses it from the commit on."""
    require_may_enter(user)
    if not 2000 <= year <= 2100:
        raise Invalid("年份须在 2000–2100 之间", "year")
    if known_by_package(year):
        first, last = calendar.covered_years()
        raise Invalid(f"{year} 年的节假日安排已随系统日历（覆盖 {first}–{last} 年）发布，"
                      "不能在此覆盖；如发现有误，请升级系统日历", "year")
    notice_number, notice_title = notice_number.strip(), notice_title.strip()
    if not notice_number:
        raise Invalid("请填写通知文号（如：国办发明电〔2026〕×号）", "notice_number")
    if len(notice_number) > 80:
        raise Invalid("通知文号不超过 80 字", "notice_number")
    if not notice_title:
        raise Invalid("请填写通知标题", "notice_title")
    if len(notice_title) > 200:
        raise Invalid("通知标题不超过 200 字", "notice_title")
    at = audit.now()
    if notice_date > at.date():
        raise Invalid("发文日期不能晚于今天", "notice_date")
    if not year - 2 <= notice_date.year <= year:
        raise Invalid(f"发文日期应在 {year - 2}–{year} 年之间（通知在当年或前一年发布）", "notice_date")
    days = _days(year, holidays, workdays)
    row = session.scalar(select(HolidayYear).where(HolidayYear.year == year))
    replaced = row is not None
    if row is None:
        row = HolidayYear(year=year)
        session.add(row)
    else:
        session.execute(delete(HolidayDay).where(HolidayDay.year_id == row.id))
        session.expire(row, ["days"])
    row.notice_number, row.notice_title, row.notice_date = notice_number, notice_title, notice_date
    row.entered_by, row.entered_at = user.id, at
    try:
        session.flush()
        session.add_all(HolidayDay(year_id=row.id, day=d, kind=k, festival=f) for d, (k, f) in sorted(days.items()))
        _bump(session)
        session.flush()
    except IntegrityError:  # saved at the same moment by someone else: the unique constraints decide
        raise Conflict(f"{year} 年的节假日安排刚被他人保存，请刷新后核对再提交", "year") from None
    audit.record(session, "replace_holidays" if replaced else "enter_holidays", "calendar", row.id, actor=user,
                 at=at, year=year, notice_number=notice_number, notice_title=notice_title, notice_date=notice_date,
                 holidays=sorted(d for d, (k, _) in days.items() if k == HOLIDAY),
                 workdays=sorted(d for d, (k, _) in days.items() if k == WORKDAY))
    session.expire(row, ["days"])
    recompute(session, year)
    return row


def recompute(session: Session, year: int | None = None) -> None:
    """Count the provisional deadlines again with the arrangements now known (:data:`AFTER_ENTRY`): run by
    :func:`enter_year` for the year entered, and by ``kuaiban sla recompute`` (``year`` None) after a
    chinese-calendar upgrade that covers a year nobody entered."""
    if AFTER_ENTRY:
        sync(session)  # this transaction's arrangement, before the provisional deadlines are counted again
        for hook in AFTER_ENTRY:
            hook(session, year)


def _days(year: int, holidays: list[Period], workdays: list[Period]) -> dict[dt.date, tuple[str, str]]:
    if not holidays:
        raise Invalid("请至少填写一段放假安排", "holidays")
    days: dict[dt.date, tuple[str, str]] = {}
    for field, kind, periods in (("holidays", HOLIDAY, holidays), ("workdays", WORKDAY, workdays)):
        for p in periods:
            if p.end < p.start:
                raise Invalid(f"{p.festival}：结束日期早于起始日期", field)
            day = p.start
            while day <= p.end:
                if day.year != year:
                    raise Invalid(f"{day.isoformat()} 不在 {year} 年内", field)
                if day in days:
                    raise Invalid(f"{day.isoformat()} 重复填写（同一天只能是放假或调休上班之一）", field)
                if kind == WORKDAY and day.weekday() <= 4:
                    raise Invalid(f"{day.isoformat()} 是星期{'一二三四五'[day.weekday()]}，本就上班，"
                                  "调休上班日应为周六或周日", field)
                days[day] = (kind, p.festival)
                day += dt.timedelta(days=1)
    return days


def reminder(session: Session, today: dt.date) -> str | None:
    """What supervisors are reminded of: the current year's arrangement, or in December next year's, is neither
    in the system calendar nor entered — deadlines reaching it are only provisional."""
    sync(session)
    missing = calendar.unknown_years(today.year, today.year + (1 if today.month == 12 else 0))
    if not missing:
        return None
    years = "、".join(f"{y} 年" for y in missing)
    return (f"{years}的节假日安排尚未录入：涉及该年的办理时限暂按周末和元旦、劳动节、国庆节的法定日期推算（临时期限）。"
            "国务院办公厅的节假日安排通知发布后，请全国或省级监督人员在“节假日安排”中录入，临时期限随即自动校正。")
