"""失业登记 API: ``GET /api/unemployment/registrations/{aaz341}`` opens masked for staff, as the review page does; in
full only on request (``?full=true``), that read in the audit log (security audit s21).

Before: every staff read of a registration's detail through the API answered AAC002, the phones and the addresses in
full; the review page opened masked. Now both use ``unemployment.personal.masked_record`` (``personal_data.mask``)
and both show the record in full only when asked, audited: who, which registration, which fields, when.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform import personal_data
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import samples
from tests.api_login import bearer_login
from tests.unemployment.world import PASSWORD, local_application, make_world

PERSON = samples.SAMPLE_ID_MALE


@pytest.fixture
def api(backend_url):
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, world, bearer_login(client, PASSWORD)


def _reads(world) -> list[AuditEntry]:
    with world.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")))


def test_a_caseworker_reads_a_registration_masked_and_in_full_only_on_request(api) -> None:
    client, world, login = api
    record = local_application()
    citizen = login("citizen")
    number = client.post("/api/unemployment/registrations", headers=citizen,
                         json={"record": record, "declaration_signed": True}).json()["aaz341"]
    reviewer = login("reviewer")

    shown = client.get(f"/api/unemployment/registrations/{number}", headers=reviewer).json()
    assert shown["id_number"] == personal_data.mask_id_number(PERSON) == PERSON[:6] + "********" + PERSON[-4:]
    assert shown["application"]["AAC067"] == personal_data.mask_phone(record["AAC067"])
    assert PERSON not in json.dumps(shown, ensure_ascii=False)  # nor in the signed declaration's text
    assert shown["name"] == record["AAC003"]  # the name stays readable, as in the queue
    assert _reads(world) == []

    full = client.get(f"/api/unemployment/registrations/{number}?full=true", headers=reviewer).json()
    assert full["id_number"] == PERSON and full["application"]["AAC067"] == record["AAC067"]
    assert PERSON in full["declaration"]["text"]
    (entry,) = _reads(world)
    assert (entry.actor_id, entry.actor_role, entry.entity, entry.detail["aaz341"]) == (
        world.reviewer.id, "reviewer", "ue_registration", number)
    assert {"AAC002", "AAC067"} <= set(entry.detail["fields"]) and entry.at is not None

    assert client.get(f"/api/unemployment/registrations/{number}?full=true",
                      headers=login("outsider")).status_code == 403
    assert len(_reads(world)) == 1  # refused: nothing shown, nothing recorded
    mine = client.get(f"/api/unemployment/registrations/{number}", headers=citizen).json()
    assert PERSON in mine["declaration"]["text"] and len(_reads(world)) == 1  # the person's own: full, unlogged
