"""A suspension (暂停) keeps the 京人社发[2020]8号 一（六） hold; a stop (停发) ends it at the last month owed.
test_holds' “…and a suspension does not” promised the first half and never suspended: no program in
data/programs has a suspend rule, so this is 北京 失业补助金 as it is, plus one suspend rule that exists only in
this test (测试数据, no policy text behind it), in a programs folder of the test's own."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from kuaiban.programs import claims, definitions
from tests.programs.conftest import AUG_3
from tests.programs.test_holds import _hold
from tests.programs.test_unemployment_subsidy_beijing import _registers, submit

CODE = "bj_unemployment_subsidy"
SUSPEND = {"code": "test_suspend", "label": "测试暂停（测试数据）", "action": "suspend", "from": "next_month",
           "source": "bj8_us_stop"}


@pytest.fixture
def with_a_suspend_rule(tmp_path, monkeypatch):
    folder = tmp_path / "programs"
    shutil.copytree(definitions.PROGRAMS_DIR, folder)
    path = folder / f"{CODE}.yaml"
    program = yaml.safe_load(path.read_text(encoding="utf-8"))
    program["stops"].append(SUSPEND)
    path.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(definitions, "PROGRAMS_DIR", folder)
    definitions.programs.cache_clear()
    yield
    definitions.programs.cache_clear()


def test_a_suspension_keeps_the_whole_hold_and_a_stop_after_it_ends_the_hold(town, with_a_suspend_rule) -> None:
    _registers(town, town.citizen_number)
    claim = submit(town)
    assert claim.status == "approved"  # paid 2020-08 … 2021-01, held as long
    with town.session() as s:
        suspended = claims.stop(s, town.reviewer, claim.id, rule="test_suspend", month="2020-09", at=AUG_3)
        assert suspended.status == "suspended"
    held = _hold(town, dt.date(2020, 10, 1))
    assert held is not None and (held.starts, held.ends) == (dt.date(2020, 8, 1), dt.date(2021, 1, 31))
    with town.session() as s:  # a suspended claim may still be stopped: then the hold ends with September
        assert claims.stop(s, town.reviewer, claim.id, rule="reemployed", month="2020-09", at=AUG_3).status == "stopped"
    assert _hold(town, dt.date(2020, 9, 30)).ends == dt.date(2020, 9, 30)
    assert _hold(town, dt.date(2020, 10, 1)) is None
