"""A held month's amount decided (held.confirm) while a payment batch of its program and region runs (s20).

held.confirm locks the claim (``FOR UPDATE``), changes the month from held to due at the amount chosen, writes the
claim's history, appends its audit entry and posts the claimant's message; payroll.build settles the months (a
claim it writes locked ``FOR KEY SHARE`` first), locks the due months it pays (``FOR UPDATE``), appends its
entries last. Session 19 checked by reading that the two keep the lock order (docs/programs.md); this runs them
at once, interleaved with the race harness (tests/programs/races.py: the second starts just before the first
appends its audit entry, and the first goes on once the second waits for a lock or is done).

The claim: 湖南 灵活就业社会保险补贴 of 2021-11 and 2021-12 decided at 604.80 元, the office's figure corrected to
6200 afterwards, so November's batch held November (found 624.96 元). Then December is found paid (28 %) and
December's batch runs while a caseworker decides November 按重新核算金额 (624.96 元). December computes to 624.96 too
and is held by that batch. Whatever the order: November is paid exactly once, at 624.96 元 — by December's batch
when the decision committed before the batch read its months, else by January's —, it is never held again once
decided, December stays held, and the decision's message, history row and audit entry are written once.
On SQLite (one writer: the second waits whole) and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import held, registers
from kuaiban.programs.models import ClaimEvent
from tests.programs.helpers import BOTH_PAID, build_flex, corrected_after_decision, paid_lines, schedule
from tests.programs.races import finish, second_inside_first

FOUND = 62496  # 6200 × 60 % × 28 % × 60 %
DECIDED = 60480  # 6000 × …


def _held_november(town, *, december: bool = True) -> int:
    claim_id = corrected_after_decision(town)
    november = build_flex(town, "2021-11")
    assert (november["lines"], [h["month"] for h in november["held"]]) == (0, ["2021-11"])
    if december:
        with town.session() as s:  # December's contributions arrive
            registers.put(s, "contributions", "参保缴费记录", town.hunan_number, {"paid": True, "months": BOTH_PAID})
    return claim_id


def _confirm(town, claim_id: int):
    def confirm(s) -> str:
        return held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="found", reason="按更正后的官方数字核定")["amount"]
    return confirm


def _decided_once(town, claim_id: int) -> None:
    with town.session() as s:
        assert s.scalar(select(func.count(AuditEntry.id))
                        .where(AuditEntry.action == "program_payment_amount_confirmed")) == 1
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                ClaimEvent.step == "payment_amount")) == 1
        assert s.scalar(select(func.count(Notification.id)).where(Notification.kind == "program_paid")) == 1


def test_a_decision_arriving_while_the_batch_pays_waits_and_november_goes_to_the_next_batch(town, monkeypatch) -> None:
    """December's batch has held December (the claim locked FOR KEY SHARE, its months written) and written its
    lines when the caseworker decides November: the decision waits for the batch's commit. The batch paid nothing
    (November was held when it read); January's batch pays November once."""
    claim_id = _held_november(town)
    out = second_inside_first(town, monkeypatch, "program_batch_built", _confirm(town, claim_id))
    december = build_flex(town, "2021-12")
    finish(out, monkeypatch)
    assert out["seen"] == "waiting" and out["result"] == "624.96"
    # the batch's report: both months held as it saw them (November decided after)
    assert december["lines"] == 0 and [h["month"] for h in december["held"]] == ["2021-11", "2021-12"]
    assert schedule(town, claim_id) == [("2021-11", FOUND, "due"), ("2021-12", DECIDED, "held")]
    january = build_flex(town, "2022-01")
    assert january["lines"] == 1 and [h["month"] for h in january["held"]] == ["2021-12"]
    assert paid_lines(town) == [("2021-11", FOUND)]
    assert build_flex(town, "2022-02")["lines"] == 0
    _decided_once(town, claim_id)


def test_a_batch_starting_while_the_decision_commits_waits_and_pays_november_once(town, monkeypatch) -> None:
    """The caseworker's decision has locked the claim and made November due, and is about to append its entry,
    when December's batch starts. The batch's settle must write December (held) and so waits for the claim; once
    the decision commits the batch reads November due and pays it, at 624.96 元, and holds December. January's
    batch pays nothing again."""
    claim_id = _held_november(town)
    out = second_inside_first(town, monkeypatch, "program_payment_amount_confirmed",
                              lambda s: build_flex_in(s, "2021-12"))
    with town.session() as s:
        answer = _confirm(town, claim_id)(s)
    finish(out, monkeypatch)
    assert answer == "624.96"
    assert out["seen"] == "waiting"
    assert out["result"] == (1, ["2021-12"])
    assert paid_lines(town) == [("2021-11", FOUND)]
    assert schedule(town, claim_id) == [("2021-11", FOUND, "due"), ("2021-12", DECIDED, "held")]
    assert build_flex(town, "2022-01")["lines"] == 0
    assert paid_lines(town) == [("2021-11", FOUND)]
    _decided_once(town, claim_id)


@pytest.mark.parametrize("decision_first", [True, False])
def test_with_nothing_for_settle_to_write_november_is_still_paid_once(town, monkeypatch, decision_first) -> None:
    """December not paid yet (pending, left as it is): the batch's settle writes nothing, so it never locks the
    claim; the two meet only at the audit log's lock (PostgreSQL) or SQLite's write lock. In either order November
    is paid once at 624.96 元, by December's batch or January's, and December waits."""
    claim_id = _held_november(town, december=False)
    confirm = _confirm(town, claim_id)
    if decision_first:
        out = second_inside_first(town, monkeypatch, "program_payment_amount_confirmed",
                                  lambda s: build_flex_in(s, "2021-12"))
        with town.session() as s:
            assert confirm(s) == "624.96"
        finish(out, monkeypatch)
        lines = out["result"][0]
    else:
        out = second_inside_first(town, monkeypatch, "program_batch_built", confirm)
        lines = build_flex(town, "2021-12")["lines"]
        finish(out, monkeypatch)
        assert out["seen"] == "waiting" and out["result"] == "624.96" and lines == 0
    january = build_flex(town, "2022-01")["lines"]
    assert sorted((lines, january)) == [0, 1]
    assert paid_lines(town) == [("2021-11", FOUND)]
    assert schedule(town, claim_id) == [("2021-11", FOUND, "due"), ("2021-12", DECIDED, "pending")]
    assert build_flex(town, "2022-02")["lines"] == 0
    _decided_once(town, claim_id)


def build_flex_in(s, month: str) -> tuple[int, list[str]]:
    """build_flex in the caller's session: (lines, held months)."""
    from kuaiban.programs import payroll
    from tests.programs.helpers import FLEX

    batch, _ = payroll.build(s, FLEX, "430000", month, actor=None)
    return batch.lines, [h["month"] for h in payroll.held(s, FLEX, "430000", month)]


def test_one_after_the_other_the_same(town) -> None:
    """The controls: decided, then December's batch pays November; or December's batch, then decided, then
    January's pays it."""
    claim_id = _held_november(town)
    with town.session() as s:
        assert _confirm(town, claim_id)(s) == "624.96"
    assert build_flex(town, "2021-12")["lines"] == 1
    assert paid_lines(town) == [("2021-11", FOUND)]
    assert build_flex(town, "2022-01")["lines"] == 0
    _decided_once(town, claim_id)
