"""A 快办 task step and a 失业登记 decision that PostgreSQL aborts for a deadlock are run again and done once (s20,
kuaiban.platform.transactions), through the API.

Genuine deadlocks, as in tests/programs/test_s20_payroll_retry.py: a second connection holds the audit log's
append lock; the step locks its row (the case row, which every task step updates first; the registration, which
the decision updates) and waits for the log; the second connection asks for that row. PostgreSQL aborts the step
(its ``deadlock_timeout`` runs out first) and it runs again: the task accepted once (one entry, version 2), the
registration decided once (one entry). The apps run no queue worker, so the only lock wait is the step's."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.platform import audit, auth, transactions
from kuaiban.platform.models import AuditEntry
from kuaiban.services.models import Task
from kuaiban.unemployment import models as m
from tests.conftest import _require_pg, fresh_pg_database
from tests.programs.races import Intruder
from tests.services.conftest import FORM, PASSWORD, make_world
from tests.unemployment import world as ue_world


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def pg_url():
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield url


def _login(client: TestClient, username: str, password: str) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _entries(engine, action: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def _aborted(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == transactions.__name__ and "40P01" in r.getMessage()]


def test_a_task_accepted_through_the_api_aborted_by_a_deadlock_is_accepted_once(pg_url, caplog) -> None:
    world = make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        case = client.post("/api/cases", headers=_login(client, "citizen", PASSWORD),
                           json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()
        task = case["tasks"][0]
        before = _entries(world.engine, "accept")
        window = _login(client, "window", PASSWORD)  # before the intruder: a login waits for the log too
        with Intruder(world, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM svc_cases WHERE number = :case FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "case": case["number"]}) as intruder:
            answer = client.post(f"/api/tasks/{task['id']}/accept", headers=window,
                                 json={"version": task["version"]})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == task["version"] + 1  # the version the caseworker saw still held
    assert _aborted(caplog), [r.getMessage() for r in caplog.records]
    with world.session() as s:
        assert s.get(Task, task["id"]).version == task["version"] + 1
    assert _entries(world.engine, "accept") == before + 1


def test_a_registration_decided_through_the_api_aborted_by_a_deadlock_is_decided_once(pg_url, caplog) -> None:
    ue_world.make_world(pg_url)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(pg_url)) as client:
        mine = client.post("/api/unemployment/registrations", headers=_login(client, "citizen", ue_world.PASSWORD),
                           json={"record": ue_world.local_application(), "declaration_signed": True})
        assert mine.status_code == 201, mine.text
        number, version = mine.json()["aaz341"], mine.json()["version"]
        engine = client.app.state.engine
        reviewer = _login(client, "reviewer", ue_world.PASSWORD)

        with Intruder(SimpleNamespace(engine=engine), "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM ue_registrations WHERE aaz341 = :n FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "n": number}) as intruder:
            answer = client.post(f"/api/unemployment/registrations/{number}/decision", headers=reviewer,
                                 json={"approve": True, "version": version})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["AAE540"] == "1"
    assert any("savepoint" in msg for msg in _aborted(caplog)), [r.getMessage() for r in caplog.records]
    with engine.connect() as conn:
        assert conn.execute(select(m.Registration.status, m.Registration.version)
                            .where(m.Registration.aaz341 == number)).one() == (m.REGISTERED, version + 1)
    assert _entries(engine, "ue_decide") == 1
