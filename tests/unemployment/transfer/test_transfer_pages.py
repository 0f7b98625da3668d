"""The pages, in Chinese: the person applies at the 转出地 and follows; the 转出地 clerk transfers out through
the form; the 转入地 clerk's refusal needs a reason; the transfer in is a button."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from tests.web.forms import csrf_of, post_login

from .world import DESTINATION, ORIGIN, PASSWORD, make_offices


@pytest.fixture
def app_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    make_offices(url)
    return url


def signed_in(url: str, username: str) -> TestClient:
    client = TestClient(create_app(url))
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


def post(client: TestClient, page: str, action: str, data: dict):
    return client.post(action, data={"csrf": csrf_of(client.get(page).text), **data}, follow_redirects=False)


def test_apply_follow_and_each_office_acts_on_its_page(app_url):
    person = signed_in(app_url, "person")
    r = post(person, "/unemployment/transfers/new", "/unemployment/transfers/new", {
        "side": "origin", "origin_region": "长沙市芙蓉区", "destination_region": DESTINATION, "name": "样例甲",
        "card_number": "SAMPLE-CARD-0001", "employment_status": "参保失业人员（正在领金期间）"})
    assert r.status_code == 303, r.text
    page = r.headers["location"]
    ref = re.search(r"/transfers/([A-Z0-9]+)", page).group(1)
    shown = person.get(page).text
    assert "申请已提交" in shown and "等待转出地办理" in shown and f"/{ref}/out" not in shown  # no staff form

    origin = signed_in(app_url, "hn-clerk")
    assert ref in origin.get("/unemployment/transfers").text
    r = post(origin, f"/unemployment/transfers/{ref}", f"/unemployment/transfers/{ref}/out", {
        "approved": f"{ORIGIN} 2018-01 2020-12", "unapproved": "", "unpaid_months": "4", "unpaid_amount": "1500",
        "unemployment_reason": "劳动合同期满终止", "benefit_standard": "1500"})
    assert r.status_code == 303, r.text
    assert "9000.00 元" in origin.get(f"/unemployment/transfers/{ref}").text

    destination = signed_in(app_url, "cq-clerk")
    refused = post(destination, f"/unemployment/transfers/{ref}", f"/unemployment/transfers/{ref}/refuse",
                   {"reason": ""})
    assert refused.status_code == 422 and "须说明理由" in refused.text
    r = post(destination, f"/unemployment/transfers/{ref}", f"/unemployment/transfers/{ref}/in", {})
    assert r.status_code == 303
    followed = person.get(f"/unemployment/transfers/{ref}").text
    assert "已转入" in followed and "不因费用划转而停发" in followed and "待划转" in followed
    assert ref in person.get("/unemployment/transfers").text
