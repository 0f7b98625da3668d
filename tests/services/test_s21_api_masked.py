"""快办 API: a caseworker's ``GET /api/cases/{number}`` opens masked, as the workbench's task page does; the form's
personal fields in full only on request (``?full=true``), that read in the audit log (security audit s21).

Before: every staff read of a case's detail through the API answered 证件号码 ``110101199001019028`` and 手机号码
``13800000000`` in full (audited, but with no way to read less), while the task page opened masked. Now both open
masked with the one mask (``form_fields.masked_form`` over ``personal_data.mask``), and both show the full form only
when asked, each such read an audit entry naming who, which case, which fields and when.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform import personal_data
from kuaiban.platform.models import AuditEntry
from tests.api_login import bearer_login

from .conftest import FORM, PASSWORD, make_world


@pytest.fixture
def api(backend_url):
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, world, bearer_login(client, PASSWORD)


def _reads(world) -> list[AuditEntry]:
    with world.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")
                              .order_by(AuditEntry.id)))


def test_a_caseworker_reads_a_case_masked_and_in_full_only_on_request(api) -> None:
    client, world, login = api
    citizen, window = login("citizen"), login("window")
    number = client.post("/api/cases", headers=citizen,
                         json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()["number"]

    masked = client.get(f"/api/cases/{number}", headers=window).json()["form"]
    assert masked["证件号码"] == personal_data.mask_id_number(FORM["证件号码"]) == "110101********9028"
    assert masked["手机号码"] == personal_data.mask_phone(FORM["手机号码"]) == "138****0000"
    assert masked["姓名"] == FORM["姓名"] and masked["性别"] == FORM["性别"]  # what a step needs stays readable
    assert _reads(world) == []  # nothing shown in full, nothing to record

    before = _reads(world)
    full = client.get(f"/api/cases/{number}?full=true", headers=window).json()["form"]
    assert full == FORM
    (entry,) = [e for e in _reads(world) if e not in before]
    assert (entry.actor_id, entry.actor_role, entry.entity, entry.case_id) == (world.window.id, "window", "case",
                                                                                entry.entity_id)
    assert entry.detail == {"fields": ["手机号码", "证件号码"], "number": number} and entry.at is not None
    # full=false is the default, said explicitly
    assert client.get(f"/api/cases/{number}?full=false", headers=window).json()["form"] == masked

    # another region's supervisor: refused, and a refused read records nothing
    assert client.get(f"/api/cases/{number}?full=true", headers=login("outsider")).status_code == 403
    assert len(_reads(world)) == 1
    # the applicant reads their own case in full, as on their page, unlogged
    assert client.get(f"/api/cases/{number}", headers=citizen).json()["form"] == FORM
    assert len(_reads(world)) == 1
