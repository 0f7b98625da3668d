"""A batch being built and a 比对停发 of several claims at the same moment: both complete, in either order (s17).

``payroll.build`` locks the due months it pays (``FOR UPDATE``) and ``claims.recheck`` locks the months of every
claim it stops; both then append to the audit log (PostgreSQL: one append lock, held to the commit). Before this
change the batch locked the months in its lines' order (region, beneficiary, month) and the recheck stopped the
claims one after another in claim order, each stop taking its months' locks and then the log's: with two claims
whose beneficiaries are in the other order than the claims, the recheck held the first claim's months (and the
log) while the batch, holding the second claim's months, waited for them; the recheck then waited for the
second claim's months — PostgreSQL found the deadlock and rolled one of them back (a batch or a recheck failed).

Now both take the months' locks in one order, (claim, month), and the recheck takes all of them (the claims it
stops, then their months) before its first stop writes anything: neither holds what the other needs while
waiting. Interleaved deterministically, as test_s17_payroll_build_stop_race does: the second transaction runs on
its own thread, started by a hook inside the first, which goes on once the second waits for a lock (PostgreSQL:
``pg_stat_activity``; SQLite: it is inside ``BEGIN IMMEDIATE``) or has finished.

* the recheck first (the hook: its first stop's audit entry), the batch waits: the stopped months are not paid;
* the batch first (the hook: its audit entry), the recheck waits: the months are paid and recovered.

On SQLite (one writer: the second simply waits) and on PostgreSQL (the ``town`` fixture)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

from sqlalchemy import select, text

from kuaiban.programs import claims, payroll, registers
from kuaiban.programs.models import Entitlement, PaymentLine, Recovery
from tests.programs.conftest import AUG_3, submit_as_registered
from tests.programs.races import finish, second_inside_first

BENEFIT = "bj_unemployment_benefit"
SEP_25 = dt.datetime(2020, 9, 25, 10, 0)


def _two_claims(town, first_died: str = "2020-08") -> tuple[int, int]:
    """Two 北京 失业保险金 claims of three months (2020-08 … 10), passed, nothing paid: the first claim is the
    second beneficiary's (registered after the other), so the batch's line order and the claims' order differ."""
    ids = []
    for user, account in ((town.other_citizen, "6222000000000002"), (town.citizen, "6222000000000001")):
        with town.session() as s:
            claim = submit_as_registered(s, user, BENEFIT, month="2020-08", facts={"contribution_months": 70},
                                         account=account, at=AUG_3)
        with town.session() as s:
            claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3)
        ids.append(claim.id)
    assert ids[0] < ids[1]
    with town.session() as s:  # both died in August (test records): 停发 from September
        for number, since in ((town.other_number, first_died), (town.citizen_number, "2020-08")):
            registers.put(s, "deaths", "死亡人员信息", number, {"deceased": True, "since": since})
    return ids[0], ids[1]


def _lines(town, claim_id: int) -> list[str]:
    with town.session() as s:
        return list(s.scalars(select(PaymentLine.month).where(PaymentLine.claim_id == claim_id)
                              .order_by(PaymentLine.month)))


def _statuses(town, claim_id: int) -> list[tuple[str, str]]:
    with town.session() as s:
        return s.execute(select(Entitlement.month, Entitlement.status).where(Entitlement.claim_id == claim_id)
                         .order_by(Entitlement.month)).all()


def _recovered(town, claim_id: int) -> list[list]:
    with town.session() as s:
        return list(s.scalars(select(Recovery.months).where(Recovery.claim_id == claim_id)))


def _recheck(town):
    return lambda s: claims.recheck(s, BENEFIT, "110000", "2020-09", user=town.reviewer, at=SEP_25)


def _build(s):
    return payroll.build(s, BENEFIT, "110000", "2020-09")[0].lines


def test_a_batch_built_while_a_recheck_stops_two_claims_waits_and_pays_what_is_still_due(town, monkeypatch) -> None:
    """The recheck stops the first claim (September, October); the batch starts then. Before s17 (PostgreSQL) it
    locked the second claim's months and waited for the first's while the recheck waited for the second's: a
    deadlock. Now it waits for the recheck, and pays August of both, nothing stopped."""
    first, second = _two_claims(town)
    out = second_inside_first(town, monkeypatch, "program_claim_stopped", _build)
    with town.session() as s:
        answer = _recheck(town)(s)
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"
    assert [x["claim"] for x in answer["stopped"]] == [first, second]
    assert out["result"] == 2
    for claim_id in (first, second):
        assert _lines(town, claim_id) == ["2020-08"]
        assert _statuses(town, claim_id) == [("2020-08", "due"), ("2020-09", "stopped"), ("2020-10", "stopped")]
        assert _recovered(town, claim_id) == []


def test_a_batch_that_locks_none_of_the_first_claims_months_waits_too(town, monkeypatch) -> None:
    """The first claim's beneficiary died in September (停发 from October, a month the batch does not pay): the
    recheck's first stop locks only October, and appends to the audit log (the batch starts just after). Before
    s17 the batch then locked all it pays (the second claim's months among them) and waited for the log's lock,
    while the recheck waited for the second claim's September: a deadlock, whatever order the batch locked its
    months in. Now the recheck holds the second claim's months before its first stop: the batch waits for the
    recheck's commit."""
    first, second = _two_claims(town, first_died="2020-09")
    out = second_inside_first(town, monkeypatch, "program_claim_stopped", _build, appended=True)
    with town.session() as s:
        answer = _recheck(town)(s)
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"
    assert [x["claim"] for x in answer["stopped"]] == [first, second]
    assert out["result"] == 3
    assert _lines(town, first) == ["2020-08", "2020-09"] and _lines(town, second) == ["2020-08"]
    assert _statuses(town, first) == [("2020-08", "due"), ("2020-09", "due"), ("2020-10", "stopped")]
    assert _statuses(town, second) == [("2020-08", "due"), ("2020-09", "stopped"), ("2020-10", "stopped")]
    assert _recovered(town, first) == _recovered(town, second) == []


def test_a_recheck_run_while_a_batch_is_open_waits_and_recovers_what_it_paid(town, monkeypatch) -> None:
    """The other order: the batch (August and September of both) is open when the recheck starts; the recheck
    waits for its commit, stops both claims from September and recovers September of each."""
    first, second = _two_claims(town)
    out = second_inside_first(town, monkeypatch, "program_batch_built", _recheck(town))
    with town.session() as s:
        lines = _build(s)
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"
    assert lines == 4
    assert [x["claim"] for x in out["result"]["stopped"]] == [first, second]
    for claim_id in (first, second):
        assert _lines(town, claim_id) == ["2020-08", "2020-09"]
        assert _statuses(town, claim_id) == [("2020-08", "due"), ("2020-09", "stopped"), ("2020-10", "stopped")]
        assert _recovered(town, claim_id) == [["2020-09"]]


def _waiters(town, n: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with town.engine.connect() as watcher:
            if watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event_type = 'Lock'")) >= n:
                return
        time.sleep(0.02)
    raise AssertionError(f"{n} transactions are not waiting")


def test_the_batch_locks_the_months_in_claim_order_as_the_recheck_does(town) -> None:
    """PostgreSQL: the batch's and the recheck's lock statements running at once. A third transaction holds the
    second claim's August; the batch starts and waits for it, then the recheck, which locks the first claim's
    months and waits for the same row. Released: the batch (first in the row's queue) takes it. Before s17 the
    batch locked in its lines' order — the second claim's beneficiary first — and went on to the first claim's
    months, which the recheck held while it waited for the batch: a deadlock. Now the batch locked the first
    claim's months before waiting: the recheck waits for it, then stops both claims and recovers September."""
    if town.engine.dialect.name != "postgresql":
        return
    first, second = _two_claims(town)
    out: dict = {}

    def run(name, work) -> threading.Thread:
        def body() -> None:
            try:
                with town.session() as s:
                    out[name] = work(s)
            except Exception as exc:  # reported to the test
                out[name + "_error"] = exc
        worker = threading.Thread(target=body, name=name, daemon=True)
        worker.start()
        return worker

    with town.engine.connect() as holder:
        holder.execute(select(Entitlement.id).where(Entitlement.claim_id == second, Entitlement.month == "2020-08")
                       .with_for_update()).all()
        build = run("build", _build)
        _waiters(town, 1)
        recheck = run("recheck", _recheck(town))
        _waiters(town, 2)
        holder.rollback()
    for worker in (build, recheck):
        worker.join(timeout=60)
        assert not worker.is_alive()
    assert "build_error" not in out and "recheck_error" not in out, out  # before s17: a deadlock
    assert out["build"] == 4 and [x["claim"] for x in out["recheck"]["stopped"]] == [first, second]
    for claim_id in (first, second):
        assert _lines(town, claim_id) == ["2020-08", "2020-09"]
        assert _recovered(town, claim_id) == [["2020-09"]]


def test_both_take_the_months_locks_in_claim_and_month_order(town) -> None:
    """What the two tests above rely on, pinned in the statements themselves (PostgreSQL renders them; SQLite,
    one writer, ignores FOR UPDATE): the batch's months locked ordered by claim and month, and the recheck's."""
    if town.engine.dialect.name != "postgresql":
        return
    _two_claims(town)
    seen: list[str] = []

    def before(conn, cursor, statement, *args) -> None:
        if "FOR UPDATE" in statement and "prog_entitlements" in statement:
            seen.append(" ".join(statement.split()))

    from sqlalchemy import event
    event.listen(town.engine, "before_cursor_execute", before)
    try:
        with town.session() as s:
            _recheck(town)(s)
        with town.session() as s:
            _build(s)
    finally:
        event.remove(town.engine, "before_cursor_execute", before)
    ordered = "ORDER BY prog_entitlements.claim_id, prog_entitlements.month FOR UPDATE"
    assert ordered in seen[0] and not seen[0].startswith("INSERT"), seen  # the recheck's, before its first stop
    batch = [s for s in seen if s.startswith("INSERT")]
    assert len(batch) == 1 and ordered in batch[0], seen  # the batch's months locked in the same order, its
    # lines written in theirs (beneficiary, month: the bank file's order) as before
    assert re.search(r"ORDER BY (anon_\d+)\.region, \1\.applicant_id, \1\.month ON CONFLICT", batch[0]), batch
