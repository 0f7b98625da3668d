"""Payroll rules beyond the single claim: Tianjin's list and funds days on the batch, a month's total past
2^31 fen on both engines, several regions' batches that never pay a month twice, and arrears."""

from __future__ import annotations

from sqlalchemy import func, select

from kuaiban.platform import audit
from kuaiban.programs import payroll
from kuaiban.programs.models import Claim, Entitlement, PaymentLine


def _approved(s, user, program: str, region: str, months: dict[str, int]) -> Claim:
    """An approved claim with its schedule, written as the decision writes it (the amounts are given)."""
    claim = Claim(program=program, applicant_id=user.applicant_id, region=region, month=min(months),
                  status="approved", step=0, facts={}, account="6222000000000001", flags=[], monthly_fen=0,
                  explanation=[], reasons=[], version=1, created_at=audit.now())
    s.add(claim)
    s.flush()
    for month, fen in months.items():
        s.add(Entitlement(claim_id=claim.id, applicant_id=user.applicant_id, program=program, region=region,
                          month=month, amount_fen=fen, status="due"))
    return claim


def test_tianjin_batches_carry_the_list_day_and_the_funds_day(sqlite_town) -> None:
    with sqlite_town.session() as s:
        batch, _ = payroll.build(s, "tj_social_insurance_subsidy_flexible", "120000", "2020-12")
        answer = payroll.batch_dict(batch)
    assert (answer["list_due"], answer["funds_due"]) == ("2020-12-28", "2021-01-15")
    with sqlite_town.session() as s:
        beijing, _ = payroll.build(s, "bj_unemployment_benefit", "110000", "2020-12")
        assert "list_due" not in payroll.batch_dict(beijing)


def test_a_month_past_two_to_the_31_fen_adds_up_exactly(town) -> None:
    big = 1_500_000_000  # 15 million yuan a line (a large enterprise's lump sum, say)
    with town.session() as s:
        _approved(s, town.citizen, "bj_unemployment_benefit", "110105", {"2020-09": big})
        _approved(s, town.other_citizen, "bj_unemployment_benefit", "110105", {"2020-09": big + 1})
    with town.session() as s:
        batch, _ = payroll.build(s, "bj_unemployment_benefit", "110000", "2020-09")
    assert batch.total_fen == 2 * big + 1 > 2**31
    with town.session() as s:
        totals = payroll.totals(s, None)
    assert [(t["lines"], t["total"]) for t in totals] == [(2, (2 * big + 1) / 100)]


def test_overlapping_region_batches_and_later_months_never_pay_a_month_twice(town) -> None:
    with town.session() as s:
        _approved(s, town.citizen, "bj_unemployment_benefit", "110105", {"2020-08": 100, "2020-09": 200})
    with town.session() as s:
        district, _ = payroll.build(s, "bj_unemployment_benefit", "110105", "2020-08")
        city, _ = payroll.build(s, "bj_unemployment_benefit", "110000", "2020-08")
        september, _ = payroll.build(s, "bj_unemployment_benefit", "110000", "2020-09")
        assert (district.lines, city.lines, september.lines) == (1, 0, 1)
        assert s.scalar(select(func.count(PaymentLine.id))) == 2
