"""节假日安排 entered for a year chinese-calendar does not know: stored with its notice, used by every
deadline (the calendar, a 快办 case's tasks, the ``kuaiban sla deadline`` CLI) as soon as it is committed.

The arrangement below is made up for the tests (the notice number says so): 2027 is past the installed
chinese-calendar, so without an entry every working-day count into 2027 is refused by calendar.deadline and
provisional (weekends and fixed-date holidays, calendar.estimate) for tasks, recomputed when the year is entered.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from kuaiban.platform import calendar, holidays
from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.platform.holidays import HolidayDay, Period
from kuaiban.platform.models import AuditEntry, User

D = dt.date.fromisoformat
NOTICE = dict(notice_number="测试通知〔2026〕1号", notice_title="关于2027年部分节假日安排的通知（测试）",
              notice_date=D("2026-11-01"))
SPRING = [Period("春节", D("2027-02-06"), D("2027-02-12"))]  # Saturday to Friday
MAKE_UP = [Period("春节", D("2027-02-20"), D("2027-02-20"))]  # a Saturday worked instead
EVE = dt.datetime(2027, 2, 5, 10)  # Friday before the holiday


def _enter(hunan, holidays_=SPRING, workdays=MAKE_UP, **notice):
    with hunan.session() as s:
        holidays.enter_year(s, s.get(User, hunan.province.id), 2027, holidays=holidays_, workdays=workdays,
                            **(NOTICE | notice))


def _synced(hunan) -> None:
    with hunan.session() as s:
        holidays.sync(s)


def test_the_test_year_is_beyond_the_installed_calendar():
    assert calendar.covered_years()[1] < 2027
    with pytest.raises(calendar.HolidayDataMissing, match="2027"):
        calendar.deadline(EVE, working_days=1)


def test_an_entered_year_changes_deadlines_as_soon_as_it_is_committed(hunan):
    _synced(hunan)
    with pytest.raises(calendar.HolidayDataMissing):
        calendar.deadline(EVE, working_days=1)
    _enter(hunan)
    _synced(hunan)
    assert calendar.deadline(EVE, working_days=1) == D("2027-02-15")  # the holiday week is skipped
    assert calendar.is_working_day(D("2027-02-20"))  # the make-up Saturday
    assert calendar.deadline(D("2027-02-19"), working_days=1) == D("2027-02-20")
    # corrected by a later entry: every process picks the new version up at its next sync
    _enter(hunan, holidays_=[Period("春节", D("2027-02-08"), D("2027-02-12"))], workdays=[])
    _synced(hunan)
    assert calendar.deadline(EVE, working_days=1) == D("2027-02-15")
    assert not calendar.is_working_day(D("2027-02-20"))
    with hunan.session() as s:
        assert s.scalar(select(func.count()).select_from(HolidayDay)) == 5
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "calendar")
                                 .order_by(AuditEntry.id)))
        assert actions == ["enter_holidays", "replace_holidays"]


def test_a_case_submitted_before_the_holiday_gets_its_deadline_from_the_entry(hunan):
    from kuaiban.platform import auth
    from kuaiban.services import cases

    with hunan.session() as s:
        a = auth.create_applicant(s, "enterprise", "测试企业", region="430100")
        auth.create_user(s, "firm", "correct-horse-42", "applicant", applicant=a, region="430100")
    form = {"姓名": "测试甲", "性别": "女", "证件类型": "居民身份证", "证件号码": "110101199001019028",
            "证件有效期": "2030-01-01", "手机号码": "13800000000"}

    def submit():
        with hunan.session() as s:
            case = cases.submit(s, s.scalar(select(User).where(User.username == "firm")), 1, form, items=["2.4.3"],
                                at=EVE)
            return case.tasks[0]

    import kuaiban.handoffs  # noqa: F401  the composition root registers the recompute hook, as the app does

    before = submit()
    # provisional: the holiday week is unknown, so 02-08, 02-09, 02-10 are counted
    assert before.due_at == dt.datetime(2027, 2, 10, 23, 59, 59) and before.due_provisional
    assert "按周末推算，待当年节假日安排公布后校正" in before.limit_note
    _enter(hunan)
    with hunan.session() as s:  # recomputed when the year was entered
        task = s.get(type(before), before.id)
        assert task.due_at == dt.datetime(2027, 2, 17, 23, 59, 59) and not task.due_provisional
        assert "按周末推算" not in (task.limit_note or "")
        assert task.case.due_at == task.due_at and not task.case.due_provisional
    after = submit()
    limit = cases.item_limit("2.4.3")
    assert (limit.kind, limit.value) == ("working_days", 3)
    # the 3rd working day after the eve, counted after the holiday week (02-15, 02-16, 02-17)
    assert after.due_at == dt.datetime(2027, 2, 17, 23, 59, 59)


def test_the_cli_reads_the_entered_year_from_the_database(hunan, backend_url):
    def cli() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kuaiban", "sla", "deadline", "--start", "2027-02-05T10:00",
                               "--working-days", "1", "--db", backend_url, "--json"],
                              capture_output=True, text=True, timeout=120)

    provisional = cli()
    assert provisional.returncode == 0, provisional.stderr
    assert json.loads(provisional.stdout) == {"deadline": "2027-02-08", "provisional": True}
    _enter(hunan)
    answer = cli()
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"deadline": "2027-02-15", "provisional": False}


def test_a_year_the_package_knows_cannot_be_overridden(hunan):
    with hunan.session() as s, pytest.raises(Invalid, match="不能在此覆盖") as err:
        holidays.enter_year(s, s.get(User, hunan.province.id), 2026, holidays=[Period("春节", D("2026-02-16"),
                                                                                       D("2026-02-16"))],
                            workdays=[], **NOTICE)
    assert err.value.field == "year"


def test_only_a_national_or_provincial_supervisor_enters_the_national_calendar(hunan):
    for who in (hunan.changsha, hunan.yuelu, hunan.changsha_clerk):
        with hunan.session() as s, pytest.raises(Forbidden):
            holidays.enter_year(s, s.get(User, who.id), 2027, holidays=SPRING, workdays=[], **NOTICE)
    with hunan.session() as s:
        assert holidays.years(s) == []


@pytest.mark.parametrize("change, field", [
    (dict(notice_number=" "), "notice_number"),
    (dict(notice_title=""), "notice_title"),
    (dict(notice_date=D("2099-01-01")), "notice_date"),
    (dict(holidays_=[]), "holidays"),
    (dict(holidays_=[Period("春节", D("2028-01-01"), D("2028-01-01"))]), "holidays"),
    (dict(workdays=[Period("春节", D("2027-02-17"), D("2027-02-17"))]), "workdays"),  # a Wednesday
    (dict(workdays=[Period("春节", D("2027-02-06"), D("2027-02-06"))]), "workdays"),  # also a holiday
])
def test_a_bad_entry_names_its_field_and_changes_nothing(hunan, change, field):
    with pytest.raises(Invalid) as err:
        _enter(hunan, **change)
    assert err.value.field == field
    with hunan.session() as s:
        assert holidays.years(s) == [] and s.scalar(select(func.count()).select_from(HolidayDay)) == 0


def test_the_form_lines_are_read_with_their_faults_named():
    assert holidays.parse_periods("春节 2027-02-06 至 2027-02-12\n\n元旦 2027-1-1", "holidays", single_days=False) == [
        Period("春节", D("2027-02-06"), D("2027-02-12")), Period("元旦", D("2027-01-01"), D("2027-01-01"))]
    for text, message in (("春节 2027-02-30", "第 1 行的日期不存在"), ("2027-02-06", "第 1 行格式不对"),
                          ("元旦 2027-01-01\n春节 2027-02-12 至 2027-02-06", "第 2 行的结束日期早于起始日期")):
        with pytest.raises(Invalid, match=message):
            holidays.parse_periods(text, "holidays", single_days=False)
    with pytest.raises(Invalid, match="第 1 行格式不对"):
        holidays.parse_periods("春节 2027-02-20 至 2027-02-21", "workdays", single_days=True)
