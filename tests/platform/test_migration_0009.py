"""Migration 0009 builds the unique indexes only on clean data: duplicates already stored stop it with a
message naming them (nothing dropped or merged), and existing usernames are normalised."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from kuaiban.db import MIGRATIONS, make_engine, migrate, session_scope
from kuaiban.platform import auth
from kuaiban.unemployment import decision
from kuaiban.unemployment.registration import register_from_national
from tests.unemployment.world import SEPT_30, national_application

from .conftest import PASSWORD, citizen_number

NOW = dt.datetime(2026, 12, 1, 9, 0)


def at_0004(url: str):
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_national_sync")
    return engine


def add_applicant(conn, number: str) -> int:
    return conn.execute(text("INSERT INTO svc_applicants (kind, name, id_number, created_at) "
                             "VALUES ('citizen', '测试申', :n, :at) RETURNING id"), {"n": number, "at": NOW}).scalar()


def add_user(conn, username: str) -> None:
    conn.execute(text("INSERT INTO svc_users (username, password_hash, role, active, created_at) "
                      "VALUES (:u, 'scrypt$x', 'window', :t, :at)"), {"u": username, "t": True, "at": NOW})


def test_duplicate_id_numbers_stop_the_upgrade_naming_them(backend_url):
    engine = at_0004(backend_url)
    number = citizen_number()
    with engine.begin() as conn:
        ids = [add_applicant(conn, number), add_applicant(conn, number), add_applicant(conn, citizen_number())]
    with pytest.raises(Exception, match="同一证件号码注册了多个办事人") as err:
        migrate(engine)
    assert f"{ids[0]}, {ids[1]}" in str(err.value) and number not in str(err.value)  # named, the number masked
    with engine.connect() as conn:  # nothing was dropped
        assert conn.execute(text("SELECT count(*) FROM svc_applicants")).scalar() == 3


def test_usernames_equal_once_normalised_stop_the_upgrade(backend_url):
    engine = at_0004(backend_url)
    with engine.begin() as conn:
        add_user(conn, "Alice")
        add_user(conn, "alice ")
    with pytest.raises(Exception, match="用户名规范化") as err:
        migrate(engine)
    assert "'Alice'" in str(err.value) and "'alice '" in str(err.value)


def test_clean_data_is_upgraded_and_usernames_normalised(backend_url):
    engine = at_0004(backend_url)
    with engine.begin() as conn:
        add_user(conn, " Win_HN")
        add_applicant(conn, citizen_number())
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM svc_users")).scalars().all() == ["win_hn"]


def test_two_open_registrations_of_one_person_stop_the_upgrade_naming_them(backend_url):
    """As the review found them: two national downloads for one person, both approved before 0009."""
    engine = at_0004(backend_url)
    with session_scope(engine) as s:
        reviewer = auth.create_user(s, "reviewer", PASSWORD, "reviewer", region="430102")
        regs = [register_from_national(s, national_application(3, ADC201=f"SAMPLE-NATIONAL-{i:020d}"),
                                       received_at=SEPT_30) for i in (1, 2)]
        numbers = [r.aaz341 for r in regs]
        for number in numbers:
            decision.decide(s, reviewer, number, approve=True, version=1, at=SEPT_30)
    with pytest.raises(Exception, match="同一人有多条未办结") as err:
        migrate(engine)
    assert f"{numbers[0]}, {numbers[1]}" in str(err.value)
