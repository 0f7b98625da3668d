"""好差评 of a benefit claim (国办发〔2019〕51号: every 政务服务 rateable): the applicant rates their claim once it is
decided — approved or refused —, once; a claim under review, another person's claim or a second rating is
refused in Chinese, naming the field. A 差评 opens the same 核实 → 整改 → 反馈 as a case's, for the supervisors of
the claim's region only, with the region's time limit; the 反馈 reaches the rater. The statistics count the
claim's rating in the good-rating rate. The pages (the claimant's claim page, the supervisors' workbench) and
the JSON API (POST /api/programs/claims/{id}/rating) do the same."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kuaiban import claim_ratings
from kuaiban.app import create_app
from kuaiban.platform import notifications
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import AuditEntry
from kuaiban.programs import claims, definitions, registers
from kuaiban.services import ratings, stats
from kuaiban.services.models import Rating
from tests.programs.conftest import AUG_3, PASSWORD, STAFF_PASSWORD, make_town, submit_as_registered
from tests.web.forms import csrf_of, post_login

ACCOUNT = "6222000000000001"  # invented


def reviewing_claim(town, user=None) -> int:
    """A 北京 失业保险金 claim, waiting for the reviewer (审核中)."""
    with town.session() as s:
        claim = submit_as_registered(s, user or town.citizen, "bj_unemployment_benefit", month="2020-08",
                                     facts={"contribution_months": 70}, account=ACCOUNT, at=AUG_3)
        assert claim.status == "reviewing"
        return claim.id


def approved_claim(town) -> int:
    claim_id = reviewing_claim(town)
    with town.session() as s:
        assert claims.act(s, town.reviewer, claim_id, outcome="pass", months=3, at=AUG_3).status == "approved"
    return claim_id


def refused_claim(town) -> int:
    """北京 失业补助金 refused at once: the registers show the citizen drawing 失业保险金 (京人社发[2020]8号)."""
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": True})
        claim = submit_as_registered(s, town.citizen, "bj_unemployment_subsidy", month="2020-08",
                                     facts={"contribution_months": 30, "unemployment_benefit_exhausted": "是"},
                                     account=ACCOUNT, commitment=True, at=AUG_3)
        assert claim.status == "refused"
        return claim.id


def test_a_decided_claim_is_rated_once_by_its_applicant_and_nobody_else(town) -> None:
    claim_id = reviewing_claim(town)
    with town.session() as s, pytest.raises(Conflict) as early:
        claim_ratings.rate(s, town.citizen, claim_id, 5)
    assert "尚未作出审核决定（审核中）" in early.value.message and early.value.field == "claim"
    with town.session() as s:
        claims.act(s, town.reviewer, claim_id, outcome="pass", months=3, at=AUG_3)

    with town.session() as s, pytest.raises(NotFound) as other:  # another person's claim: not theirs to see
        claim_ratings.rate(s, town.other_citizen, claim_id, 1)
    assert other.value.field == "claim" and "申领" in other.value.message
    with town.session() as s, pytest.raises(Forbidden):  # staff rate nothing
        claim_ratings.rate(s, town.reviewer, claim_id, 5)
    with town.session() as s, pytest.raises(Invalid) as bad_level:
        claim_ratings.rate(s, town.citizen, claim_id, 6)
    assert bad_level.value.field == "level" and "评价等级" in bad_level.value.message

    with town.session() as s:
        rating = claim_ratings.rate(s, town.citizen, claim_id, 5, "一次办好", at=AUG_3)
        assert (rating.level, rating.text, rating.claim_id, rating.case_id, rating.region) == (
            5, "一次办好", claim_id, None, "110105")
    with town.session() as s, pytest.raises(Conflict) as again:
        claim_ratings.rate(s, town.citizen, claim_id, 1)
    assert again.value.message == "该申领已评价，不能重复评价" and again.value.field == "claim"
    with town.session() as s:
        assert ratings.rectifications(s, town.supervisor) == []  # a 好评 opens nothing
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "rate"))
        assert (entry.entity, entry.actor_id, entry.case_id, entry.detail) == (
            "rating", town.citizen.id, None, {"level": 5, "claim_id": claim_id})


def test_a_bad_rating_of_a_refused_claim_is_rectified_by_the_regions_supervisor_only(town) -> None:
    claim_id = refused_claim(town)
    with town.session() as s:
        claim_ratings.rate(s, town.citizen, claim_id, 1, "没有说明怎样才能申领", at=AUG_3)
        (rect,) = ratings.rectifications(s, town.supervisor)  # 北京市's supervisor serves 朝阳区
        assert (rect.claim_id, rect.case_id, rect.region, rect.state, rect.due_at) == (
            claim_id, None, "110105", "待核实", None)  # no limit set by the region: unknown
        assert ratings.rectifications(s, town.hunan_supervisor) == []
    with town.session() as s, pytest.raises(Forbidden):
        ratings.advance(s, town.hunan_supervisor, rect.id, "核实")
    for note, state in [("情况属实", "待整改"), ("已补充告知内容", "待反馈"), ("已电话回访", "已反馈")]:
        with town.session() as s:
            assert ratings.advance(s, town.supervisor, rect.id, note).state == state
    with town.session() as s:
        (feedback,) = [m for m in notifications.messages(s, town.citizen).items if m.kind == "rating_feedback"]
        assert feedback.link == f"/programs/claims/{claim_id}" and feedback.ref == f"program-claim-{claim_id}"
        title = f"{definitions.get('bj_unemployment_subsidy').name}申领 {claim_id}"  # as the claim's page heads it
        assert feedback.title == f"您的评价已有整改反馈：{title}" and "反馈：已电话回访" in feedback.text
        actions = [(e.action, e.detail.get("claim_id")) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity.in_(("rating", "rectification"))).order_by(AuditEntry.id))]
    assert actions == [("rate", claim_id), ("open_rectification", claim_id)] + [("rectification", claim_id)] * 3


def test_the_rectification_of_a_claim_follows_the_regions_time_limit(town) -> None:
    with town.session() as s:
        ratings.set_rectification_limit(s, town.supervisor, 5)  # 北京市's limit: 朝阳区 follows its city
    claim_id = approved_claim(town)
    with town.session() as s:
        claim_ratings.rate(s, town.citizen, claim_id, 2, at=dt.datetime(2020, 9, 30, 16))
        (rect,) = ratings.rectifications(s, town.supervisor)
    # 5 working days after 09-30 across National Day: 10-09, 10-10 (补班), 10-12, 10-13, 10-14
    assert rect.due_at == dt.datetime(2020, 10, 14, 23, 59, 59)


def test_the_statistics_count_a_claims_rating_in_its_region(town) -> None:
    good, bad = approved_claim(town), refused_claim(town)
    with town.session() as s:
        claim_ratings.rate(s, town.citizen, good, 4, at=AUG_3)
        claim_ratings.rate(s, town.citizen, bad, 1, at=AUG_3)
    with town.session() as s:
        beijing = stats.summary(s, town.supervisor)["ratings"]
        hunan = stats.summary(s, town.hunan_supervisor)["ratings"]
    assert beijing == {"count": 2, "good": 1, "good_rate": 0.5, "by_level": {"1": 1, "4": 1}, "of_claims": 2}
    assert (hunan["count"], hunan["good_rate"], hunan["of_claims"]) == (0, None, 0)


def test_two_ratings_of_one_claim_are_refused_by_the_database(town) -> None:
    """The check before the insert is not the only guard: the unique claim_id is (two tabs at once)."""
    claim_id = approved_claim(town)
    with town.session() as s:
        s.add(Rating(claim_id=claim_id, region="110105", level=5, created_at=AUG_3))
    with pytest.raises(IntegrityError), town.session() as s:
        s.add(Rating(claim_id=claim_id, region="110105", level=1, created_at=AUG_3))
    with pytest.raises(IntegrityError), town.session() as s:  # neither a case nor a claim: the CHECK refuses it
        s.add(Rating(region="110105", level=1, created_at=AUG_3))


# ---------------------------------------------------------------- the pages and the API


def _signed_in(app, username: str, password: str) -> TestClient:
    client = TestClient(app)
    assert post_login(client, username, password).status_code == 303
    return client


def test_the_claim_page_offers_the_rating_after_the_decision_and_the_supervisor_follows_it(
        tmp_path, clock_at_aug_3) -> None:
    town = make_town(f"sqlite:///{tmp_path / 'k.db'}")
    claim_id = reviewing_claim(town)
    app = create_app(f"sqlite:///{tmp_path / 'k.db'}")
    citizen = _signed_in(app, "bj-citizen", PASSWORD)
    url = f"/programs/claims/{claim_id}"
    page = citizen.get(url).text
    assert 'id="rating-heading"' in page and 'id="rating"' not in page and "作出审核决定后可对本次申领" in page

    with town.session() as s:
        claims.act(s, town.reviewer, claim_id, outcome="pass", months=3, at=AUG_3)
    page = citizen.get(url).text
    assert f'action="/programs/claims/{claim_id}/rating"' in page and "非常不满意" in page
    missing = citizen.post(f"{url}/rating", data={"csrf": csrf_of(page), "text": "x"})
    assert missing.status_code == 422 and "请选择评价等级" in missing.text
    done = citizen.post(f"{url}/rating", data={"csrf": csrf_of(page), "level": "2", "text": "等了很久"},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(url)
    page = citizen.get(url).text
    given = re.search(r'<p id="rating-given">(.*?)</p>', page, re.S).group(1)
    assert "不满意" in given and "等了很久" in given and 'id="rating"' not in page
    assert "该差评已转监督人员核实整改（待核实）" in page
    again = citizen.post(f"{url}/rating", data={"csrf": csrf_of(page), "level": "5"})
    assert again.status_code == 409 and "该申领已评价" in again.text

    supervisor = _signed_in(app, "bj-sup", STAFF_PASSWORD)
    desk = supervisor.get("/workbench").text
    listed = desk[desk.index('id="rectification-list"'):]
    title = f"{definitions.get('bj_unemployment_benefit').name}申领 {claim_id}"
    assert f'<a href="/programs/claims/{claim_id}">{title}</a>' in listed
    rect_url = re.search(r'href="(/workbench/rectifications/\d+)"', listed).group(1)
    rect_page = supervisor.get(rect_url).text
    assert f'<a href="/programs/claims/{claim_id}" id="rated-claim">' in rect_page and "等了很久" in rect_page
    trail = rect_page[rect_page.index('id="trail"'):]  # the rating's and the rectification's audit entries
    assert "本次评价及其整改的审计记录" in trail and "启动差评整改" in trail and "评价等级 2" in trail
    done = supervisor.post(rect_url, data={"csrf": csrf_of(rect_page), "version": "1", "note": "情况属实"},
                           follow_redirects=False)
    assert done.status_code == 303
    assert "待整改" in supervisor.get(rect_url).text
    claim_seen = supervisor.get(url).text  # the claim's page names the rating and links its rectification
    assert f'href="{rect_url}"' in claim_seen and "等了很久" in claim_seen
    figures = supervisor.get("/statistics").text
    assert "评价 1 次（其中对补贴申领的评价 1 次）" in figures and '<strong id="good-rate">0%</strong>' in figures
    hunan = _signed_in(app, "hn-sup", STAFF_PASSWORD)
    assert hunan.get(rect_url).status_code == 403
    assert 'id="rectification-list"' not in hunan.get("/workbench").text


def test_the_api_rates_a_claim_as_a_case(backend_url, clock_at_aug_3) -> None:
    town = make_town(backend_url)
    claim_id = reviewing_claim(town)
    with TestClient(create_app(backend_url)) as client:
        def login(username: str, password: str) -> dict:
            r = client.post("/api/auth/login", json={"username": username, "password": password})
            return {"Authorization": f"Bearer {r.json()['token']}"}

        citizen, other = login("bj-citizen", PASSWORD), login("bj-other", PASSWORD)
        early = client.post(f"/api/programs/claims/{claim_id}/rating", headers=citizen, json={"level": 5})
        assert early.status_code == 409 and "尚未作出审核决定" in early.text
        with town.session() as s:
            claims.act(s, town.reviewer, claim_id, outcome="pass", months=3, at=AUG_3)
        assert client.post(f"/api/programs/claims/{claim_id}/rating", headers=other,
                           json={"level": 1}).status_code == 404
        r = client.post(f"/api/programs/claims/{claim_id}/rating", headers=citizen, json={"level": 1, "text": "慢"})
        assert r.status_code == 201, r.text
        assert (r.json()["label"], r.json()["rectification"]) == ("非常不满意", True)
        assert client.post(f"/api/programs/claims/{claim_id}/rating", headers=citizen,
                           json={"level": 5}).status_code == 409
        (rect,) = client.get("/api/rectifications", headers=login("bj-sup", STAFF_PASSWORD)).json()
        assert (rect["claim_id"], rect["case_id"], rect["state"]) == (claim_id, None, "待核实")
        assert client.get("/api/rectifications", headers=login("hn-sup", STAFF_PASSWORD)).json() == []
