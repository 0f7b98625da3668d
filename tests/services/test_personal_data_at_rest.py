"""Personal information in the 快办 tables: encrypted in the database (read raw), found through the keyed
hash, masked in lists, shown in full on a detail read that the audit log records, re-encrypted on key
rotation, and encrypted in place by migration 0010 without losing a row — on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kuaiban.app import create_app
from kuaiban.db import MIGRATIONS, connect, make_engine
from kuaiban.platform import auth, personal_data, rekey
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import Applicant, AuditEntry
from kuaiban.services import cases
from tests.api_login import bearer_login

from .conftest import CITIZEN_ID, FORM, PASSWORD, make_world

EMPLOYEE_ID = FORM["证件号码"]


def raw_json(value) -> dict:
    """A JSON column as the database holds it (SQLite gives text, PostgreSQL a parsed object)."""
    return json.loads(value) if isinstance(value, str) else value


def raw(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def test_an_applicants_id_number_is_ciphertext_in_the_database_and_found_by_its_hash(backend_url):
    world = make_world(backend_url)
    stored, digest = raw(world.engine, "SELECT id_number, id_number_hash FROM svc_applicants WHERE name = '测试乙'")
    assert stored.startswith("pd1:") and CITIZEN_ID not in stored
    assert digest == personal_data.lookup_hash(CITIZEN_ID)
    with world.session() as s:
        assert auth.find_applicant(s, "citizen", CITIZEN_ID.lower()).name == "测试乙"
        assert s.scalar(select(Applicant.id_number).where(Applicant.name == "测试乙")) == CITIZEN_ID
        with pytest.raises(Conflict, match="不能用该证件号码注册新账号"):  # the uniqueness check goes through the hash
            auth.create_applicant(s, "citizen", "另一人", id_number=CITIZEN_ID, region="430100")


def test_a_case_forms_identity_number_and_phone_are_encrypted_and_the_rest_is_not(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"]).number
    stored = raw_json(raw(world.engine, "SELECT form FROM svc_cases WHERE number = :n", n=number)[0])
    assert stored["证件号码"].startswith("pd1:") and stored["手机号码"].startswith("pd1:")
    assert EMPLOYEE_ID not in json.dumps(stored) and FORM["手机号码"] not in json.dumps(stored)
    assert stored["姓名"] == "测试甲" and stored["性别"] == "女"  # codes and names stay readable for reports
    with world.session() as s:  # through the model: the plain values
        assert cases.get_case(s, world.window, number).form == FORM


@pytest.fixture
def api(backend_url):
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, world, bearer_login(client, PASSWORD)


def reads(world) -> list[AuditEntry]:
    with world.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")))


def test_staff_see_a_case_in_full_only_on_its_detail_and_that_read_is_audited(api):
    client, world, login = api
    citizen, window = login("citizen"), login("window")
    number = client.post("/api/cases", headers=citizen,
                         json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()["number"]
    assert client.get(f"/api/cases/{number}", headers=citizen).json()["form"] == FORM
    assert reads(world) == []  # the applicant reading their own case is not a disclosure
    masked = client.get(f"/api/cases/{number}", headers=window).json()["form"]  # masked unless asked (s21)
    assert masked["证件号码"] == "110101********9028" and reads(world) == []
    got = client.get(f"/api/cases/{number}?full=true", headers=window).json()["form"]
    assert got["证件号码"] == EMPLOYEE_ID
    (entry,) = reads(world)
    assert entry.actor_id == world.window.id and entry.entity == "case"
    assert entry.detail == {"fields": ["手机号码", "证件号码"], "number": number}
    with world.session() as s:  # a list's view of the same case
        masked = cases.case_dict(cases.get_case(s, world.window, number), masked=True)["form"]
    assert masked["证件号码"] == "110101********9028" and masked["手机号码"] == "138****0000"
    assert client.get(f"/api/cases/{number}?full=true", headers=login("outsider")).status_code == 403
    assert len(reads(world)) == 1  # a refused read discloses nothing and records nothing


def test_rotation_reencrypts_every_value_and_lookups_keep_working(backend_url, monkeypatch):
    world = make_world(backend_url)
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"]).number
    new = "new:" + base64.b64encode(b"n" * 32).decode()
    monkeypatch.setenv(personal_data.ENV_KEY, f"{new},{os.environ[personal_data.ENV_KEY]}")  # new key first
    personal_data.reload_keys()
    try:
        with world.session() as s:
            counts = rekey.reencrypt(s)
        assert counts["svc_applicants"] == 2 and counts["svc_cases"] == 1
        stored, digest = raw(world.engine, "SELECT id_number, id_number_hash FROM svc_applicants WHERE name = '测试乙'")
        assert stored.startswith("pd1:new:") and digest.startswith("new:")
        monkeypatch.setenv(personal_data.ENV_KEY, new)  # the old key retired: everything still opens
        personal_data.reload_keys()
        with world.session() as s:
            assert auth.find_applicant(s, "citizen", CITIZEN_ID) is not None
            assert cases.get_case(s, world.window, number).form == FORM
    finally:
        monkeypatch.undo()
        personal_data.reload_keys()


def test_migration_0010_encrypts_existing_rows_in_place_and_keeps_every_row(backend_url):
    engine = make_engine(backend_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_national_sync")
        at = dt.datetime(2026, 12, 1, 9, 0)
        conn.execute(text("INSERT INTO svc_applicants (kind, name, id_number, region, created_at) "
                          "VALUES ('citizen', '测试丁', :n, '430000', :at)"), {"n": CITIZEN_ID, "at": at})
        conn.execute(text("INSERT INTO svc_applicants (kind, name, id_number, region, created_at) "
                          "VALUES ('enterprise', '测试企业', NULL, '430000', :at)"), {"at": at})
        conn.execute(text("INSERT INTO svc_cases (number, applicant_id, region, bundle_seq, bundle_name, status, "
                          "form, submitted_at, materials_asked, materials_required, materials_committed, version) "
                          "VALUES ('KB1', 1, '430000', 1, '企业招用员工', '办理中', :form, :at, 0, 0, 0, 1)"),
                     {"form": json.dumps(FORM, ensure_ascii=False), "at": at})
    engine.dispose()
    engine = connect(backend_url)  # brings it to the newest revision, 0010 included
    assert raw(engine, "SELECT count(*) FROM svc_applicants")[0] == 2
    stored, digest = raw(engine, "SELECT id_number, id_number_hash FROM svc_applicants WHERE name = '测试丁'")
    assert stored.startswith("pd1:") and digest == personal_data.lookup_hash(CITIZEN_ID)
    assert raw(engine, "SELECT id_number_hash FROM svc_applicants WHERE name = '测试企业'")[0] is None
    form = raw_json(raw(engine, "SELECT form FROM svc_cases WHERE number = 'KB1'")[0])
    assert form["证件号码"].startswith("pd1:") and form["姓名"] == "测试甲"
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Applicant)) == 2
        assert auth.find_applicant(s, "citizen", CITIZEN_ID).name == "测试丁"


def test_an_applicant_signs_in_with_their_id_number_found_through_the_hash(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        token, _ = auth.login(s, CITIZEN_ID.lower(), PASSWORD)  # the number, in place of the user name
        assert auth.authenticate(s, token).id == world.neighbour.id
        with pytest.raises(auth.Unauthenticated, match="用户名或密码错误"):
            auth.login(s, CITIZEN_ID, "wrong-password")


def test_a_new_sqlite_database_file_is_readable_by_its_owner_only(tmp_path):
    import stat

    connect(f"sqlite:///{tmp_path / 'new.db'}")
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600
