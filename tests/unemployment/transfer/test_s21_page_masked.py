"""The 失业保险关系转移 page opens masked to staff (session 21, as the task page, the 失业登记 review page and the API).

Before: ``GET /unemployment/transfers/{ref}`` showed every office the 社保卡号 in full (``SAMPLE-CARD-0001``), unlogged.
Now staff see it by its last four and the 公民身份号码 masked (the API's masks, ``personal_data``), and the one
显示完整信息 form (templates/_reveal.html, ``POST /unemployment/transfers/{ref}/full``, CSRF) shows both in full and
writes one ``read_personal_data`` entry. A citizen cannot post it — for their own transfer or anyone else's — and staff
serving neither side are refused; nothing is shown or logged then. The person sees their own record in full.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, personal_data
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import samples
from tests.web.forms import csrf_of, post_login

from .world import DESTINATION, PASSWORD, PERSON_ID, make_offices

CARD = "SAMPLE-CARD-0001"


@pytest.fixture
def started(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    make_offices(url)
    app = create_app(url)

    def signed_in(username: str) -> TestClient:
        client = TestClient(app)
        assert post_login(client, username, PASSWORD).status_code == 303
        return client

    person = signed_in("person")
    form = person.get("/unemployment/transfers/new").text
    r = person.post("/unemployment/transfers/new", follow_redirects=False, data={
        "csrf": csrf_of(form), "side": "origin", "origin_region": "长沙市芙蓉区", "destination_region": DESTINATION,
        "name": "样例甲", "card_number": CARD, "employment_status": "参保失业人员（正在领金期间）"})
    assert r.status_code == 303, r.text
    page = r.headers["location"].partition("?")[0]

    def reads() -> list[AuditEntry]:
        with session_scope(connect(url)) as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")))

    with session_scope(connect(url)) as s:  # a second citizen, with a synthetic number
        someone = auth.create_applicant(s, "citizen", "样例乙", id_number=samples.SAMPLE_ID_FEMALE, region="430102")
        auth.create_user(s, "someone", PASSWORD, "applicant", applicant=someone, region="430102")
    return signed_in, person, page, reads


def _shown(html: str, dd_id: str) -> str:
    return re.search(rf'<dd id="{dd_id}">([^<]*)', html).group(1)


def test_staff_open_the_transfer_masked_and_see_it_in_full_only_by_the_audited_reveal(started) -> None:
    signed_in, _person, page, reads = started
    for username in ("hn-clerk", "cq-clerk"):  # the 转出地 and the 转入地 alike
        office = signed_in(username)
        shown = office.get(page).text
        assert _shown(shown, "card-number") == personal_data.mask("account", CARD) == "************0001"
        assert _shown(shown, "id-number") == personal_data.mask("id_number", PERSON_ID)
        assert CARD not in shown and PERSON_ID not in shown
        assert f'action="{page}/full#record"' in shown and "社保卡号和公民身份号码已部分隐藏" in shown
    assert reads() == []  # opening the page discloses nothing

    origin = signed_in("hn-clerk")
    full = origin.post(f"{page}/full", data={"csrf": csrf_of(origin.get(page).text)})
    assert full.status_code == 200
    assert _shown(full.text, "card-number") == CARD and _shown(full.text, "id-number") == PERSON_ID
    assert "本次查看已记入审计日志" in full.text and 'id="do-full"' not in full.text
    (entry,) = reads()
    assert (entry.entity, entry.actor_role, entry.detail["fields"]) == ("ue_transfer", "reviewer",
                                                                       ["card_number", "id_number"])
    assert entry.detail["ref"] == page.rsplit("/", 1)[1]

    # a refused step shows the page again masked
    refused = origin.post(f"{page}/refuse", data={"csrf": csrf_of(origin.get(page).text), "reason": ""})
    assert refused.status_code == 422 and CARD not in refused.text and PERSON_ID not in refused.text
    assert len(reads()) == 1


def test_no_citizen_may_post_a_reveal_and_staff_of_neither_side_are_refused(started) -> None:
    signed_in, person, page, reads = started
    mine = person.get(page).text
    assert _shown(mine, "card-number") == CARD and _shown(mine, "id-number") == PERSON_ID  # one's own record
    assert 'id="do-full"' not in mine
    own = person.post(f"{page}/full", data={"csrf": csrf_of(mine)})
    assert own.status_code == 403 and "显示完整信息" not in own.text

    someone = signed_in("someone")  # another citizen: not their record, and not staff
    theirs = someone.post(f"{page}/full", data={"csrf": csrf_of(someone.get("/unemployment/transfers").text)})
    assert theirs.status_code == 403 and CARD not in theirs.text and PERSON_ID not in theirs.text
    assert someone.get(page).status_code == 404  # someone else's transfer is not said to exist

    elsewhere = signed_in("sd-clerk")  # 山东: serves neither side
    away = elsewhere.post(f"{page}/full", data={"csrf": csrf_of(elsewhere.get("/unemployment/transfers").text)})
    assert away.status_code == 403 and CARD not in away.text and PERSON_ID not in away.text
    forged = signed_in("hn-clerk").post(f"{page}/full", data={"csrf": "forged"})
    assert forged.status_code == 403 and CARD not in forged.text
    assert reads() == []
