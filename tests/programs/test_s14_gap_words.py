"""A month no printed rule covers reaches the claimant as 申领月份 in plain words, told apart from bad input by the
calculator's error itself (``CalculatorError.is_gap``), not by matching its wording."""

from __future__ import annotations

import pytest

from kuaiban.platform.errors import Invalid
from kuaiban.programs import definitions, eligibility
from kuaiban.rules.calculators import CalculatorError, get


def test_a_gap_is_marked_on_the_error_and_bad_input_is_not():
    calc = get("unemployment_benefit")
    with pytest.raises(CalculatorError) as gap:
        calc.run({"region": "湖南", "month": "2026-11", "local_minimum_wage": 1700})
    with pytest.raises(CalculatorError) as bad:
        calc.run({"region": "湖南", "month": "2026-13", "local_minimum_wage": 1700})
    assert gap.value.is_gap and not bad.value.is_gap


def test_the_claimant_reads_the_gap_as_the_month_of_the_form():
    program = definitions.get("hn_social_insurance_subsidy_flexible")
    facts = {"si_group": "就业困难人员", "si_first_approval_date": "2026-08-01", "si_months_received": 0,
             "sex": "女", "birth_date": "1980-01-01", "si_personal_paid": 600, "si_rate": 0.27,
             "si_average_wage": 6000}
    with pytest.raises(Invalid) as refused:
        eligibility.compute(program, region="430102", month="2026-11", nth=1, facts=facts)
    assert refused.value.field == "month"
    assert refused.value.message == "申领月份：现行政策没有规定这个月份的补贴标准，本系统无法计算"


def test_the_claimant_cannot_object_to_their_own_claim(sqlite_town):
    """UX re-walk s14 N12: 公示 objections are for others; the claimant is told to contact the office instead."""
    from kuaiban.platform.errors import Forbidden
    from kuaiban.programs import claims
    from tests.programs.test_s14_public_publicity import MARCH_2, in_publicity

    claim = in_publicity(sqlite_town)
    with sqlite_town.session() as s, pytest.raises(Forbidden) as refused:
        claims.object_to(s, sqlite_town.hunan_citizen, claim.id, "金额有误", at=MARCH_2)
    assert "不能对本人的申领提出异议" in refused.value.message
