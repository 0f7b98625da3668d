"""A 停发 committed while a batch settles its months is not undone (s16 payroll2).

kuaiban.programs.settle reads the unpaid months of approved claims, computes each again, then writes its status
and amount. A caseworker's stop (claims.stop: 领取养老保险待遇, from the month it happened) locks the claim, not
the months; before the fix a stop that committed between settle's read and its write was overwritten — the
stopped month went back to ``due`` and the batch paid it. Settle now writes a month only if it is still as read
(compare and set on its status).

Two sessions interleaved deterministically: the stop runs in its own session and commits inside settle, after
its read (when settle asks for the office's figures, the first thing it does after the read) and before its
writes. On PostgreSQL; on SQLite no longer possible since s20 — a batch takes the database's one write lock
before settle reads (kuaiban.programs.payroll.build), so another writer waits for its commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform.models import AuditEntry
from kuaiban.programs import claims, definitions, figures, registers
from kuaiban.programs.models import ClaimEvent, Entitlement
from tests.programs.helpers import (
    BOTH_PAID,
    DECIDED,
    FLEX,
    build_flex,
    corrected_after_decision,
    paid_lines,
    pay_first_claim,
    schedule,
)


def _stop_after_settle_reads(town, monkeypatch, claim_id: int, month: str) -> list[str]:
    """Make settle's next read be followed, before it writes, by a 停发 of ``claim_id`` from ``month`` in another
    session (committed). Returns a list that holds the stop's claim status once it ran."""
    real = figures.entered
    ran: list[str] = []

    def entered(session, program, region, *args, **kwargs):
        if not ran:
            with town.session() as other:
                rule = definitions.get(FLEX).stop_rule("pension")  # 领取养老保险待遇, from this month
                ran.append(claims.stop(other, town.hunan_reviewer, claim_id, rule=rule.code, month=month).status)
        return real(session, program, region, *args, **kwargs)

    monkeypatch.setattr(figures, "entered", entered)
    return ran


def test_a_month_stopped_while_settling_waits_and_is_not_paid(town, monkeypatch) -> None:
    """December's contributions arrive late: December waits (pending) after December's batch. In January's
    batch settle reads it pending, computes it due — and a 停发 from December commits in between. December stays
    stopped; no line pays it, now or in a later batch."""
    if town.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: since s20 the batch holds the one write lock from before settle's read to its commit; "
                    "nothing commits inside it (tests/programs/test_s20_overlapping_batches.py)")
    claim_id = pay_first_claim(town)
    build_flex(town, "2021-12")
    assert schedule(town, claim_id) == [("2021-11", DECIDED, "due"), ("2021-12", DECIDED, "pending")]
    assert paid_lines(town) == [("2021-11", DECIDED)]
    with town.session() as s:  # December paid (late)
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": BOTH_PAID})

    ran = _stop_after_settle_reads(town, monkeypatch, claim_id, "2021-12")
    january = build_flex(town, "2022-01")
    assert ran == ["stopped"]  # the stop ran between settle's read and its write
    assert january["lines"] == 0
    assert paid_lines(town) == [("2021-11", DECIDED)]
    assert schedule(town, claim_id) == [("2021-11", DECIDED, "due"), ("2021-12", DECIDED, "stopped")]
    monkeypatch.undo()
    build_flex(town, "2022-02")
    assert paid_lines(town) == [("2021-11", DECIDED)]
    with town.session() as s:
        settled = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "program_months_settled")
                            .order_by(AuditEntry.id)).all()
        assert len(settled) == 2  # February's batch finds nothing left to settle
        assert settled[1]["changed"] == 1 and settled[1]["due"] == 0
        assert any("2021-12" in w and "状态已变更" in w for w in settled[1]["waiting"])


def test_a_month_stopped_while_settling_is_not_held_again_nor_recorded(town, monkeypatch) -> None:
    """The office's figure corrected after the decision: settle reads November due and would hold it (decided
    604.80, found 624.96) — a 停发 from November commits in between. November stays stopped (a held month can be
    confirmed and paid; a stopped one cannot), and the claim's history has no 暂缓发放 row for it."""
    if town.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: since s20 the batch holds the one write lock from before settle's read to its commit; "
                    "nothing commits inside it (tests/programs/test_s20_overlapping_batches.py)")
    claim_id = corrected_after_decision(town)
    ran = _stop_after_settle_reads(town, monkeypatch, claim_id, "2021-11")
    november = build_flex(town, "2021-11")
    assert ran == ["stopped"]
    assert (november["lines"], november["held"]) == (0, [])
    assert {status for _, _, status in schedule(town, claim_id)} == {"stopped"}
    with town.session() as s:
        assert s.scalars(select(ClaimEvent.outcome).where(ClaimEvent.claim_id == claim_id,
                                                          ClaimEvent.step == "payroll")).all() == []
        assert s.scalars(select(Entitlement.found_fen).where(Entitlement.claim_id == claim_id)).all() == [None, None]


def test_without_a_stop_the_same_batch_pays_the_month_settled(town) -> None:
    """The control: the same months, nobody stopping the claim — December is settled due and paid in January."""
    claim_id = pay_first_claim(town)
    build_flex(town, "2021-12")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": BOTH_PAID})
    assert build_flex(town, "2022-01")["lines"] == 1
    assert paid_lines(town) == [("2021-11", DECIDED), ("2021-12", DECIDED)]
    assert schedule(town, claim_id)[1] == ("2021-12", DECIDED, "due")
