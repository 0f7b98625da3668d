"""One region model: every region is a GB/T 2260 code, a staff scope covers every region under it, and a
case no staff member on duty serves is shown to the supervisors above it as 未分派.

The province 湖南 (430000) has a supervisor; 长沙 (430100) a window clerk, a reviewer and a supervisor;
株洲 (430200) only an applicant. Applicants live in 岳麓区 (430104, inside 长沙) and in 株洲.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.platform.models import User
from kuaiban.services import assignment, cases, ratings, stats
from kuaiban.web import service_views as views

from .conftest import FORM, PASSWORD

AT = dt.datetime(2020, 9, 30, 10)


@dataclass
class Province:
    engine: Engine
    yuelu: User  # applicant in 430104
    zhuzhou: User  # applicant in 430200
    province_sup: User  # 430000
    city_window: User  # 430100
    city_reviewer: User
    city_sup: User

    def session(self):
        return session_scope(self.engine)


@pytest.fixture
def hunan(backend_url) -> Province:
    engine = connect(backend_url)
    with session_scope(engine) as s:
        a1 = auth.create_applicant(s, "enterprise", "测试企业岳麓", region="湖南省长沙市岳麓区")
        a2 = auth.create_applicant(s, "enterprise", "测试企业株洲", region="430200")
        users = dict(
            yuelu=auth.create_user(s, "yuelu", PASSWORD, "applicant", applicant=a1),
            zhuzhou=auth.create_user(s, "zhuzhou", PASSWORD, "applicant", applicant=a2),
            province_sup=auth.create_user(s, "hn-sup", PASSWORD, "supervisor", region="湖南"),
            city_window=auth.create_user(s, "cs-win", PASSWORD, "window", region="长沙"),
            city_reviewer=auth.create_user(s, "cs-rev", PASSWORD, "reviewer", region="430100"),
            city_sup=auth.create_user(s, "cs-sup", PASSWORD, "supervisor", region="长沙市"),
        )
    return Province(engine, **users)


def submit(p: Province, who: User, items=("2.4.3",)) -> str:
    with p.session() as s:
        return cases.submit(s, who, "企业招用员工", FORM, items=list(items), at=AT).number


def test_names_and_addresses_are_stored_as_codes(hunan):
    with hunan.session() as s:
        assert s.get(User, hunan.yuelu.id).applicant.region == "430104"
        assert [s.get(User, u.id).region for u in (hunan.province_sup, hunan.city_window, hunan.city_sup)] == [
            "430000", "430100", "430100"]
    number = submit(hunan, hunan.yuelu)
    with hunan.session() as s:
        case = cases.case_view(s, hunan.yuelu, number)
    assert (case["region"], case["region_name"]) == ("430104", "湖南省长沙市岳麓区")


def test_an_applicant_without_a_known_region_is_refused_naming_the_field(hunan):
    with hunan.session() as s:
        for region in (None, " ", "示例市", "999999", "朝阳区"):  # blank, unknown, no such code, ambiguous
            with pytest.raises(Invalid) as e:
                auth.create_applicant(s, "citizen", "测试丙", region=region)
            assert e.value.field == "region" and e.value.message


def test_province_staff_see_the_city_and_district_city_staff_not_the_neighbour_city(hunan):
    district = submit(hunan, hunan.yuelu)
    neighbour = submit(hunan, hunan.zhuzhou)
    with hunan.session() as s:
        assert {c.number for c in cases.list_cases(s, hunan.province_sup)} == {district, neighbour}
        assert {c.number for c in cases.list_cases(s, hunan.city_sup)} == {district}
        assert cases.case_status(s, hunan.city_window, district)["status"] == "办理中"
        with pytest.raises(Forbidden):
            cases.case_status(s, hunan.city_window, neighbour)
        with pytest.raises(Forbidden):
            cases.get_case(s, hunan.city_sup, neighbour)
        assert [t.case.number for t in views.queue(s, hunan.city_window)] == [district]
        assert {t.case.number for t in views.queue(s, hunan.province_sup)} == {district, neighbour}


def test_statistics_cover_the_scope_and_group_by_region_code(hunan):
    submit(hunan, hunan.yuelu)
    submit(hunan, hunan.zhuzhou)
    with hunan.session() as s:
        province = stats.summary(s, hunan.province_sup)
        city = stats.summary(s, hunan.city_sup)
    assert province["bundles"]["submitted"] == 2 and city["bundles"]["submitted"] == 1
    assert [(r["region"], r["region_name"], r["submitted"]) for r in province["by_region"]] == [
        ("430104", "湖南省长沙市岳麓区", 1), ("430200", "湖南省株洲市", 1)]
    assert city["region_name"] == "湖南省长沙市"


def test_a_case_nobody_on_duty_serves_is_unassigned_for_the_supervisors_above_it(hunan):
    district = submit(hunan, hunan.yuelu)
    neighbour = submit(hunan, hunan.zhuzhou)  # 株洲 has no window clerk
    with hunan.session() as s:
        lost = assignment.unassigned(s, hunan.province_sup)
        assert [s.get(cases.Case, case_id).number for _task, case_id, _region in lost] == [neighbour]
        assert assignment.unassigned(s, hunan.city_sup) == []  # 长沙 is staffed
        queue = views.queue(s, hunan.province_sup)
        marked = assignment.unassigned_ids(s, queue)
        assert {t.case.number for t in queue if t.id in marked} == {neighbour}
        assert stats.summary(s, hunan.province_sup)["unassigned"] == {"tasks": 1, "cases": 1}
        # accepted, the district's task waits for a reviewer; without one on duty it is unassigned too
        (task,) = cases.get_case(s, hunan.city_window, district).tasks
        cases.act(s, hunan.city_window, task.id, "accept")
        s.get(User, hunan.city_reviewer.id).active = False
    with hunan.session() as s:
        assert stats.summary(s, hunan.city_sup)["unassigned"] == {"tasks": 1, "cases": 1}
        assert [r["unassigned_tasks"] for r in stats.summary(s, hunan.province_sup)["by_region"]] == [1, 1]


def test_a_task_routed_to_an_agency_nobody_of_works_at_is_unassigned(hunan):
    with hunan.session() as s:
        cases.route(s, "430100", "2.4.3", "就业服务中心", actor=hunan.city_sup)
        s.get(User, hunan.city_window.id).agency = "社保经办机构"
    submit(hunan, hunan.yuelu)
    with hunan.session() as s:
        assert views.queue(s, s.get(User, hunan.city_window.id)) == []  # the clerk works for another agency
        assert len(assignment.unassigned(s, hunan.city_sup)) == 1


def test_a_district_follows_its_citys_materials_and_routes_unless_it_sets_its_own(hunan):
    with hunan.session() as s:
        cases.require_material(s, "长沙", "2.4.3", "营业执照（测试配置）", basis="测试配置", actor=hunan.city_sup)
        cases.route(s, "长沙", "2.4.3", "社保经办机构", actor=hunan.city_sup)
    with hunan.session() as s:
        case = cases.get_case(s, hunan.yuelu, submit(hunan, hunan.yuelu))
        assert [m.name for m in case.materials] == ["营业执照（测试配置）"]
        assert case.tasks[0].agency == "社保经办机构"
        cases.route(s, "岳麓区", "2.4.3", "岳麓区人社局", actor=hunan.province_sup)
        with pytest.raises(Forbidden):  # 株洲 is not 长沙's to configure
            cases.route(s, "株洲", "2.4.3", "某机构", actor=hunan.city_sup)
    with hunan.session() as s:
        case = cases.get_case(s, hunan.yuelu, submit(hunan, hunan.yuelu))
        assert case.tasks[0].agency == "岳麓区人社局"


def completed(p: Province, who: User) -> str:
    number = submit(p, who)
    with p.session() as s:
        (task,) = cases.get_case(s, p.province_sup, number).tasks
    for step, staff in [("accept", p.city_window), ("review", p.city_reviewer), ("complete", p.city_reviewer)]:
        with p.session() as s:
            cases.act(s, staff, task.id, step)
    return number


def test_rectifications_follow_the_scope_and_the_nearest_limit(hunan):
    with hunan.session() as s:
        ratings.set_rectification_limit(s, hunan.city_sup, 5)
    number = completed(hunan, hunan.yuelu)
    with hunan.session() as s:
        ratings.rate(s, hunan.yuelu, number, 1)
        (rect,) = ratings.rectifications(s, hunan.city_sup)
        assert rect.region == "430104" and rect.due_at is not None  # 岳麓区 follows 长沙's limit
        assert [r.id for r in ratings.rectifications(s, hunan.province_sup)] == [rect.id]
        assert views.open_rectifications(s, hunan.province_sup)[0][0].id == rect.id
    with hunan.session() as s:
        assert ratings.advance(s, hunan.province_sup, rect.id, "情况属实").state == "待整改"
        outsider = auth.create_user(s, "zz-sup", PASSWORD, "supervisor", region="株洲")
        assert ratings.rectifications(s, outsider) == []
        with pytest.raises(Forbidden):
            ratings.advance(s, outsider, rect.id, "越权")
