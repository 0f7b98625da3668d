"""The 失业登记 review page masks personal fields as the queue does (audit 2026-12 §4.3: it showed the
身份证号 twice — in the application and in the 书面承诺 — and the phone in full to every caseworker who
opened it); 显示完整信息 (a POST with the page's CSRF token) shows them, and that read is in the audit log.
The API queue masks its ``application`` too. SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from kuaiban.platform import auth
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.personal_data import mask_id_number, mask_phone
from tests.unemployment.world import PASSWORD, local_application
from tests.web.forms import csrf_of

from .test_unemployment_pages import apply_online, login, site  # noqa: F401  (site: the fixture)


def _reads(world) -> list[AuditEntry]:
    with world.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")))


def test_the_review_page_masks_and_shows_in_full_only_on_request_audited(site):  # noqa: F811
    client, world = site
    record = local_application(0)
    login(client, "citizen")
    aaz341 = apply_online(client, world, record)
    person, phone = record["AAC002"], record["AAC067"]
    login(client, "reviewer")
    page = client.get(f"/unemployment/review/{aaz341}")
    assert page.status_code == 200
    assert person not in page.text and record["AAC044"] not in page.text and phone not in page.text
    assert mask_id_number(person) in page.text and mask_phone(phone) in page.text
    assert "显示完整信息" in page.text and _reads(world) == []

    refused = client.post(f"/unemployment/review/{aaz341}/full", data={})
    assert refused.status_code == 403 and person not in refused.text and _reads(world) == []
    full = client.post(f"/unemployment/review/{aaz341}/full", data={"csrf": csrf_of(page.text)})
    assert full.status_code == 200 and person in full.text and phone in full.text
    assert full.text.count(person) >= 2  # the application and the signed 书面承诺, as signed
    assert "本次查看已记入审计日志" in full.text
    (entry,) = _reads(world)
    assert entry.detail["aaz341"] == aaz341 and {"AAC002", "AAC067"} <= set(entry.detail["fields"])

    # the queue, page and API, stays masked and records nothing
    assert person not in client.get("/unemployment/review").text
    with world.session() as s:
        token, _ = auth.login(s, "reviewer", PASSWORD)
    queue = client.get("/api/unemployment/queue", headers={"Authorization": f"Bearer {token}"})
    assert queue.status_code == 200 and person not in queue.text and phone not in queue.text
    assert len(_reads(world)) == 1
