"""Keeping the decision of a held month still pays the rate actually paid (s16 payroll2).

湘人社规〔2020〕22号 第七条（二）: "社会保险费缴费基数按上年度我省全口径社会平均工资的60%执行，费率按实际缴纳社会保险的费率执行".
The decision of 2021-11 reads the office's 2021 average wage 6000 (a test figure) and the form's rate 28 %:
6000 × 60 % × 28 % × 60 % = 604.80 元. The office corrects the figure to 6200 after the decision, and the register
shows November paid at 26 %: the month is held (decided 604.80, found 6200 × 60 % × 26 % × 60 % = 580.32). A
caseworker keeps the decision (按原决定金额发放): the decision's figure (6000) with the rate actually paid —
6000 × 60 % × 26 % × 60 % = 561.60 元, what the month is paid when no figure was corrected at all — not the
form's 604.80. The figures each decided month read are kept on the claim at approval; a month decided before
they were kept is paid at its decided amount, as before. SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from kuaiban.platform.models import AuditEntry
from kuaiban.programs import claims, figures, held
from kuaiban.programs.models import Claim, ClaimEvent
from tests.programs.helpers import DECIDED, build_flex, corrected_after_decision, paid_lines, schedule

AT_RATE_PAID = 56160  # 6000 × 60 % × 26 % × 60 %
NOVEMBER_AT_26 = {"2021-11": {"paid": True, "rate": 0.26}}


def test_the_decision_keeps_the_figures_it_read_out_of_sight(town) -> None:
    claim_id = corrected_after_decision(town)
    with town.session() as s:
        claim = s.get(Claim, claim_id)
        assert claim.facts[figures.DECIDED] == {"2021-11": {"si_average_wage": 6000},
                                                "2021-12": {"si_average_wage": 6000}}
        assert figures.DECIDED not in claims.claim_dict(s, claim, staff=True)["facts"]


def test_keeping_the_decision_pays_its_figure_at_the_rate_actually_paid_and_says_so(town) -> None:
    claim_id = corrected_after_decision(town, months=NOVEMBER_AT_26)
    november = build_flex(town, "2021-11")
    assert [(h["decided"], h["found"]) for h in november["held"]] == [("604.80", "580.32")]
    with town.session() as s:  # staff read, on the hold, what keeping the decision pays
        internal = s.scalar(select(ClaimEvent.internal_note).where(ClaimEvent.claim_id == claim_id,
                                                                   ClaimEvent.outcome == "held"))
        assert "审核决定 604.80 元" in internal and "当月实际缴纳的费率核算为 561.60 元" in internal
        # and on the claim (its page's 待核定的发放金额 form names what keeping the decision pays)
        assert claims.claim_dict(s, s.get(Claim, claim_id), staff=True)["held_payments"] == [
            {"month": "2021-11", "decided": "604.80", "found": "580.32", "kept": "561.60"}]
        answer = held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided",
                              reason="以原决定的数字为准")
    assert answer == {"claim": claim_id, "month": "2021-11", "choice": "decided", "amount": "561.60",
                      "decided": "604.80", "found": "580.32"}
    assert schedule(town, claim_id)[0] == ("2021-11", AT_RATE_PAID, "due")
    build_flex(town, "2021-12")
    build_flex(town, "2022-01")
    assert paid_lines(town) == [("2021-11", AT_RATE_PAID)]  # once, at the rate actually paid
    with town.session() as s:
        note = s.scalar(select(ClaimEvent.note).where(ClaimEvent.step == "payment_amount"))
        assert note == ("2021-11 按原审核决定发放：按审核决定所用的官方数字、当月实际缴纳的费率核算为 561.60 元"
                        "（审核决定 604.80 元）：以原决定的数字为准")
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "program_payment_amount_confirmed"))
        assert (entry.detail["amount_fen"], entry.detail["decided_fen"]) == (AT_RATE_PAID, DECIDED)


def test_a_month_decided_before_the_figures_were_kept_is_paid_at_its_decided_amount(town) -> None:
    """A claim approved before s16 payroll2 has no figures of its decision: keeping it pays the decided amount,
    as before (the form's rate) — the only amount known to have been decided."""
    claim_id = corrected_after_decision(town, months=NOVEMBER_AT_26)
    with town.session() as s:
        claim = s.get(Claim, claim_id)
        claim.facts = {k: v for k, v in claim.facts.items() if k != figures.DECIDED}
    build_flex(town, "2021-11")
    with town.session() as s:
        internal = s.scalar(select(ClaimEvent.internal_note).where(ClaimEvent.outcome == "held"))
        assert "实际缴纳的费率核算为" not in internal
        answer = held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="以原决定为准")
    assert answer["amount"] == "604.80"
    build_flex(town, "2021-12")
    assert paid_lines(town) == [("2021-11", DECIDED)]
    with town.session() as s:
        assert s.scalar(select(ClaimEvent.note).where(ClaimEvent.step == "payment_amount")) == \
            "2021-11 按原审核决定金额 604.80 元发放：以原决定为准"


def test_a_month_decided_again_forgets_the_old_decisions_figures(town) -> None:
    """按重新核算金额发放 is a new decision of the month: 580.32 paid, and the claim no longer keeps the old decision's
    figure for that month (kept again later, the month would be paid at the new decision's amount)."""
    claim_id = corrected_after_decision(town, months=NOVEMBER_AT_26)
    build_flex(town, "2021-11")
    with town.session() as s:
        held.confirm(s, town.hunan_supervisor, claim_id, "2021-11", choice="found", reason="按更正后的数字")
    with town.session() as s:
        assert s.get(Claim, claim_id).facts[figures.DECIDED] == {"2021-12": {"si_average_wage": 6000}}
    build_flex(town, "2021-12")
    assert paid_lines(town) == [("2021-11", 58032)]
