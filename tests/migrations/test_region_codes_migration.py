"""Migration 0005 turns the region names an older installation stored (湖南, 长沙市, 湖南省长沙市岳麓区) into
行政区划代码, and refuses — changing nothing — when a value names no single region (示例市)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from kuaiban.db import MIGRATIONS, make_engine, migrate
from kuaiban.platform.models import Applicant, AuditEntry, User
from kuaiban.services.models import Case, ItemMaterial, ItemRoute, RegionSetting

AT = dt.datetime(2026, 11, 30, 9)


def at_0004(url: str) -> Engine:
    """A database built by the migrations up to 0004, as an installation before region codes has it."""
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_national_sync")
    return engine


def seed(engine: Engine, regions: dict[str, str | None]) -> None:
    """An applicant, their account and case, a staff account and a region's settings, by region name."""
    with Session(engine) as s, s.begin():
        a = Applicant(kind="enterprise", name="测试企业甲", region=regions["applicant"], created_at=AT)
        s.add(a)
        s.flush()
        s.add_all([
            User(username="corp", password_hash="x", role="applicant", region=regions["applicant"], applicant_id=a.id,
                 active=True, created_at=AT),
            User(username="sup", password_hash="x", role="supervisor", region=regions["staff"], active=True,
                 created_at=AT),
            User(username="national", password_hash="x", role="supervisor", region=None, active=True,
                 created_at=AT),
            Case(number="KB1", applicant_id=a.id, region=regions["applicant"], bundle_seq=1, bundle_name="企业招用员工",
                 status="办理中", form={}, submitted_at=AT),
            ItemRoute(region=regions["staff"], item_key="1.1.5", agency="社保经办机构"),
            ItemMaterial(region=regions["staff"], item_key="1.1.5", material="劳动合同"),
            RegionSetting(region=regions["staff"], key="rectification_working_days", value="5"),
        ])


def test_names_and_addresses_become_codes(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "湖南省长沙市岳麓区", "staff": "长沙市"})
    with Session(engine) as s, s.begin():  # a second region written the short way
        s.add(RegionSetting(region="湖南", key="rectification_working_days", value="10"))
    migrate(engine)
    with Session(engine) as s:
        assert s.scalar(select(Applicant.region)) == "430104"
        assert {k: v for k, v in s.execute(select(User.username, User.region))} == {
            "corp": "430104", "sup": "430100", "national": None}  # no region stays the national scope
        assert s.scalar(select(Case.region)) == "430104"
        assert (s.scalar(select(ItemRoute.region)), s.scalar(select(ItemMaterial.region))) == ("430100", "430100")
        settings = {k: v for k, v in s.execute(select(RegionSetting.region, RegionSetting.value))}
        assert settings == {"430100": "5", "430000": "10"}
        logged = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "convert_region"))]
        assert {"table": "svc_cases", "from": "湖南省长沙市岳麓区", "to": "430104", "rows": 1,
                "migration": "0005"} in logged
    engine.dispose()


def test_a_name_of_no_region_stops_the_upgrade_and_changes_nothing(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "示例市", "staff": "长沙"})
    with pytest.raises(RuntimeError, match="表 svc_applicants 的 region 列中的值“示例市”无法转换") as e:
        migrate(engine)
    assert "数据库未做任何修改" in str(e.value)
    with Session(engine) as s:  # still at 0004, every row as it was (长沙 not half-converted)
        assert s.scalar(select(func.count()).select_from(User)) == 3
        users = {k: v for k, v in s.execute(select(User.username, User.region))}
        assert users == {"corp": "示例市", "sup": "长沙", "national": None}
        assert s.scalar(select(ItemRoute.region)) == "长沙"
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == "0004_national_sync"
    engine.dispose()


def test_one_setting_written_for_the_same_region_twice_is_refused_by_name(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "长沙", "staff": "湖南"})
    with Session(engine) as s, s.begin():
        s.add(ItemRoute(region="湖南省", item_key="1.1.5", agency="另一机构"))
    with pytest.raises(RuntimeError, match=r"svc_item_routes.*同一地区（430000）"):
        migrate(engine)
    engine.dispose()
