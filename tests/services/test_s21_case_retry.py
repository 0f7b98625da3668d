"""快办: a 转办 (transfer of one task to another agency) and a 整件办理 (accepting every ready task of a case in one
action), each aborted once by a genuine PostgreSQL deadlock, run again (``as_user(…, retry=True)``,
kuaiban.platform.transactions) and done exactly once (s21).

Provoked with the race harness's intruder (tests/programs/races.py), as in test_s20_case_step_retry.py: a second
connection holds the audit log's append lock; the step updates its row first (转办: the task, by its version;
整件办理: the case row, which each task's step updates before its own entry) and waits for the log; the intruder
asks for that row ``FOR UPDATE``. PostgreSQL aborts the step (its ``deadlock_timeout`` of 1 s runs out before the
intruder's 30 s); the second attempt finds the version the caseworker saw unchanged (the first rolled back) and
commits. Counted: one entry per task moved, one version step per task, one message to the applicant."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.platform import audit, auth, transactions
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.services.models import Task
from tests.conftest import _require_pg, fresh_pg_database
from tests.materials import api_upload
from tests.programs.races import Intruder
from tests.services.conftest import CERTIFICATE, FORM, PASSWORD, SHARED, make_world
from tests.web.forms import csrf_of, post_login


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def pg_url():
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield url


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _retried(caplog) -> bool:
    return any("40P01" in r.getMessage() and "attempt 1 of 3" in r.getMessage()
               for r in caplog.records if r.name == transactions.__name__)


def _three_items(client: TestClient, citizen: dict[str, str]) -> dict:
    """企业招用员工 with three items (1.1.5, 4.1.1, 2.4.3), all waiting for 受理."""
    answer = client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ["1.1.5", "4.1.1", "2.4.3"],
        "materials": {SHARED: api_upload(client, citizen, "contract.pdf")}, "commitments": [CERTIFICATE]})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_transfer_aborted_by_a_deadlock_is_made_once(pg_url, caplog) -> None:
    world = make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        case = _three_items(client, _login(client, "citizen"))
        task = next(t for t in case["tasks"] if t["item_code"] == "4.1.1")
        window = _login(client, "window")  # before the intruder: a login appends to the log too
        with Intruder(world, "SELECT pg_advisory_xact_lock(:log)", "SELECT id FROM svc_tasks WHERE id = :task FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "task": task["id"]}) as intruder:
            answer = client.post(f"/api/tasks/{task['id']}/transfer", headers=window,
                                 json={"version": task["version"], "agency": "劳动监察（测试）", "reason": "属用工备案（测试）"})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert (answer.json()["agency"], answer.json()["version"]) == ("劳动监察（测试）", task["version"] + 1)
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    with world.session() as s:
        stored = s.get(Task, task["id"])
        assert (stored.agency, stored.version) == ("劳动监察（测试）", task["version"] + 1)
    assert _count(world.engine, AuditEntry, AuditEntry.action == "transfer") == 1
    assert _count(world.engine, Notification, Notification.kind == "case_transferred") == 1


def test_a_whole_case_accepted_aborted_by_a_deadlock_accepts_each_task_once(pg_url, caplog) -> None:
    world = make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        case = _three_items(client, _login(client, "citizen"))
        versions = {t["id"]: t["version"] for t in case["tasks"]}
        accepted = _count(world.engine, AuditEntry, AuditEntry.action == "accept")
        messages = _count(world.engine, Notification)
        window = _login(client, "window")
        with Intruder(world, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM svc_cases WHERE number = :case FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "case": case["number"]}) as intruder:
            answer = client.post(f"/api/cases/{case['number']}/whole/accept", headers=window, json={"except_ids": []})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert sorted(t["item_code"] for t in answer.json()["moved"]) == ["1.1.5", "2.4.3", "4.1.1"]
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    with world.session() as s:
        stored = {t.id: t.version for t in s.scalars(select(Task).where(Task.id.in_(versions)))}
    assert stored == {tid: v + 1 for tid, v in versions.items()}  # each task moved once, not twice
    assert _count(world.engine, AuditEntry, AuditEntry.action == "accept") == accepted + 3
    assert _count(world.engine, Notification) == messages + 1  # one message listing the three items


def _savepoint_retried(caplog) -> bool:
    return any("savepoint aborted (40P01" in r.getMessage() and "attempt 1 of 3" in r.getMessage()
               for r in caplog.records if r.name == transactions.__name__)


def test_a_transfer_on_the_task_page_aborted_by_a_deadlock_is_made_once(pg_url, caplog) -> None:
    """The same 转办 from the workbench's task page (the request's own session: the step in a SAVEPOINT, rolled
    back to it and run again): redirected as done, the task's version moved once, one entry."""
    world = make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        case = _three_items(client, _login(client, "citizen"))
        task = next(t for t in case["tasks"] if t["item_code"] == "4.1.1")
        assert post_login(client, "window", PASSWORD).status_code == 303
        token = csrf_of(client.get(f"/workbench/tasks/{task['id']}").text)
        with Intruder(world, "SELECT pg_advisory_xact_lock(:log)", "SELECT id FROM svc_tasks WHERE id = :task FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "task": task["id"]}) as intruder:
            done = client.post(f"/workbench/tasks/{task['id']}", follow_redirects=False,
                               data={"csrf": token, "action": "transfer", "version": str(task["version"]),
                                     "agency": "劳动监察（测试）", "reason": "属用工备案（测试）"})
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert _savepoint_retried(caplog), [r.getMessage() for r in caplog.records]
    with world.session() as s:
        stored = s.get(Task, task["id"])
        assert (stored.agency, stored.version) == ("劳动监察（测试）", task["version"] + 1)
    assert _count(world.engine, AuditEntry, AuditEntry.action == "transfer") == 1


def test_a_whole_case_accepted_on_its_page_aborted_by_a_deadlock_accepts_each_task_once(pg_url, caplog) -> None:
    world = make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        case = _three_items(client, _login(client, "citizen"))
        versions = {t["id"]: t["version"] for t in case["tasks"]}
        accepted = _count(world.engine, AuditEntry, AuditEntry.action == "accept")
        assert post_login(client, "window", PASSWORD).status_code == 303
        token = csrf_of(client.get(f"/workbench/cases/{case['number']}").text)
        with Intruder(world, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM svc_cases WHERE number = :case FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "case": case["number"]}) as intruder:
            done = client.post(f"/workbench/cases/{case['number']}", follow_redirects=False,
                               data={"csrf": token, "action": "accept"})
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert _savepoint_retried(caplog), [r.getMessage() for r in caplog.records]
    with world.session() as s:
        stored = {t.id: t.version for t in s.scalars(select(Task).where(Task.id.in_(versions)))}
    assert stored == {tid: v + 1 for tid, v in versions.items()}
    assert _count(world.engine, AuditEntry, AuditEntry.action == "accept") == accepted + 3
