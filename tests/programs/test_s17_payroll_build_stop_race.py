"""A 停发 committed while a batch is being built: the month is either not paid or paid and recovered (s17).

``payroll.build`` writes the batch's lines with one INSERT … SELECT of the due months, then counts them, records
the batch and commits. A caseworker's stop (claims.stop, from the month it happened) marks the claim's months
from then on stopped and opens a recovery (追回) of those of them already paid (lines in the table). Before s17,
on PostgreSQL, a stop that committed after the INSERT … SELECT had read a month as due and before the batch
committed left the batch paying the stopped month, and the stop's recovery did not count it (the line was not
committed when it looked): paid, stopped, never recovered.

Build now locks the entitlement rows it pays (``FOR UPDATE`` in the INSERT … SELECT) and the stop locks the rows
it stops (``FOR UPDATE``, month order, as build's): the stop waits for the batch's commit and then sees its lines,
so the month paid is recovered. On SQLite the batch's first write already holds the database's one write lock
and the stop begins with ``BEGIN IMMEDIATE``: it waits the same way (the test pins that it does).

Interleaved deterministically: the stop runs in a second session on its own thread, started by a hook between
build's INSERT … SELECT and its commit (just before the batch's audit entry); the build goes on only once the
stop has either committed or is waiting for a lock (PostgreSQL: ``pg_stat_activity`` shows it waiting; SQLite:
it is inside ``BEGIN IMMEDIATE``). On SQLite and on PostgreSQL (the ``town`` fixture)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kuaiban.programs import claims, definitions, payroll, registers
from kuaiban.programs.models import Entitlement, PaymentLine, Recovery
from tests.programs.conftest import AUG_3, submit_as_registered
from tests.programs.helpers import DECIDED, FLEX, NOV_10, approve_flexible
from tests.programs.races import finish, second_inside_first

BENEFIT = "bj_unemployment_benefit"
SEP_25 = dt.datetime(2020, 9, 25, 10, 0)


def _benefit_claim(town) -> int:
    """A 北京 失业保险金 claim of three months (2020-08 … 10), passed, nothing paid yet."""
    with town.session() as s:
        claim = submit_as_registered(s, town.citizen, BENEFIT, month="2020-08", facts={"contribution_months": 70},
                                     account="6222000000000001", at=AUG_3)
    with town.session() as s:
        claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3)
    return claim.id


def _stop_inside_build(town, monkeypatch, stop) -> dict:
    """Make the next ``payroll.build`` run ``stop(session)`` in a second session on another thread between its
    INSERT … SELECT and its commit. Returns what happened: ``seen`` (done/waiting when the build went on),
    ``result`` (the claim's status the stop left) or ``error``."""
    return second_inside_first(town, monkeypatch, "program_batch_built", lambda s: stop(s).status)


def _lines(town, claim_id: int) -> list[tuple[str, int]]:
    with town.session() as s:
        return s.execute(select(PaymentLine.month, PaymentLine.amount_fen).where(PaymentLine.claim_id == claim_id)
                         .order_by(PaymentLine.month)).all()


def _statuses(town, claim_id: int) -> list[tuple[str, str]]:
    with town.session() as s:
        return s.execute(select(Entitlement.month, Entitlement.status).where(Entitlement.claim_id == claim_id)
                         .order_by(Entitlement.month)).all()


def _recovered(town, claim_id: int) -> list[tuple[list, int]]:
    with town.session() as s:
        return s.execute(select(Recovery.months, Recovery.amount_fen).where(Recovery.claim_id == claim_id)).all()


def test_a_stop_committed_while_the_batch_is_open_recovers_the_month_the_batch_paid(town, monkeypatch) -> None:
    """September's batch pays August and September; a death as of August (停发 from September) is recorded while
    the batch is open. September is paid by the batch, and the stop's recovery counts it — never paid and
    forgotten. October (not in the batch) is stopped and never paid."""
    claim_id = _benefit_claim(town)
    out = _stop_inside_build(town, monkeypatch, lambda s: claims.stop(s, town.reviewer, claim_id, rule="death",
                                                                      month="2020-08", at=SEP_25))
    with town.session() as s:
        batch, built = payroll.build(s, BENEFIT, "110000", "2020-09")
        lines = batch.lines
    finish(out, monkeypatch)
    monkeypatch.undo()
    assert out["seen"] == "waiting"  # the stop waited for the batch (before s17, PostgreSQL: it had committed)
    assert built and lines == 2 and out["result"] == "stopped"
    paid = _lines(town, claim_id)
    assert [m for m, _ in paid] == ["2020-08", "2020-09"]
    assert _statuses(town, claim_id) == [("2020-08", "due"), ("2020-09", "stopped"), ("2020-10", "stopped")]
    september = dict(paid)["2020-09"]
    assert _recovered(town, claim_id) == [(["2020-09"], september)]  # before s17 (PostgreSQL): []
    with town.session() as s:  # October's batch pays nothing
        assert payroll.build(s, BENEFIT, "110000", "2020-10")[0].lines == 0
    assert [m for m, _ in _lines(town, claim_id)] == ["2020-08", "2020-09"]


def test_a_stop_committed_before_the_batch_reads_is_not_paid(town) -> None:
    """The control: the same stop committed before the batch — September is not paid, nothing to recover."""
    claim_id = _benefit_claim(town)
    with town.session() as s:
        claims.stop(s, town.reviewer, claim_id, rule="death", month="2020-08", at=SEP_25)
    with town.session() as s:
        assert payroll.build(s, BENEFIT, "110000", "2020-09")[0].lines == 1
    assert [m for m, _ in _lines(town, claim_id)] == ["2020-08"]
    assert _recovered(town, claim_id) == []


def test_a_stop_committed_while_a_settled_batch_is_open_recovers_what_it_paid(town, monkeypatch) -> None:
    """The same on a program settled at payment (湖南 灵活就业社会保险补贴, 先缴后补): December's batch settles and
    pays November and December, whose contributions are in the register; a 停发 (领取养老保险待遇, from November)
    commits while it is open. Both months are paid by the batch and both are in the stop's recovery."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": 0.28}, "2021-12": {"paid": True, "rate": 0.28}}})
    claim_id = approve_flexible(town, town.hunan_citizen, 2, NOV_10)
    rule = definitions.get(FLEX).stop_rule("pension").code
    out = _stop_inside_build(town, monkeypatch, lambda s: claims.stop(
        s, town.hunan_reviewer, claim_id, rule=rule, month="2021-11", at=NOV_10 + dt.timedelta(days=40)))
    with town.session() as s:
        lines = payroll.build(s, FLEX, "430000", "2021-12", actor=town.hunan_reviewer2)[0].lines
    finish(out, monkeypatch)
    monkeypatch.undo()
    assert out["seen"] == "waiting"
    assert lines == 2 and out["result"] == "stopped"
    assert _lines(town, claim_id) == [("2021-11", DECIDED), ("2021-12", DECIDED)]
    assert {status for _, status in _statuses(town, claim_id)} == {"stopped"}
    assert _recovered(town, claim_id) == [(["2021-11", "2021-12"], 2 * DECIDED)]  # before s17 (PostgreSQL): []
