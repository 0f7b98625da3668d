"""一次性留工补贴 in 重庆 (渝人社办〔2021〕23号 一): the enterprise applies between 1 March and 30 April 2021 with the
申报表 and the 红包发放名册; the office reviews, publishes for 5 working days, and pays the enterprise once."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims
from kuaiban.rules.calculators import get
from tests.programs.helpers import decide_after_publicity, entitlement_rows, new_firm, new_staff, paid_once

CODE = "cq_festival_staffing_subsidy"
MARCH_15 = dt.datetime(2021, 3, 15, 9, 0)  # a Monday
FACTS = {"staff": "20", "red_packet": "500"}


def enterprise(town, username: str):
    return new_firm(town, username, "500103")


def staff(town, username: str, role: str):
    return new_staff(town, username, role, "500000")


def test_review_five_working_days_of_notice_then_the_enterprise_is_paid_once(sqlite_town) -> None:
    town = sqlite_town
    firm, office, supervisor = enterprise(town, "cq-a"), staff(town, "cq-rev", "reviewer"), staff(town, "cq-sup", "supervisor")
    with town.session() as s:
        claim = claims.submit(s, firm, CODE, facts=FACTS, account="50001234567890", at=MARCH_15)
        claim_id = claim.id
        assert claim.status == "reviewing" and claim.month == "2021-03"
    expected = get("festival_staffing_subsidy").run({"enterprise_region": "500103", "application_date": "2021-03-15",
                                                     "festival_staff": 20, "festival_red_packet": 500})["value"]
    assert claim.monthly_fen == round(expected * 100) == 600000  # 20 人 × 300 元
    with town.session() as s:
        noticed = claims.act(s, office, claim_id, outcome="pass", at=MARCH_15)
        # 公示期为5个工作日: Tuesday 16 … Monday 22 March
        assert noticed.status == "publicity" and noticed.publicity_until == dt.date(2021, 3, 22)
    assert decide_after_publicity(town, office, claim_id, too_early=dt.datetime(2021, 3, 22, 17),
                                  after=dt.datetime(2021, 3, 23, 9)) == "approved"
    assert entitlement_rows(town, claim_id) == [("2021-03", 600000)]
    assert paid_once(town, CODE, "500000", "2021-03", supervisor) == (1, 600000, 0)  # March, then April: none


def test_the_cap_of_300000_yuan_per_enterprise(sqlite_town) -> None:
    town = sqlite_town
    with town.session() as s:
        claim = claims.submit(s, enterprise(town, "cq-big"), CODE, facts={"staff": "1200", "red_packet": "300"},
                              account="50001234567891", at=MARCH_15)
    assert claim.monthly_fen == 30000000  # 每户企业最高30万元


def test_once_per_enterprise_only_from_march_to_april_and_only_with_a_red_packet_of_300(sqlite_town) -> None:
    town = sqlite_town
    firm = enterprise(town, "cq-once")
    with town.session() as s:
        claims.submit(s, firm, CODE, facts=FACTS, account="50001234567890", at=MARCH_15)
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):
        claims.submit(s, firm, CODE, facts=FACTS | {"staff": "5"}, account="50001234567890",
                      at=dt.datetime(2021, 4, 6, 9))
    late = enterprise(town, "cq-late")
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):  # 2021年3月1日至4月30日
        claims.submit(s, late, CODE, facts=FACTS, account="50001234567892", at=dt.datetime(2021, 5, 6, 9))
    with town.session() as s, pytest.raises(Invalid, match="尚未开始"):
        claims.submit(s, late, CODE, facts=FACTS, account="50001234567892", at=dt.datetime(2021, 2, 26, 9))
    with town.session() as s:  # 发放不低于300元的“留岗红包”
        small = claims.submit(s, late, CODE, facts=FACTS | {"red_packet": "200"}, account="50001234567892",
                              at=MARCH_15)
        assert small.status == "refused" and any("留岗红包" in r for r in small.reasons)
