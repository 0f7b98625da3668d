"""追回 (a repayment recorded, the rest written off) and 退票重发 (re-issuing a returned line) through the API, each
aborted once by a genuine PostgreSQL deadlock, run again (``as_user(…, retry=True)``, kuaiban.platform.transactions)
and done exactly once: the money is never recorded, written off or re-issued twice (s21).

Provoked with the race harness's intruder (tests/programs/races.py), as in test_s20_caseworker_retry.py: a second
connection holds the audit log's append lock; the step locks its rows ``FOR UPDATE`` first (the recovery, as every
writer of one recovery does; the returned lines, which 退票重发 reads locked since s20), writes, and waits for the
log; the intruder asks for the same rows. PostgreSQL aborts the step (its ``deadlock_timeout`` of 1 s runs out
before the intruder's 30 s); the second attempt waits for the intruder's rollback, reads everything anew and
commits. The 北京 失业保险金 claim of tests/programs/test_s14_recovery.py: three months paid, then a death recorded
late as of August — September and October owed back."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.platform import audit, transactions
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import payroll
from kuaiban.programs.models import Batch, PaymentLine, Recovery, Repayment
from tests.conftest import _require_pg, fresh_pg_database
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.programs.races import Intruder
from tests.programs.test_s14_recovery import paid_then_stopped
from tests.programs.test_s20_caseworker_retry import _returned_line
from tests.web.forms import csrf_of, post_login

LOG_THEN_RECOVERY = ("SELECT pg_advisory_xact_lock(:log)", "SELECT id FROM prog_recoveries WHERE id = :r FOR UPDATE")


@pytest.fixture(autouse=True)
def no_job_worker(monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")


@pytest.fixture
def town():
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield make_town(url)


def _count(town, model, *where) -> int:
    with town.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _retried(caplog) -> bool:
    return any("40P01" in r.getMessage() and "attempt 1 of 3" in r.getMessage()
               for r in caplog.records if r.name == transactions.__name__)


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"username": username, "password": STAFF_PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _app(town) -> TestClient:
    return TestClient(create_app(town.engine.url.render_as_string(hide_password=False)))


def test_a_repayment_aborted_by_a_deadlock_is_recorded_once(town, caplog) -> None:
    """100.50 元 repaid by bank transfer: one repayment row, the recovery's repaid sum 100.50 元 (not 201.00),
    its version moved once, one entry, one message to the person."""
    _, rid = paid_then_stopped(town)
    with town.session() as s:
        before = s.get(Recovery, rid)
        owed, version = before.amount_fen, before.version
    messages = _count(town, Notification, Notification.kind == "program_recovery")
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        reviewer = _login(client, "bj-rev")
        with Intruder(town, *LOG_THEN_RECOVERY, {"log": audit.APPEND_LOCK, "r": rid}) as intruder:
            answer = client.post(f"/api/programs/recoveries/{rid}/repayments", headers=reviewer,
                                 json={"reference": "BANK-1", "amount": "100.50", "paid_on": "2021-01-04",
                                       "channel": "bank_transfer"})
    assert intruder.closed.is_set()
    assert answer.status_code == 201, answer.text
    assert answer.json()["recorded"] is True and answer.json()["repaid"] == "100.50"
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _count(town, Repayment, Repayment.recovery_id == rid) == 1
    with town.session() as s:
        after = s.get(Recovery, rid)
        assert (after.repaid_fen, after.status, after.version) == (10050, "partial", version + 1)
        assert after.amount_fen == owed
    assert _count(town, AuditEntry, AuditEntry.action == "program_recovery_repaid") == 1
    assert _count(town, Notification, Notification.kind == "program_recovery") == messages + 1


def test_a_write_off_aborted_by_a_deadlock_is_decided_once(town, caplog) -> None:
    """核销 by the supervisor, with the version the supervisor saw: the retry still finds that version (the first
    attempt rolled back), so it is not refused as “changed by another”; one decision, one entry, one message."""
    _, rid = paid_then_stopped(town)
    with town.session() as s:
        version = s.get(Recovery, rid).version
    messages = _count(town, Notification, Notification.kind == "program_recovery")
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        supervisor = _login(client, "bj-sup")
        with Intruder(town, *LOG_THEN_RECOVERY, {"log": audit.APPEND_LOCK, "r": rid}) as intruder:
            answer = client.post(f"/api/programs/recoveries/{rid}/write-off", headers=supervisor,
                                 json={"reason": "无力偿还（测试）", "version": version})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    with town.session() as s:
        after = s.get(Recovery, rid)
        assert (after.status, after.version) == ("written_off", version + 1)
    assert _count(town, AuditEntry, AuditEntry.action == "program_recovery_written_off") == 1
    assert _count(town, Notification, Notification.kind == "program_recovery") == messages + 1


def test_a_reissue_aborted_by_a_deadlock_reissues_the_returned_line_once(town, caplog) -> None:
    """退票重发 of October's returned line: the reissue locks the line, adds its batch, waits for the log; the
    intruder asks for the line. Run again: one reissue batch (R1, not R2), the line in it once, its amount once."""
    batch_id, october, _ = _returned_line(town)
    with town.session() as s:
        payroll.reconcile(s, town.reviewer, batch_id, {october: "账户已注销"})
        amount = s.get(PaymentLine, october).amount_fen
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        reviewer = _login(client, "bj-rev")
        with Intruder(town, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM prog_payment_lines WHERE id = :line FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "line": october}) as intruder:
            answer = client.post("/api/programs/reissue", headers=reviewer,
                                 json={"program": "bj_unemployment_benefit", "region": "110000"})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    with town.session() as s:
        reissues = s.scalars(select(Batch).where(Batch.kind == "reissue")).all()
        assert [(b.lines, b.total_fen, b.month.endswith("-R1")) for b in reissues] == [(1, amount, True)]
        line = s.get(PaymentLine, october)
        assert (line.status, line.reissue_batch_id) == ("reissued", reissues[0].id)
    assert (answer.json()["batch"], answer.json()["lines"]) == (reissues[0].id, 1)
    assert _count(town, AuditEntry, AuditEntry.action == "program_batch_reissued") == 1


def test_a_repayment_on_the_recovery_page_aborted_by_a_deadlock_is_recorded_once(town, caplog) -> None:
    """The same repayment from the 追回 page (the request's own session: the step in a SAVEPOINT, rolled back to
    it and run again): redirected as done, one repayment, 100.50 元 repaid."""
    _, rid = paid_then_stopped(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as page:
        assert post_login(page, "bj-rev", STAFF_PASSWORD).status_code == 303
        token = csrf_of(page.get(f"/programs/recoveries/{rid}").text)
        with Intruder(town, *LOG_THEN_RECOVERY, {"log": audit.APPEND_LOCK, "r": rid}) as intruder:
            done = page.post(f"/programs/recoveries/{rid}/repay", follow_redirects=False,
                             data={"csrf": token, "amount": "100.50", "paid_on": "2021-01-04",
                                   "channel": "bank_transfer", "reference": "BANK-1"})
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert any("savepoint aborted (40P01" in r.getMessage() for r in caplog.records), caplog.text
    assert _count(town, Repayment, Repayment.recovery_id == rid) == 1
    with town.session() as s:
        assert s.get(Recovery, rid).repaid_fen == 10050
    assert _count(town, AuditEntry, AuditEntry.action == "program_recovery_repaid") == 1
