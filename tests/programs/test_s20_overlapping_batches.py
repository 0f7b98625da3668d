"""A province's batch and a city's batch of the same program and month, built at the same moment: the city
(长沙市 430100) lies inside the province (湖南省 430000, GB/T 2260), so both take the city's claims (s20).

Batches are one per program, region and month, so the two are different batches; a month is paid once by the
unique index on (beneficiary, program, month) of the lines (ON CONFLICT DO NOTHING) and, on PostgreSQL, the months
each batch pays are locked (``FOR UPDATE``, (claim, month) order) until it commits: the second waits, reads the
month again, finds its line and skips it. On SQLite the first batch's write lock makes the second wait whole.

Two claims of 湖南 灵活就业社会保险补贴 (先缴后补: each batch settles them first), 2021-11 and 2021-12 each: one in 长沙市
岳麓区 (inside both batches), one in 株洲市荷塘区 (only the province's). Interleaved with the race harness
(tests/programs/races.py): the second batch starts when the first has locked and written its lines, just before
its audit entry, and the first goes on once the second waits. Whatever the order, each of the four months is
paid exactly once, none is lost, and the batches' totals add up. Run with the months paid at the decided rate
(settle writes nothing) and at another (both settles compute the month; the second finds it changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kuaiban.programs import claims, figures, payroll, registers
from kuaiban.programs import definitions as defs
from kuaiban.programs.models import Batch, PaymentLine
from tests.programs.helpers import FLEX, FLEX_FACTS, FLEX_WAGE_2021, NOV_10, new_citizen, new_staff
from tests.programs.races import finish, second_inside_first

DECIDED, AT_26 = 60480, 56160  # 6000 × 60 % × 28 % × 60 %, and at 26 %
MONTHS = ("2021-11", "2021-12")


def _flexible(town, user, number: str, rate: float, staff: tuple) -> int:
    """``user``'s claim of 2021-11 and 2021-12, both months paid at ``rate`` in the register, passed by ``staff``
    (window, reviewer) and the province's reviewer, its 公示 closed."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", number, {"paid": True, "months": {
            m: {"paid": True, "rate": rate} for m in MONTHS}})
        if not figures.entered(s, defs.get(FLEX), "430000"):
            figures.enter(s, defs.get(FLEX), "430000", "si_average_wage", "2021-01", FLEX_WAGE_2021)
        claim_id = claims.submit(s, user, FLEX, month="2021-11", facts=FLEX_FACTS, account="6217000000000001",
                                 at=NOV_10).id
    for person, months in ((staff[0], None), (staff[1], None), (town.hunan_reviewer2, 2)):
        with town.session() as s:
            claims.act(s, person, claim_id, outcome="pass", months=months, at=NOV_10)
    with town.session() as s:
        claims.close_publicity(s, town.hunan_supervisor, claim_id, at=NOV_10 + dt.timedelta(days=8))
    return claim_id


def _two_claims(town, rate: float) -> tuple[int, int]:
    """(长沙 claim, 株洲 claim)."""
    changsha = _flexible(town, town.hunan_citizen, town.hunan_number, rate, (town.hunan_window, town.hunan_reviewer))
    user, number = new_citizen(town, "zz-citizen", "430202", name="测试丁")
    zhuzhou = _flexible(town, user, number, rate, (new_staff(town, "zz-win", "window", "430202"),
                                                   new_staff(town, "zz-rev", "reviewer", "430200")))
    return changsha, zhuzhou


def _build(region: str):
    return lambda s: payroll.build(s, FLEX, region, "2021-12", actor=None)[0].lines


def _lines(town) -> list[tuple[int, str, int, str]]:
    """(claim, month, amount, batch's region) of every line."""
    with town.session() as s:
        return [tuple(r) for r in s.execute(
            select(PaymentLine.claim_id, PaymentLine.month, PaymentLine.amount_fen, Batch.region)
            .join(Batch, Batch.id == PaymentLine.batch_id).order_by(PaymentLine.claim_id, PaymentLine.month))]


def _batches(town) -> dict[str, tuple[int, int]]:
    with town.session() as s:
        return {b.region: (b.lines, b.total_fen) for b in s.scalars(select(Batch))}


def _paid_once(town, changsha: int, zhuzhou: int, amount: int) -> list[tuple[int, str, int, str]]:
    """Each of the four months paid exactly once, at ``amount``; the batches' counts and totals are their lines'."""
    lines = _lines(town)
    assert [(c, m) for c, m, _, _ in lines] == [(changsha, m) for m in MONTHS] + [(zhuzhou, m) for m in MONTHS], lines
    assert {a for _, _, a, _ in lines} == {amount}
    assert all(region == "430000" for c, _, _, region in lines if c == zhuzhou)  # only the province pays 株洲
    counted = _batches(town)
    for region, (n, total) in counted.items():
        mine = [a for _, _, a, r in lines if r == region]
        assert (n, total) == (len(mine), sum(mine)), (region, counted, lines)
    with town.session() as s:
        assert s.scalar(select(func.count(PaymentLine.id))) == 4
    return lines


@pytest.mark.parametrize(("rate", "amount"), [(0.28, DECIDED), (0.26, AT_26)])
def test_the_city_batch_inside_the_province_batch_pays_nothing_twice(town, monkeypatch, rate, amount) -> None:
    """The province's batch first (its lines written, not committed), the city's batch then: it waits, and pays
    nothing — the 长沙 months are the province's lines."""
    changsha, zhuzhou = _two_claims(town, rate)
    out = second_inside_first(town, monkeypatch, "program_batch_built", _build("430100"))
    with town.session() as s:
        first = _build("430000")(s)
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"
    assert (first, out["result"]) == (4, 0)
    _paid_once(town, changsha, zhuzhou, amount)


@pytest.mark.parametrize(("rate", "amount"), [(0.28, DECIDED), (0.26, AT_26)])
def test_the_province_batch_around_the_city_batch_pays_only_what_the_city_did_not(town, monkeypatch, rate,
                                                                                    amount) -> None:
    """The city's batch first, the province's then: it waits, then pays the 株洲 months only."""
    changsha, zhuzhou = _two_claims(town, rate)
    out = second_inside_first(town, monkeypatch, "program_batch_built", _build("430000"))
    with town.session() as s:
        first = _build("430100")(s)
    finish(out, monkeypatch)
    assert out["seen"] == "waiting"
    assert (first, out["result"]) == (2, 2)
    lines = _paid_once(town, changsha, zhuzhou, amount)
    assert {c: r for c, _, _, r in lines} == {changsha: "430100", zhuzhou: "430000"}


def test_one_after_the_other_the_same(town) -> None:
    """The controls: the city's batch, then the province's; and the month after, nothing is paid again."""
    changsha, zhuzhou = _two_claims(town, 0.28)
    with town.session() as s:
        assert _build("430100")(s) == 2
    with town.session() as s:
        assert _build("430000")(s) == 2
    _paid_once(town, changsha, zhuzhou, DECIDED)
    with town.session() as s:
        assert payroll.build(s, FLEX, "430000", "2022-01", actor=None)[0].lines == 0
        assert payroll.build(s, FLEX, "430100", "2022-01", actor=None)[0].lines == 0
