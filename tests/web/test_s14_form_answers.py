"""Staff read a case's form in Chinese: a tick box left empty is 未勾选, never Python's ``False`` (usability
review s14 C3: “失业登记 False” on every task page of a 失业 一件事)."""

from __future__ import annotations

import pytest

from kuaiban.db import connect, session_scope
from kuaiban.services import cases
from kuaiban.web.templating import answer
from tests.web.test_service_pages import FORM, user
from tests.web.test_workbench_pages import desk, login, task_ids  # noqa: F401


@pytest.mark.parametrize(("value", "shown"), [
    (True, "已勾选"), (False, "未勾选"), (None, "未填"), ("", "未填"), ("居民身份证", "居民身份证"),
    (3, "3"), ([True, "线上"], "已勾选、线上"),
])
def test_each_stored_answer_reads_in_chinese(value, shown):
    assert answer(value) == shown


def test_the_task_page_shows_an_unticked_box_as_unticked(desk):  # noqa: F811
    client, url, region = desk
    with session_scope(connect(url)) as s:
        number = cases.submit(s, user(url, region.applicant), "1", FORM | {"工伤保险": False},
                              items=["1.1.5"]).number
    task = task_ids(url, region, number)["1.1.5"]
    login(client, region.window)
    page = client.get(f"/workbench/tasks/{task}").text
    assert "工伤保险</th><td>未勾选</td>" in page
    assert "False" not in page
