"""A batch of a program settled at payment (先缴后补) and a caseworker's 停发 of one of its claims at the same
moment: both complete, in either order, the month paid once and recovered if it was paid (s19).

Every writer of claims and their months on PostgreSQL takes its locks in one order: the claims (id order), then
their months ((claim, month) order), then — last, held to the commit — the audit log's append lock
(kuaiban.platform.audit). claims._stop and claims.recheck lock the claim ``FOR UPDATE``, then its months, then
append; payroll.build locks the months it pays, then appends. Before s19 the batch's settle (kuaiban.programs.settle)
broke it twice:

* it appended its own audit entry (``program_months_settled``) before the batch locked the months it pays: a stop
  holding a claim's months waited for the log's lock while the batch, holding the log, waited for those months —
  a deadlock, the batch rolled back (test_a_stop_holding_the_months_is_waited_for_by_the_batch);
* it wrote a month (a row lock), then the month's history row (``按实际缴费核算``), whose foreign key locks the
  claim (``FOR KEY SHARE``): a stop holding the claim ``FOR UPDATE`` and waiting for that month closed the circle
  (test_a_stop_arriving_while_settle_writes_a_claim_waits_for_the_batch).

Now the batch appends settle's entry after its months' locks, and settle locks a claim ``FOR KEY SHARE`` before it
writes the claim's first month. Interleaved deterministically with the harness of
test_s17_payroll_build_recheck_locks (the second transaction on its own thread, the first going on once the second
waits for a lock or has finished). On SQLite (one writer: the second simply waits) and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import event, select

from kuaiban.programs import caseworkers, claims, definitions, payroll, registers, settle
from kuaiban.programs.models import Entitlement, PaymentLine, Recovery
from tests.programs.helpers import DECIDED, FLEX, NOV_10, approve_flexible
from tests.programs.races import finish, second_inside_first, waiting_or_done

STOP_AT = NOV_10 + dt.timedelta(days=40)
AT_RATE_PAID = 56160  # 6000 × 60 % × 26 % × 60 %: the month paid at 26 %, the form said 28 % (604.80)


def _claim(town, rate: float) -> int:
    """湖南 灵活就业社会保险补贴 of 2021-11 and 2021-12 (decided at 604.80 元 a month), both months' contributions paid
    at ``rate`` in the register."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": rate}, "2021-12": {"paid": True, "rate": rate}}})
    return approve_flexible(town, town.hunan_citizen, 2, NOV_10)


def _stop(town, claim_id: int):
    rule = definitions.get(FLEX).stop_rule("pension").code  # 领取养老保险待遇, from November
    return lambda s: claims.stop(s, town.hunan_reviewer, claim_id, rule=rule, month="2021-11", at=STOP_AT).status


def _build(s) -> int:
    return payroll.build(s, FLEX, "430000", "2021-12", actor=None)[0].lines


def _paid(town, claim_id: int) -> list[tuple[str, int]]:
    with town.session() as s:
        return [tuple(r) for r in s.execute(select(PaymentLine.month, PaymentLine.amount_fen)
                                            .where(PaymentLine.claim_id == claim_id).order_by(PaymentLine.month))]


def _statuses(town, claim_id: int) -> set[str]:
    with town.session() as s:
        return set(s.scalars(select(Entitlement.status).where(Entitlement.claim_id == claim_id)))


def _recovered(town, claim_id: int) -> list[tuple[list, int]]:
    with town.session() as s:
        return [tuple(r) for r in s.execute(select(Recovery.months, Recovery.amount_fen)
                                            .where(Recovery.claim_id == claim_id))]


def test_a_stop_holding_the_months_is_waited_for_by_the_batch(town, monkeypatch) -> None:
    """The stop has locked the claim and its months and is about to append its audit entry; the batch starts
    then. Settle finds both months as decided (paid at 28 %: nothing to write). Before s19 (PostgreSQL) it appended
    ``program_months_settled`` there, then waited for the stop's months while the stop waited for the log: a
    deadlock, the batch rolled back. Now the batch waits for the stop's commit and pays nothing stopped."""
    claim_id = _claim(town, 0.28)
    out = second_inside_first(town, monkeypatch, "program_claim_stopped", _build)
    with town.session() as s:
        status = _stop(town, claim_id)(s)
    finish(out, monkeypatch)  # before s19 (PostgreSQL): DeadlockDetected in the batch
    assert out["seen"] == "waiting" and status == "stopped"
    assert out["result"] == 0
    assert _paid(town, claim_id) == [] and _statuses(town, claim_id) == {"stopped"}
    assert _recovered(town, claim_id) == []


def test_a_stop_arriving_while_settle_writes_a_claim_waits_for_the_batch(town, monkeypatch) -> None:
    """Settle has written November (paid at 26 %: 561.60 元, with its history row) and is computing December when
    the stop starts. Before s19 (PostgreSQL) the stop locked the claim and waited for November; settle's history
    row then needed the claim (its foreign key): a deadlock. Now settle locked the claim (``FOR KEY SHARE``) before
    writing November: the stop waits for the batch, which pays both months at 561.60 元; the stop then recovers
    both — paid once, recovered once."""
    claim_id = _claim(town, 0.26)
    real = settle._as_decided
    out: dict = {}
    calls: list[int] = []
    entered = threading.Event()
    real_lock = caseworkers.write_lock

    def run() -> None:
        try:
            with town.session() as other:
                out["result"] = _stop(town, claim_id)(other)
        except Exception as exc:  # reported to the test
            out["error"] = exc

    def write_lock(session) -> None:  # SQLite: the stop is inside BEGIN IMMEDIATE
        if threading.current_thread().name == "second":
            entered.set()
        return real_lock(session)

    def as_decided(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # December: November written, its history row not flushed yet
            worker = threading.Thread(target=run, name="second", daemon=True)
            out["thread"] = worker
            worker.start()
            out["seen"] = waiting_or_done(town, worker, entered)
        return real(*args, **kwargs)

    monkeypatch.setattr(settle, "_as_decided", as_decided)
    monkeypatch.setattr(caseworkers, "write_lock", write_lock)
    with town.session() as s:
        lines = _build(s)
    finish(out, monkeypatch)  # before s19 (PostgreSQL): DeadlockDetected in the batch
    assert out["seen"] == "waiting" and out["result"] == "stopped"
    assert lines == 2
    assert _paid(town, claim_id) == [("2021-11", AT_RATE_PAID), ("2021-12", AT_RATE_PAID)]
    assert _statuses(town, claim_id) == {"stopped"}
    assert _recovered(town, claim_id) == [(["2021-11", "2021-12"], 2 * AT_RATE_PAID)]


def test_the_batch_after_the_stop_pays_nothing_and_the_stop_after_the_batch_recovers(town) -> None:
    """The controls, one after the other: the orders the two tests above interleave, run in turn."""
    claim_id = _claim(town, 0.28)
    with town.session() as s:
        assert _build(s) == 2
    with town.session() as s:
        assert _stop(town, claim_id)(s) == "stopped"
    assert _paid(town, claim_id) == [("2021-11", DECIDED), ("2021-12", DECIDED)]
    assert _recovered(town, claim_id) == [(["2021-11", "2021-12"], 2 * DECIDED)]


def test_settle_locks_the_claim_before_its_months_and_the_batch_appends_last(town) -> None:
    """What the tests above rely on, pinned in the statements (PostgreSQL; SQLite's one writer needs no order):
    the claim locked FOR KEY SHARE before the first write to its months, and no audit entry appended before the
    batch's months are locked."""
    if town.engine.dialect.name != "postgresql":
        return
    _claim(town, 0.26)
    seen: list[str] = []

    def before(conn, cursor, statement, *args) -> None:
        flat = " ".join(statement.split())
        if "FOR KEY SHARE" in flat:
            seen.append("claim key share")
        elif flat.startswith("UPDATE prog_entitlements"):
            seen.append("month written")
        elif flat.startswith("INSERT INTO prog_claim_events"):
            seen.append("history row")
        elif flat.startswith("INSERT INTO svc_audit"):
            seen.append("audit")
        elif flat.startswith("INSERT INTO prog_payment_lines"):
            seen.append("months locked, lines written")

    event.listen(town.engine, "before_cursor_execute", before)
    try:
        with town.session() as s:
            assert _build(s) == 2
    finally:
        event.remove(town.engine, "before_cursor_execute", before)
    assert seen[:2] == ["claim key share", "month written"], seen
    assert seen.count("claim key share") == 1, seen  # one claim, locked once
    assert seen.index("months locked, lines written") < seen.index("audit"), seen
    assert seen[-2:] == ["audit", "audit"], seen  # settled, then built
