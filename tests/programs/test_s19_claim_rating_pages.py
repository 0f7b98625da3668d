"""好差评 of a benefit claim wherever the applicant sees a decided claim of theirs: the claim's own page, 我的申领
on /programs (each decided claim's row holds the form, folded under “评价”, or “已评价：<level>”; a claim not yet
decided has none) and the enterprise's 免申即享 page (once it confirmed and was approved, declined or lapsed).
The form is the one piece of page a 一件事 case's uses (templates/_rating.html); a form sent from a list goes
back to that list, and only to a page of this site that shows the claim. Another person's claim is, to an
applicant, a claim that does not exist (404), as another person's 一件事 case now is; staff outside its region
are refused (403)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.programs import claims, listing
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.programs.test_listing import PROGRAM, five_rows, make_province, write_results
from tests.programs.test_s18_claim_ratings import refused_claim, reviewing_claim
from tests.web.forms import csrf_of, post_login


def _signed_in(app, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    assert post_login(client, username, password).status_code == 303
    return client


def _row(page: str, claim_id: int) -> str:
    """The 我的申领 row of the claim."""
    table = page[page.index('id="my-claims"'):]
    table = table[:table.index("</table>")]
    return next(r for r in table.split("<tr>") if f'href="/programs/claims/{claim_id}"' in r)


def test_my_claims_offers_the_rating_of_each_decided_claim_and_shows_the_level_given(
        tmp_path, clock_at_aug_3) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    waiting, refused = reviewing_claim(town), refused_claim(town)
    app = create_app(url)
    citizen = _signed_in(app, "bj-citizen")
    home = citizen.get("/programs").text
    assert "<th>服务评价</th>" in home
    assert "<form" not in _row(home, waiting) and 'data-label="服务评价">—' in _row(home, waiting)
    row = _row(home, refused)
    assert f'action="/programs/claims/{refused}/rating"' in row and "<summary>评价</summary>" in row
    assert '<input type="hidden" name="back" value="/programs#my-claims">' in row
    assert f'id="c{refused}-level-5"' in row and f'for="c{refused}-rating-text"' in row  # ids unique on the page
    assert "非常不满意" in row and "提交评价" in row

    sent = citizen.post(f"/programs/claims/{refused}/rating", follow_redirects=False,
                        data={"csrf": csrf_of(home), "level": "4", "back": "/programs#my-claims"})
    assert sent.status_code == 303 and sent.headers["location"] == "/programs#my-claims"
    home = citizen.get("/programs").text
    assert "已评价：满意" in _row(home, refused) and "<form" not in _row(home, refused)
    page = citizen.get(f"/programs/claims/{refused}").text  # the claim's own page says the same
    assert "您的评价：<strong>满意</strong>" in page and 'name="level"' not in page

    with town.session() as s:
        claims.act(s, town.reviewer, waiting, outcome="pass", months=3)
    home = citizen.get("/programs").text
    assert f'action="/programs/claims/{waiting}/rating"' in _row(home, waiting)
    # a form sent with any other return address goes to the claim's page (no redirect off the site)
    sent = citizen.post(f"/programs/claims/{waiting}/rating", follow_redirects=False,
                        data={"csrf": csrf_of(home), "level": "5", "back": "https://evil.example/"})
    assert sent.headers["location"] == f"/programs/claims/{waiting}#rating-heading"
    again = citizen.post(f"/programs/claims/{waiting}/rating", data={"csrf": csrf_of(home), "level": "1"})
    assert again.status_code == 409 and "该申领已评价" in again.text

    # nobody else sees the claim or its rating; the reviewer reads it as the applicant's rating
    assert f"/programs/claims/{refused}" not in _signed_in(app, "bj-other").get("/programs").text
    staff_page = _signed_in(app, "bj-rev", STAFF_PASSWORD).get(f"/programs/claims/{refused}").text
    assert "申请人评价" in staff_page and 'name="level"' not in staff_page and "您的评价" not in staff_page


def test_a_rating_form_without_a_level_comes_back_on_the_claims_page(tmp_path, clock_at_aug_3) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    refused = refused_claim(town)
    citizen = _signed_in(create_app(url), "bj-citizen")
    home = citizen.get("/programs").text
    missing = citizen.post(f"/programs/claims/{refused}/rating",
                           data={"csrf": csrf_of(home), "text": "x", "back": "/programs#my-claims"})
    assert missing.status_code == 422 and 'id="level-error"' in missing.text and "请选择评价等级" in missing.text
    assert f"申领 {refused}</h1>" in missing.text and f'action="/programs/claims/{refused}/rating"' in missing.text


def test_the_free_benefit_page_offers_the_rating_once_the_enterprise_has_answered(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=5, confirm_working_days=10)
    app = create_app(url)
    firm1, firm3 = _signed_in(app, "firm1"), _signed_in(app, "firm3")
    mine_url = f"/programs/listing/{PROGRAM}/mine"
    mine = firm1.get(mine_url).text
    assert "贵单位已列入名单" in mine and "服务评价" not in mine and 'name="level"' not in mine  # 公示中: not yet
    claim_id = int(re.search(r'href="/programs/claims/(\d+)"', mine).group(1))
    assert firm1.get("/programs").text.count(f'action="/programs/claims/{claim_id}/rating"') == 0

    declined = firm1.post(f"/programs/listing/{PROGRAM}/decline", follow_redirects=False,
                          data={"csrf": csrf_of(mine), "note": "本单位不申领"})
    assert declined.status_code == 303
    mine = firm1.get(mine_url).text
    assert '<h2 id="rating-heading">服务评价</h2>' in mine
    assert f'action="/programs/claims/{claim_id}/rating"' in mine
    assert f'<input type="hidden" name="back" value="{mine_url}">' in mine
    assert "您对本次申领办理的评价（好差评）" in mine
    # the same claim in 我的申领 carries its form too
    assert f'action="/programs/claims/{claim_id}/rating"' in _row(firm1.get("/programs").text, claim_id)

    sent = firm1.post(f"/programs/claims/{claim_id}/rating", follow_redirects=False,
                      data={"csrf": csrf_of(mine), "level": "3", "text": "确认方便", "back": mine_url})
    assert sent.status_code == 303 and sent.headers["location"] == mine_url
    mine = firm1.get(mine_url).text
    given = re.search(r'<p id="rating-given">(.*?)</p>', mine, re.S).group(1)
    assert "您的评价：<strong>基本满意</strong>——确认方便" in given and 'name="level"' not in mine
    assert "服务评价" not in firm3.get(mine_url).text  # not listed: no claim, nothing to rate


def test_another_persons_claim_is_not_said_to_exist_and_staff_outside_are_refused(tmp_path, clock_at_aug_3) -> None:
    """As another person's 一件事 case (tests/web/test_s19_case_rating_and_access.py): 404 as for an id nobody
    has, on the page and the API, reading and rating; staff of another region 403, their own region's 200."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = refused_claim(town)
    app = create_app(url)
    other = _signed_in(app, "bj-other")
    form = other.get("/programs").text
    token = {"Authorization": "Bearer " + other.post("/api/auth/login", json={
        "username": "bj-other", "password": PASSWORD}).json()["token"]}
    for ref in (claim_id, 999_999):
        page = other.get(f"/programs/claims/{ref}")
        assert page.status_code == 404 and f"没有这件申领：{ref}" in page.text and "无权" not in page.text
        rated = other.post(f"/programs/claims/{ref}/rating", data={"csrf": csrf_of(form), "level": "1"})
        assert rated.status_code == 404 and "无权" not in rated.text
        for answer in (other.get(f"/api/programs/claims/{ref}", headers=token),
                       other.post(f"/api/programs/claims/{ref}/rating", headers=token, json={"level": 1})):
            assert answer.status_code == 404, answer.text
            assert answer.json() == {**answer.json(), "detail": f"没有这件申领：{ref}", "field": "claim"}

    hunan = _signed_in(app, "hn-rev", STAFF_PASSWORD)
    refused = hunan.get(f"/programs/claims/{claim_id}")
    assert refused.status_code == 403 and f"申领 {claim_id}" in refused.text
    staff = {"Authorization": "Bearer " + hunan.post("/api/auth/login", json={
        "username": "hn-rev", "password": STAFF_PASSWORD}).json()["token"]}
    assert hunan.get(f"/api/programs/claims/{claim_id}", headers=staff).status_code == 403
    assert hunan.get("/api/programs/claims/999999", headers=staff).status_code == 404
    assert _signed_in(app, "bj-rev", STAFF_PASSWORD).get(f"/programs/claims/{claim_id}").status_code == 200
