"""The enterprise's 免申即享 page (/programs/listing/<program>/mine): its answer's time is shown to the minute,
as the site shows every time to applicants (提交时间 2026-12-07 04:44), never to the second, and a declined entry
says so once (单位已放弃（2026-12-07 04:44）); a claim listed under
another record of the enterprise's 统一社会信用代码 is the enterprise's (reachable, rateable once decided) and
no other enterprise's."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform import auth, personal_data
from kuaiban.platform.models import Applicant, User
from kuaiban.programs import listing
from kuaiban.programs.models import Claim
from tests.programs.conftest import PASSWORD
from tests.programs.test_listing import (
    JINAN,
    MON,
    PROGRAM,
    credit_code,
    five_rows,
    make_province,
    write_results,
)
from tests.programs.test_listing_rekey import NEW_KEY
from tests.web.forms import csrf_of, post_login


@pytest.fixture
def two_keys(monkeypatch):
    """A key rotation begun (the new key first, the old one still known) for the rest of the test; restored after."""
    def begin() -> None:
        monkeypatch.setenv(personal_data.ENV_KEY, ",".join((NEW_KEY, os.environ[personal_data.ENV_KEY])))
        personal_data.reload_keys()

    yield begin
    monkeypatch.undo()
    personal_data.reload_keys()


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


def _published(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=5, confirm_working_days=10)
    return url


def test_the_answer_time_is_shown_to_the_minute(tmp_path) -> None:
    firm1 = _signed_in(create_app(_published(tmp_path)), "firm1")
    mine_url = f"/programs/listing/{PROGRAM}/mine"
    page = firm1.get(mine_url).text
    assert firm1.post(f"/programs/listing/{PROGRAM}/decline", follow_redirects=False,
                      data={"csrf": csrf_of(page), "note": "本单位不申领"}).status_code == 303
    status = re.search(r"<dt>状态</dt><dd>(.*?)</dd>", firm1.get(mine_url).text).group(1)
    assert re.fullmatch(r"单位已放弃（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}）", status), status  # said once, not 单位已放弃；已放弃
    assert not re.search(r"\d{2}:\d{2}:\d{2}", status)


def test_a_claim_listed_under_another_record_of_the_enterprise_is_its_own_and_no_one_elses(
        tmp_path, two_keys) -> None:
    """Enterprise 2's claim stands under the record the list's import made; its account acts for another record
    of the same 统一社会信用代码 (registration takes the import's record over, so here the second record is made
    as only a key rotation lets one be: hashed under the new key, the first still under the old). Its claim's
    page opens for it before it answers, and once the claim is decided (lapsed: it never answered) it may rate
    it, from the claim's page, 我的申领 or the 免申即享 page. Another enterprise is told the claim does not exist
    (404), on the page and the API."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()), at=MON)["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=3, confirm_working_days=2, at=MON)
    two_keys()
    with province.session() as s:
        record = Applicant(kind="enterprise", name="测试制造有限公司2", id_number=credit_code(2), region=JINAN,
                           created_at=MON)
        s.add(record)
        s.flush()
        auth.create_user(s, "late2", PASSWORD, "applicant", applicant=record, region=JINAN)
    app = create_app(url)
    late2, firm1 = _signed_in(app, "late2"), _signed_in(app, "firm1")
    mine_url = f"/programs/listing/{PROGRAM}/mine"
    mine = late2.get(mine_url).text
    claim_id = int(re.search(r'href="/programs/claims/(\d+)"', mine).group(1))
    with province.session() as s:  # listed under the import's record, not the account's
        assert s.get(Claim, claim_id).applicant_id != province.firm1.applicant_id
        assert s.scalar(select(User.applicant_id).where(User.username == "late2")) != s.get(Claim, claim_id).applicant_id
    page = late2.get(f"/programs/claims/{claim_id}")
    assert page.status_code == 200 and f"申领 {claim_id}" in page.text and 'name="level"' not in page.text
    assert f'href="/programs/claims/{claim_id}"' in late2.get("/programs").text  # in 我的申领 too

    with province.session() as s:  # it never answered: lapsed, decided
        assert listing.lapse(s, None, run_id, at=MON + dt.timedelta(days=3)) == 4  # all four listed
    mine = late2.get(mine_url).text
    assert f'action="/programs/claims/{claim_id}/rating"' in mine
    assert f'action="/programs/claims/{claim_id}/rating"' in late2.get(f"/programs/claims/{claim_id}").text
    assert f'action="/programs/claims/{claim_id}/rating"' in late2.get("/programs").text

    # another enterprise: no such claim, to read or to rate, on the page and the API
    other = firm1.get("/programs").text
    assert f"/programs/claims/{claim_id}" not in other
    for answer in (firm1.get(f"/programs/claims/{claim_id}"),
                   firm1.post(f"/programs/claims/{claim_id}/rating", data={"csrf": csrf_of(other), "level": "1"})):
        assert answer.status_code == 404 and f"没有这件申领：{claim_id}" in answer.text
    token = {"Authorization": "Bearer " + firm1.post("/api/auth/login", json={
        "username": "firm1", "password": PASSWORD}).json()["token"]}
    assert firm1.get(f"/api/programs/claims/{claim_id}", headers=token).status_code == 404
    assert firm1.post(f"/api/programs/claims/{claim_id}/rating", headers=token, json={"level": 1}).status_code == 404

    sent = late2.post(f"/programs/claims/{claim_id}/rating", follow_redirects=False,
                      data={"csrf": csrf_of(mine), "level": "4", "back": mine_url})
    assert sent.status_code == 303 and sent.headers["location"] == mine_url
    assert "您的评价：<strong>满意</strong>" in late2.get(mine_url).text
