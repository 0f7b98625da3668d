"""京人社发[2020]8号 一（六）: “发放失业补助金期间，不办理失业保险关系转出（转入）”. Approving the Beijing 失业补助金
records a hold on the person for the months it pays, binding Beijing's offices; stopping it ends the hold at the
last month owed (“停发后…按规定办理”); a suspension keeps it. The transfer side is tested in
tests/unemployment/transfer/test_holds.py."""

from __future__ import annotations

import datetime as dt

from kuaiban.platform import holds
from tests.programs.conftest import AUG_3
from tests.programs.test_unemployment_subsidy_beijing import _registers, submit


def _hold(town, on: dt.date, region: str = "110105"):
    with town.session() as s:
        return holds.active(s, town.citizen_number, holds.UNEMPLOYMENT_TRANSFER, regions_=(region,), on=on)


def test_the_paid_months_hold_beijing_transfers_and_nothing_elsewhere(town) -> None:
    _registers(town, town.citizen_number)
    claim = submit(town)
    assert claim.status == "approved"  # paid 2020-08 … 2021-01
    hold = _hold(town, dt.date(2020, 8, 3))
    assert hold is not None and hold.region == "110000" and hold.source == "bj8_us_once"
    assert (hold.starts, hold.ends) == (dt.date(2020, 8, 1), dt.date(2021, 1, 31))
    assert hold.reason == "发放失业补助金期间，不办理失业保险关系转出（转入）"
    assert _hold(town, dt.date(2021, 2, 1)) is None  # 发放期满
    assert _hold(town, dt.date(2020, 8, 3), region="430104") is None  # binds Beijing's offices only
    with town.session() as s:  # another person is not held
        assert holds.active(s, town.other_number, holds.UNEMPLOYMENT_TRANSFER, regions_=("110105",),
                            on=dt.date(2020, 9, 1)) is None


def test_a_stop_ends_the_hold_with_the_last_month_owed_and_a_suspension_does_not(town) -> None:
    from kuaiban.programs import claims

    _registers(town, town.citizen_number)
    claim = submit(town)
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="reemployed", month="2020-09", at=AUG_3)
    held = _hold(town, dt.date(2020, 9, 30))  # September is still owed (停发 from the next month)
    assert held is not None and (held.starts, held.ends) == (dt.date(2020, 8, 1), dt.date(2020, 9, 30))
    assert _hold(town, dt.date(2020, 10, 1)) is None
