"""The two new rules at the same moment, on both backends: two claims of one school in one year made together
(different months: a monthly place would let both through, the year's place lets one), and two 一次性生活补助金
claims of one worker made together (the second reads the first under the applicant's lock and is flagged for
the months it cannot count yet, never passed as if the first did not exist)."""

from __future__ import annotations

import datetime as dt

from kuaiban.platform import auth
from kuaiban.programs import claims, registers
from kuaiban.unemployment.idnumber import compose
from tests.programs.conftest import PASSWORD
from tests.programs.test_s14_trust import _passed, at_once

CAMPUS = {"school_tier": "二本高校", "graduates": "3000", "large_fairs": "2", "small_fairs": "1", "plan_imported": "是"}
LUMP = {"rural_contract_worker": "是", "contribution_months": "40", "continuous_work_months": "40"}


def test_one_school_two_claims_in_one_year_at_once_one_passes(town, monkeypatch) -> None:
    def claim_on(day: dt.datetime):
        return lambda s: claims.submit(s, town.enterprise, "hn_campus_recruitment_subsidy", facts=CAMPUS,
                                       account="6222000000000058", at=day)

    results = at_once(town, monkeypatch, claim_on(dt.datetime(2021, 6, 1, 9)), claim_on(dt.datetime(2021, 9, 1, 9)))
    [winner] = _passed(results)
    [loser] = [r for r in results if isinstance(r, str)]
    assert "每年只能申领一次" in loser and f"申领编号 {winner[0]}" in loser


def test_one_worker_two_lump_sum_claims_at_once_the_second_sees_the_first(town, monkeypatch) -> None:
    number = compose("370102", dt.date(1985, 3, 1), 777)  # synthetic: no real person
    with town.session() as s:
        person = auth.create_applicant(s, "citizen", "测试辛", id_number=number, region="370102")
        worker = auth.create_user(s, "sd-rl-once", PASSWORD, "applicant", applicant=person, region="370102")
        registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True})

    def claim_on(day: dt.datetime):
        return lambda s: claims.submit(s, worker, "sd_rural_worker_lump_sum", facts=LUMP,
                                       account="6222000000000082", at=day)

    results = at_once(town, monkeypatch, claim_on(dt.datetime(2020, 8, 3, 9)), claim_on(dt.datetime(2020, 9, 7, 9)),
                      locked=True)
    assert all(isinstance(r, tuple) and r[1] == "reviewing" for r in results), results
    first, second = sorted(r[0] for r in results)
    with town.session() as s:
        later = s.get(claims.Claim, second)
        assert any(f"申领编号 {first}" in flag for flag in later.flags), later.flags
