"""补贴项目 API: staff see the 收款账户 masked by default, in full only when they ask, and every full read is in the
audit log (security audit s21).

Before: ``GET /api/programs/batches/{id}`` listed every payee's 收款账户 in full (``"account": "6222…0001"``) to any
reviewer of the region, unlogged; and the claim's detail had no way to show the account in full other than the page.
Now the batch detail shows accounts by their last four (``personal_data.mask_account``, the lists' mask), the claim's
detail takes ``?full=true`` (the page's 显示完整信息: account and 证件号码, audited), and the bank's file — which by
its purpose carries the accounts in full — is unchanged but each download is audited.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform import personal_data
from kuaiban.platform.models import AuditEntry
from tests.programs.conftest import make_town
from tests.programs.test_programs_api import _login, finished

ACCOUNT = "6222000000000001"


@pytest.fixture
def api(backend_url):
    town = make_town(backend_url)
    with TestClient(create_app(backend_url)) as client:
        yield client, _login(client), town


def _reads(town) -> list[AuditEntry]:
    with session_scope(town.engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")
                              .order_by(AuditEntry.id)))


def test_staff_see_accounts_masked_and_in_full_only_on_request_each_read_audited(api, clock_at_aug_3) -> None:
    client, login, town = api
    citizen, reviewer = login("bj-citizen"), login("bj-rev")
    claim = client.post("/api/programs/bj_unemployment_benefit/claims", headers=citizen,
                        json={"month": "2020-08", "facts": {"contribution_months": 70}, "account": ACCOUNT}).json()

    # the claim's detail: masked for the caseworker by default, nothing logged
    shown = client.get(f"/api/programs/claims/{claim['id']}", headers=reviewer).json()
    assert shown["account"] == personal_data.mask_account(ACCOUNT) == "************0001"
    assert ACCOUNT not in str(shown) and "id_number" not in shown
    assert _reads(town) == []
    # asked for in full: the account and the claimant's 证件号码, one audit entry naming who, what, which fields
    full = client.get(f"/api/programs/claims/{claim['id']}?full=true", headers=reviewer).json()
    assert full["account"] == ACCOUNT and full["id_number"] == town.citizen_number
    (entry,) = _reads(town)
    assert (entry.actor_id, entry.actor_role, entry.entity, entry.entity_id) == (
        town.reviewer.id, "reviewer", "program_claim", claim["id"])
    assert entry.detail["fields"] == ["account", "id_number"] and entry.at is not None
    # staff of another region: refused, nothing shown, nothing logged
    assert client.get(f"/api/programs/claims/{claim['id']}?full=true", headers=login("hn-rev")).status_code == 403
    # the claimant reads their own claim as the page shows it (their own account in full, since the pages' change
    # of session 21), with or without full=true, and that is no disclosure
    mine = client.get(f"/api/programs/claims/{claim['id']}?full=true", headers=citizen).json()
    assert mine["account"] == ACCOUNT and "id_number" not in mine
    assert client.get(f"/api/programs/claims/{claim['id']}", headers=citizen).json()["account"] == ACCOUNT
    assert len(_reads(town)) == 1

    client.post(f"/api/programs/claims/{claim['id']}/act", headers=reviewer,
                json={"outcome": "pass", "months": 2, "version": claim["version"]})
    batch = finished(client, reviewer, client.post(
        "/api/programs/payroll", headers=reviewer,
        json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2020-09"}).json())

    # the batch's detail: every payee's account by its last four (it was in full)
    items = client.get(f"/api/programs/batches/{batch['batch']}", headers=reviewer).json()["items"]
    assert [i["account"] for i in items] == ["************0001"] * 2
    assert len(_reads(town)) == 1
    # the bank's file carries the accounts in full (the bank pays into them): unchanged, and now audited
    data = client.get(f"/api/programs/batches/{batch['batch']}/file", headers=reviewer)
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[0][7] == "收款账户" and {r[7] for r in rows[1:-1]} == {ACCOUNT}
    client.get(f"/api/programs/payroll/jobs/{batch['job']}/file?format=xlsx", headers=reviewer)
    files = [e for e in _reads(town) if e.entity == "payment_batch"]
    assert [(e.entity_id, e.detail["fields"], e.detail["file"], e.detail["lines"]) for e in files] == [
        (batch["batch"], ["account"], "csv", 2), (batch["batch"], ["account"], "xlsx", 2)]
    assert {e.actor_id for e in files} == {town.reviewer.id}
