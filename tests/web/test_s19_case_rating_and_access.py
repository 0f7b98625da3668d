"""A 一件事 case after session 19. The 好差评 piece of its page is the one a benefit claim's pages use
(templates/_rating.html): the applicant rates a completed case; a staff member who opens the case page reads
the applicant's rating and is offered no form of the applicant's. Another person's case is, to an applicant,
a case that does not exist (404, page and API), as another person's benefit claim is; staff outside the
case's region are refused (403), as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth

from .forms import csrf_of
from .test_service_pages import PASSWORD, _step_all, apply, login, page_app, seed_region


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    region = seed_region(url)
    return TestClient(page_app(url)), url, region


def _number(response) -> str:
    return response.headers["location"].split("/")[-1].split("?")[0]


def test_staff_read_the_applicants_rating_of_a_case_and_get_no_form(site) -> None:
    client, url, region = site
    login(client, region.applicant)
    number = _number(apply(client, items=["4.1.1"]))
    _step_all(url, region, number)
    login(client, region.reviewer)
    page = client.get(f"/services/cases/{number}").text
    assert "已办结" in page and 'name="level"' not in page and "服务评价" not in page  # completed, not yet rated

    login(client, region.applicant)
    page = client.get(f"/services/cases/{number}").text
    assert page.count('type="radio" id="level-') == 5 and "您对本次办理的评价（好差评）" in page
    r = client.post(f"/services/cases/{number}/rating", data={"csrf": csrf_of(page), "level": "2", "text": "慢"},
                    follow_redirects=False)
    assert r.status_code == 303
    login(client, region.reviewer)
    page = client.get(f"/services/cases/{number}").text
    assert "<h2 id=\"rating-heading\">申请人评价</h2>" in page and "<strong>不满意</strong>——慢" in page
    assert "您的评价" not in page and 'name="level"' not in page


# ---------------------------------------------------------------- another person's case: as if there were none


def test_another_persons_case_is_not_said_to_exist_by_page_or_api_and_staff_outside_are_refused(tmp_path,
                                                                                               monkeypatch) -> None:
    """Session 19: an applicant asking for somebody else's case gets the 404 a number nobody has gets — page
    and API, reading, downloading, supplying, rating (个人信息保护法; security review finding 16). Staff of
    another region still get their 403 (the refusal names their scope)."""
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    region, other = seed_region(url), seed_region(url)
    with session_scope(connect(url)) as s:
        person = auth.create_applicant(s, "citizen", "测试乙", region=region.name)
        auth.create_user(s, f"neighbour-{region.name}", PASSWORD, "applicant", applicant=person, region=region.name)
    client = TestClient(create_app(url))
    login(client, region.applicant)
    number = _number(apply(client, items=["4.1.1"]))
    _step_all(url, region, number)  # completed: rateable by its applicant only
    missing = "KB20200101000000000000"  # no case has this number

    login(client, f"neighbour-{region.name}")
    form = client.get("/services/cases").text
    for ref in (number, missing):
        page = client.get(f"/services/cases/{ref}")
        assert page.status_code == 404 and f"没有这个办件：{ref}" in page.text and "无权" not in page.text
        assert client.get(f"/services/cases/{ref}/materials/0").status_code == 404
        rated = client.post(f"/services/cases/{ref}/rating", data={"csrf": csrf_of(form), "level": "5"})
        assert rated.status_code == 404 and "无权" not in rated.text
        supplied = client.post(f"/services/cases/{ref}/supply", data={"csrf": csrf_of(form)})
        assert supplied.status_code == 404

    token = {"Authorization": "Bearer " + client.post("/api/auth/login", json={
        "username": f"neighbour-{region.name}", "password": PASSWORD}).json()["token"]}
    for ref in (number, missing):
        for answer in (client.get(f"/api/cases/{ref}", headers=token),
                       client.get(f"/api/cases/{ref}/status", headers=token),
                       client.post(f"/api/cases/{ref}/rating", headers=token, json={"level": 5})):
            assert answer.status_code == 404, answer.text
            assert answer.json() == {**answer.json(), "detail": f"没有这个办件：{ref}", "field": "number"}

    # staff keep their access: their own region reads it, another region's window is told it is not theirs
    login(client, region.reviewer)
    assert client.get(f"/services/cases/{number}").status_code == 200
    login(client, other.window)
    refused = client.get(f"/services/cases/{number}")
    assert refused.status_code == 403 and f"无权查看办件 {number}" in refused.text
    staff = {"Authorization": "Bearer " + client.post("/api/auth/login", json={
        "username": other.window, "password": PASSWORD}).json()["token"]}
    assert client.get(f"/api/cases/{number}", headers=staff).status_code == 403
    assert client.get(f"/api/cases/{number}/status", headers=staff).status_code == 403
    assert client.get(f"/api/cases/{missing}", headers=staff).status_code == 404
