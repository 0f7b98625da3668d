"""The workbench's main queue marks each task's deadline state in words (ux review s21, item 1).

The queue used to badge only 已超期; a task due in 20 minutes looked like any other and was listed as 即将到期 only in
a section further down. Now one definition (``cases.deadline_state``: 已超期 once the deadline passed, 即将到期 by the
end of the 3rd working day after today, ``cases.due_soon_until``; a task waiting for 补正 is paused) decides the lists, the main table's badges and row
tint, the case page's badges and the filters. The queue is sorted by deadline, so the marked rows come first, and a
line above the table counts them. A provisional deadline keeps its （临时） marker beside the badge.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import update

from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.services import cases
from kuaiban.services.models import CORRECTION, Task

from .test_service_pages import login, user
from .test_workbench_pages import desk, submitted, task_ids  # noqa: F401 (fixtures)


def set_due(url: str, task_id: int, due: dt.datetime, *, provisional: bool = False, state: str | None = None) -> None:
    """A deadline put where the test needs it (the working-day count itself is tested in kuaiban.platform)."""
    values = {"due_at": due, "due_provisional": provisional} | ({"state": state} if state else {})
    with session_scope(connect(url)) as s:
        s.execute(update(Task).where(Task.id == task_id).values(**values))


def rows_of(html: str) -> list[str]:
    """The rows of the main queue table (the first table.queue on the page)."""
    table = html.split('<table class="queue stack">')[1].split("</table>")[0]
    return re.findall(r"<tr[ >].*?</tr>", table.split("<tbody>")[1], re.S)


def three_tasks(url, region) -> dict[str, int]:
    """One case of three tasks: 1.1.5 overdue, 4.1.1 due in 20 minutes (provisional), 2.4.2 due in 30 days (more
    than 3 working days whatever holiday falls between)."""
    ids = task_ids(url, region, submitted(url, region, items=["1.1.5", "4.1.1", "2.4.2"]))
    now = audit.now()
    set_due(url, ids["1.1.5"], now - dt.timedelta(hours=2))
    set_due(url, ids["4.1.1"], now + dt.timedelta(minutes=20), provisional=True)
    set_due(url, ids["2.4.2"], now + dt.timedelta(days=30))
    return ids


def test_one_definition_decides_each_task_state(desk) -> None:  # noqa: F811
    _client, url, region = desk
    ids = three_tasks(url, region)
    with session_scope(connect(url)) as s:
        staff = user(url, region.supervisor)
        tasks = {t.item_code: t for t in s.query(Task).where(Task.id.in_(ids.values()))}
        states = {code: cases.deadline_state(t) for code, t in tasks.items()}
        assert states == {"1.1.5": cases.OVERDUE, "4.1.1": cases.DUE_SOON, "2.4.2": None}
        # the lists say the same as the one definition
        assert {t.item_code for t in cases.overdue(s, staff)} == {"1.1.5"}
        assert {t.item_code for t in cases.due_soon(s, staff)} == {"4.1.1"}
        assert cases.DUE_SOON_WORKING_DAYS == 3
    # a task waiting for 补正 is paused: neither
    set_due(url, ids["4.1.1"], audit.now() + dt.timedelta(minutes=20), state=CORRECTION)
    with session_scope(connect(url)) as s:
        assert cases.deadline_state(s.get(Task, ids["4.1.1"])) is None


def test_the_main_queue_marks_overdue_and_due_soon_in_words_first_in_the_order(desk) -> None:  # noqa: F811
    client, url, region = desk
    three_tasks(url, region)
    login(client, region.window)
    html = client.get("/workbench").text
    rows = rows_of(html)
    assert [re.search(r"(1\.1\.5|4\.1\.1|2\.4\.2)", r).group(1) for r in rows] == ["1.1.5", "4.1.1", "2.4.2"]
    late, soon, later = rows
    assert late.startswith('<tr class="overdue">') and '<strong class="badge overdue-badge">已超期</strong>' in late
    assert soon.startswith('<tr class="due-soon">') and '<strong class="badge due-soon-badge">即将到期</strong>' in soon
    assert "（临时）" in soon  # the provisional deadline keeps its marker beside the badge
    assert "即将到期" not in later and "已超期" not in later and later.startswith("<tr>")
    summary = html.split('id="queue-summary">')[1].split("</p>")[0]
    assert summary == "按截止时间排序，已超期的在前：本表已超期 <strong>1</strong> 件，即将到期（3 个工作日内）<strong>1</strong> 件。"
    assert "即将到期（3 个工作日内，1）" in html  # the section below lists the same task


def test_the_queue_can_be_narrowed_to_the_tasks_due_soon(desk) -> None:  # noqa: F811
    client, url, region = desk
    three_tasks(url, region)
    login(client, region.window)
    only_soon = rows_of(client.get("/workbench?soon=1").text)
    assert len(only_soon) == 1 and "4.1.1" in only_soon[0]
    either = rows_of(client.get("/workbench?soon=1&overdue=1").text)
    assert len(either) == 2 and "2.4.2" not in "".join(either)
    page = client.get("/workbench?soon=1").text
    assert 'id="f-soon" name="soon" value="1" checked' in page and "<label for=\"f-soon\">只看即将到期（3 个工作日内）</label>" in page


def test_the_case_page_marks_its_tasks_alike(desk) -> None:  # noqa: F811
    client, url, region = desk
    ids = three_tasks(url, region)
    with session_scope(connect(url)) as s:
        number = s.get(Task, ids["1.1.5"]).case.number
    login(client, region.window)
    html = client.get(f"/workbench/cases/{number}").text
    assert html.count('<strong class="badge overdue-badge">已超期</strong>') == 1
    assert html.count('<strong class="badge due-soon-badge">即将到期</strong>') == 1
