"""待核定的发放金额 across claims (s16, kuaiban.programs.held_queue): the held months a caseworker may decide,
listed for the reviewers and supervisors serving the claim's region — the same people held.confirm lets decide —
oldest first, paged; through the core, the JSON API (GET /api/programs/held), the command line (`kuaiban programs
held`) and the pages (/programs/held, linked from /programs/staff).

The case is test_s16_payroll_decided_amount's: 湖南 灵活就业社会保险补贴 decided at 604.80 元 a month for 2021-11 and
2021-12, the office's 2021 average wage corrected afterwards (624.96 元 computed): both months held."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kuaiban.app import create_app
from kuaiban.platform import auth
from kuaiban.platform.errors import Forbidden
from kuaiban.programs import held, held_queue, payroll
from kuaiban.programs.models import ClaimEvent
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.programs.helpers import BOTH_PAID, FLEX, corrected_after_decision, kuaiban
from tests.programs.test_programs_api import _login
from tests.web.forms import post_login

NOV_HELD = dt.datetime(2021, 12, 1, 9, 30)
DEC_HELD = dt.datetime(2022, 1, 3, 10, 0)


def _two_held_months(town) -> int:
    """November held by November's batch, December by December's (each at its own time)."""
    claim_id = corrected_after_decision(town, months=BOTH_PAID)
    for month, at in (("2021-11", NOV_HELD), ("2021-12", DEC_HELD)):
        with town.session() as s:
            payroll.build(s, FLEX, "430000", month, actor=town.hunan_reviewer2, at=at)
    return claim_id


def _other_city_reviewer(town):
    with town.session() as s:  # 株洲市: Hunan, not 长沙
        return auth.create_user(s, "zz-rev", STAFF_PASSWORD, "reviewer", region="430200", display_name="测试zz-rev")


def _queue(town, user, **kw):
    with town.session() as s:
        return held_queue.queue(s, user, **kw)


def test_the_queue_lists_each_held_month_for_those_who_may_decide_it(town) -> None:
    claim_id = _two_held_months(town)
    row = {"claim": claim_id, "program": FLEX, "program_name": "灵活就业社会保险补贴（湖南）", "applicant": "测**",
           "region": "430104", "region_name": "湖南省长沙市岳麓区（430104）", "decided": "604.80", "found": "624.96"}
    for user in (town.hunan_reviewer, town.hunan_reviewer2, town.hunan_supervisor):
        answer = _queue(town, user)
        assert (answer["count"], answer["page"], answer["pages"]) == (2, 1, 1)
        assert answer["items"] == [row | {"month": "2021-11", "held_since": "2021-12-01 09:30"},
                                   row | {"month": "2021-12", "held_since": "2022-01-03 10:00"}]
    with town.session() as s:
        assert held_queue.count(s, town.hunan_reviewer) == 2
        assert held_queue.count(s, town.hunan_window) == 0


def test_another_region_sees_nothing_and_a_window_or_an_applicant_is_refused_as_confirm_refuses(town) -> None:
    claim_id = _two_held_months(town)
    zhuzhou = _other_city_reviewer(town)
    for user in (zhuzhou, town.reviewer, town.supervisor):  # 株洲, 北京: not the claim's region
        assert _queue(town, user) == {"count": 0, "page": 1, "pages": 1, "items": []}
        with town.session() as s, pytest.raises(Forbidden):  # and confirm refuses them the same month
            held.confirm(s, user, claim_id, "2021-11", choice="decided", reason="理由")
    for user in (town.hunan_window, town.hunan_citizen, town.enterprise):
        with town.session() as s, pytest.raises(Forbidden):
            held_queue.queue(s, user)
        with town.session() as s, pytest.raises(Forbidden):
            held.confirm(s, user, claim_id, "2021-11", choice="decided", reason="理由")


def test_a_decided_month_leaves_the_queue_and_the_oldest_hold_comes_first_paged(town, monkeypatch) -> None:
    claim_id = _two_held_months(town)
    # December's hold dated before November's: the order is the hold's, not the month's
    with town.session() as s:
        s.execute(update(ClaimEvent).where(ClaimEvent.claim_id == claim_id, ClaimEvent.outcome == "held",
                                           ClaimEvent.note.like("2021-12%")).values(at=dt.datetime(2021, 11, 20, 8, 0)))
    assert [i["month"] for i in _queue(town, town.hunan_reviewer)["items"]] == ["2021-12", "2021-11"]
    monkeypatch.setattr(held_queue, "PAGE", 1)
    first, second = _queue(town, town.hunan_reviewer), _queue(town, town.hunan_reviewer, page=2)
    assert (first["page"], first["pages"], [i["month"] for i in first["items"]]) == (1, 2, ["2021-12"])
    assert (second["page"], second["pages"], [i["month"] for i in second["items"]]) == (2, 2, ["2021-11"])
    assert _queue(town, town.hunan_reviewer, page=9)["page"] == 2  # past the last page: the last page
    assert len(_queue(town, town.hunan_reviewer, page=None)["items"]) == 2  # the command line: every month
    with town.session() as s:
        held.confirm(s, town.hunan_reviewer, claim_id, "2021-12", choice="decided", reason="以原决定为准")
    left = _queue(town, town.hunan_reviewer)
    assert (left["count"], [i["month"] for i in left["items"]]) == (1, ["2021-11"])


def test_the_api_lists_held_months_with_the_same_permission(backend_url) -> None:
    town = make_town(backend_url)
    claim_id = _two_held_months(town)
    _other_city_reviewer(town)
    with TestClient(create_app(backend_url)) as client:
        login = _login(client)
        r = client.get("/api/programs/held", headers=login("hn-rev"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["count"] == 2 and [(i["claim"], i["month"]) for i in body["items"]] == [
            (claim_id, "2021-11"), (claim_id, "2021-12")]
        assert body["items"][0]["applicant"] == "测**" and body["items"][0]["found"] == "624.96"
        assert client.get("/api/programs/held", headers=login("zz-rev")).json()["items"] == []
        for who in ("hn-win", "hn-citizen"):
            refused = client.get("/api/programs/held", headers=login(who))
            assert refused.status_code == 403, refused.text
        assert client.get("/api/programs/held").status_code == 401
        assert client.get("/api/programs/held?page=0", headers=login("hn-rev")).status_code == 422


def test_the_command_line_lists_held_months_as_the_operator(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = _two_held_months(town)
    done = kuaiban("programs", "held", "--operator", "hn-rev", "--json", "--db", url, var=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["count"] == 2 and answer["pages"] == 1
    assert [(i["claim"], i["month"], i["decided"], i["found"]) for i in answer["items"]] == [
        (claim_id, "2021-11", "604.80", "624.96"), (claim_id, "2021-12", "604.80", "624.96")]
    said = kuaiban("programs", "held", "--operator", "hn-sup", "--db", url, var=tmp_path)
    assert said.returncode == 0, said.stderr
    assert "待核定的发放金额共 2 个月份" in said.stdout and f"申领 {claim_id}" in said.stdout
    assert "审核决定 604.80 元  发放前核算 624.96 元" in said.stdout
    refused = kuaiban("programs", "held", "--operator", "hn-win", "--db", url, var=tmp_path)
    assert refused.returncode == 2 and "本命令由后台审核人员或监督人员办理" in refused.stderr
    unknown = kuaiban("programs", "held", "--operator", "nobody", "--db", url, var=tmp_path)
    assert unknown.returncode == 2 and "没有这个在用的工作人员账号" in unknown.stderr
    empty = kuaiban("programs", "held", "--operator", "bj-rev", "--db", url, var=tmp_path)
    assert empty.returncode == 0 and "没有待核定的发放金额" in empty.stdout


def test_the_pages_list_held_months_linked_from_the_staff_page(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = _two_held_months(town)
    app = create_app(url)
    reviewer, window, beijing = TestClient(app), TestClient(app), TestClient(app)
    for client, name in ((reviewer, "hn-rev"), (window, "hn-win"), (beijing, "bj-rev")):
        assert post_login(client, name, STAFF_PASSWORD).status_code == 303
    staff = reviewer.get("/programs/staff").text
    assert "待核定的发放金额" in staff and "本辖区有 2 个月份" in staff and 'href="/programs/held"' in staff
    page = reviewer.get("/programs/held").text
    assert '<table class="stack" id="held-months">' in page
    assert f'href="/programs/claims/{claim_id}#held"' in page and "测**" in page and "灵活就业社会保险补贴" in page
    assert 'data-label="发放前核算（元）">624.96' in page and 'data-label="暂缓发放自" class="nowrap">2021年12月1日 09:30' in page
    assert page.index("2021年12月1日 09:30") < page.index("2022年1月3日 10:00")
    assert "测试丙" not in page  # the name masked as the staff lists mask it

    assert "待核定的发放金额" not in window.get("/programs/staff").text  # not theirs to decide
    refused = window.get("/programs/held")
    assert refused.status_code == 403 and "发放金额由审核或监督人员核定" in refused.text
    assert "本辖区没有待核定的发放金额" in beijing.get("/programs/held").text
    assert "本辖区没有待核定的发放金额" in beijing.get("/programs/staff").text

    monkeypatch.setattr(held_queue, "PAGE", 1)
    first = reviewer.get("/programs/held").text
    assert "第 1 / 2 页" in first and 'href="?page=2"' in first and "2022-01-03" not in first
    second = reviewer.get("/programs/held?page=2").text
    assert "2022年1月3日 10:00" in second and 'href="?page=1"' in second

    with town.session() as s:
        for month in ("2021-11", "2021-12"):
            held.confirm(s, town.hunan_reviewer, claim_id, month, choice="decided", reason="以原决定为准")
        assert s.scalar(select(ClaimEvent.id).where(ClaimEvent.step == "payment_amount")) is not None
    assert "本辖区没有待核定的发放金额" in reviewer.get("/programs/held").text
