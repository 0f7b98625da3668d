"""The 一件事 pages follow who may apply (ux review s21, item 3): a citizen opening 企业招用员工 is told in Chinese
that a unit's account files it, and how, instead of being shown a form it cannot file; a unit's account opening
失业 likewise. The check is the core's (``cases.require_may_apply``), so a post that skips the pages is refused
too, and the 一件事 list says beside each bundle whose account files it. The 介绍信 is shown as a material
(item 4), not as a 是/否 choice.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.web import signup

from .test_service_pages import EVERY_ITEM_3, FORM, PASSWORD, csrf_of, login, page_app, seed_region

EVERY_ITEM_1 = [("choose", "1"), ("items", "3.4.7")]


@pytest.fixture
def site(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    region = seed_region(backend_url)
    with session_scope(connect(backend_url)) as s:  # a synthetic 公民身份号码 (order code 901), no real person
        me = auth.create_applicant(s, "citizen", "测试戊", id_number="11010119900101901X", region=region.name)
        auth.create_user(s, "citizen-" + region.name, PASSWORD, "applicant", applicant=me, region=region.name)
    app = page_app(backend_url)
    app.include_router(signup.router)  # the page the refusal links to
    return TestClient(app), region


def test_a_citizen_is_told_the_unit_files_the_employers_bundle_and_how(site) -> None:
    client, region = site
    login(client, "citizen-" + region.name)
    for path in ("/services/bundles/1", "/services/bundles/1/apply?choose=1&items=1.1.5"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "<h1>“企业招用员工”请用单位账号办理</h1>" in r.text
        assert "“企业招用员工”由用人单位以单位账号办理，个人账号不能申请。" in r.text
        assert "办事场景为" not in r.text  # s21 pagefix: the aside repeated the sentence like an editor's note
        assert 'href="/register?kind=enterprise&amp;next=/services/bundles/1"' in r.text  # how: a unit's account
        assert 'name="field:' not in r.text  # no form it cannot file


def test_a_post_that_skips_the_pages_is_refused_by_the_same_check(site) -> None:
    client, region = site
    login(client, "citizen-" + region.name)
    csrf = csrf_of(client.get("/services/bundles/2").text)  # any page with the form token
    r = client.post("/services/bundles/1/apply", data={"csrf": csrf, **{f"field:{k}": v for k, v in FORM.items()}},
                    files={"file:x": ("x.pdf", b"%PDF-1.4 synthetic", "application/pdf")})
    assert r.status_code == 403 and "个人账号不能申请" in r.text


def test_a_unit_is_told_the_person_files_unemployment(site) -> None:
    client, region = site
    login(client, region.applicant)
    r = client.get("/services/bundles/3/apply", params=EVERY_ITEM_3)
    assert r.status_code == 403 and "<h1>“失业”请用个人账号办理</h1>" in r.text
    assert "附件1备注“需失业人员本人办理的事项”" in r.text and 'href="/register?kind=citizen' in r.text


def test_the_list_says_whose_account_files_each_bundle(site) -> None:
    client, region = site
    login(client, "citizen-" + region.name)
    page = client.get("/services").text
    assert 'id="who-1">办理人：单位账号（由招用员工的单位办理）</p>' in page  # s21 pagefix: no 办事场景为… aside
    assert 'id="who-3">办理人：个人账号（附件1备注“需失业人员本人办理的事项”）' in page
    assert 'id="who-9">办理人：个人或单位账号</p>' in page
    section = page.split('id="bundle-1"')[1].split("</section>")[0]
    assert "此事项须用单位账号办理" in section and "办理“企业招用员工”</a>" not in section
    assert "办理“失业”</a>" in page.split('id="bundle-3"')[1].split("</section>")[0]


def test_the_register_page_preselects_the_kind_asked_for(site) -> None:
    client, _ = site
    client.cookies.clear()
    page = client.get("/register", params={"kind": "enterprise"}).text
    assert re.search(r'value="enterprise"\s+checked', page)
    assert re.search(r'value="citizen"\s+checked', client.get("/register", params={"kind": "x"}).text)


def test_the_letter_of_introduction_is_shown_as_a_material(site) -> None:
    client, region = site
    login(client, region.applicant)
    page = client.get("/services/bundles/1/apply", params=EVERY_ITEM_1).text
    assert 'name="field:介绍信"' not in page
    block = page.split("介绍信（材料）")[1].split("</div>")[0]
    assert "须提交的材料，不在本表中填写：党员组织关系转入的，提交转出时开具的介绍信" in block
