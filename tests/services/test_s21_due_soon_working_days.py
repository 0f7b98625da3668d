"""即将到期 is counted as the time limits are, in working days (session 21).

Every limit a case's tasks carry is in working days (or is moved to one), counted with the one calendar
(kuaiban.platform.calendar). The due-soon window was 72 hours of plain time: on a Friday morning a task due on
Tuesday (two working days left) was not marked, nor before 国庆 a task due on the first working day after it. Now
a task is 即将到期 when due by the end of the 3rd working day after today (``cases.due_soon_until``); the API's
``GET /api/tasks/due-soon`` gives that window by default and still reads ``?hours=N`` as a window in plain time.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import update

from kuaiban.app import create_app
from kuaiban.platform import audit
from kuaiban.services import cases
from kuaiban.services.models import Task

from .conftest import FORM, PASSWORD

FRIDAY = dt.datetime(2020, 10, 16, 10)  # an ordinary week
MONDAY = dt.datetime(2020, 10, 19, 10)
EVE_OF_NATIONAL_DAY = dt.datetime(2020, 9, 30, 10)  # 10-01..10-08 off; Saturday 10-10 a 调休 working day


def _task(due: dt.datetime, state: str = "待受理") -> SimpleNamespace:
    return SimpleNamespace(due_at=due, state=state)


def test_the_window_ends_with_the_third_working_day_after_today() -> None:
    assert cases.due_soon_until(MONDAY) == dt.datetime(2020, 10, 22, 23, 59, 59)  # Thursday's end
    assert cases.due_soon_until(FRIDAY) == dt.datetime(2020, 10, 21, 23, 59, 59)  # Wednesday's: the weekend not counted
    # the holiday not counted, the 调休 Saturday counted: 10-09, 10-10, 10-12
    assert cases.due_soon_until(EVE_OF_NATIONAL_DAY) == dt.datetime(2020, 10, 12, 23, 59, 59)


def test_a_task_due_on_tuesday_is_due_soon_on_friday_though_more_than_72_hours_away() -> None:
    tuesday_end = dt.datetime(2020, 10, 20, 23, 59, 59)
    assert tuesday_end - FRIDAY > dt.timedelta(hours=72)  # the former window missed it
    assert cases.deadline_state(_task(tuesday_end), FRIDAY) == cases.DUE_SOON
    assert cases.deadline_state(_task(dt.datetime(2020, 10, 22, 23, 59, 59)), FRIDAY) is None  # four working days
    # after 国庆: due on the first working day after the holiday, nine days away, is one working day away
    assert cases.deadline_state(_task(dt.datetime(2020, 10, 9, 23, 59, 59)), EVE_OF_NATIONAL_DAY) == cases.DUE_SOON
    # unchanged: past the deadline is 已超期, and 补正 pauses the clock
    assert cases.deadline_state(_task(FRIDAY - dt.timedelta(minutes=1)), FRIDAY) == cases.OVERDUE
    assert cases.deadline_state(_task(dt.datetime(2020, 10, 19, 12), "待补正"), FRIDAY) is None


def test_the_list_and_the_state_agree(sqlite_world) -> None:
    world = sqlite_world
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["1.1.5", "4.1.1"], at=FRIDAY).number
        ids = {t.item_code: t.id for t in cases.get_case(s, world.supervisor, number).tasks}
        s.execute(update(Task).where(Task.id == ids["1.1.5"]).values(due_at=dt.datetime(2020, 10, 20, 23, 59, 59)))
        s.execute(update(Task).where(Task.id == ids["4.1.1"]).values(due_at=dt.datetime(2020, 10, 22, 23, 59, 59)))
    with world.session() as s:
        assert [t.item_code for t in cases.due_soon(s, world.supervisor, at=FRIDAY)] == ["1.1.5"]
        # a window in plain time, as the API's hours gives, is read as before
        assert cases.due_soon(s, world.supervisor, at=FRIDAY, within=dt.timedelta(hours=72)) == []
        assert {t.item_code for t in cases.due_soon(s, world.supervisor, at=FRIDAY, within=dt.timedelta(days=7))} \
            == {"1.1.5", "4.1.1"}


def test_the_api_defaults_to_the_working_days_and_still_reads_hours(sqlite_world) -> None:
    world = sqlite_world
    now = audit.now()
    until = cases.due_soon_until(now)
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["1.1.5", "4.1.1", "2.4.2"]).number
        ids = {t.item_code: t.id for t in cases.get_case(s, world.supervisor, number).tasks}
        for code, due in {"1.1.5": now + dt.timedelta(minutes=30), "4.1.1": until,
                          "2.4.2": now + dt.timedelta(days=61)}.items():  # beyond both windows
            s.execute(update(Task).where(Task.id == ids[code]).values(due_at=due))
    client = TestClient(create_app(world.engine.url.render_as_string(hide_password=False)))
    token = client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def codes(query: str = "") -> list[str]:
        r = client.get(f"/api/tasks/due-soon{query}", headers=headers)
        assert r.status_code == 200, r.text
        return [t["item_code"] for t in r.json()]

    assert codes() == ["1.1.5", "4.1.1"]  # by the end of the 3rd working day, as the workbench marks
    assert codes("?hours=1") == ["1.1.5"]  # hours: plain time, as before
    assert codes("?hours=1440") == ["1.1.5", "4.1.1"]  # 60 days
    assert client.get("/api/tasks/due-soon?hours=0", headers=headers).json()["field"] == "hours"
    hours = client.get("/openapi.json").json()["paths"]["/api/tasks/due-soon"]["get"]["parameters"][0]
    assert hours["name"] == "hours" and not hours.get("required") and "3 个工作日" in hours["description"]
