"""The 创业担保贷款 pages as a browser posts them (CSRF-checked forms), one party after another: the citizen applies
and follows every step, the office reviews, the fund guarantees, the bank lends and claims a quarter's 贴息, the
office checks it, 财政 pays it, the bank credits it; another bank's clerk sees nothing; no English on the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit
from tests.programs.loans.conftest import BANK_A, FUND, PASSWORD, STAFF_PASSWORD, make_parties
from tests.web.forms import csrf_of, post_login


@pytest.fixture
def site(tmp_path, monkeypatch):
    now = {"at": dt.datetime(2021, 3, 1, 10, 0)}
    monkeypatch.setattr(audit, "now", lambda: now["at"])
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_parties(url)
    app = create_app(url)

    def browser(username: str) -> TestClient:
        client = TestClient(app)
        password = PASSWORD if username in ("sd-citizen", "sd-firm") else STAFF_PASSWORD
        assert post_login(client, username, password).status_code == 303
        return client

    return browser, now


def _no_english(html: str) -> None:
    body = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1].split(">", 1)[-1])
    words = set(re.findall(r"\b[A-Za-z]{4,}\b", body))
    assert not words, words


def test_every_party_through_the_pages(site) -> None:
    browser, now = site
    citizen = browser("sd-citizen")
    form = citizen.get("/loans/apply").text
    _no_english(form)
    assert "人员类别证明" in form and "告知承诺" in form
    data = {"csrf": csrf_of(form), "borrower": "个人", "project": "社区便利店", "category": "城镇登记失业人员",
            "previous_times": "0", "amount": "二十万", "months": "36", "account": "6222000000000001",
            "material_0": "提交", "material_1": "承诺", "commitment": "on", "bank": BANK_A}
    bad = citizen.post("/loans/apply", data=data, follow_redirects=False)
    assert bad.status_code == 422 and "申请贷款金额应为数字" in bad.text
    done = citizen.post("/loans/apply", data=data | {"amount": "200000"}, follow_redirects=False)
    assert done.status_code == 303
    url = done.headers["location"]
    page = citizen.get(url).text
    assert "人社部门资格审核中" in page and "2021年3月10日" in page and "财金〔2020〕21号" in page
    _no_english(page)

    office = browser("jn-rev")
    assert url in office.get("/loans").text
    page = office.get(url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = office.post(f"{url}/eligibility", follow_redirects=False, data={
        "csrf": csrf_of(page), "version": version, "outcome": "pass", "lpr": "0.0385", "guarantor": FUND,
        "bank": BANK_A})
    assert r.status_code == 303, r.text

    fund = browser("jn-fund")
    page = fund.get(url).text
    assert "担保审查" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert fund.post(f"{url}/guarantee", follow_redirects=False, data={
        "csrf": csrf_of(page), "version": version, "outcome": "pass", "guarantee_no": "DB-1"}).status_code == 303

    bank = browser("jn-bank-a")
    page = bank.get(url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    lend = {"csrf": csrf_of(page), "version": version, "outcome": "pass", "contract_no": "JK-1",
            "contract_date": "2021-03-01", "amount": "200000", "months": "24", "rate": "0.045", "lpr": "0.0385"}
    too_dear = bank.post(f"{url}/loan", follow_redirects=False, data=lend)
    assert too_dear.status_code == 422 and "超过利率上限 4.35%" in too_dear.text
    assert bank.post(f"{url}/loan", follow_redirects=False, data=lend | {"rate": "0.0435"}).status_code == 303
    assert browser("jn-bank-b").get(url).status_code == 404

    now["at"] = dt.datetime(2021, 7, 5, 10, 0)
    bank = browser("jn-bank-a")
    page = bank.get(url).text
    assert bank.post(f"{url}/subsidies", follow_redirects=False, data={
        "csrf": csrf_of(page), "quarter": "2021Q2", "interest": "2175.00"}).status_code == 303
    office = browser("jn-rev")
    page = office.get(url).text
    claim = re.search(r'/subsidies/(\d+)/check', page).group(1)
    assert office.post(f"{url}/subsidies/{claim}/check", follow_redirects=False,
                       data={"csrf": csrf_of(page), "outcome": "pass"}).status_code == 303
    finance = browser("jn-fin")
    page = finance.get(url).text
    assert finance.post(f"{url}/subsidies/{claim}/pay", follow_redirects=False,
                        data={"csrf": csrf_of(page), "outcome": "pass"}).status_code == 303
    again = finance.post(f"{url}/subsidies/{claim}/pay", follow_redirects=False,
                         data={"csrf": csrf_of(page), "outcome": "pass"})
    assert again.status_code == 409 and "不能拨付" in again.text
    page = bank.get(url).text
    assert bank.post(f"{url}/subsidies/{claim}/credit", follow_redirects=False,
                     data={"csrf": csrf_of(page)}).status_code == 303

    citizen = browser("sd-citizen")
    page = citizen.get(url).text
    for step in ("人社部门资格审核", "担保机构尽职调查", "经办银行审查放款", "财政部门拨付贴息", "贴息已划入借款人账户"):
        assert step in page
    assert "1000.00" in page
    _no_english(page)
    assert "贷款已发放" in citizen.get("/loans").text
