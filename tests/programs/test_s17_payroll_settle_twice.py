"""Two settles reading the same month write its 按实际缴费核算 row once (s17).

kuaiban.programs.settle writes a month only if it is still as read (compare and set). Before s17 the compare was
on the status alone: a month read ``due`` at the decided amount and settled ``due`` at the amount actually paid
(先缴后补, 湘人社规〔2020〕22号 第七条) by another settle in between (another batch: the next month's, a batch of the
city beside the province's) was still ``due``, so both wrote the claim's history row ``adjusted`` — the same
difference said twice (no payment effect: the month's line is unique). The compare now takes the amounts read
too, and the history row is written only when the compare succeeds.

Interleaved deterministically as in test_s16_payroll2_settle_race: the second settle runs and commits in its own
session inside the first, after its read (when it asks for the office's figures) and before its writes. On
PostgreSQL; on SQLite no longer possible since s20 — a batch takes the database's one write lock before settle
reads (kuaiban.programs.payroll.build), so another writer waits for its commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform.models import AuditEntry
from kuaiban.programs import definitions, figures, registers, settle
from kuaiban.programs.models import ClaimEvent
from tests.programs.helpers import FLEX, NOV_10, approve_flexible, build_flex, paid_lines, schedule

AT_RATE_PAID = 56160  # 6000 × 60 % × 26 % × 60 %: November paid at 26 %, the form said 28 % (604.80)


def _settle_again_after_read(town, monkeypatch) -> list[dict]:
    """Make the next settle's read be followed, before it writes, by another settle of the same months in
    another session (committed). Returns a list that holds the other settle's answer once it ran."""
    real = figures.entered
    ran: list[dict] = []

    def entered(session, program, region, *args, **kwargs):
        if not ran:
            ran.append({})
            with town.session() as other:
                ran[0] = settle.settle(other, definitions.get(FLEX), "430000", "2021-11")
        return real(session, program, region, *args, **kwargs)

    monkeypatch.setattr(figures, "entered", entered)
    return ran


def _adjusted(town, claim_id: int) -> list[str]:
    with town.session() as s:
        return s.scalars(select(ClaimEvent.note).where(ClaimEvent.claim_id == claim_id,
                                                       ClaimEvent.outcome == "adjusted")).all()


def test_a_month_adjusted_by_another_settle_meanwhile_is_recorded_once(town, monkeypatch) -> None:
    if town.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: since s20 the batch holds the one write lock from before settle's read to its commit; "
                    "nothing commits inside it (tests/programs/test_s20_overlapping_batches.py)")
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": 0.26}}})
    claim_id = approve_flexible(town, town.hunan_citizen, 2, NOV_10)
    ran = _settle_again_after_read(town, monkeypatch)
    november = build_flex(town, "2021-11")
    assert ran[0]["adjusted"] == [[claim_id, "2021-11"]]  # the other settle adjusted it first
    assert _adjusted(town, claim_id) == [
        "2021-11 按当月实际缴费核算为 561.60 元（审核时按申请表核算为 604.80 元；先缴后补，按实际缴纳的计算）"]  # before: twice
    # paid once, at the amount actually paid
    assert november["lines"] == 1 and paid_lines(town) == [("2021-11", AT_RATE_PAID)]
    assert schedule(town, claim_id)[0] == ("2021-11", AT_RATE_PAID, "due")
    with town.session() as s:
        settled = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "program_months_settled")
                            .order_by(AuditEntry.id)).all()
        assert settled[0]["adjusted"] == [[claim_id, "2021-11"]]  # the other settle's
        assert settled[1]["adjusted"] == [] and settled[1]["changed"] == 1  # the batch's: changed meanwhile


def test_without_another_settle_the_month_is_adjusted_once(town) -> None:
    """The control: the same month settled by the batch alone, then by the next month's batch — one row."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": {
            "2021-11": {"paid": True, "rate": 0.26}}})
    claim_id = approve_flexible(town, town.hunan_citizen, 2, NOV_10)
    assert build_flex(town, "2021-11")["lines"] == 1
    build_flex(town, "2021-12")
    assert len(_adjusted(town, claim_id)) == 1
