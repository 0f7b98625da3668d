"""免申即享: the list's 提醒 (remind), 公示期满 (close) and 确认期限届满 (lapse), the enterprise's 确认 (confirm) and
放弃 (decline), and a 公示异议 (objection) filed against a listed claim — each aborted once by a genuine PostgreSQL
deadlock, run again (``as_user(…, retry=True)``, kuaiban.platform.transactions) and done exactly once (s21).

The deadlocks are provoked as in test_s20_caseworker_retry.py, with the race harness's intruder
(tests/programs/races.py): a second connection holds the audit log's append lock; the step writes its rows (the
claims, by an UPDATE or the flush before its entry; the objection's row, whose foreign key locks its claim
``FOR KEY SHARE``) and waits for the log; the intruder then asks for those rows ``FOR UPDATE``. The step's
``deadlock_timeout`` (1 s) runs out before the intruder's (30 s), so PostgreSQL aborts the step; its second attempt
waits for the intruder's rollback and commits. 提醒 writes no claim: what it holds when it waits for the log is the
message queue's entry (jobs.kick, one ``todo`` entry per periodic work, unique while waiting), and the intruder
closes the circle by enqueuing that same entry.

Each test asserts that the retry happened (the helper's warning: SQLSTATE 40P01, attempt 1 of 3) and counts what
was written: one audit entry, one history row per claim, one message per enterprise, one entitlement (the money) per
approved claim, one objection. The apps run no queue worker (see test_s20_payroll_retry.py's fixture)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from kuaiban.app import create_app
from kuaiban.platform import audit, jobs, notifications, transactions
from kuaiban.platform.models import AuditEntry, User
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import listing
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement, ListingEntry, Objection
from tests.conftest import _require_pg, fresh_pg_database
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD
from tests.programs.races import Intruder, finish, second_inside_first
from tests.programs.test_listing import MON, PROGRAM, five_rows, make_province, register_firm, write_results
from tests.web.forms import csrf_of, post_login

LOG_THEN_CLAIMS = ("SELECT pg_advisory_xact_lock(:log)",
                   "SELECT id FROM prog_claims WHERE id IN (SELECT claim_id FROM prog_listing_entries "
                   "WHERE run_id = :run) ORDER BY id FOR UPDATE")


@pytest.fixture(autouse=True)
def no_job_worker(monkeypatch):
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")


@pytest.fixture
def province(tmp_path):
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield make_province(url)


def _published(province, tmp_path, *, at: dt.datetime, publicity_days: int = 5, confirm_days: int = 10) -> int:
    """The five rows imported (four listed: 2 in 济南, 2 in 青岛; firm1 has an account) and published at ``at``."""
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=publicity_days,
                        confirm_working_days=confirm_days, at=at)
    return run_id


def _count(province, model, *where) -> int:
    with province.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _entries(province, action: str) -> int:
    return _count(province, AuditEntry, AuditEntry.action == action)


def _retried(caplog) -> bool:
    """The helper logged the first attempt aborted by a deadlock."""
    return any("40P01" in r.getMessage() and "attempt 1 of 3" in r.getMessage()
               for r in caplog.records if r.name == transactions.__name__)


def _app(province) -> TestClient:
    return TestClient(create_app(province.engine.url.render_as_string(hide_password=False)))


def _login(client: TestClient, username: str, password: str = STAFF_PASSWORD) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _claim_of(province, run_id: int, n: int) -> int:
    """The claim of the run's entry for the enterprise of row ``n`` (its name ends with ``n``)."""
    with province.session() as s:
        return s.scalar(select(ListingEntry.claim_id).where(ListingEntry.run_id == run_id,
                                                            ListingEntry.name == f"测试制造有限公司{n}"))


def test_a_reminder_aborted_by_a_deadlock_is_sent_once(province, tmp_path, caplog) -> None:
    """提醒: the delivery's queue entry was taken by a worker (none is waiting), so the reminder enqueues one, then
    waits for the log; the intruder, holding the log, enqueues the same entry and waits for the reminder. Run
    again: one reminder to firm1 (the one listed enterprise with an account), one entry."""
    run_id = _published(province, tmp_path, at=audit.now())
    with province.engine.begin() as conn:  # as after a worker took the waiting entry
        conn.execute(text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE status = 'todo'"))
    kick = jobs.PG_KICK_SQL.format(also="")
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        reviewer = _login(client, "sd-rev")
        with Intruder(province, "SELECT pg_advisory_xact_lock(:log)", kick,
                      {"log": audit.APPEND_LOCK} | jobs.kick_params(notifications.DELIVER)) as intruder:
            answer = client.post(f"/api/programs/listings/{run_id}/remind", headers=reviewer)
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sent": 1}
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _entries(province, "program_listing_reminded") == 1
    assert _count(province, Notification, Notification.user_id == province.firm1.id,
                  Notification.title.like("%请确认收款账户")) == 1
    with province.session() as s:  # the delivery is queued once (the intruder's entry rolled back)
        assert s.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")) == 1


def test_closing_a_list_aborted_by_a_deadlock_approves_and_pays_once(province, tmp_path, caplog) -> None:
    """公示期满 (the 公示 of September 2020 long over): firm1 confirmed during it, the other three did not. The
    close updates the claims, then waits for the log; the intruder asks for the claims. Run again: firm1's claim
    approved with one entitlement (paid once by the batch), three awaiting, one 公示结束 row each."""
    run_id = _published(province, tmp_path, at=MON, publicity_days=1)
    with province.session() as s:
        listing.confirm(s, province.firm1, PROGRAM, bank="测试银行", account="6222000011112222", commitment=True,
                        at=MON + dt.timedelta(hours=2))
    firm1_claim = _claim_of(province, run_id, 1)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        reviewer = _login(client, "sd-rev")
        with Intruder(province, *LOG_THEN_CLAIMS, {"log": audit.APPEND_LOCK, "run": run_id}) as intruder:
            answer = client.post(f"/api/programs/listings/{run_id}/close", headers=reviewer)
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"approved": 1, "awaiting": 3, "held": 0}
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _entries(province, "program_listing_closed") == 1
    assert _entries(province, "program_claim_approved") == 1
    assert _count(province, Entitlement, Entitlement.claim_id == firm1_claim) == 1
    assert _count(province, Entitlement) == 1
    assert _count(province, ClaimEvent, ClaimEvent.step == "publicity", ClaimEvent.outcome == "ended") == 4
    assert _count(province, ClaimEvent, ClaimEvent.outcome == "approved") == 1
    assert _count(province, Notification, Notification.kind == "program_approved") == 1


def test_a_lapse_aborted_by_a_deadlock_ends_each_claim_once(province, tmp_path, caplog) -> None:
    """确认期限届满 (one working day from September 2020): nobody confirmed; the lapse updates the four claims,
    then waits for the log; the intruder asks for them. Run again: four lapsed, one history row each, one message
    (firm1), one entry."""
    run_id = _published(province, tmp_path, at=MON, publicity_days=1, confirm_days=1)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        reviewer = _login(client, "sd-rev")
        with Intruder(province, *LOG_THEN_CLAIMS, {"log": audit.APPEND_LOCK, "run": run_id}) as intruder:
            answer = client.post(f"/api/programs/listings/{run_id}/lapse", headers=reviewer)
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"lapsed": 4}
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _entries(province, "program_listing_lapsed") == 1
    assert _count(province, ClaimEvent, ClaimEvent.outcome == "lapsed") == 4
    assert _count(province, Claim, Claim.status == "lapsed") == 4
    assert _count(province, Notification, Notification.kind == "program_refused") == 1


@pytest.mark.parametrize("answer_", ["confirm", "decline"])
def test_an_enterprises_answer_aborted_by_a_deadlock_is_recorded_once(province, tmp_path, caplog, answer_) -> None:
    """确认 / 放弃 by firm1 during the 公示: the answer writes its entry and its claim (flushed before the log's
    entry), then waits for the log; the intruder asks for the claim. Run again: one answer, one history row, one
    entry, one message; the account stored once."""
    run_id = _published(province, tmp_path, at=audit.now())
    claim_id = _claim_of(province, run_id, 1)
    with province.session() as s:
        version = s.get(Claim, claim_id).version
    body = ({"bank": "测试银行", "account": "6222000011112222", "commitment": True} if answer_ == "confirm"
            else {"note": "不需要（测试）"})
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        firm = _login(client, "firm1", PASSWORD)
        with Intruder(province, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/{PROGRAM}/listing/{answer_}", headers=firm, json=body)
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    done = "confirmed" if answer_ == "confirm" else "declined"
    assert answer.json()["answer"] == done
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _entries(province, f"program_listing_{done}") == 1
    assert _count(province, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.step == "confirmation") == 1
    assert _count(province, Notification, Notification.user_id == province.firm1.id,
                  Notification.kind == "program_step") == 1
    with province.session() as s:
        claim = s.get(Claim, claim_id)
        assert claim.version == version + 1  # one change, not two
        assert claim.status == ("publicity" if answer_ == "confirm" else "declined")
        if answer_ == "confirm":
            assert claim.account == "测试银行 6222000011112222"


def test_an_objection_aborted_by_a_deadlock_is_filed_once(province, tmp_path, caplog) -> None:
    """公示异议 by firm1 against another listed enterprise's claim during the 公示: the objection's row locks its
    claim (foreign key, ``FOR KEY SHARE``), then the step waits for the log; the intruder asks for the claim
    ``FOR UPDATE``. Run again: one objection, one entry."""
    run_id = _published(province, tmp_path, at=audit.now())
    claim_id = _claim_of(province, run_id, 2)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        firm = _login(client, "firm1", PASSWORD)
        with Intruder(province, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/claims/{claim_id}/objections", headers=firm,
                                 json={"text": "该单位上年度有裁员（测试）"})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _count(province, Objection, Objection.claim_id == claim_id) == 1
    assert _count(province, Objection) == 1
    assert answer.json() == {"id": _objection_id(province), "claim": claim_id}
    assert _entries(province, "program_objection_filed") == 1


def _objection_id(province) -> int:
    with province.session() as s:
        return s.scalar(select(Objection.id))


def _savepoint_retried(caplog) -> bool:
    """The page's helper logged its savepoint aborted by a deadlock (kuaiban.platform.transactions)."""
    return any("savepoint aborted (40P01" in r.getMessage() and "attempt 1 of 3" in r.getMessage()
               for r in caplog.records if r.name == transactions.__name__)


def test_closing_a_list_on_its_page_aborted_by_a_deadlock_approves_and_pays_once(province, tmp_path, caplog) -> None:
    """The same close from the lists' page (the request's own session: the step in a SAVEPOINT, rolled back to
    it and run again): redirected as done, one entitlement for firm1's claim, one entry."""
    run_id = _published(province, tmp_path, at=MON, publicity_days=1)
    with province.session() as s:
        listing.confirm(s, province.firm1, PROGRAM, bank="测试银行", account="6222000011112222", commitment=True,
                        at=MON + dt.timedelta(hours=2))
    firm1_claim = _claim_of(province, run_id, 1)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as page:
        assert post_login(page, "sd-rev", STAFF_PASSWORD).status_code == 303
        token = csrf_of(page.get("/programs/listings").text)
        with Intruder(province, *LOG_THEN_CLAIMS, {"log": audit.APPEND_LOCK, "run": run_id}) as intruder:
            done = page.post(f"/programs/listings/{run_id}/close", data={"csrf": token}, follow_redirects=False)
    assert intruder.closed.is_set()
    assert done.status_code == 303, done.text
    assert _savepoint_retried(caplog), [r.getMessage() for r in caplog.records]
    assert _entries(province, "program_listing_closed") == 1
    assert _count(province, Entitlement, Entitlement.claim_id == firm1_claim) == 1
    assert _count(province, ClaimEvent, ClaimEvent.step == "publicity", ClaimEvent.outcome == "ended") == 4


def test_a_confirmation_after_the_publicity_aborted_by_a_deadlock_approves_and_pays_once(province, tmp_path,
                                                                                        caplog) -> None:
    """确认 by firm1 after the 公示 closed (its claim awaiting): the confirmation approves the claim at once and
    writes its entitlement (the money). Aborted once and run again: approved once, one entitlement, one approval
    entry and message."""
    run_id = _published(province, tmp_path, at=audit.now(), publicity_days=1)
    with province.session() as s:  # the 公示 closed two days later (the confirmation period still running)
        assert listing.close(s, province.reviewer, run_id, at=audit.now() + dt.timedelta(days=2))["awaiting"] == 4
    claim_id = _claim_of(province, run_id, 1)
    caplog.set_level(logging.WARNING, logger=transactions.__name__)
    with _app(province) as client:
        firm = _login(client, "firm1", PASSWORD)
        with Intruder(province, "SELECT pg_advisory_xact_lock(:log)",
                      "SELECT id FROM prog_claims WHERE id = :claim FOR UPDATE",
                      {"log": audit.APPEND_LOCK, "claim": claim_id}) as intruder:
            answer = client.post(f"/api/programs/{PROGRAM}/listing/confirm", headers=firm,
                                 json={"bank": "测试银行", "account": "6222000011112222", "commitment": True})
    assert intruder.closed.is_set()
    assert answer.status_code == 200, answer.text
    assert (answer.json()["answer"], answer.json()["status"]) == ("confirmed", "approved")
    assert _retried(caplog), [r.getMessage() for r in caplog.records]
    assert _count(province, Entitlement, Entitlement.claim_id == claim_id) == 1
    assert _count(province, Entitlement) == 1
    assert _entries(province, "program_listing_confirmed") == 1
    assert _entries(province, "program_claim_approved") == 1
    assert _count(province, ClaimEvent, ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "approved") == 1
    assert _count(province, Notification, Notification.kind == "program_approved") == 1


def test_two_ordinary_steps_deadlock_on_the_message_queue_entry_and_the_retry_completes_both_once(
        province, tmp_path, monkeypatch, caplog) -> None:
    """Found in s21, not a circle made by an intruder: two of the product's own steps. firm1's 确认 appends its
    entry (the log's lock held to its commit) and only then posts its message; a 提醒 at that moment posts first —
    enqueuing the delivery's entry (jobs.kick), none waiting since a worker took the last — and then waits for the
    log. The 确认's message enqueues the same entry and waits for the 提醒's: a genuine deadlock, outside the lock
    order of docs/programs.md (the queue entry is in it nowhere). PostgreSQL aborts one of the two (usually the
    提醒: it waited first, so its deadlock_timeout runs out first; on a busy machine the check may run before the
    circle closes, and then the 确认's finds it); both run as the API's and the pages' paths do, so the aborted one
    runs again and completes: each step once — one answer, one reminder (to the enterprise of row 2, which
    registered), one entry each."""
    run_id = _published(province, tmp_path, at=audit.now())
    with province.session() as s:
        firm2 = register_firm(s, 2)
    with province.engine.begin() as conn:  # as after a worker took the waiting entry
        conn.execute(text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE status = 'todo'"))
    caplog.set_level(logging.WARNING, logger=transactions.__name__)

    def remind(s) -> int:
        return transactions.retrying_transaction(province.engine, lambda t: listing.remind(
            t, t.get(User, province.reviewer.id), run_id), what="remind")

    out = second_inside_first(province, monkeypatch, "program_listing_confirmed", remind, appended=True)
    transactions.retrying_transaction(province.engine, lambda s: listing.confirm(
        s, s.get(User, province.firm1.id), PROGRAM, bank="测试银行", account="6222000011112222", commitment=True),
        what="confirm")
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"  # the 提醒 waited for the 确认's log lock
    aborted = [r.getMessage() for r in caplog.records if "transaction aborted (40P01" in r.getMessage()]
    assert len(aborted) == 1 and aborted[0].startswith(("remind:", "confirm:")), caplog.text
    # firm2 is reminded in any case; firm1 too when the 提醒 read the recipients before the 确认 committed (its
    # own retry can, at READ COMMITTED, or the 确认 was the one aborted) — a reminder crossing the answer, once
    assert out["result"] in (1, 2)
    assert _count(province, Notification, Notification.user_id == province.firm1.id,
                  Notification.title.like("%请确认收款账户")) == out["result"] - 1
    assert _entries(province, "program_listing_confirmed") == 1
    assert _entries(province, "program_listing_reminded") == 1
    assert _count(province, Notification, Notification.user_id == firm2.id,
                  Notification.title.like("%请确认收款账户")) == 1
    assert _count(province, Notification, Notification.user_id == province.firm1.id,
                  Notification.title.like("%收款账户已确认")) == 1
