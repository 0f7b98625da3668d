"""A region's 快办 configuration by its supervisor: materials per item and routing to agencies, items chosen
from the catalogue; new cases follow it at once, and every change is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import AuditEntry, User
from kuaiban.services import cases, region_config

from .conftest import FORM, PASSWORD


@pytest.fixture
def coded(backend_url):
    """Supervisors of 长沙市 (430100) and 株洲市 (430200), a clerk, and an enterprise in 长沙市."""
    engine = connect(backend_url)
    with session_scope(engine) as s:
        firm = auth.create_applicant(s, "enterprise", "测试企业甲", region="430100")
        for name, role, region in (("cs-sup", "supervisor", "430100"), ("zz-sup", "supervisor", "430200"),
                                   ("cs-win", "window", "430100"), ("nation", "supervisor", "全国")):
            auth.create_user(s, name, PASSWORD, role, region=region)
        auth.create_user(s, "firm", PASSWORD, "applicant", applicant=firm, region="430100")
    return engine


def _user(s, name: str) -> User:
    return s.scalar(select(User).where(User.username == name))


def test_the_catalogue_offers_items_groups_and_sub_items():
    keys = {c.key: c for c in region_config.item_choices()}
    assert keys["1.1.5"].label == "1.1.5 职工参保登记" and keys["1.1.5"].bundle == "企业招用员工"
    assert any(c.label.endswith("（事项组）") for c in keys.values())
    assert len(keys) == len(region_config.item_choices())  # each key once


def test_a_new_case_asks_for_the_configured_material_and_goes_to_the_configured_agency(coded):
    with session_scope(coded) as s:
        sup = _user(s, "cs-sup")
        row = region_config.add_material(s, sup, "1.1.5", "劳动合同（测试配置）", "测试配置")
        region_config.set_route(s, sup, "1.1.5", "社保经办机构")
        material_id = row.id
    with session_scope(coded) as s:
        case = cases.submit(s, _user(s, "firm"), 1, FORM, items=["1.1.5"])
        assert [m.name for m in case.materials] == ["劳动合同（测试配置）"]
        assert case.tasks[0].agency == "社保经办机构"
    with session_scope(coded) as s:
        sup = _user(s, "cs-sup")
        region_config.change_material(s, sup, material_id, "劳动合同复印件（测试配置）", None)
        region_config.set_route(s, sup, "1.1.5", "劳动用工管理部门")
    with session_scope(coded) as s:
        case = cases.submit(s, _user(s, "firm"), 1, FORM, items=["1.1.5"])
        assert [m.name for m in case.materials] == ["劳动合同复印件（测试配置）"]
        assert case.tasks[0].agency == "劳动用工管理部门"
        sup = _user(s, "cs-sup")
        region_config.remove_material(s, sup, material_id)
        region_config.remove_route(s, sup, region_config.routes(s, sup)[0].id)
    with session_scope(coded) as s:
        case = cases.submit(s, _user(s, "firm"), 1, FORM, items=["1.1.5"])
        assert case.materials == [] and case.tasks[0].agency is None
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "item").order_by(AuditEntry.id)))
        assert actions == ["require_material", "route_item", "change_material", "route_item", "remove_material",
                           "remove_route"]


def test_another_regions_supervisor_neither_sees_nor_changes_them(coded):
    with session_scope(coded) as s:
        row = region_config.add_material(s, _user(s, "cs-sup"), "1.1.5", "劳动合同（测试配置）", None)
        material_id = row.id
    with session_scope(coded) as s:
        zz = _user(s, "zz-sup")
        assert region_config.materials(s, zz) == []
        with pytest.raises(NotFound):
            region_config.change_material(s, zz, material_id, "改掉", None)
        with pytest.raises(NotFound):
            region_config.remove_material(s, zz, material_id)
        with pytest.raises(Forbidden):
            region_config.add_material(s, _user(s, "cs-win"), "1.1.5", "x", None)
        with pytest.raises(Invalid) as err:
            region_config.materials(s, _user(s, "nation"))
        assert err.value.field == "region"
    with session_scope(coded) as s:
        assert [m.material for m in region_config.materials(s, _user(s, "cs-sup"))] == ["劳动合同（测试配置）"]


@pytest.mark.parametrize("item, material, error, field", [
    ("9.9.9", "x", Invalid, "item"),
    ("", "x", Invalid, "item"),
    ("1.1.5", " ", Invalid, "material"),
    ("1.1.5", "劳动合同（测试配置）", Conflict, "material"),
])
def test_bad_materials_name_the_field(coded, item, material, error, field):
    with session_scope(coded) as s:
        region_config.add_material(s, _user(s, "cs-sup"), "1.1.5", "劳动合同（测试配置）", None)
    with session_scope(coded) as s, pytest.raises(error) as err:
        region_config.add_material(s, _user(s, "cs-sup"), item, material, None)
    assert err.value.field == field


def test_the_rectification_limit_is_read_and_set_in_working_days(coded):
    with session_scope(coded) as s:
        sup = _user(s, "cs-sup")
        assert region_config.rectification_limit(s, sup) is None
        region_config.set_rectification_limit(s, sup, 10)
        with pytest.raises(Invalid):
            region_config.set_rectification_limit(s, sup, 0)
    with session_scope(coded) as s:
        assert region_config.rectification_limit(s, _user(s, "cs-sup")) == 10
        assert region_config.rectification_limit(s, _user(s, "zz-sup")) is None
