"""The database's own protections: SQLite files only their owner can read, and database errors that
never carry the values of the statement (ID numbers, names, password hashes) into messages or logs."""

from __future__ import annotations

import os
import stat
import traceback

import pytest
from sqlalchemy import text

from kuaiban.db import connect, make_engine, session_scope
from kuaiban.platform import auth

ID_NUMBER = "430102199709109652"  # synthetic: valid check digit, order code 965
PASSWORD_HASH = "scrypt$16384$8$1$00aa$11bb"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def full_text(exc: BaseException | None) -> str:
    """The messages a server log's traceback would show: the error's and those of its chained causes
    (the traceback's source lines are the program's, not data)."""
    parts = []
    while exc is not None:
        parts += traceback.format_exception_only(exc)
        exc = exc.__cause__ or exc.__context__
    return "".join(parts)


def test_sqlite_database_and_its_wal_files_are_private(tmp_path):
    var = tmp_path / "var"
    db = var / "kuaiban.db"
    engine = connect(f"sqlite:///{db}")
    assert mode(var) == 0o700
    with engine.connect() as conn:  # a connection open after a write: -wal and -shm exist
        conn.execute(text("CREATE TABLE t (x)"))
        conn.commit()
        for path in (db, db.with_name("kuaiban.db-wal"), db.with_name("kuaiban.db-shm")):
            assert path.exists() and mode(path) == 0o600, path
    engine.dispose()


def test_an_existing_world_readable_database_loses_the_others_bits(tmp_path):
    db = tmp_path / "old.db"
    db.touch()
    db.chmod(0o644)
    make_engine(f"sqlite:///{db}").dispose()
    assert mode(db) == 0o640  # owner and group as they were; nobody else


def test_a_nul_byte_error_on_postgresql_shows_no_values(backend_url):
    if not backend_url.startswith("postgresql"):
        pytest.skip("SQLite stores NUL; psycopg refuses it")
    engine = connect(backend_url)
    with pytest.raises(Exception, match="NUL") as refused, session_scope(engine) as s:
        auth.create_applicant(s, "citizen", "测试\x00卯", id_number=ID_NUMBER, region="430000")
    logged = full_text(refused.value)
    assert ID_NUMBER not in logged and "测试" not in logged
    assert "[SQL parameters hidden due to hide_parameters=True]" in logged


def test_a_duplicate_key_error_shows_neither_the_key_nor_the_row(backend_url):
    engine = connect(backend_url)
    with engine.begin() as conn:  # one account per ID number, as a unique index would demand
        conn.execute(text("CREATE UNIQUE INDEX test_one_id ON svc_applicants (id_number)"))
    applicant = {"n": "测试甲", "id": ID_NUMBER}
    with pytest.raises(Exception, match=r"(?i)unique") as refused, engine.begin() as conn:
        for _ in range(2):  # two registrations racing past the application's own check
            conn.execute(text("INSERT INTO svc_applicants (kind, name, id_number, region, created_at) "
                              "VALUES ('citizen', :n, :id, '430000', CURRENT_TIMESTAMP)"), applicant)
    logged = full_text(refused.value)
    assert ID_NUMBER not in logged and "测试甲" not in logged
    row = {"u": "same-name", "h": PASSWORD_HASH}
    with pytest.raises(Exception, match=r"(?i)unique") as refused, engine.begin() as conn:
        for _ in range(2):
            conn.execute(text("INSERT INTO svc_users (username, password_hash, role, active, created_at) "
                              "VALUES (:u, :h, 'window', true, CURRENT_TIMESTAMP)"), row)
    logged = full_text(refused.value)
    assert PASSWORD_HASH not in logged and "same-name" not in logged
