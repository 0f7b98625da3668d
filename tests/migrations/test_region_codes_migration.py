"""Migration 0005 turns the region names an older installation stored (湖南, 长沙市, 湖南省长沙市岳麓区) into
行政区划代码, and refuses — changing nothing — when a value names no single region (示例市).

The rows are written with plain SQL at 0004 and read back with plain SQL after upgrading to exactly 0005:
the ORM models describe the newest schema (columns added by later migrations), not these revisions."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kuaiban.db import MIGRATIONS, make_engine, migrate
from kuaiban.platform import audit_chain

AT = dt.datetime(2026, 11, 30, 9)
REVISION = "0005_region_codes"

# svc_audit as 0005 writes it (the JSON column read back as a dict on either backend)
AUDIT = sa.table("svc_audit", sa.column("action"), sa.column("detail", sa.JSON))


def upgrade(engine: Engine, revision: str) -> None:
    """Run the migrations up to ``revision`` in one transaction, as kuaiban.db.migrate does up to head."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def at_0004(url: str) -> Engine:
    """A database built by the migrations up to 0004, as an installation before region codes has it."""
    engine = make_engine(url)
    upgrade(engine, "0004_national_sync")
    return engine


def add(conn, table: str, **values) -> int:
    cols = ", ".join(values)
    params = ", ".join(f":{c}" for c in values)
    return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({params}) RETURNING id"), values).scalar_one()


def seed(engine: Engine, regions: dict[str, str | None]) -> None:
    """An applicant, their account and case, a staff account and a region's settings, by region name."""
    with engine.begin() as conn:
        a = add(conn, "svc_applicants", kind="enterprise", name="测试企业甲", region=regions["applicant"], created_at=AT)
        add(conn, "svc_users", username="corp", password_hash="x", role="applicant", region=regions["applicant"],
            applicant_id=a, active=True, created_at=AT)
        add(conn, "svc_users", username="sup", password_hash="x", role="supervisor", region=regions["staff"],
            active=True, created_at=AT)
        add(conn, "svc_users", username="national", password_hash="x", role="supervisor", region=None, active=True,
            created_at=AT)
        add(conn, "svc_cases", number="KB1", applicant_id=a, region=regions["applicant"], bundle_seq=1,
            bundle_name="企业招用员工", status="办理中", form="{}", submitted_at=AT, materials_asked=0,
            materials_required=0, materials_committed=0, version=1)
        add(conn, "svc_item_routes", region=regions["staff"], item_key="1.1.5", agency="社保经办机构")
        add(conn, "svc_item_materials", region=regions["staff"], item_key="1.1.5", material="劳动合同")
        add(conn, "svc_region_settings", region=regions["staff"], key="rectification_working_days", value="5")


def test_names_and_addresses_become_codes(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "湖南省长沙市岳麓区", "staff": "长沙市"})
    with engine.begin() as conn:  # a second region written the short way
        add(conn, "svc_region_settings", region="湖南", key="rectification_working_days", value="10")
    upgrade(engine, REVISION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == REVISION
        assert conn.execute(text("SELECT region FROM svc_applicants")).scalar() == "430104"
        assert dict(conn.execute(text("SELECT username, region FROM svc_users")).all()) == {
            "corp": "430104", "sup": "430100", "national": None}  # no region stays the national scope
        assert conn.execute(text("SELECT region FROM svc_cases")).scalar() == "430104"
        assert (conn.execute(text("SELECT region FROM svc_item_routes")).scalar(),
                conn.execute(text("SELECT region FROM svc_item_materials")).scalar()) == ("430100", "430100")
        settings = dict(conn.execute(text("SELECT region, value FROM svc_region_settings")).all())
        assert settings == {"430100": "5", "430000": "10"}
        logged = conn.execute(sa.select(AUDIT.c.detail).where(AUDIT.c.action == "convert_region")).scalars().all()
        assert {"table": "svc_cases", "from": "湖南省长沙市岳麓区", "to": "430104", "rows": 1,
                "migration": REVISION} in logged
    migrate(engine)  # the later migrations take these entries in: 0008 chains them, and the chain holds
    with Session(engine) as s:
        report = audit_chain.verify(s)
        assert (report.entries, report.problem_count) == (len(logged), 0)
    engine.dispose()


def test_a_name_of_no_region_stops_the_upgrade_and_changes_nothing(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "示例市", "staff": "长沙"})
    with pytest.raises(RuntimeError, match="表 svc_applicants 的 region 列中的值“示例市”无法转换") as e:
        upgrade(engine, REVISION)
    assert "数据库未做任何修改" in str(e.value)
    with engine.connect() as conn:  # still at 0004, every row as it was (长沙 not half-converted)
        assert conn.execute(text("SELECT count(*) FROM svc_users")).scalar() == 3
        users = dict(conn.execute(text("SELECT username, region FROM svc_users")).all())
        assert users == {"corp": "示例市", "sup": "长沙", "national": None}
        assert conn.execute(text("SELECT region FROM svc_item_routes")).scalar() == "长沙"
        assert conn.execute(text("SELECT count(*) FROM svc_audit")).scalar() == 0  # no conversion logged
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004_national_sync"
    engine.dispose()


def test_a_later_table_refusing_undoes_the_tables_already_converted(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "长沙", "staff": "示例市"})  # svc_applicants converts, svc_users then refuses
    with pytest.raises(RuntimeError, match="表 svc_users 的 region 列中的值“示例市”无法转换"):
        upgrade(engine, REVISION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT region FROM svc_applicants")).scalar() == "长沙"
        assert conn.execute(text("SELECT count(*) FROM svc_audit")).scalar() == 0
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004_national_sync"
    engine.dispose()


def test_one_setting_written_for_the_same_region_twice_is_refused_by_name(backend_url):
    engine = at_0004(backend_url)
    seed(engine, {"applicant": "长沙", "staff": "湖南"})
    with engine.begin() as conn:
        add(conn, "svc_item_routes", region="湖南省", item_key="1.1.5", agency="另一机构")
    with pytest.raises(RuntimeError, match=r"svc_item_routes.*“湖南省”与“湖南”是同一地区（430000）"):
        upgrade(engine, REVISION)
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT region FROM svc_item_routes")).scalars()) == ["湖南", "湖南省"]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004_national_sync"
    engine.dispose()
