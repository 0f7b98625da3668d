"""A total across claims (derived ``earlier_months``): 农民合同制工人一次性生活补助金（山东, 鲁人社函〔2020〕41号 三）,
按累计缴费时间每满1年发1个月, 期限最长不超过24个月. A worker may lose a job more than once: each claim is paid once,
as one sum, and the months earlier claims received come off what the cumulative time and the 24 months allow
(the calculator's ``months`` of each earlier claim, read again from its own facts and official figure)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.programs import claims, definitions, derived, payroll
from kuaiban.programs.definitions import ProgramDataError, parse
from kuaiban.programs.models import Claim, Entitlement
from tests.programs.helpers import new_citizen, new_staff

CODE = "sd_rural_worker_lump_sum"
WAGE = {"local_minimum_wage": 1910}  # a test figure for the 当地最低工资标准 (not printed): 失业保险金 1719 = 90 %
FACTS = {"rural_contract_worker": "是", "contribution_months": "40", "continuous_work_months": "40"}
AUG_3, SEP_7 = dt.datetime(2020, 8, 3, 9), dt.datetime(2020, 9, 7, 9)


def worker(town, username: str):
    return new_citizen(town, username, "370102", name="测试庚", born=dt.date(1985, 3, 1), contributions=True)[0]


def office(town, username: str):
    return new_staff(town, username, "reviewer", "370000", "测试审核")


def claim_and_decide(town, user, reviewer, at: dt.datetime, facts: dict) -> Claim:
    with town.session() as s:
        claim_id = claims.submit(s, user, CODE, facts=facts, account="6222000000000082", at=at).id
    with town.session() as s:
        claim = claims.act(s, reviewer, claim_id, outcome="pass", figures_entered=WAGE, at=at)
        s.expunge(claim)
        return claim


def lines(town, claim_id: int) -> list[tuple[str, int]]:
    with town.session() as s:
        return [(e.month, e.amount_fen) for e in s.scalars(select(Entitlement).where(Entitlement.claim_id == claim_id))]


# ---------------------------------------------------------------- the mechanism


def test_earlier_months_needs_the_calculators_detail_and_its_clause() -> None:
    base = {"code": "x", "name": "某", "regions": ["370000"], "sources": [], "calculator": "c",
            "claim": {"type": "form"}, "steps": [{"code": "r", "name": "审核", "role": "reviewer"}],
            "schedule": {"months": 1}, "payment": {"to": "账户"}}
    for rule in ({"name": "n", "label": "某", "kind": "earlier_months", "source": "sd_rural_lump_sum_amount"},
                 {"name": "n", "label": "某", "kind": "earlier_months", "detail": "months"}):
        with pytest.raises(ProgramDataError, match="earlier_months"):
            parse(base | {"derived": [rule]}, "programs/x.yaml")
    program = definitions.get(CODE)
    assert derived.caps_over_earlier(program)  # read under the applicant's lock (places.lock_applicant)
    assert [d["kind"] for d in definitions.describe(program)["derived"]] == ["earlier_months"]


# ---------------------------------------------------------------- 一次性生活补助金（山东）


def test_a_first_claim_waits_for_the_figure_then_is_decided_and_paid_once(sqlite_town) -> None:
    town = sqlite_town
    person, reviewer = worker(town, "sd-rl-a"), office(town, "sd-rl-rev")
    with town.session() as s:
        waiting = claims.submit(s, person, CODE, facts=FACTS, account="6222000000000082", at=AUG_3)
        assert (waiting.status, waiting.monthly_fen, waiting.facts["earlier_lump_sum_months"]) == ("reviewing", None, 0)
        claim_id = waiting.id
    with town.session() as s:
        done = claims.act(s, reviewer, claim_id, outcome="pass", figures_entered=WAGE, at=AUG_3 + dt.timedelta(days=2))
        assert done.status == "approved" and done.monthly_fen == 515700  # 1719 元 × 3 个月 (40 个月缴费)
    assert lines(town, claim_id) == [("2020-08", 515700)]
    with town.session() as s:
        august, _ = payroll.build(s, CODE, "370000", "2020-08", actor=reviewer)
        september, _ = payroll.build(s, CODE, "370000", "2020-09", actor=reviewer)
    assert (august.lines, august.total_fen, september.lines) == (1, 515700, 0)


def test_a_later_separation_gets_only_the_months_not_received_before(sqlite_town) -> None:
    town = sqlite_town
    person, reviewer = worker(town, "sd-rl-b"), office(town, "sd-rl-rev2")
    first = claim_and_decide(town, person, reviewer, AUG_3, FACTS)
    assert first.monthly_fen == 515700
    # a year later, another job of 12 months ends: 52 months in all → 4 months, 3 received → 1
    later = claim_and_decide(town, person, reviewer, dt.datetime(2021, 9, 6, 9),
                             FACTS | {"contribution_months": "52", "continuous_work_months": "12"})
    assert (later.status, later.monthly_fen, later.facts["earlier_lump_sum_months"]) == ("approved", 171900, 3)
    assert any("此前已领取一次性生活补助金3个月，本次1个月" in step["text"] for step in later.explanation)
    assert lines(town, later.id) == [("2021-09", 171900)]


def test_refused_when_no_month_is_left_the_same_time_again_or_the_24_months_used(sqlite_town) -> None:
    town = sqlite_town
    reviewer = office(town, "sd-rl-rev3")
    person = worker(town, "sd-rl-c")
    claim_and_decide(town, person, reviewer, AUG_3, FACTS)
    again = claim_and_decide(town, person, reviewer, SEP_7, FACTS)  # the same 40 months claimed again
    assert again.status == "refused"
    assert "此前已领取一次性生活补助金3个月" in again.reasons[0] and "不再发放" in again.reasons[0]
    long = worker(town, "sd-rl-d")  # 30 years: 24 months, the whole period, in one claim
    assert claim_and_decide(town, long, reviewer, AUG_3, FACTS | {"contribution_months": "360"}).monthly_fen \
        == 1719 * 24 * 100
    after = claim_and_decide(town, long, reviewer, dt.datetime(2022, 3, 7, 9), FACTS | {"contribution_months": "400"})
    assert after.status == "refused" and "24个月" in after.reasons[0]


def test_an_earlier_claim_still_waiting_flags_the_new_one_and_counts_once_decided(sqlite_town) -> None:
    town = sqlite_town
    person = worker(town, "sd-rl-e")
    with town.session() as s:
        first = claims.submit(s, person, CODE, facts=FACTS, account="6222000000000082", at=AUG_3).id
    with town.session() as s:
        second = claims.submit(s, person, CODE, facts=FACTS | {"contribution_months": "52"}, account="6222000000000082",
                               at=SEP_7)
        assert second.status == "reviewing"
        assert any(f"申领编号 {first}" in flag and "请人工核查" in flag for flag in second.flags)
        second_id = second.id
    reviewer = office(town, "sd-rl-rev5")
    with town.session() as s:  # the first is decided: 3 months
        assert claims.act(s, reviewer, first, outcome="pass", figures_entered=WAGE, at=SEP_7).monthly_fen == 515700
    with town.session() as s:  # the second, computed now, counts them: 4 − 3 = 1 month, and its flag is gone
        later = claims.act(s, reviewer, second_id, outcome="pass", figures_entered=WAGE, at=SEP_7)
        assert (later.status, later.monthly_fen, later.facts["earlier_lump_sum_months"]) == ("approved", 171900, 3)
        assert not any("请人工核查" in flag for flag in later.flags)
