"""失业登记 follows the one scope rule: staff of 湖南 (430000) see registrations of 长沙 (430100) and 岳麓区
(430104); staff of 长沙 see 岳麓区 and not 株洲 (430200); statistics and 未分派 likewise."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform import auth
from kuaiban.platform.errors import Forbidden
from kuaiban.unemployment import decision, registration
from kuaiban.unemployment.statistics import statistics_for

from .world import PASSWORD, SEPT_30, local_application, make_world

YUELU, ZHUZHOU_HETANG = "430104", "430202"
PERIOD = (dt.date(2020, 9, 1), dt.date(2020, 9, 30))


@pytest.fixture
def hunan(backend_url):
    world = make_world(backend_url)  # its supervisor serves 长沙 (430100)
    with world.session() as s:
        staff = {name: auth.create_user(s, name, PASSWORD, role, region=region) for name, role, region in [
            ("hn-window", "window", "湖南"), ("hn-reviewer", "reviewer", "430000"),
            ("cs-reviewer", "reviewer", "长沙"), ("hn-sup", "supervisor", "湖南省")]}
        filed = {code: registration.submit(s, staff["hn-window"], local_application(n, AAB301=code),
                                           declaration_signed=True, at=SEPT_30).aaz341
                 for n, code in ((5, YUELU), (6, ZHUZHOU_HETANG))}
    return world, staff, filed


def test_province_staff_see_every_county_city_staff_only_their_own(hunan):
    world, staff, filed = hunan
    with world.session() as s:
        assert {r.aab301 for r in decision.queue(s, staff["hn-reviewer"])} == {YUELU, ZHUZHOU_HETANG}
        assert {r.aab301 for r in decision.queue(s, staff["cs-reviewer"])} == {YUELU}
        assert registration.get_registration(s, staff["cs-reviewer"], filed[YUELU]).aab301 == YUELU
        with pytest.raises(Forbidden):
            registration.get_registration(s, staff["cs-reviewer"], filed[ZHUZHOU_HETANG])
        with pytest.raises(Forbidden):  # the 长沙 clerk may not file for 株洲
            registration.submit(s, world.window, local_application(7, AAB301=ZHUZHOU_HETANG),
                                declaration_signed=True, at=SEPT_30)


def test_statistics_follow_the_scope_and_name_the_regions(hunan):
    world, staff, _ = hunan
    with world.session() as s:
        province = statistics_for(s, staff["hn-sup"], *PERIOD)
        city = statistics_for(s, world.supervisor, *PERIOD)
        district = statistics_for(s, world.supervisor, *PERIOD, region="岳麓区")
        with pytest.raises(Forbidden):
            statistics_for(s, world.supervisor, *PERIOD, region="株洲")
    assert (province["submitted"], city["submitted"], district["submitted"]) == (2, 1, 1)
    assert (province["region_name"], district["region"]) == ("湖南省", YUELU)
    assert province["submitted_by_region"] == {YUELU: {"name": "湖南省长沙市岳麓区", "count": 1},
                                               ZHUZHOU_HETANG: {"name": "湖南省株洲市荷塘区", "count": 1}}


def test_without_a_reviewer_on_duty_a_registration_is_unassigned_for_the_supervisors_above(hunan):
    world, staff, filed = hunan
    with world.session() as s:
        s.merge(staff["hn-reviewer"]).active = False  # 株洲 now has no reviewer; 岳麓区 still has 长沙's
    with world.session() as s:
        pending = decision.queue(s, staff["hn-sup"])
        lost = decision.unassigned_ids(s, pending)
        assert [r.aaz341 for r in pending if r.id in lost] == [filed[ZHUZHOU_HETANG]]
        assert statistics_for(s, staff["hn-sup"], *PERIOD)["unassigned_pending"] == 1
        assert statistics_for(s, world.supervisor, *PERIOD)["unassigned_pending"] == 0
