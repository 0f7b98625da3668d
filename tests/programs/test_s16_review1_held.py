"""Review of the held payments (s16): a month held a second time after a caseworker kept its amount once, then
suspended and resumed, is held again — the earlier decision was of another difference, not of this one. And
keeping the decision of a month whose contributions were paid at another rate pays the rate actually paid
(湘人社规〔2020〕22号 第七条（二）; a strict xfail of the review, fixed by s16 payroll2), not the form's."""

from __future__ import annotations

from sqlalchemy import select

from kuaiban.programs import claims, definitions, figures, held
from kuaiban.programs.models import ClaimEvent
from tests.programs.helpers import (
    BOTH_PAID,
    DECIDED,
    FLEX,
    build_flex,
    corrected_after_decision,
    paid_lines,
    schedule,
    suspend_as_a_stop_would,
)


def test_a_month_held_again_after_its_amount_was_kept_is_held_again_after_a_resume(town) -> None:
    claim_id = corrected_after_decision(town, months=BOTH_PAID)
    build_flex(town, "2021-12")  # both months held at 624.96 (the figure corrected to 6200)
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="以原决定为准")
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-12", choice="decided", reason="以原决定为准")
    with town.session() as s:  # corrected once more, before a batch paid the months: 6300 × 60 % × 28 % × 60 %
        figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", 6300, replace=True,
                      actor=town.hunan_reviewer2)
    first = build_flex(town, "2022-01")
    assert [(h["month"], h["found"]) for h in first["held"]] == [("2021-11", "635.04"), ("2021-12", "635.04")]
    assert paid_lines(town) == []
    suspend_as_a_stop_would(town, claim_id)
    with town.session() as s:
        claims.resume(s, town.hunan_reviewer, claim_id)
    # the second difference was never decided: held again, not paid at any amount by the next batch
    assert [status for _, _, status in schedule(town, claim_id)] == ["held", "held"]
    build_flex(town, "2022-02")
    assert paid_lines(town) == []
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="仍以原决定为准")
    build_flex(town, "2022-03")
    assert paid_lines(town) == [("2021-11", DECIDED)]
    with town.session() as s:
        assert len(s.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id,
                                                      ClaimEvent.step == "payment_amount")).all()) == 3


def test_keeping_the_decision_of_a_month_paid_at_another_rate_pays_the_rate_actually_paid(town) -> None:
    """湘人社规〔2020〕22号 第七条（二）: 费率按实际缴纳社会保险的费率执行. November paid at 26 % (the form: 28 %) and the
    office's figure corrected 6000 → 6200 after the decision: held (604.80 decided, 580.32 found). The caseworker
    keeps the decision's figure: the month is still paid at the rate actually paid, 6000 × 60 % × 26 % × 60 % =
    561.60 元 — what it is paid when no figure is corrected (the adjusted case) — not the form's 604.80."""
    claim_id = corrected_after_decision(town, months={"2021-11": {"paid": True, "rate": 0.26}})
    assert [h["found"] for h in build_flex(town, "2021-11")["held"]] == ["580.32"]
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-11", choice="decided", reason="以原决定的数字为准")
    build_flex(town, "2021-12")
    assert paid_lines(town) == [("2021-11", 56160)]
