"""Migration 0026 (好差评 of a benefit claim): a case's rating and its rectification stored before it are kept —
on SQLite too, where the copied svc_ratings would otherwise take the rectifications with it (ON DELETE
CASCADE) —, the rating takes its case's region, a rating of neither a case nor a claim is refused; the
downgrade refuses while a claim's rating is stored, and otherwise gives back the old tables, rows kept.

The rows are written and read with plain SQL: the ORM models describe the newest schema."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from kuaiban.db import MIGRATIONS, make_engine, migrate

AT = dt.datetime(2026, 12, 6, 9)
BEFORE, REVISION = "0025_payroll_decided_amounts", "0026_claim_ratings"


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def add(conn, table: str, **values) -> int:
    cols, params = ", ".join(values), ", ".join(f":{c}" for c in values)
    return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({params}) RETURNING id"), values).scalar_one()


def rated_case(engine: Engine) -> tuple[int, int]:
    """An enterprise's completed case of 长沙市岳麓区 rated 非常不满意, its rectification open: (rating, rect)."""
    with engine.begin() as conn:
        firm = add(conn, "svc_applicants", kind="enterprise", name="测试企业甲", region="430104", created_at=AT)
        case = add(conn, "svc_cases", number="KB1", applicant_id=firm, region="430104", bundle_seq=1,
                   bundle_name="企业招用员工", status="已办结", form="{}", submitted_at=AT, materials_asked=0,
                   materials_required=0, materials_committed=0, version=1)
        rating = add(conn, "svc_ratings", case_id=case, level=1, text="等了很久", created_at=AT)
        rect = add(conn, "svc_rectifications", rating_id=rating, case_id=case, region="430104", state="待核实",
                   version=1, opened_at=AT)
    return rating, rect


def test_the_upgrade_keeps_a_cases_rating_and_rectification_and_the_downgrade_gives_them_back(backend_url):
    engine = make_engine(backend_url)
    migrate_to(engine, BEFORE)
    rating, rect = rated_case(engine)
    migrate_to(engine, REVISION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, case_id, claim_id, region, text FROM svc_ratings")).all() == [
            (rating, 1, None, "430104", "等了很久")]
        assert conn.execute(text("SELECT id, rating_id, case_id, claim_id, state FROM svc_rectifications")).all() == [
            (rect, rating, 1, None, "待核实")]
    with pytest.raises(IntegrityError), engine.begin() as conn:  # of neither a case nor a claim
        add(conn, "svc_ratings", level=5, created_at=AT)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # of both
        add(conn, "svc_rectifications", rating_id=rating, case_id=1, claim_id=1, region="430104", state="待核实",
            version=1, opened_at=AT)

    migrate_to(engine, BEFORE, down=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, case_id, text FROM svc_ratings")).all() == [(rating, 1, "等了很久")]
        assert conn.execute(text("SELECT id, rating_id, case_id FROM svc_rectifications")).all() == [
            (rect, rating, 1)]
    migrate(engine)  # and up again to head
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM svc_rectifications")).scalar() == 1


def test_the_downgrade_refuses_while_a_claims_rating_is_stored(backend_url):
    engine = make_engine(backend_url)
    migrate_to(engine, REVISION)
    with engine.begin() as conn:
        person = add(conn, "svc_applicants", kind="citizen", name="测试乙", region="110105", created_at=AT)
        claim = add(conn, "prog_claims", program="bj_unemployment_benefit", applicant_id=person, region="110105",
                    month="2020-08", status="refused", step=0, facts="{}", flags="[]", explanation="[]",
                    reasons="[]", version=1, created_at=AT, decided_at=AT)
        add(conn, "svc_ratings", claim_id=claim, region="110105", level=2, created_at=AT)
    with pytest.raises(Exception, match="已有 1 条补贴申领的评价"):
        migrate_to(engine, BEFORE, down=True)
    with engine.connect() as conn:  # nothing dropped
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == REVISION
        assert conn.execute(text("SELECT claim_id FROM svc_ratings")).scalar() == claim
