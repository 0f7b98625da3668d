"""新的待办 for the 受理 queue, on both backends: a submitted 一件事 tells the region's window clerks and
supervisor once (however many items it has), not its reviewers, not another region's staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kuaiban.platform import new_work
from kuaiban.platform.notification_models import Notification
from kuaiban.services import cases
from tests.services.conftest import FORM

AT = dt.datetime(2020, 9, 30, 10, 0)


def test_a_submitted_case_gives_the_window_one_digest_message(world):
    with world.session() as s:
        case = cases.submit(s, world.citizen, "企业招用员工", FORM, at=AT)
        items = len(case.tasks)
    assert new_work.digest(world.engine, now=AT + dt.timedelta(minutes=5)) == 2
    with world.session() as s:
        got = {n.user_id: n for n in s.scalars(select(Notification).where(Notification.kind == new_work.KIND))}
    assert set(got) == {world.window.id, world.supervisor.id}
    assert got[world.window.id].title == f"新的待办：{items} 件"
    assert got[world.window.id].text.startswith(f"待受理的办件事项 {items} 件")
    assert got[world.window.id].link == "/workbench"  # 受理 is done on the 经办工作台
