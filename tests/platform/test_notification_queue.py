"""Message delivery on the job queue, on both backends: a worker delivers what :func:`notifications.post`
wrote without any dispatcher process (PostgreSQL: the queue entry is written in the message's own
transaction, one waiting at most, none for a rolled-back message); a given-up message is a dead letter
that the supervisors of the recipient's region see — and no one else — and may send again, once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, text, update

from kuaiban.platform import auth, jobs, notifications
from kuaiban.platform.errors import Forbidden, NotFound
from kuaiban.platform.notification_models import Delivery, OutboxEntry
from tests.platform.conftest import PASSWORD


def waiting_deliveries(province) -> int:
    with province.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t AND status = 'todo'"),
                            {"t": jobs.NOW_TASK}).scalar()


def delivered(province, outbox_ids: list[int], seconds: float = 60) -> list[Delivery]:
    deadline = time.monotonic() + seconds
    while True:
        with province.session() as s:
            rows = list(s.scalars(select(Delivery).where(Delivery.key.in_([str(i) for i in outbox_ids]))))
            unsent = s.scalar(select(func.count(OutboxEntry.id)).where(OutboxEntry.id.in_(outbox_ids),
                                                                       OutboxEntry.sent_at.is_(None)))
        if len(rows) == len(outbox_ids) and not unsent:
            return rows
        assert time.monotonic() < deadline, f"{len(rows)} of {len(outbox_ids)} delivered"
        time.sleep(0.2)


def outbox_of(province, message_ids: list[int]) -> list[int]:
    with province.session() as s:
        return list(s.scalars(select(OutboxEntry.id).where(OutboxEntry.notification_id.in_(message_ids))))


@pytest.fixture
def citizen(hunan):
    with hunan.session() as s:
        person = auth.create_applicant(s, "citizen", "测试甲", region="430104")
        return auth.create_user(s, "citizen-a", PASSWORD, "applicant", applicant=person, region="430104")


def test_a_worker_delivers_posted_messages_without_a_dispatcher(hunan, citizen):
    postgres = hunan.engine.dialect.name == "postgresql"
    with pytest.raises(RuntimeError), hunan.session() as s:  # rolled back: no message, no queue entry
        notifications.post(s, kind="case_received", title="已收到", text="正文", recipients=[citizen])
        raise RuntimeError("the step failed")
    if postgres:
        assert waiting_deliveries(hunan) == 0
    ids = []
    for n in range(3):
        with hunan.session() as s:
            ids += notifications.post(s, kind="case_received", title=f"已收到 {n}", text="正文", recipients=[citizen])
    if postgres:
        assert waiting_deliveries(hunan) == 1  # enqueued with the first message; the others find it waiting
    runner = jobs.runner(hunan.engine)
    runner.start_worker()
    try:
        rows = delivered(hunan, outbox_of(hunan, ids))
    finally:
        runner.stop_worker()
        jobs._runners.clear()
    assert sorted(r.title for r in rows) == ["已收到 0", "已收到 1", "已收到 2"]
    assert {r.recipient for r in rows} == {"citizen-a"}
    if postgres:
        assert waiting_deliveries(hunan) == 0


def test_dead_letters_are_seen_by_the_regions_supervisors_and_sent_again_once(hunan, citizen):
    with hunan.session() as s:
        ids = notifications.post(s, kind="case_done", title="已办结", text="正文", recipients=[citizen])
    outbox = outbox_of(hunan, ids)
    given_up = dt.datetime(2026, 1, 1, 12)
    with hunan.session() as s:  # what MAX_ATTEMPTS failed sends leave
        s.execute(update(OutboxEntry).where(OutboxEntry.id.in_(outbox)).values(
            attempts=notifications.MAX_ATTEMPTS, failed_at=given_up, last_error="GatewayDown: 503"))
    with hunan.session() as s:
        seen = notifications.undelivered(s, hunan.changsha)  # 长沙 covers 岳麓区
        assert [(d["id"], d["recipient"], d["last_error"], d["kind_name"]) for d in seen] == [
            (outbox[0], "citizen-a", "GatewayDown: 503", "已办结")]
        assert notifications.undelivered(s, hunan.province) == seen
        with pytest.raises(Forbidden):
            notifications.undelivered(s, hunan.yuelu_reviewer)  # supervisors only
    with hunan.session() as s:
        zhuzhou = auth.create_user(s, "zz-sup", PASSWORD, "supervisor", region="430200")
        assert notifications.undelivered(s, zhuzhou) == []  # another city's
        with pytest.raises(NotFound):
            notifications.redeliver(s, zhuzhou, outbox)
    with hunan.session() as s:
        assert notifications.redeliver(s, hunan.changsha, outbox) == 1
    runner = jobs.runner(hunan.engine)
    runner.start_worker()
    try:
        (row,) = delivered(hunan, outbox)
    finally:
        runner.stop_worker()
        jobs._runners.clear()
    assert row.key == str(outbox[0])
    with hunan.session() as s:
        assert notifications.undelivered(s, hunan.changsha) == []
        entry = s.get(OutboxEntry, outbox[0])
        assert entry.failed_at is None and entry.attempts == 1


def test_a_supervisor_sees_and_resends_dead_letters_on_the_page(tmp_path):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.platform.conftest import make_province
    from tests.web.forms import csrf_of, post_login

    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        person = auth.create_applicant(s, "citizen", "测试甲", region="430104")
        user = auth.create_user(s, "citizen-a", PASSWORD, "applicant", applicant=person, region="430104")
        (message,) = notifications.post(s, kind="case_done", title="已办结", text="正文", recipients=[user])
    (outbox,) = outbox_of(province, [message])
    with province.session() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.id == outbox).values(
            attempts=notifications.MAX_ATTEMPTS, failed_at=dt.datetime(2026, 1, 1, 12), last_error="GatewayDown: 503"))
    app = create_app(url)
    supervisor, reviewer = TestClient(app), TestClient(app)
    assert post_login(supervisor, "cs-sup", PASSWORD).status_code == 303
    assert post_login(reviewer, "yl-rev", PASSWORD).status_code == 303
    assert reviewer.get("/messages/undelivered").status_code == 403
    assert 'href="/messages/undelivered"' in supervisor.get("/messages").text
    page = supervisor.get("/messages/undelivered").text
    assert "citizen-a" in page and "GatewayDown: 503" in page and f'name="id_{outbox}"' in page
    done = supervisor.post("/messages/undelivered", follow_redirects=False,
                           data={"csrf": csrf_of(page), f"id_{outbox}": "on"})
    assert done.status_code == 303
    after = supervisor.get(done.headers["location"]).text
    assert "已重新加入发送队列" in after and "没有未送达的消息" in after
    with province.session() as s:
        assert s.get(OutboxEntry, outbox).failed_at is None
