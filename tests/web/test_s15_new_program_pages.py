"""The claim pages of the programs added in session 15: a person of the region, on a day of the 受理期, sees the
form's questions and the materials the text lists, never the office's own figure; the calculator page links
to the claim."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit, auth
from kuaiban.unemployment.idnumber import compose
from tests.programs.conftest import PASSWORD, make_town
from tests.web.forms import post_login


def _person(url: str, username: str, region: str, serial: int) -> TestClient:
    from kuaiban.db import connect, session_scope

    with session_scope(connect(url)) as s:
        person = auth.create_applicant(s, "citizen", "测试庚", id_number=compose(region, dt.date(1999, 1, 1), serial),
                                       region=region)
        auth.create_user(s, username, PASSWORD, "applicant", applicant=person, region=region)
    client = TestClient(create_app(url))
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


@pytest.mark.parametrize(("code", "region", "day", "shown", "hidden"), [
    ("tj_job_search_subsidy", "120101", dt.datetime(2020, 6, 3, 9),
     ["申请条件（符合多项的只能按其中一种申请）", "本人银行卡复印件", "公示"], []),
    ("sd_job_search_subsidy_hubei", "370102", dt.datetime(2020, 6, 3, 9),
     ["2019年已申领的求职创业补贴", "毕业院校类别"], []),
    ("sd_temporary_living_allowance", "370102", dt.datetime(2020, 8, 3, 9),
     ["是否农民合同制工人", "最近一次参保缴费记录的日期"], ["name=\"local_subsistence_allowance\""]),
])
def test_the_claim_page_asks_the_texts_questions(tmp_path, monkeypatch, code, region, day, shown, hidden) -> None:
    real = audit.now
    offset = day - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    page = _person(url, "s15-page", region, 201).get(f"/programs/{code}/claim")
    assert page.status_code == 200
    assert f'action="/programs/{code}/claim"' in page.text
    for text in shown:
        assert text in page.text
    for text in hidden:
        assert text not in page.text


def test_the_calculator_page_links_to_the_new_claims(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    page = TestClient(create_app(url)).get("/calc/job_search_subsidy").text
    assert 'href="/programs/tj_job_search_subsidy/claim"' in page
    assert 'href="/programs/sd_job_search_subsidy_hubei/claim"' in page


@pytest.mark.parametrize(("code", "shown"), [
    ("cq_festival_staffing_subsidy", ["每人“留岗红包”金额（元）", "在渝过年外地员工“留岗红包”发放名册"]),
    ("cq_festival_trainee_subsidy", ["见习基地发放“留岗红包”的银行凭证"]),
])
def test_a_chongqing_enterprise_sees_the_festival_claims(tmp_path, monkeypatch, code, shown) -> None:
    from kuaiban.db import connect, session_scope

    real = audit.now
    offset = dt.datetime(2021, 3, 15, 9) - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    with session_scope(connect(url)) as s:
        firm = auth.create_applicant(s, "enterprise", "测试渝中制造有限公司", region="500103")
        auth.create_user(s, "cq-page", PASSWORD, "applicant", applicant=firm, region="500103")
    client = TestClient(create_app(url))
    assert post_login(client, "cq-page", PASSWORD).status_code == 303
    page = client.get(f"/programs/{code}/claim").text
    assert f'action="/programs/{code}/claim"' in page
    for text in shown:
        assert text in page
