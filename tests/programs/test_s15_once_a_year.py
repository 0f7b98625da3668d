"""Once a year (``schedule.once_per: {period: year}``): 湘人社规〔2020〕14号 二 “按年进行补助…每年确定1次”. A school
claims 校园招聘活动补助 once in a calendar year, with all that year's fairs; the next year it claims again. The
place a claim takes is the year (``year:<program>:<YYYY>:<applicant>``), so that two claims made at once in one
year cannot both pass; a refused claim gives its year back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims, definitions, payroll, places
from kuaiban.programs.definitions import ProgramDataError, parse
from kuaiban.programs.models import ClaimPlace, Entitlement
from kuaiban.rules.calculators import get

CAMPUS = "hn_campus_recruitment_subsidy"
JUNE_1 = dt.datetime(2021, 6, 1, 9, 0)  # a Tuesday
FACTS = {"school_tier": "二本高校", "graduates": "3000", "large_fairs": "2", "small_fairs": "1", "plan_imported": "是"}
ACCOUNT = "6222000000000058"


def _claim(town, at: dt.datetime, facts: dict | None = None):
    with town.session() as s:
        claim = claims.submit(s, town.enterprise, CAMPUS, facts=facts or FACTS, account=ACCOUNT, at=at)
        return claim.id, claim.status, claim.monthly_fen, claim.month


# ---------------------------------------------------------------- the mechanism


def test_a_yearly_program_takes_the_year_as_its_place_and_reads_the_whole_year() -> None:
    program = definitions.get(CAMPUS)
    assert program.once_per_year and not program.once_only
    assert places.applicant_places(program, 7, "2021-06") == [f"year:{CAMPUS}:2021:7"]
    assert places.applicant_places(program, 7, "2021-10") == places.applicant_places(program, 7, "2021-06")
    assert places.applicant_places(program, 7, "2022-01") != places.applicant_places(program, 7, "2021-06")
    monthly = definitions.get("sd_work_for_training_subsidy")
    assert places.applicant_places(monthly, 7, "2021-06") == ["month:sd_work_for_training_subsidy:2021-06:7"]
    assert definitions.describe(program)["schedule"]["once_per"] == {"period": "year", "source": "hn14_yearly"}
    assert program.once_text == "每年只能申领一次"


def test_once_per_needs_the_year_and_its_clause_and_is_not_once_only() -> None:
    base = {"code": "x", "name": "某", "regions": ["430000"], "sources": [], "calculator": "c",
            "claim": {"type": "form"}, "steps": [{"code": "r", "name": "审核", "role": "reviewer"}],
            "payment": {"to": "账户"}}
    for once_per, once_only in (({"period": "month", "source": "hn14_yearly"}, False),
                                ({"period": "year"}, False), ({"period": "year", "source": "hn14_yearly"}, True)):
        with pytest.raises(ProgramDataError, match="once_per"):
            parse(base | {"schedule": {"months": 1, "once_per": once_per, "once_only": once_only}}, "programs/x.yaml")
    assert parse(base | {"schedule": {"months": 1, "once_per": {"period": "year", "source": "hn14_yearly"}}},
                 "programs/x.yaml").once_per_year


# ---------------------------------------------------------------- 校园招聘活动补助（湖南）


def test_a_school_claims_the_year_then_review_rank_confirmation_seven_days_of_notice_and_payment(sqlite_town) -> None:
    town = sqlite_town
    claim_id, status, fen, month = _claim(town, JUNE_1)
    expected = get("campus_recruitment_subsidy").run({
        "enterprise_region": "430104", "application_date": "2021-06-01", "campus_school_tier": "二本高校",
        "campus_graduates": 3000, "campus_large_fairs": 2, "campus_small_fairs": 1, "campus_plan_imported": True})
    # 2 大型 × 3万 + 1 中小型 × 1万 + 3000 人 × 15 元 (二（一）（二）)
    assert (status, month, fen) == ("reviewing", "2021-06", round(expected["value"] * 100)) == \
        ("reviewing", "2021-06", 11500000)
    with town.session() as s:  # 市州审核: the 综合评分排名 is the province's figure, entered by the office
        claim = claims.act(s, town.hunan_reviewer, claim_id, outcome="pass", figures_entered={"rank": 15},
                           at=JUNE_1 + dt.timedelta(days=1))
        assert claim.monthly_fen == 11500000 + 10000000  # 排名前20名 10万元/年 (二（三）)
    with town.session() as s:
        noticed = claims.act(s, town.hunan_supervisor, claim_id, outcome="pass", at=dt.datetime(2021, 6, 3, 9))
        assert noticed.status == "publicity" and noticed.publicity_until == dt.date(2021, 6, 10)  # 公示7天
    with town.session() as s, pytest.raises(Conflict, match="公示期至"):
        claims.close_publicity(s, town.hunan_supervisor, claim_id, at=dt.datetime(2021, 6, 10, 17))
    with town.session() as s:
        assert claims.close_publicity(s, town.hunan_supervisor, claim_id,
                                      at=dt.datetime(2021, 6, 11, 9)).status == "approved"
        lines = [(e.month, e.amount_fen) for e in s.scalars(select(Entitlement).where(Entitlement.claim_id == claim_id))]
    assert lines == [("2021-06", 21500000)]
    with town.session() as s:
        june, _ = payroll.build(s, CAMPUS, "430000", "2021-06", actor=town.hunan_supervisor)
        july, _ = payroll.build(s, CAMPUS, "430000", "2021-07", actor=town.hunan_supervisor)
    assert (june.lines, june.total_fen, july.lines) == (1, 21500000, 0)


def test_once_a_year_a_second_claim_in_the_year_is_turned_away_the_next_year_is_taken(sqlite_town) -> None:
    town = sqlite_town
    first, *_ = _claim(town, JUNE_1)
    with town.session() as s, pytest.raises(Conflict, match=f"每年只能申领一次.*申领编号 {first}"):
        claims.submit(s, town.enterprise, CAMPUS, facts=FACTS | {"small_fairs": "2"}, account=ACCOUNT,
                      at=dt.datetime(2021, 10, 8, 9))
    _, status, _, month = _claim(town, dt.datetime(2022, 3, 1, 9))  # 2022: a new year, a new claim
    assert (status, month) == ("reviewing", "2022-03")
    with town.session() as s:
        held = sorted(s.scalars(select(ClaimPlace.place)))
    assert held == [f"year:{CAMPUS}:2021:{town.enterprise.applicant_id}",
                    f"year:{CAMPUS}:2022:{town.enterprise.applicant_id}"]


def test_a_refused_claim_gives_the_year_back_and_november_is_after_the_deadline(sqlite_town) -> None:
    """未申请活动补助的学校不予享受当年校园招聘活动补助 (二（二）): refused, and the year is free again; a claim made
    after October is refused at the door with the text's deadline (三（三）: 10月底前提交申请)."""
    town = sqlite_town
    refused_id, status, *_ = _claim(town, JUNE_1, FACTS | {"large_fairs": "0", "small_fairs": "0"})
    assert status == "refused"
    with town.session() as s:
        assert s.scalar(select(ClaimPlace.place).where(ClaimPlace.claim_id == refused_id)) is None
    _, status, fen, _ = _claim(town, dt.datetime(2021, 9, 1, 9))
    assert (status, fen) == ("reviewing", 11500000)
    with town.session() as s, pytest.raises(Invalid, match="10 月底前"):
        claims.submit(s, town.enterprise, CAMPUS, facts=FACTS, account=ACCOUNT, at=dt.datetime(2022, 11, 2, 9))
