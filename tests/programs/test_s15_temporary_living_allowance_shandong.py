"""临时生活补助 in 山东 (鲁人社函〔2020〕41号 四、五、六): a 失业农民合同制工人 claims online; the office cross-checks,
enters the 城市低保标准 (not printed in the texts) and the months its 统筹地区 set (最长3个月), and pays monthly
from the month of the claim. Once only; no claim outside 2020-07 … 2020-12."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims, payroll, registers
from kuaiban.programs.models import Entitlement
from tests.programs.conftest import AUG_3
from tests.programs.helpers import new_citizen, new_staff

CODE = "sd_temporary_living_allowance"
FACTS = {"rural_contract_worker": "是", "contribution_months": "8", "last_contribution_date": "2020-06-30"}
LOW_INCOME_STANDARD = 700  # a test figure for the 参保地城市低保标准, which the compilations do not print


def worker(town, username: str):
    """A worker of 济南市历下区 (synthetic number, born 1990: not the town's numbers), found not contributing now."""
    user, _ = new_citizen(town, username, "370102", name="测试己", born=dt.date(1990, 1, 1), contributions=True)
    with town.session() as s:
        registers.declare(s, "benefits", "失业保险待遇信息")
    return user


def reviewer(town, username: str = "sd-rev"):
    return new_staff(town, username, "reviewer", "370000", "测试审核")


def test_the_office_enters_the_local_standard_and_the_months_and_the_allowance_is_paid_monthly(sqlite_town) -> None:
    town = sqlite_town
    person, office = worker(town, "sd-tla"), reviewer(town)
    with town.session() as s:
        claim = claims.submit(s, person, CODE, facts=FACTS, account="6222000000000066", at=AUG_3)
        claim_id = claim.id
        # the standard is the office's figure: the claim waits for it, no amount is invented
        assert claim.status == "reviewing" and claim.monthly_fen is None and claim.flags
    with town.session() as s, pytest.raises(Invalid, match="领取月数"):  # 具体期限由各统筹地区确定
        claims.act(s, office, claim_id, outcome="pass", figures_entered={"local_subsistence_allowance": 700}, at=AUG_3)
    with town.session() as s:
        done = claims.act(s, office, claim_id, outcome="pass", months=3,
                          figures_entered={"local_subsistence_allowance": LOW_INCOME_STANDARD}, at=AUG_3)
        assert done.status == "approved"
        rows = [(e.month, e.amount_fen) for e in s.scalars(
            select(Entitlement).where(Entitlement.claim_id == claim_id).order_by(Entitlement.month))]
    assert rows == [("2020-08", 70000), ("2020-09", 70000), ("2020-10", 70000)]
    with town.session() as s:
        august, _ = payroll.build(s, CODE, "370000", "2020-08", actor=office)
        september, _ = payroll.build(s, CODE, "370000", "2020-09", actor=office)
    assert (august.lines, august.total_fen, september.lines, september.total_fen) == (1, 70000, 1, 70000)


def test_once_only_and_only_within_the_2020_window(sqlite_town) -> None:
    town = sqlite_town
    person = worker(town, "sd-tla-once")
    with town.session() as s:
        claims.submit(s, person, CODE, facts=FACTS, account="6222000000000066", at=AUG_3)
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):  # 只能申领享受一次
        claims.submit(s, person, CODE, facts=FACTS, account="6222000000000066", at=AUG_3 + dt.timedelta(days=40))
    late = worker(town, "sd-tla-late")
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):  # 执行时间为2020年5月至12月
        claims.submit(s, late, CODE, facts=FACTS, account="6222000000000074", at=dt.datetime(2021, 1, 4, 9))
    with town.session() as s, pytest.raises(Invalid, match="尚未开始"):  # 7月15日前实施
        claims.submit(s, late, CODE, facts=FACTS, account="6222000000000074", at=dt.datetime(2020, 6, 1, 9))


def test_a_worker_insured_a_full_year_is_refused_once_the_standard_is_entered(sqlite_town) -> None:
    """累计参保缴费不满1年 (四（一）): 14 months are refused with the calculator's reason."""
    town = sqlite_town
    person, office = worker(town, "sd-tla-year"), reviewer(town)
    with town.session() as s:
        claim = claims.submit(s, person, CODE, facts=FACTS | {"contribution_months": "14"},
                              account="6222000000000082", at=AUG_3)
    with town.session() as s:
        done = claims.act(s, office, claim.id, outcome="pass", months=3,
                          figures_entered={"local_subsistence_allowance": LOW_INCOME_STANDARD}, at=AUG_3)
        assert done.status == "refused" and any("不满12个月" in r or "已满12个月" in r for r in done.reasons)


def test_one_or_the_other_with_the_unemployment_subsidy_whichever_is_claimed_first(sqlite_town) -> None:
    """临时生活补助…不与失业补助金等其他失业保险待遇同时享受 (鲁人社字〔2020〕78号 二): read as 北京's programs read it,
    one or the other, each way (sd_unemployment_subsidy and its 补发 now name this program too)."""
    town = sqlite_town
    first_allowance, first_subsidy = worker(town, "sd-tla-first"), worker(town, "sd-us-first")
    with town.session() as s:
        claims.submit(s, first_allowance, CODE, facts=FACTS, account="6222000000000090", at=AUG_3)
        claims.submit(s, first_subsidy, "sd_unemployment_subsidy", facts={"contribution_months": "6"},
                      account="6222000000000108", at=AUG_3)
    with town.session() as s, pytest.raises(Conflict, match="不能同时享受"):
        claims.submit(s, first_allowance, "sd_unemployment_subsidy", facts={"contribution_months": "6"},
                      account="6222000000000090", at=AUG_3 + dt.timedelta(days=31))
    with town.session() as s, pytest.raises(Conflict, match="不能同时享受"):
        claims.submit(s, first_subsidy, CODE, facts=FACTS, account="6222000000000108", at=AUG_3 + dt.timedelta(days=31))
