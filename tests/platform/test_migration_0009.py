"""Migration 0009 builds the unique indexes only on clean data: duplicates already stored stop it with a
message naming them (nothing dropped or merged), and existing usernames are normalised."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from kuaiban.db import MIGRATIONS, make_engine, migrate

from .conftest import citizen_number

NOW = dt.datetime(2026, 12, 1, 9, 0)


REVISION = "0009_uniqueness_and_logins"


def upgrade_to(engine, revision: str) -> None:
    """Run the migrations up to ``revision`` in one transaction, as kuaiban.db.migrate does up to head."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def at_0004(url: str):
    engine = make_engine(url)
    upgrade_to(engine, "0004_national_sync")
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
        upgrade_to(engine, REVISION)
    assert f"{ids[0]}, {ids[1]}" in str(err.value) and number not in str(err.value)  # named, the number masked
    with engine.connect() as conn:  # nothing was dropped
        assert conn.execute(text("SELECT count(*) FROM svc_applicants")).scalar() == 3


def test_usernames_equal_once_normalised_stop_the_upgrade(backend_url):
    engine = at_0004(backend_url)
    with engine.begin() as conn:
        add_user(conn, "Alice")
        add_user(conn, "alice ")
    with pytest.raises(Exception, match="用户名规范化") as err:
        upgrade_to(engine, REVISION)
    assert "'Alice'" in str(err.value) and "'alice '" in str(err.value)


def test_clean_data_is_upgraded_and_usernames_normalised(backend_url):
    engine = at_0004(backend_url)
    with engine.begin() as conn:
        add_user(conn, " Win_HN")
        add_applicant(conn, citizen_number())
    upgrade_to(engine, REVISION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM svc_users")).scalars().all() == ["win_hn"]
    migrate(engine)  # and the later migrations (0010 moves the unique index onto the hashes) take it in
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM svc_users")).scalars().all() == ["win_hn"]


def add_registration(conn, aaz341: str, id_number: str, *, reviewer_id: int, **values) -> None:
    """A 失业登记 row as 0003/0004 store it: a national download, approved (已登记) by ``reviewer_id``."""
    row = dict(aaz341=aaz341, adc201=f"SAMPLE-NATIONAL-{aaz341}", aab301="430102", channel="national",
               place_basis="户籍地", id_number=id_number, name="测试申", status="已登记",
               application=json.dumps({"AAC002": id_number, "AAC044": id_number}, ensure_ascii=False),
               submitted_at=NOW, limit_working_days=5, limit_basis="测试", register_flagged=True,
               decided_at=NOW, decided_by_id=reviewer_id, decision="1", version=2) | values
    cols = ", ".join(row)
    conn.execute(text(f"INSERT INTO ue_registrations ({cols}) VALUES ({', '.join(':' + c for c in row)})"), row)


def test_two_open_registrations_of_one_person_stop_the_upgrade_naming_them(backend_url):
    """As the review found them: two national downloads for one person, both approved before 0009.

    Written with plain SQL at 0004 and upgraded to exactly 0009: the application code and ORM models
    describe the newest schema (0008's audit chain, 0010's hashed numbers), not a database at 0004."""
    engine = at_0004(backend_url)
    person, other = citizen_number(), citizen_number()
    numbers = ["430102202009300001", "430102202009300002"]
    with engine.begin() as conn:
        add_user(conn, "reviewer")
        reviewer = conn.execute(text("SELECT id FROM svc_users WHERE username = 'reviewer'")).scalar_one()
        for number in numbers:
            add_registration(conn, number, person, reviewer_id=reviewer)
        # not open, or flagged and kept for the reviewer: none of these is a duplicate 0009 refuses
        add_registration(conn, "430102202009300003", person, reviewer_id=reviewer, status="已注销")
        add_registration(conn, "430102202009300004", person, reviewer_id=reviewer, status="待审核",
                         decided_at=None, decided_by_id=None, decision=None, version=1)
        add_registration(conn, "430102202009300005", other, reviewer_id=reviewer)
    with pytest.raises(Exception, match="同一人有多条未办结") as err:
        upgrade_to(engine, REVISION)
    message = str(err.value)
    assert f"{numbers[0]}, {numbers[1]}" in message and person not in message  # named, the number masked
    assert "430102202009300003" not in message and "430102202009300004" not in message
    with engine.connect() as conn:  # nothing dropped, still at 0004
        assert conn.execute(text("SELECT count(*) FROM ue_registrations")).scalar() == 5
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004_national_sync"
