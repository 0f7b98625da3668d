"""一次性留渝见习生活费补贴 in 重庆 (渝人社办〔2021〕23号 二): the 见习基地 applies in March or April 2021; review, 5 working
days of 公示, one payment of 300 元 a trainee."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims, payroll
from tests.programs.test_s15_festival_staffing_chongqing import MARCH_15, enterprise, staff

CODE = "cq_festival_trainee_subsidy"
FACTS = {"trainees": "3", "red_packet": "300"}


def test_review_notice_decision_and_one_payment(sqlite_town) -> None:
    town = sqlite_town
    base, office = enterprise(town, "cq-base"), staff(town, "cq-rev", "reviewer")
    with town.session() as s:
        claim = claims.submit(s, base, CODE, facts=FACTS, account="50001234567893", at=MARCH_15)
        claim_id = claim.id
        assert (claim.status, claim.monthly_fen) == ("reviewing", 90000)  # 3 人 × 300 元
    with town.session() as s:
        assert claims.act(s, office, claim_id, outcome="pass", at=MARCH_15).publicity_until == dt.date(2021, 3, 22)
    with town.session() as s:
        assert claims.close_publicity(s, office, claim_id, at=dt.datetime(2021, 3, 23, 9)).status == "approved"
        march, _ = payroll.build(s, CODE, "500000", "2021-03", actor=office)
    assert (march.lines, march.total_fen) == (1, 90000)


def test_once_per_base_and_only_in_march_and_april_2021(sqlite_town) -> None:
    town = sqlite_town
    base = enterprise(town, "cq-base-once")
    with town.session() as s:
        claims.submit(s, base, CODE, facts=FACTS, account="50001234567893", at=MARCH_15)
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):
        claims.submit(s, base, CODE, facts=FACTS, account="50001234567893", at=dt.datetime(2021, 4, 6, 9))
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):
        claims.submit(s, enterprise(town, "cq-base-late"), CODE, facts=FACTS, account="50001234567894",
                      at=dt.datetime(2021, 5, 6, 9))
