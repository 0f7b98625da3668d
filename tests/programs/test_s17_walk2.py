"""Second round of the session-17 walk, the 补贴申领 side: the 收款账户 a claimant typed is shown back — in full to
the claimant (their own record, as the other citizen pages show it; since session 21), masked to the caseworker
until they ask for it in full (显示完整信息), that read written to the audit log —, and
the caseworker chooses 通过 or 不通过 actively: nothing is preset, a forgotten choice is said in Chinese and
what was typed is kept."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform.models import AuditEntry
from kuaiban.programs.models import Claim
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import csrf_of, post_login

ACCOUNT = "6222020200112233445"  # invented


def _claimed(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    app = create_app(url)
    citizen, reviewer = TestClient(app), TestClient(app)
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    assert post_login(reviewer, "bj-rev", STAFF_PASSWORD).status_code == 303
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    done = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False,
                        data={"csrf": csrf_of(form), "month": "2020-08", "contribution_months": "70",
                              "account": ACCOUNT})
    assert done.status_code == 303
    return town, citizen, reviewer, done.headers["location"]


def _reads(town) -> list[AuditEntry]:
    with session_scope(town.engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data",
                                                       AuditEntry.entity == "program_claim")))


def test_the_claimant_sees_their_account_the_caseworker_masked_then_in_full_on_request_and_the_read_is_logged(
        tmp_path, clock_at_aug_3) -> None:
    town, citizen, reviewer, claim_url = _claimed(tmp_path)
    mine = citizen.get(claim_url).text
    assert re.search(r'<dd id="account">([^<]*)', mine).group(1) == ACCOUNT
    assert "只显示末四位" not in mine
    assert _reads(town) == []  # the claimant reading their own claim is not a disclosure

    page = reviewer.get(claim_url).text
    assert re.search(r'<dd id="account">([^<]*)', page).group(1) == "***************3445"
    assert ACCOUNT not in page and _reads(town) == []  # opened masked: nothing disclosed, nothing logged
    full = reviewer.post(f"{claim_url}/full", data={"csrf": csrf_of(page)}).text
    assert re.search(r'<dd id="account">([^<]*)', full).group(1) == ACCOUNT
    (entry,) = _reads(town)
    assert entry.detail["fields"] == ["account", "id_number"] and entry.actor_role == "reviewer"  # one read (s17 staffui)


def test_the_decision_is_not_preset_and_a_missing_one_is_said_with_the_typed_text_kept(
        tmp_path, clock_at_aug_3) -> None:
    town, _citizen, reviewer, claim_url = _claimed(tmp_path)
    page = reviewer.get(claim_url).text
    fieldset = page[page.index('<fieldset id="outcome">'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert 'value="pass"' in fieldset and "checked" not in fieldset
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    bad = reviewer.post(f"{claim_url}/act", follow_redirects=False,
                        data={"csrf": csrf_of(page), "version": version, "months": "2",
                              "note": "已核对账户", "internal_note": "材料齐全"})
    assert bad.status_code == 422
    assert "请选择办理结果（通过或不通过）" in bad.text
    assert ">已核对账户</textarea>" in bad.text and ">材料齐全</textarea>" in bad.text
    assert 'id="months" name="months" inputmode="numeric" value="2"' in bad.text
    with session_scope(town.engine) as s:
        claim = s.get(Claim, int(claim_url.rsplit("/", 1)[1]))
        assert claim.status == "reviewing" and claim.step == 0  # nothing was decided
    good = reviewer.post(f"{claim_url}/act", follow_redirects=False,
                         data={"csrf": csrf_of(bad.text), "version": version, "outcome": "pass", "months": "2"})
    assert good.status_code == 303
