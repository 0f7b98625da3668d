"""A hold another pillar recorded (kuaiban.platform.holds) bars the bound office from the transfer, with its
reason and clause: at the request, the 转出 and the 转入. The programs side (which places the Beijing hold) is
tested in tests/programs/test_holds.py.

Reading: with the texts' dates the Beijing 失业补助金 (paid 2020-03 … 2021-06 at the latest) and transfers under
人社厅发〔2021〕85号 (from 2021-11-09) never overlap, so here the hold is placed directly with later dates: the
mechanism, not a case the calendar allows today."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform import holds
from kuaiban.platform.errors import Conflict
from kuaiban.platform.personal_data import lookup_hash
from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm

from .world import DETAILS, MONDAY, ORIGIN, PERSON_ID, make_offices


@pytest.fixture
def offices(backend_url):
    return make_offices(backend_url)


def _hold(offices, region: str, ends: dt.date | None) -> None:
    with offices.session() as s:
        holds.place(s, subject_hash=lookup_hash(PERSON_ID), kind=holds.UNEMPLOYMENT_TRANSFER, region=region,
                    starts=dt.date(2021, 11, 1), ends=ends, reason="发放失业补助金期间，不办理失业保险关系转出（转入）",
                    source="bj8_us_once", origin="program_claim:1")


def _start(offices, side=tm.ORIGIN):
    with offices.session() as s:
        return transfer.start(s, offices.person, side=side, origin_region=ORIGIN, destination_region="500103",
                              name="样例甲", card_number="SAMPLE-CARD-0001", employment_status="参保职工",
                              at=MONDAY).ref


def test_a_hold_on_the_origin_office_refuses_the_request_with_its_reason_and_clause(offices) -> None:
    _hold(offices, "430000", dt.date(2021, 12, 31))
    with pytest.raises(Conflict) as refused:
        _start(offices)
    assert refused.value.field == "id_number"
    assert "不办理失业保险关系转出（转入）（至 2021-12-31）" in str(refused.value)
    assert "京人社发[2020]8号 一（六）" in str(refused.value)


def test_a_hold_placed_after_the_request_stops_the_transfer_out_and_ends_with_its_period(offices) -> None:
    ref = _start(offices)
    _hold(offices, "430100", dt.date(2021, 11, 30))
    with offices.session() as s, pytest.raises(Conflict):
        transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=MONDAY)
    with offices.session() as s:  # 发放期满后按规定办理
        t = transfer.transfer_out(s, offices.origin_clerk, ref, details=DETAILS, at=dt.datetime(2021, 12, 1, 9))
        assert t.state == tm.AWAITING_TRANSFER_IN


def test_a_hold_elsewhere_does_not_bind_this_office(offices) -> None:
    _hold(offices, "110000", None)
    assert _start(offices)
