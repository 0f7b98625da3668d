"""A 恢复发放 (claims.resume) and a 停发 of the same suspended claim at the same moment: the stop stands (s19).

claims.resume read the claim without a lock, then wrote its suspended months ``due`` and the claim ``approved``.
A stop committing between that read and resume's write (claims.stop locks the claim ``FOR UPDATE``; its months
``due``/``pending``/``held``, not the suspended ones) was overwritten on PostgreSQL: resume's UPDATE of the claim
waited for the stop, then wrote ``approved`` over ``stopped``, and the suspended months after the stop became due —
paid by the next batch although stopped. Resume now locks the claim first, as every writer of a claim and its
months does (the claim, then its months, then the audit log): it waits for the stop and is refused (这件申领未暂停).

No program in data/programs has a 暂停 rule today, so this is 北京 失业补助金 with the test-only suspend rule of
test_s16_hold_suspension (测试数据). Interleaved with the harness of test_s17_payroll_build_recheck_locks. On SQLite
and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from kuaiban.platform.errors import Conflict
from kuaiban.programs import claims
from kuaiban.programs.models import Claim, Entitlement
from tests.programs.conftest import AUG_3
from tests.programs.races import second_inside_first
from tests.programs.test_s16_hold_suspension import with_a_suspend_rule  # noqa: F401 (the fixture)
from tests.programs.test_unemployment_subsidy_beijing import _registers, submit


def _suspended_claim(town) -> int:
    """北京 失业补助金 of 2020-08 … 2021-01, suspended (test rule) from October."""
    _registers(town, town.citizen_number)
    claim = submit(town)
    assert claim.status == "approved"
    with town.session() as s:
        assert claims.stop(s, town.reviewer, claim.id, rule="test_suspend", month="2020-09", at=AUG_3).status \
            == "suspended"
    return claim.id


def _state(town, claim_id: int) -> tuple[str, dict[str, str]]:
    with town.session() as s:
        return s.get(Claim, claim_id).status, dict(s.execute(select(Entitlement.month, Entitlement.status).where(
            Entitlement.claim_id == claim_id)).all())


def test_a_resume_while_a_stop_commits_waits_and_is_refused(town, with_a_suspend_rule, monkeypatch) -> None:  # noqa: F811
    claim_id = _suspended_claim(town)
    out = second_inside_first(town, monkeypatch, "program_claim_stopped",
                               lambda s: claims.resume(s, town.supervisor, claim_id, at=AUG_3).status)
    with town.session() as s:
        assert claims.stop(s, town.reviewer, claim_id, rule="reemployed", month="2020-09", at=AUG_3).status == "stopped"
    out["thread"].join(timeout=60)
    monkeypatch.undo()
    assert not out["thread"].is_alive()
    assert out["seen"] == "waiting"
    # before s19 (PostgreSQL): no error, the claim approved again and its months from October due
    assert isinstance(out.get("error"), Conflict), out
    status, months = _state(town, claim_id)
    assert status == "stopped"
    assert [m for m, st in sorted(months.items()) if st == "due"] == ["2020-08", "2020-09"], months


def test_a_resume_after_the_stop_is_refused_and_one_before_it_is_stopped_after(town, with_a_suspend_rule) -> None:  # noqa: F811
    """The controls, in turn: resumed then stopped; a second claim stopped then resumed (refused)."""
    claim_id = _suspended_claim(town)
    with town.session() as s:
        assert claims.resume(s, town.supervisor, claim_id, at=AUG_3).status == "approved"
    with town.session() as s:
        assert claims.stop(s, town.reviewer, claim_id, rule="reemployed", month="2020-09", at=AUG_3).status == "stopped"
    status, months = _state(town, claim_id)
    assert status == "stopped" and [m for m, st in sorted(months.items()) if st == "due"] == ["2020-08", "2020-09"]
