"""失业登记 personal information: the person's number, phones and addresses are ciphertext in the database,
the duplicate check finds the person through the keyed hash, the caseworker's queue shows them masked,
and the detail endpoint shows them in full with the read in the audit log — SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kuaiban.app import create_app
from kuaiban.platform import personal_data
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration, samples
from tests.api_login import bearer_login
from tests.unemployment.world import PASSWORD, local_application, make_world

PERSON = samples.SAMPLE_ID_MALE


@pytest.fixture
def api(backend_url):
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, world, bearer_login(client, PASSWORD)


def _raw_json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def test_the_registration_is_ciphertext_in_the_database_and_the_duplicate_check_uses_the_hash(api):
    client, world, login = api
    record = local_application()
    r = client.post("/api/unemployment/registrations", headers=login("citizen"),
                    json={"record": record, "declaration_signed": True})
    assert r.status_code == 201, r.text
    with world.engine.connect() as conn:
        number, digest, application = conn.execute(text(
            "SELECT id_number, id_number_hash, application FROM ue_registrations")).one()
        signer_number, declaration = conn.execute(text("SELECT signer_id_number, text FROM ue_commitments")).one()
    application = _raw_json(application)
    assert number.startswith("pd1:") and digest == personal_data.lookup_hash(PERSON)
    for code in ("AAC002", "AAC044", "AAC067", "AAC010", "AAC046"):
        assert application[code].startswith("pd1:"), code
    assert application["AAC003"] == record["AAC003"] and application["AAB301"] == record["AAB301"]
    assert PERSON not in json.dumps(application) and PERSON not in signer_number + declaration
    again = client.post("/api/unemployment/registrations", headers=login("citizen"),
                        json={"record": record, "declaration_signed": True})
    assert again.status_code == 409 and "不能重复申请" in again.json()["detail"]


def test_the_queue_masks_and_the_detail_shows_in_full_with_the_read_audited(api):
    client, world, login = api
    record = local_application()
    number = client.post("/api/unemployment/registrations", headers=login("citizen"),
                         json={"record": record, "declaration_signed": True}).json()["aaz341"]
    reviewer = login("reviewer")
    (row,) = client.get("/api/unemployment/queue", headers=reviewer).json()
    assert row["id_number"] == PERSON[:6] + "********" + PERSON[-4:]
    assert row["application"]["AAC002"] == row["id_number"]
    assert row["application"]["AAC067"] == record["AAC067"][:3] + "****" + record["AAC067"][-4:]
    assert PERSON not in json.dumps(row, ensure_ascii=False)  # not even inside the declaration text
    with world.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")).all() == []

    masked = client.get(f"/api/unemployment/registrations/{number}", headers=reviewer).json()  # as the queue (s21)
    assert masked["id_number"] == row["id_number"] and masked["application"] == row["application"]
    full = client.get(f"/api/unemployment/registrations/{number}?full=true", headers=reviewer).json()
    filed_on = full["submitted_at"][:10].replace("-", "")  # AAE127 申请日期 is the filing day (session 13)
    assert full["id_number"] == PERSON and full["application"] == record | {"AAE127": filed_on}
    with world.session() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data"))
        assert (entry.actor_id, entry.entity, entry.detail["aaz341"]) == (world.reviewer.id, "ue_registration",
                                                                          number)
        assert {"AAC002", "AAC044", "AAC067"} <= set(entry.detail["fields"])
    mine = client.get(f"/api/unemployment/registrations/{number}", headers=login("citizen")).json()
    assert mine["declaration"]["text"] == full["declaration"]["text"] and PERSON in mine["declaration"]["text"]
    assert client.get(f"/api/unemployment/registrations/{number}", headers=login("outsider")).status_code == 403


def test_the_open_registration_lookup_finds_the_person_whatever_the_letter_case(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        reg = registration.submit(s, world.citizen, local_application(), declaration_signed=True)
        assert registration._open_registration(s, PERSON.lower()).aaz341 == reg.aaz341


def test_migration_0010_encrypts_a_registration_written_before_it_and_fills_its_hash(backend_url):
    import datetime as dt

    from alembic import command
    from alembic.config import Config

    from kuaiban.db import MIGRATIONS, connect, make_engine

    record = local_application()
    engine = make_engine(backend_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_national_sync")
        conn.execute(text(
            "INSERT INTO ue_registrations (aaz341, aab301, channel, place_basis, id_number, name, status, "
            "application, submitted_at, limit_working_days, limit_basis, register_flagged, version) VALUES "
            "('430102200701000001', '430102', 'online', '户籍地', :n, :name, '已登记', :app, :at, 15, '测试', "
            ":flag, 1)"), {"n": PERSON, "name": record["AAC003"], "app": json.dumps(record, ensure_ascii=False),
                           "at": dt.datetime(2020, 7, 1, 9), "flag": False})
    engine.dispose()
    engine = connect(backend_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id_number, id_number_hash, application FROM ue_registrations")).all()
    ((number, digest, application),) = rows  # the one row, kept
    assert number.startswith("pd1:") and digest == personal_data.lookup_hash(PERSON)
    assert _raw_json(application)["AAC067"].startswith("pd1:") and _raw_json(application)["AAC003"] == record["AAC003"]
    with engine.connect() as conn:
        assert conn.execute(select(m.Registration.application)).scalar_one() == record
    with Session(engine) as s:
        assert registration._open_registration(s, PERSON).aaz341 == "430102200701000001"
