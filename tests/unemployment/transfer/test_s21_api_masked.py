"""失业保险关系转移 API: staff see the 社保卡号 by its last four and the 公民身份号码 masked; the record in full only on
request (``GET /api/unemployment/transfers/{ref}?full=true``), that read in the audit log (security audit s21).

Before: the queue and every answer to an office showed the 社保卡号 in full (``SAMPLE-CARD-0001``), and the number
could not be read in full at all. The partner interface between provinces (``/api/unemployment/transfer-exchange``)
carries the record in full by its protocol (docs/unemployment-transfer.md) and is not changed.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform.models import AuditEntry

from .world import DESTINATION, ORIGIN, PASSWORD, make_offices

CARD = "SAMPLE-CARD-0001"


def test_offices_see_the_card_masked_and_in_full_only_on_request(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    make_offices(url)
    client = TestClient(create_app(url))

    def login(username: str) -> dict:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def reads() -> list[AuditEntry]:
        with session_scope(connect(url)) as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")))

    person, origin = login("person"), login("hn-clerk")
    started = client.post("/api/unemployment/transfers", headers=person, json={
        "side": "origin", "origin_region": ORIGIN, "destination_region": DESTINATION, "name": "样例甲",
        "card_number": CARD, "employment_status": "参保失业人员（正在领金期间）"}).json()
    assert started["record"]["card_number"] == CARD  # the person's own card number
    ref = started["ref"]

    (row,) = client.get("/api/unemployment/transfers/queue", headers=origin).json()
    assert row["record"]["card_number"] == "************0001" and row["record"]["id_number"].count("*") == 8
    shown = client.get(f"/api/unemployment/transfers/{ref}", headers=origin).json()
    assert shown["record"]["card_number"] == "************0001" and reads() == []

    full = client.get(f"/api/unemployment/transfers/{ref}?full=true", headers=origin).json()
    assert full["record"]["card_number"] == CARD and "*" not in full["record"]["id_number"]
    (entry,) = reads()
    assert (entry.entity, entry.detail["ref"], entry.detail["fields"]) == ("ue_transfer", ref,
                                                                          ["card_number", "id_number"])
    assert entry.actor_role == "reviewer" and entry.at is not None  # hn-clerk, a reviewer of the 转出地
    assert client.get(f"/api/unemployment/transfers/{ref}?full=true", headers=login("sd-clerk")).status_code == 403
    assert len(reads()) == 1
