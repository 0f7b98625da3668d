"""The staff claim page shows the claimant's 证件号码 in full (to check who claims before deciding), as the
disclosure rules allow on a record's detail page: the read is written to the audit log, in the same one entry
as the 收款账户 (kuaiban.platform.disclosure); the claimant's own page does not show it back."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform.models import AuditEntry
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import csrf_of, post_login


def test_the_reviewer_sees_the_claimants_id_number_and_the_read_is_logged_once(tmp_path, clock_at_aug_3) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    app = create_app(url)
    citizen, reviewer = TestClient(app), TestClient(app)
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    assert post_login(reviewer, "bj-rev", STAFF_PASSWORD).status_code == 303
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    done = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False,
                        data={"csrf": csrf_of(form), "month": "2020-08", "contribution_months": "70",
                              "account": "6217000011112222333"})  # invented
    assert done.status_code == 303
    claim_url = done.headers["location"]

    mine = citizen.get(claim_url).text
    assert town.citizen_number not in mine and 'id="id-number"' not in mine

    def reads() -> list[AuditEntry]:
        with session_scope(town.engine) as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data",
                                                           AuditEntry.entity == "program_claim")))

    assert reads() == []  # the claimant reading their own claim is not a disclosure
    page = reviewer.get(claim_url).text
    assert re.search(r'<dt>证件号码</dt><dd id="id-number">([^<]*)', page).group(1) == town.citizen_number
    assert "本次查阅已记录" in page
    (entry,) = reads()  # one page view, one entry naming both fields shown in full
    assert entry.detail["fields"] == ["account", "id_number"] and entry.actor_role == "reviewer"
