"""The staff claim page opens masked (session 21, as the workbench task page and the 失业登记 review page).

Before: ``GET /programs/claims/{id}`` showed a caseworker the 收款账户 and the claimant's 证件号码 in full on every
opening (audited, but with no way to read less). Now it shows them masked with the lists' masks
(``personal_data.mask``) and the one 显示完整信息 form (templates/_reveal.html): ``POST /programs/claims/{id}/full``
with the page's CSRF token shows them in full and writes one ``read_personal_data`` entry. Only staff serving the
claim's region may post it; a citizen — the claimant or anyone else — is refused and nothing is shown or logged.
The claimant sees their own account in full, as the other citizen pages show one's own record.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kuaiban.platform import personal_data
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD
from tests.programs.test_s17_walk2 import ACCOUNT, _claimed, _reads
from tests.web.forms import csrf_of, post_login


def _shown(page: str, dd_id: str) -> str:
    return re.search(rf'<dd id="{dd_id}">([^<]*)', page).group(1)


def test_the_caseworker_opens_the_claim_masked_and_sees_it_in_full_only_by_the_audited_reveal(
        tmp_path, clock_at_aug_3) -> None:
    town, _citizen, reviewer, claim_url = _claimed(tmp_path)

    page = reviewer.get(claim_url).text
    assert _shown(page, "account") == personal_data.mask("account", ACCOUNT)
    assert _shown(page, "id-number") == personal_data.mask("id_number", town.citizen_number)
    assert ACCOUNT not in page and town.citizen_number not in page
    assert f'action="{claim_url}/full#personal"' in page and 'id="do-full"' in page  # the one macro
    assert "证件号码和收款账户已部分隐藏" in page
    assert _reads(town) == []  # opening the page discloses nothing

    full = reviewer.post(f"{claim_url}/full", data={"csrf": csrf_of(page)})
    assert full.status_code == 200
    assert _shown(full.text, "account").startswith(ACCOUNT)
    assert _shown(full.text, "id-number").startswith(town.citizen_number)
    assert "已显示完整个人信息，本次查看已记入审计日志。" in full.text and 'id="do-full"' not in full.text
    (entry,) = _reads(town)
    assert (entry.actor_id, entry.actor_role, entry.entity, entry.entity_id) == (
        town.reviewer.id, "reviewer", "program_claim", int(claim_url.rsplit("/", 1)[1]))
    assert entry.detail["fields"] == ["account", "id_number"]

    # the page shown again after a refused step is masked again, and logs nothing more
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    refused = reviewer.post(f"{claim_url}/act", data={"csrf": csrf_of(page), "version": version})
    assert refused.status_code == 422 and ACCOUNT not in refused.text and town.citizen_number not in refused.text
    assert len(_reads(town)) == 1


def test_the_reveal_needs_the_pages_csrf_token(tmp_path, clock_at_aug_3) -> None:
    town, _citizen, reviewer, claim_url = _claimed(tmp_path)
    forged = reviewer.post(f"{claim_url}/full", data={"csrf": "not-the-token"})
    assert forged.status_code == 403 and ACCOUNT not in forged.text
    assert _reads(town) == []


def test_no_citizen_may_post_a_reveal_and_other_regions_staff_are_refused(tmp_path, clock_at_aug_3) -> None:
    town, citizen, _reviewer, claim_url = _claimed(tmp_path)

    mine = citizen.get(claim_url).text
    assert _shown(mine, "account") == ACCOUNT  # one's own record, as the other citizen pages show it
    assert 'id="do-full"' not in mine and town.citizen_number not in mine
    own = citizen.post(f"{claim_url}/full", data={"csrf": csrf_of(mine)})
    assert own.status_code == 403 and town.citizen_number not in own.text

    app = citizen.app
    other = TestClient(app)
    assert post_login(other, "bj-other", PASSWORD).status_code == 303
    home = other.get("/programs").text
    theirs = other.post(f"{claim_url}/full", data={"csrf": csrf_of(home)})
    assert theirs.status_code in (403, 404)
    assert ACCOUNT not in theirs.text and town.citizen_number not in theirs.text
    assert other.get(claim_url).status_code == 404  # someone else's claim is not said to exist

    hunan = TestClient(app)
    assert post_login(hunan, "hn-rev", STAFF_PASSWORD).status_code == 303
    away = hunan.post(f"{claim_url}/full", data={"csrf": csrf_of(hunan.get("/programs").text)})
    assert away.status_code == 403 and ACCOUNT not in away.text and town.citizen_number not in away.text
    assert _reads(town) == []  # nobody saw anything in full
