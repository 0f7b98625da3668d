"""Audit 4.4 / ux P7 (s20): a deadline reaching a year whose 节假日安排 is neither in the system calendar nor
entered is no longer “unknown” (no due date, never 已超期, a package name shown to users): it is counted with
weekends and the holidays fixed by law on solar dates, marked provisional, and recomputed when a supervisor enters
the year. Supervisors are reminded in December. The 2027 arrangement below is made up for the test (its notice
number says so); no real 2027 date is assumed beyond 元旦, 劳动节 and 国庆节 of 《全国年节及纪念日放假办法》."""

from __future__ import annotations

import datetime as dt

import pytest

import kuaiban.handoffs  # noqa: F401  registers the recompute hook, as the app and the CLI do
from kuaiban.platform import auth, calendar, holidays
from kuaiban.platform.holidays import Period
from kuaiban.unemployment import registration
from tests.unemployment.world import PASSWORD, local_application, make_world

D = dt.date.fromisoformat
NOTICE = dict(notice_number="测试通知〔2026〕1号", notice_title="关于2027年部分节假日安排的通知（测试）",
              notice_date=D("2026-11-01"))
EVE = dt.datetime(2027, 2, 5, 10)  # a Friday


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def test_the_calendar_counts_a_provisional_deadline_with_the_fixed_date_holidays():
    calendar.install_entered({}, None)  # nothing entered in this process (the next sync reloads its database's)
    with pytest.raises(calendar.HolidayDataMissing) as refused:
        calendar.deadline(D("2027-09-30"), working_days=1)
    assert "chinese" not in str(refused.value) and "国务院办公厅" in str(refused.value)
    # 10-01..10-03 are 国庆节 by law, 10-02/03 a weekend: the first provisional working day is Monday 10-04
    assert calendar.estimate(D("2027-09-30"), working_days=1) == (D("2027-10-04"), True)
    assert calendar.estimate(D("2026-12-31"), working_days=1) == (D("2027-01-04"), True)  # 元旦, then a weekend
    assert calendar.estimate(D("2027-04-30"), days=1) == (D("2027-05-03"), True)  # 05-01/02 by law, a weekend
    assert calendar.estimate(D("2026-12-01"), working_days=1) == (D("2026-12-02"), False)  # a known year: final


def test_a_registration_reaching_an_unknown_year_is_provisional_then_recomputed(world):
    with world.session() as s:
        prov = auth.create_user(s, "prov-sup", PASSWORD, "supervisor", region="430000")
        reg = registration.submit(s, world.window, local_application(7), declaration_signed=True, at=EVE)
        aaz341 = reg.aaz341
        # before the year is entered: 02-08, 02-09, 02-10 counted (weekends only), marked provisional
        assert reg.due_at == dt.datetime(2027, 2, 10, 23, 59, 59) and reg.due_provisional
        assert "chinese" not in reg.limit_basis
    with world.session() as s:
        assert holidays.reminder(s, D("2026-12-07")) is not None
        assert "2027 年的节假日安排尚未录入" in holidays.reminder(s, D("2026-12-07"))
        assert holidays.reminder(s, D("2026-11-30")) is None  # December only, while the current year is known
        holidays.enter_year(s, s.get(type(prov), prov.id), 2027, holidays=[Period("春节", D("2027-02-06"),
                                                                                   D("2027-02-12"))],
                            workdays=[Period("春节", D("2027-02-20"), D("2027-02-20"))], **NOTICE)
    with world.session() as s:
        reg = registration.get_registration(s, world.window, aaz341)
        # recomputed in the entering transaction: the holiday week is skipped
        assert reg.due_at == dt.datetime(2027, 2, 17, 23, 59, 59) and not reg.due_provisional
        assert holidays.reminder(s, D("2026-12-07")) is None
        assert "2028 年" in holidays.reminder(s, D("2027-12-01"))


def test_supervisors_see_the_reminder_on_the_admin_pages_in_december(world, backend_url, monkeypatch):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from kuaiban.platform import audit
    from tests.web.forms import post_login

    client = TestClient(create_app(backend_url))
    assert post_login(client, "supervisor", PASSWORD).status_code == 303
    monkeypatch.setattr(audit, "now", lambda: dt.datetime(2026, 12, 7, 9))
    page = client.get("/admin").text
    assert 'id="calendar-reminder"' in page and "2027 年的节假日安排尚未录入" in page
    assert "chinese" not in page
    monkeypatch.setattr(audit, "now", lambda: dt.datetime(2026, 11, 7, 9))
    assert 'id="calendar-reminder"' not in client.get("/admin").text


def test_kuaiban_sla_recompute_counts_them_again_when_a_year_became_known_without_an_entry(world, backend_url):
    """What a chinese-calendar upgrade does (a year becomes known without anyone entering it), imitated by
    writing the year's rows without holidays.enter_year: nothing is recomputed until `kuaiban sla recompute`."""
    import subprocess
    import sys

    from kuaiban.platform.holidays import HolidayDay, HolidayYear, _bump

    with world.session() as s:
        aaz341 = registration.submit(s, world.window, local_application(8), declaration_signed=True,
                                     at=EVE).aaz341
    with world.session() as s:
        row = HolidayYear(year=2027, entered_at=dt.datetime(2026, 11, 2), **NOTICE)
        s.add(row)
        s.flush()
        s.add_all(HolidayDay(year_id=row.id, day=D("2027-02-06") + dt.timedelta(days=k), kind=holidays.HOLIDAY,
                             festival="春节") for k in range(7))
        _bump(s)
    with world.session() as s:
        assert registration.get_registration(s, world.window, aaz341).due_provisional  # not yet
    done = subprocess.run([sys.executable, "-m", "kuaiban", "sla", "recompute", "--db", backend_url],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已按现有节假日安排重新计算临时期限" in done.stdout
    with world.session() as s:
        reg = registration.get_registration(s, world.window, aaz341)
        assert reg.due_at == dt.datetime(2027, 2, 17, 23, 59, 59) and not reg.due_provisional
