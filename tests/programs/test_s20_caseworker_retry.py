"""The caseworker's steps on claims and batches — 审核 (claims.act), 公示期满 (close_publicity), 对账 (reconcile) —
run again when PostgreSQL aborted their transaction for a deadlock, and complete once (s20, after the payroll's
steps: kuaiban.platform.transactions). Contention that is not retried, or still aborted the third time, is the
Chinese refusal (503), never a 500.

The deadlocks are genuine, provoked as in test_s20_payroll_retry.py: a second connection (the intruder) holds the
audit log's append lock, the operation locks its rows (the claim ``FOR UPDATE`` since s20 for 审核; the batch's
lines for 对账) and waits for the log, the intruder asks for those rows: PostgreSQL aborts the operation (its
``deadlock_timeout`` runs out first) and it runs again. Each test then counts what was written: one audit entry,
one history row, one message.

Exhausted retries: a trigger on the audit log raises SQLSTATE 40P01 at every attempt of the step (PostgreSQL's
own error, raised by the server each time; a genuine deadlock three times running cannot be timed reliably). On
SQLite a second connection holds the database's write lock past the busy timeout (“database is locked”, not
retried): the same Chinese refusal, through the API, on the page and in the programs CLI. Also: 退票重发 twice at
the same moment re-issues the returned lines once, two decisions of one step at once pass it once (claims.act
locks its claim since s20), and SQLite's stale snapshot (SQLITE_BUSY_SNAPSHOT) is run again."""

from __future__ import annotations

import logging
import sqlite3
import threading

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text, update

from kuaiban.app import create_app
from kuaiban.platform import audit, transactions
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, figures, listing, payroll, registers
from kuaiban.programs import definitions as defs
from kuaiban.programs.cli_support import in_transaction
from kuaiban.programs.models import Batch, Claim, ClaimEvent, PaymentLine
from tests.conftest import _require_pg, fresh_pg_database
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.programs.helpers import BOTH_PAID, FLEX, FLEX_FACTS, FLEX_WAGE_2021, NOV_10, paid_benefit_claim
from tests.programs.races import Intruder
from tests.programs.test_listing import PROGRAM as LISTED
from tests.programs.test_listing import five_rows, make_province, write_results
from tests.web.forms import csrf_of, post_login

BUSY = "系统繁忙：该业务与同时办理的其他业务冲突"


@pytest.fixture(autouse=True)
def no_job_worker(monkeypatch):
    """The apps here run no queue worker: the intruder waits for the operation's lock wait, nobody else's."""
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")


@pytest.fixture
def pg_town():
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield make_town(url)


def _reviewing(town) -> int:
    """The town's 湖南 citizen's 灵活就业社会保险补贴 of 2021-11, submitted: at its first step (窗口, hn-win)."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": BOTH_PAID})
        if not figures.entered(s, defs.get(FLEX), "430000"):
            figures.enter(s, defs.get(FLEX), "430000", "si_average_wage", "2021-01", FLEX_WAGE_2021)
        claim = claims.submit(s, town.hunan_citizen, FLEX, month="2021-11", facts=FLEX_FACTS,
                              account="6217000000000001", at=NOV_10)
        assert (claim.status, claim.step) == ("reviewing", 0), claim.reasons
        return claim.id


def _count(town, model, *where) -> int:
    with town.session() as s:
        return s.scalar(select(func.count(model.id)).where(*where))


def _aborted(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == transactions.__name__]


def _login(client: TestClient, username: str) -> dict[str, str]:
    token = client.post("/api/auth/login", json={"username": username, "password": STAFF_PASSWORD}).json()
    return {"Authorization": f"Bearer {token['token']}"}


def _app(town) -> TestClient:
    return TestClient(create_app(town.engine.url.render_as_string(hide_password=False)))


CLAIM_AFTER_LOG = ("SELECT pg_advisory_xact_lock(:log)", "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE")


def test_a_review_step_through_the_api_aborted_by_a_deadlock_is_passed_once(pg_town) -> None:
    town = pg_town
    claim_id = _reviewing(town)
    messages = _count(town, Notification, Notification.kind == "program_step")
    with _app(town) as client:
        headers = _login(client, "hn-win")
        with Intruder(town, *CLAIM_AFTER_LOG, {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/claims/{claim_id}/act", headers=headers, json={"outcome": "pass"})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    with town.session() as s:
        claim = s.get(Claim, claim_id)
        assert (claim.status, claim.step) == ("reviewing", 1)  # one step passed, not two
    assert _count(town, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "passed") == 1
    assert _count(town, AuditEntry, AuditEntry.action == "program_step_passed") == 1
    assert _count(town, Notification, Notification.kind == "program_step") == messages + 1


def test_a_review_step_on_the_claim_page_aborted_by_a_deadlock_is_passed_once(pg_town, caplog) -> None:
    town = pg_town
    claim_id = _reviewing(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as page:
        assert post_login(page, "hn-win", STAFF_PASSWORD).status_code == 303
        token = csrf_of(page.get(f"/programs/claims/{claim_id}").text)
        with Intruder(town, *CLAIM_AFTER_LOG, {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            done = page.post(f"/programs/claims/{claim_id}/act", follow_redirects=False,
                             data={"csrf": token, "outcome": "pass"})
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert any("40P01" in m and "savepoint" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        assert s.get(Claim, claim_id).step == 1
    assert _count(town, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "passed") == 1
    assert _count(town, AuditEntry, AuditEntry.action == "program_step_passed") == 1


def _in_publicity(town) -> int:
    """The claim passed by the window, the reviewer and the second reviewer (2 months): in its 公示."""
    claim_id = _reviewing(town)
    for staff, months in ((town.hunan_window, None), (town.hunan_reviewer, None), (town.hunan_reviewer2, 2)):
        with town.session() as s:
            claims.act(s, staff, claim_id, outcome="pass", months=months, at=NOV_10)
    with town.session() as s:
        assert s.get(Claim, claim_id).status == "publicity"
    return claim_id


def test_closing_the_publicity_through_the_api_aborted_by_a_deadlock_approves_once(pg_town, caplog) -> None:
    """公示期满 (API, today: long after the 公示 of November 2021): the claim approved once — one approval entry,
    one 审核通过 message, its two months due once each."""
    town = pg_town
    claim_id = _in_publicity(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        headers = _login(client, "hn-sup")
        with Intruder(town, *CLAIM_AFTER_LOG, {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/claims/{claim_id}/close-publicity", headers=headers)
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "approved"
    assert any("40P01" in m for m in _aborted(caplog)), _aborted(caplog)
    assert _count(town, AuditEntry, AuditEntry.action == "program_claim_approved") == 1
    assert _count(town, Notification, Notification.kind == "program_approved") == 1
    with town.session() as s:
        months = s.execute(text("SELECT month, count(*) FROM prog_entitlements WHERE claim_id = :c "
                                "GROUP BY month ORDER BY month"), {"c": claim_id}).all()
    assert [tuple(r) for r in months] == [("2021-11", 1), ("2021-12", 1)]


def _returned_line(town) -> tuple[int, int, list[int]]:
    """A 北京 失业保险金 claim paid for 2020-08 … 10 in one batch: (batch, the line to return, all its lines)."""
    claim_id = paid_benefit_claim(town)
    with town.session() as s:
        lines = list(s.scalars(select(PaymentLine.id).where(PaymentLine.claim_id == claim_id)
                               .order_by(PaymentLine.month)))
        batch_id = s.scalar(select(PaymentLine.batch_id).where(PaymentLine.id == lines[0]))
    return batch_id, lines[-1], lines


def test_a_reconciliation_through_the_api_aborted_by_a_deadlock_is_recorded_once(pg_town, caplog) -> None:
    """对账 (API): the intruder holds the log, the reconciliation updates the batch's lines and waits for it, the
    intruder asks for the lines. Run again: October returned, the others paid, one entry."""
    town = pg_town
    batch_id, october, lines = _returned_line(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        headers = _login(client, "bj-rev")
        with Intruder(town, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM prog_payment_lines WHERE batch_id = :batch ORDER BY id FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "batch": batch_id}) as intruder:
            answer = client.post(f"/api/programs/batches/{batch_id}/reconcile", headers=headers,
                                 json={"returned": [{"line": october, "reason": "账户已注销"}]})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"paid": len(lines) - 1, "returned": 1}
    assert any("40P01" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        statuses = dict(s.execute(select(PaymentLine.id, PaymentLine.status).where(PaymentLine.id.in_(lines))).all())
        assert s.get(Batch, batch_id).reconciled_at is not None
    assert statuses == {line: "returned" if line == october else "paid" for line in lines}
    assert _count(town, AuditEntry, AuditEntry.action == "program_batch_reconciled") == 1


def test_two_reissues_at_the_same_moment_reissue_the_returned_line_once(pg_town) -> None:
    """退票重发 while another 退票重发 of the same program and region is not yet committed: before s20 both read the
    returned line and each put it in a batch of its own (paid twice). Now the second waits for the first's lock
    on the line, reads it as reissued and is refused: one reissue batch, the line in it once."""
    town = pg_town
    batch_id, october, _ = _returned_line(town)
    with town.session() as s:
        payroll.reconcile(s, town.reviewer, batch_id, {october: "账户已注销"})
    second: dict[str, object] = {}
    with town.session() as first:
        payroll.reissue(first, town.reviewer, "bj_unemployment_benefit", "110000")  # locks the line, not committed

        def other() -> None:
            try:
                second["batch"] = transactions.retrying_transaction(town.engine, lambda s: payroll.reissue(
                    s, None, "bj_unemployment_benefit", "110000"))
            except Exception as exc:
                second["error"] = exc

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive(), "the second reissue did not wait for the first"
    thread.join(30)
    assert isinstance(second.get("error"), Conflict), second
    with town.session() as s:
        reissues = s.scalars(select(Batch).where(Batch.kind == "reissue")).all()
        assert [(b.lines, b.total_fen > 0) for b in reissues] == [(1, True)]
        line = s.get(PaymentLine, october)
        assert (line.status, line.reissue_batch_id) == ("reissued", reissues[0].id)


# ---------------------------------------------------------------- aborted every time, or locked: the refusal


@pytest.fixture
def always_deadlocked(pg_town):
    """Every attempt to log a passed step is aborted by the server with SQLSTATE 40P01."""
    with pg_town.engine.begin() as conn:
        conn.exec_driver_sql("CREATE FUNCTION test_always_deadlocked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                             "IF NEW.action = 'program_step_passed' THEN RAISE EXCEPTION 'deadlock detected' "
                             "USING ERRCODE = 'deadlock_detected'; END IF; RETURN NEW; END $$")
        conn.exec_driver_sql("CREATE TRIGGER test_always_deadlocked BEFORE INSERT ON svc_audit FOR EACH ROW "
                             "EXECUTE FUNCTION test_always_deadlocked()")
    return pg_town


def test_a_step_aborted_at_every_attempt_is_refused_in_chinese_through_the_api_and_the_page(always_deadlocked,
                                                                                           caplog) -> None:
    town = always_deadlocked
    claim_id = _reviewing(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(town) as client:
        answer = client.post(f"/api/programs/claims/{claim_id}/act", headers=_login(client, "hn-win"),
                             json={"outcome": "pass"})
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["detail"].startswith(BUSY) and "已自动重试 3 次" in answer.json()["detail"]
    assert sum("attempt" in m for m in _aborted(caplog)) == 3
    with _app(town) as page:
        assert post_login(page, "hn-win", STAFF_PASSWORD).status_code == 303
        token = csrf_of(page.get(f"/programs/claims/{claim_id}").text)
        done = page.post(f"/programs/claims/{claim_id}/act", follow_redirects=False,
                         data={"csrf": token, "outcome": "pass"})
    assert done.status_code == 503
    assert BUSY in done.text and "已自动重试 3 次" in done.text and "Traceback" not in done.text
    with town.session() as s:
        assert s.get(Claim, claim_id).step == 0  # nothing of it stored
    assert _count(town, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "passed") == 0


def test_sqlite_locked_past_its_busy_timeout_is_the_chinese_refusal_not_a_500(sqlite_town) -> None:
    """Another connection holds SQLite's write lock longer than the busy timeout (lowered here to 0.3 s; 10 s in
    service): “database is locked” is not retried — the wait was the busy timeout — and the caseworker gets the
    Chinese refusal, 503, through the API and on the page; nothing stored."""
    town = sqlite_town
    claim_id = _reviewing(town)
    with _app(town) as client:
        engine = client.app.state.engine

        def impatient(conn, _record) -> None:
            conn.execute("PRAGMA busy_timeout=300")

        event.listen(engine, "connect", impatient)
        engine.dispose()
        headers = _login(client, "hn-win")
        assert post_login(client, "hn-win", STAFF_PASSWORD).status_code == 303
        token = csrf_of(client.get(f"/programs/claims/{claim_id}").text)
        blocker = sqlite3.connect(engine.url.database, isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            answer = client.post(f"/api/programs/claims/{claim_id}/act", headers=headers, json={"outcome": "pass"})
            done = client.post(f"/programs/claims/{claim_id}/act", follow_redirects=False,
                               data={"csrf": token, "outcome": "pass"})
        finally:
            blocker.rollback()
            blocker.close()
            event.remove(engine, "connect", impatient)
            engine.dispose()
    assert answer.status_code == 503, answer.text
    assert answer.json()["detail"] == transactions.Busy().message and answer.json()["detail"].startswith(BUSY)
    assert done.status_code == 503 and BUSY in done.text and "database is locked" not in done.text
    with town.session() as s:
        assert s.get(Claim, claim_id).step == 0


def test_sqlite_stale_snapshot_is_run_again(sqlite_town, caplog) -> None:
    """A transaction that read, then writes after another connection committed, is refused at once by SQLite
    (SQLITE_BUSY_SNAPSHOT: its snapshot is stale); run again, it reads anew and writes once."""
    town = sqlite_town
    claim_id = _reviewing(town)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    attempts: list[int] = []

    def work(s) -> int:
        attempts.append(1)
        s.connection().exec_driver_sql("BEGIN")  # a read transaction: its snapshot starts at the read below
        version = s.scalar(select(Claim.version).where(Claim.id == claim_id))
        if len(attempts) == 1:
            with town.engine.begin() as other:
                other.execute(update(Claim).where(Claim.id == claim_id).values(version=Claim.version + 1))
        s.execute(update(Claim).where(Claim.id == claim_id).values(version=version + 100))
        return version

    with town.session() as s:
        before = s.get(Claim, claim_id).version
    read = transactions.retrying_transaction(town.engine, work, pause=0.01)
    assert len(attempts) == 2 and read == before + 1
    assert any("SQLITE_BUSY_SNAPSHOT" in m for m in _aborted(caplog)), _aborted(caplog)
    with town.session() as s:
        assert s.get(Claim, claim_id).version == before + 101


def test_two_decisions_of_one_step_at_the_same_moment_pass_it_once(pg_town) -> None:
    """Two 窗口 decisions of the claim's first step, the second made while the first is not yet committed: the
    second waits for the claim's lock (claims.act locks it first since s20), then reads the step passed and is
    refused — one history row, one entry, one message. Before s20 act read the claim unlocked: both passed step
    0 (two history rows, two entries, two messages)."""
    town = pg_town
    claim_id = _reviewing(town)
    messages = _count(town, Notification, Notification.kind == "program_step")
    second: dict[str, object] = {}
    with town.session() as first:
        claims.act(first, town.hunan_window, claim_id, outcome="pass", at=NOV_10)

        def other() -> None:
            try:
                transactions.retrying_transaction(town.engine, lambda s: claims.act(
                    s, s.get(type(town.hunan_window), town.hunan_window.id), claim_id, outcome="pass", at=NOV_10))
            except Exception as exc:
                second["error"] = exc

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive(), "the second decision did not wait for the first"
    thread.join(30)
    assert second.get("error") is not None and "审核" in second["error"].message, second
    with town.session() as s:
        assert s.get(Claim, claim_id).step == 1
    assert _count(town, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "passed") == 1
    assert _count(town, AuditEntry, AuditEntry.action == "program_step_passed") == 1
    assert _count(town, Notification, Notification.kind == "program_step") == messages + 1


def test_the_command_line_locked_past_the_busy_timeout_says_so_in_chinese(sqlite_town, capsys) -> None:
    """The programs CLI's transaction (cli_support.in_transaction) on a SQLite database another connection holds
    the write lock of: one Chinese line and exit code 2, not an English traceback."""
    town = sqlite_town
    engine = town.engine

    def impatient(conn, _record) -> None:
        conn.execute("PRAGMA busy_timeout=300")

    event.listen(engine, "connect", impatient)
    engine.dispose()
    blocker = sqlite3.connect(engine.url.database, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(typer.Exit) as stopped:
            in_transaction(engine.url.render_as_string(hide_password=False),
                           lambda s: s.execute(update(Claim).values(version=Claim.version + 1)))
    finally:
        blocker.rollback()
        blocker.close()
        event.remove(engine, "connect", impatient)
        engine.dispose()
    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err.strip() == f"错误：{transactions.Busy().message}"


def test_a_list_published_through_the_api_aborted_by_a_deadlock_is_published_once(tmp_path, caplog) -> None:
    """免申即享: publishing a list puts its claims in 公示, with a history row and a message each, then one entry.
    The intruder holds the log, the publish updates the claims and waits for it, the intruder asks for the claims:
    run again, the list is published once — one entry, one history row per listed claim, one message per listed
    enterprise with an account."""
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        province = make_province(url)
        with province.session() as s:
            run_id = listing.import_results(s, LISTED, write_results(tmp_path / "run", five_rows()))["run"]
        caplog.set_level(logging.WARNING, logger=transactions.__name__)
        with _app(province) as client:
            reviewer = _login(client, "sd-rev")
            with Intruder(province, "SELECT pg_advisory_xact_lock(:log)",
                          "SELECT id FROM prog_claims WHERE id IN (SELECT claim_id FROM prog_listing_entries "
                          "WHERE run_id = :run) ORDER BY id FOR UPDATE",
                          {"log": audit.APPEND_LOCK, "run": run_id}) as intruder:
                answer = client.post(f"/api/programs/listings/{run_id}/publish", headers=reviewer,
                                     json={"publicity_days": 1, "confirm_working_days": 5})
        assert intruder.closed.is_set()
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["listed"]) == ("published", 4)
        assert any("40P01" in m for m in _aborted(caplog)), _aborted(caplog)
        assert _count(province, AuditEntry, AuditEntry.action == "program_listing_published") == 1
        assert _count(province, ClaimEvent, ClaimEvent.step == "publicity", ClaimEvent.outcome == "started") == 4
        # a message to each listed enterprise that has an account: one of the four (firm1) — once
        assert _count(province, Notification, Notification.kind == "program_publicity") == 1
        with province.session() as s:
            assert s.scalar(select(func.count(Claim.id)).where(Claim.status == "publicity")) == 4
