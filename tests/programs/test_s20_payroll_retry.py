"""A payroll transaction PostgreSQL aborts for a deadlock (40P01) or a serialization failure (40001) is run again
from the start and completes once (s20, kuaiban.platform.transactions).

The deadlocks are genuine: a second connection (the "intruder", standing for any writer outside the lock order of
docs/programs.md) takes one lock the operation needs, waits until the operation waits for it, then asks for a lock
the operation holds. PostgreSQL's deadlock check runs in the backend whose ``deadlock_timeout`` runs out first: the
operation's (1 s, the server's default) before the intruder's (set to 30 s), so the operation is the one aborted,
as a batch was before s19. The intruder then holds its locks a moment longer and rolls back; the operation's
second attempt waits for it and commits. Each test then counts what was written: the batch and its lines, the
stop's recovery, message and audit entry — once each.

A serialization failure is provoked at REPEATABLE READ (the application runs at READ COMMITTED, where PostgreSQL
does not raise it; the helper retries it for work that asks for a stricter level): the work reads a claim, the
intruder changes and commits it, the work's update is refused with 40001.

Errors of any other kind are not retried: a unique violation and a refusal run once. The 停发 is run both through
the API (a new transaction each attempt) and from the claim's page (the request's own session: a savepoint each
attempt). PostgreSQL only, except two controls on both backends: a batch on SQLite built once as before, and the
API's 恢复发放 and 核定发放金额 answering as before."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from kuaiban.app import create_app
from kuaiban.platform import audit, transactions
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import AuditEntry, User
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import held, payroll, registers
from kuaiban.programs.cli_support import as_operator
from kuaiban.programs.models import Batch, Claim, ClaimEvent, Entitlement, PaymentLine, Recovery
from tests.conftest import _require_pg, fresh_pg_database
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.programs.helpers import (
    BOTH_PAID,
    FLEX,
    NOV_10,
    approve_flexible,
    corrected_after_decision,
    paid_benefit_claim,
    suspend_as_a_stop_would,
)
from tests.programs.races import Intruder
from tests.web.forms import csrf_of, post_login


@pytest.fixture(autouse=True)
def no_job_worker(monkeypatch):
    """The apps here run no queue worker: the intruder waits for the first lock wait it sees, and a wait of the
    worker's would be taken for the operation's — the circle then never closes (s20: with the worker on, in 2
    runs of 3 one of two tests of test_s20_caseworker_retry.py saw no abort; with it off, none failed)."""
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")


@pytest.fixture
def pg_town():
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield make_town(url)


def flexible_claim(town, user=None, number: str | None = None) -> int:
    """湖南 灵活就业社会保险补贴 of 2021-11 and 2021-12 (604.80 元 a month), both months paid at 28 % in the
    register: a batch of December pays both as decided."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", number or town.hunan_number, {"paid": True, "months": BOTH_PAID})
    return approve_flexible(town, user or town.hunan_citizen, 2, NOV_10)


def _audit(town, action: str) -> int:
    with town.session() as s:
        return s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def _aborted(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == transactions.__name__]


def test_a_batch_aborted_by_a_deadlock_is_built_again_once(pg_town, caplog) -> None:
    """The intruder holds the audit log's append lock; the batch locks the claim's two months, then waits for the
    log; the intruder asks for the months: a deadlock, the batch aborted (40P01). Before s20 ``payroll.make``
    failed with DeadlockDetected and the caseworker saw an error. Now it runs again and builds the batch once:
    two lines, one batch, one audit entry, both months paid once."""
    town = pg_town
    claim_id = flexible_claim(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with Intruder(town, "SELECT pg_advisory_xact_lock(:log)",
                  "SELECT id FROM prog_entitlements WHERE claim_id = :claim ORDER BY month FOR UPDATE",
                  {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
        batch, built, files = payroll.make(town.engine, FLEX, "430000", "2021-12",
                                           actor_id=town.hunan_reviewer2.id)
    assert intruder.closed.is_set()
    assert built and batch.lines == 2 and set(files) == {"csv", "xlsx"}
    assert any("40P01" in m and "attempt 1 of 3" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        assert s.scalar(select(func.count(Batch.id))) == 1
        lines = s.execute(select(PaymentLine.month, func.count()).where(PaymentLine.claim_id == claim_id)
                          .group_by(PaymentLine.month).order_by(PaymentLine.month)).all()
    assert [tuple(r) for r in lines] == [("2021-11", 1), ("2021-12", 1)]
    assert _audit(town, "program_batch_built") == 1
    # built again by hand: the batch as it was, nothing added
    again, built_again, _ = payroll.make(town.engine, FLEX, "430000", "2021-12")
    assert (again.id, built_again) == (batch.id, False)


def test_a_stop_through_the_api_aborted_by_a_deadlock_stops_once(pg_town, caplog) -> None:
    """停发 (API) of a claim paid for 2020-08 … 10, a death as of August: the intruder holds the claim's months, the stop
    locks the claim and waits for them, the intruder asks for the claim: the stop is aborted (40P01) and run
    again. The caseworker gets 200; one recovery of September and October, one message to the person, one
    audit entry, one history row."""
    town = pg_town
    claim_id = paid_benefit_claim(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(town.engine.url.render_as_string(hide_password=False))) as client:
        token = client.post("/api/auth/login", json={"username": "bj-rev", "password": STAFF_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        with Intruder(town, "SELECT id FROM prog_entitlements WHERE claim_id = :claim ORDER BY month FOR UPDATE",
                      "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE", {"claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/claims/{claim_id}/stop", headers=headers,
                                 json={"rule": "death", "month": "2020-08"})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "stopped"
    assert any("40P01" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        recovered = s.execute(select(Recovery.months, Recovery.amount_fen).where(Recovery.claim_id == claim_id)).all()
        messages = s.scalar(select(func.count(Notification.id)).where(Notification.kind == "program_stopped"))
        statuses = dict(s.execute(select(Entitlement.month, Entitlement.status)
                                  .where(Entitlement.claim_id == claim_id)).tuples().all())
    assert len(recovered) == 1 and recovered[0].months == ["2020-09", "2020-10"]
    assert messages == 1
    assert statuses == {"2020-08": "due", "2020-09": "stopped", "2020-10": "stopped"}, statuses
    assert _audit(town, "program_claim_stopped") == 1


def test_a_stop_on_the_claim_page_aborted_by_a_deadlock_stops_once(pg_town, caplog) -> None:
    """The same 停发 from the claim's page (a form post in the request's own session): the stop runs in a
    savepoint, the deadlock aborts only it and releases its locks, and it runs again. The caseworker is sent back
    to the claim (303); one recovery, one message, one audit entry."""
    town = pg_town
    claim_id = paid_benefit_claim(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with TestClient(create_app(town.engine.url.render_as_string(hide_password=False))) as page:
        assert post_login(page, "bj-rev", STAFF_PASSWORD).status_code == 303
        token = csrf_of(page.get(f"/programs/claims/{claim_id}").text)
        with Intruder(town, "SELECT id FROM prog_entitlements WHERE claim_id = :claim ORDER BY month FOR UPDATE",
                      "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE", {"claim": claim_id}) as intruder:
            done = page.post(f"/programs/claims/{claim_id}/stop", follow_redirects=False,
                             data={"csrf": token, "rule": "death", "month": "2020-08"})
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert any("40P01" in m and "savepoint" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        recovered = s.execute(select(Recovery.months).where(Recovery.claim_id == claim_id)).scalars().all()
        assert recovered == [["2020-09", "2020-10"]]
        assert s.get(Claim, claim_id).status == "stopped"
        assert s.scalar(select(func.count(Notification.id)).where(Notification.kind == "program_stopped")) == 1
    assert _audit(town, "program_claim_stopped") == 1


def test_a_decision_of_a_held_month_on_the_command_line_aborted_by_a_deadlock_is_made_once(pg_town, caplog) -> None:
    """核定发放金额 (``kuaiban programs confirm-amount``'s transaction, cli_support.as_operator): the intruder holds
    the held month, the decision locks the claim and waits for the month, the intruder asks for the claim: the
    decision is aborted (40P01) and made again. November due at the amount decided; one audit entry, one history
    row, one message to the person."""
    town = pg_town
    claim_id = corrected_after_decision(town)
    with town.session() as s:
        payroll.build(s, FLEX, "430000", "2021-11", actor=None)  # holds November (decided 604.80, found 624.96)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    url = town.engine.url.render_as_string(hide_password=False)
    with Intruder(town, "SELECT id FROM prog_entitlements WHERE claim_id = :claim AND month = '2021-11' FOR UPDATE",
                  "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE", {"claim": claim_id}) as intruder:
        answer = as_operator(url, "hn-rev", lambda session, staff: held.confirm(
            session, staff, claim_id, "2021-11", choice="found", reason="按更正后的官方数字核定"))
    assert intruder.closed.is_set()
    assert answer["amount"] == "624.96"
    assert any("40P01" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        november = s.scalar(select(Entitlement).where(Entitlement.claim_id == claim_id, Entitlement.month == "2021-11"))
        assert (november.status, november.amount_fen) == ("due", 62496)
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                ClaimEvent.step == "payment_amount")) == 1
        assert s.scalar(select(func.count(Notification.id)).where(Notification.kind == "program_paid")) == 1
    assert _audit(town, "program_payment_amount_confirmed") == 1


def test_resume_and_payment_amount_through_the_api_still_answer_as_before(town) -> None:
    """恢复发放 and 核定发放金额 now run in as_user's retrying transaction: a resumed claim is approved with its
    months due, a held month decided once, a second decision 409, an applicant 403 (SQLite and PostgreSQL)."""
    claim_id = flexible_claim(town)
    suspend_as_a_stop_would(town, claim_id)
    with TestClient(create_app(town.engine.url.render_as_string(hide_password=False))) as client:
        def login(username: str, password: str = STAFF_PASSWORD) -> dict:
            token = client.post("/api/auth/login", json={"username": username, "password": password}).json()
            return {"Authorization": f"Bearer {token['token']}"}

        reviewer = login("hn-rev")
        assert client.post(f"/api/programs/claims/{claim_id}/resume", headers=login("hn-citizen", PASSWORD)
                           ).status_code == 403
        resumed = client.post(f"/api/programs/claims/{claim_id}/resume", headers=reviewer)
        assert resumed.status_code == 200 and resumed.json()["status"] == "approved", resumed.text
        again = client.post(f"/api/programs/claims/{claim_id}/resume", headers=reviewer)
        assert again.status_code == 409 and again.json()["detail"] == "这件申领未暂停"
        with town.session() as s:
            s.execute(update(Entitlement).where(Entitlement.claim_id == claim_id, Entitlement.month == "2021-11")
                      .values(status="held", found_fen=62496))
        body = {"month": "2021-11", "choice": "decided", "reason": "按原决定"}
        decided = client.post(f"/api/programs/claims/{claim_id}/payment-amount", headers=reviewer, json=body)
        assert decided.status_code == 200 and decided.json()["confirmed"]["month"] == "2021-11", decided.text
        twice = client.post(f"/api/programs/claims/{claim_id}/payment-amount", headers=reviewer, json=body)
        assert twice.status_code == 409
    with town.session() as s:
        assert set(s.scalars(select(Entitlement.status).where(Entitlement.claim_id == claim_id))) == {"due"}
    assert (_audit(town, "program_claim_resumed"), _audit(town, "program_payment_amount_confirmed")) == (1, 1)


def _read_then_update(town, claim_id: int, interfere: int) -> tuple[list[int], object]:
    """A work at REPEATABLE READ that reads the claim, lets the intruder change and commit it (on the first
    ``interfere`` attempts), then updates it: PostgreSQL refuses the update with 40001 on those attempts."""
    attempts: list[int] = []

    def work(s) -> int:
        attempts.append(1)
        s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        version = s.scalar(select(Claim.version).where(Claim.id == claim_id))
        if len(attempts) <= interfere:
            with town.engine.begin() as other:
                other.execute(update(Claim).where(Claim.id == claim_id).values(version=Claim.version + 1))
        s.execute(update(Claim).where(Claim.id == claim_id).values(version=version + 100))
        return version

    return attempts, work


def test_a_serialization_failure_is_run_again_in_a_fresh_snapshot(pg_town, caplog) -> None:
    town = pg_town
    claim_id = flexible_claim(town)
    with town.session() as s:
        before = s.get(Claim, claim_id).version
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    attempts, work = _read_then_update(town, claim_id, interfere=1)
    read = transactions.retrying_transaction(town.engine, work, pause=0.01)
    assert len(attempts) == 2 and read == before + 1  # the second attempt read the intruder's change
    assert any("40001" in m for m in _aborted(caplog))
    with town.session() as s:
        assert s.get(Claim, claim_id).version == before + 101  # written once, on the fresh read


def test_aborted_every_time_the_operation_is_refused_in_chinese_with_nothing_changed(pg_town) -> None:
    town = pg_town
    claim_id = flexible_claim(town)
    with town.session() as s:
        before = s.get(Claim, claim_id).version
    attempts, work = _read_then_update(town, claim_id, interfere=99)
    with pytest.raises(transactions.Busy) as refused:
        transactions.retrying_transaction(town.engine, work, pause=0.01)
    assert len(attempts) == transactions.ATTEMPTS == 3
    assert refused.value.status == 503 and "已自动重试 3 次" in refused.value.message
    assert "未作任何更改" in refused.value.message and not any(c.isascii() and c.isalpha() for c in refused.value.message)
    with town.session() as s:
        assert s.get(Claim, claim_id).version == before + 3  # the intruder's three changes, none of the work's


def test_other_errors_are_not_retried(pg_town) -> None:
    """A unique violation (23505: a second batch row of the same program, region and month), a lock timeout
    (55P03: another connection holds the claim) and a refusal run once."""
    town = pg_town
    claim_id = flexible_claim(town)
    payroll.make(town.engine, FLEX, "430000", "2021-12")
    runs: list[int] = []

    def duplicate(s) -> None:
        runs.append(1)
        batch = s.scalars(select(Batch)).one()
        s.add(Batch(program=batch.program, region=batch.region, month=batch.month, kind="monthly", lines=0,
                    total_fen=0, created_at=batch.created_at))
        s.flush()

    with pytest.raises(IntegrityError):
        transactions.retrying_transaction(town.engine, duplicate, pause=0.01)
    assert runs == [1]

    def refused(s) -> None:
        runs.append(2)
        raise Conflict("已由他人办理")

    with pytest.raises(Conflict):
        transactions.retrying_transaction(town.engine, refused, pause=0.01)
    assert runs == [1, 2]

    def impatient(s) -> None:
        runs.append(3)
        s.execute(text("SET LOCAL lock_timeout = '200ms'"))
        s.execute(select(Claim.id).where(Claim.id == claim_id).with_for_update())

    with town.engine.connect() as holder, holder.begin():
        holder.execute(select(Claim.id).where(Claim.id == claim_id).with_for_update())
        with pytest.raises(DBAPIError) as timed_out:
            transactions.retrying_transaction(town.engine, impatient, pause=0.01)
    assert transactions.sqlstate(timed_out.value) == "55P03"
    assert runs == [1, 2, 3]
    with town.session() as s:
        assert s.scalar(select(func.count(Batch.id))) == 1


def test_sqlite_builds_a_batch_once_as_before(sqlite_town) -> None:
    town = sqlite_town
    claim_id = flexible_claim(town)
    batch, built, _ = payroll.make(town.engine, FLEX, "430000", "2021-12")
    assert built and batch.lines == 2
    with town.session() as s:
        assert s.scalar(select(func.count(PaymentLine.id)).where(PaymentLine.claim_id == claim_id)) == 2
        assert s.scalar(select(func.count(User.id))) > 0
    assert _audit(town, "program_batch_built") == 1
