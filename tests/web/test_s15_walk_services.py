"""The 快办 pages after the session-15 walk (a citizen of 长沙 in the 失业 一件事, an employer of 济南 in 企业招用员工).

Blocker B1: the item page says “默认办理全部事项”, and a person who keeps every item there must find every
service of the one form ticked. The form used to fall back on the text's own 默认勾选 marks (人社部发〔2021〕23号
附件1, chongqing-hrss-2021.txt:3787–3815: only 失业登记, 《就业创业证》申领 and 代缴 are 默认勾选), so 1.8.1
失业保险金申领 — and an employer's 2.4.2 就业登记 — were silently not applied for although kept on the item page.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import auth
from kuaiban.services import catalogue
from tests.unemployment.world import PASSWORD, make_world
from tests.web.forms import post_login


@pytest.fixture
def citizen(backend_url):
    make_world(backend_url)
    with TestClient(create_app(backend_url)) as client:
        assert post_login(client, "citizen", PASSWORD, "/").status_code == 303
        yield client


def ticked(page: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r'<input type="checkbox"[^>]*name="service:([^"]+)"[^>]*checked', page)}


def unticked(page: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r'<input type="checkbox"[^>]*name="service:([^"]+)"(?![^>]*checked)[^>]*>',
                                            page)}


def every_item(seq: str) -> list[tuple[str, str]]:
    bundle = next(b for b in catalogue.bundles() if str(b.seq) == seq)
    return [("choose", "1")] + [("items", i.code or i.name) for i in bundle.items]


def test_keeping_every_item_on_the_item_page_ticks_every_service_of_the_form(citizen):
    page = citizen.get("/services/bundles/3/apply", params=every_item("3")).text
    assert {"失业保险金申领", "就业困难人员认定", "职业介绍", "职业培训补贴申领", "失业登记"} <= ticked(page)
    # the one service no item of this bundle stands for (the card: 1.10.1 is another bundle's) stays as printed
    assert "社会保障卡(含实体卡和电子卡)申领" in unticked(page)


def test_untick_an_item_on_the_item_page_and_its_service_is_unticked_on_the_form(citizen):
    params = [p for p in every_item("3") if p != ("items", "1.8.1")]
    page = citizen.get("/services/bundles/3/apply", params=params).text
    assert "失业保险金申领" in unticked(page) and "就业困难人员认定" in ticked(page)


def test_the_form_reached_without_the_item_page_leads_to_the_item_page(citizen):
    # s20 (audit NEW-9): the form reached directly listed every item but ticked only the text's 默认勾选, so it
    # filed fewer items than it listed; it now sends the applicant to the item page, where they are chosen
    r = citizen.get("/services/bundles/3/apply", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/services/bundles/3"


@pytest.fixture
def employer(backend_url):
    """A unit's account: 企业招用员工 is filed by units only (s21, data/services/bundle_applicants.yaml)."""
    from kuaiban.db import connect, session_scope
    from tests.unemployment.world import COUNTY

    make_world(backend_url)
    with session_scope(connect(backend_url)) as s:
        unit = auth.create_applicant(s, "enterprise", "测试企业", region=COUNTY)
        auth.create_user(s, "employer", PASSWORD, "applicant", applicant=unit, region=COUNTY)
    with TestClient(create_app(backend_url)) as client:
        assert post_login(client, "employer", PASSWORD, "/").status_code == 303
        yield client


def test_an_employer_keeping_every_item_has_就业登记_ticked(employer):
    page = employer.get("/services/bundles/1/apply", params=every_item("1")).text
    assert "就业登记" in ticked(page)


# C2: 人社部发〔2020〕26号 附件2 (hunan-hrss-2020.txt:732) gives 1.8.1 “加快推进网上申领;现场办理 5 个工作日”: the online
# branch has no number. Shown as “网上申领：无” it read as “no online application”.

def test_a_branch_the_text_gives_no_number_reads_as_such_not_as_none():
    from kuaiban.services.cases import national_limit

    note = national_limit("1.8.1").note
    assert "现场办理：5个工作日；网上申领：未给具体时限" in note and "网上申领：无" not in note


def test_the_guide_and_the_catalogue_say_the_online_branch_has_no_number(citizen):
    for url in ("/services/guides/1.8.1", "/services"):
        page = citizen.get(url).text
        assert "网上申领：未给具体时限" in page and "网上申领：无" not in page, url


def test_a_material_rule_ending_in_a_full_stop_gets_no_second_one(citizen):
    page = citizen.get("/services/guides/1.8.1").text
    assert "失业登记证明等材料。<span" in page and "。。" not in page


# C3: with no upload configured for the region, the form said “本地区未为所选事项配置须提交的材料” and the case
# “本件无须提交材料”: read as “bring nothing”, although the texts print what 1.8.1 is applied for with —
# 社会保障卡或身份证件 (人社厅发〔2020〕24号 二, hunan-hrss-2020.txt:5416) — as its guide shows.

def test_a_form_asking_no_upload_lists_what_the_texts_print_for_the_chosen_items(citizen):
    page = citizen.get("/services/bundles/3/apply", params=every_item("3")).text
    assert "提交申请时无须上传" in page and "未为所选事项配置" not in page
    printed = page[page.index('id="printed-h"'):page.index("</ul>", page.index('id="printed-h"'))]
    assert "失业保险金申领（1.8.1）：社会保障卡或身份证件" in printed and "人社厅发〔2020〕24号 二" in printed


def test_the_case_says_nothing_was_to_be_uploaded_not_that_nothing_is_needed(citizen):
    form = {"field:证件有效期": "长期", "field:手机号码": "13800000000", "field:失业类型(失业原因)": "其他",
            "field:原工作单位": "样例单位", "field:失业时间": "2026-11-20", "field:户籍地址": "样例路1号",
            "field:常住地址": "样例路1号", "service:职业介绍": "1", "services_shown": "1"}
    page = citizen.get("/services/bundles/3/apply", params=every_item("3")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = citizen.post("/services/bundles/3/apply", data=form | {"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    case = citizen.get(r.headers["location"]).text
    assert "本件提交时无须上传材料。" in case and "本件无须提交材料" not in case


# B2: the 失业保险金 calculator and a 湖南 失业登记 asking for 失业保险金 sent the person to the 失业 一件事's form
# directly, where only the text's 默认勾选 are ticked — 失业保险金申领 was not. They now lead to the item page,
# where every item is kept (and so, B1, every service of the form is ticked).

def test_the_routes_to_claim_失业保险金_open_the_item_page_which_keeps_1_8_1(citizen):
    from kuaiban.cross_refs import claim_routes
    from kuaiban.web.unemployment_pages import _benefit_claim_route

    bundle_route = next(r for r in claim_routes("unemployment_benefit") if r["url"].startswith("/services/"))
    for url in (bundle_route["url"], _benefit_claim_route("430102")["url"]):
        assert url == "/services/bundles/3"
    page = citizen.get("/services/bundles/3").text
    assert re.search(r'<input type="checkbox"[^>]*value="1\.8\.1"[^>]*checked', page)


# C1: “办理‘失业’” led a visitor to the sign-in page, which did not say why nor that they would come back.

def test_the_sign_in_page_says_why_it_is_shown_and_that_the_visitor_comes_back(app_client):
    page = app_client.get("/login", params={"next": "/services/bundles/3"}).text
    assert 'id="login-why"' in page and "将回到该页面继续办理" in page
    assert 'href="/register?next=/services/bundles/3"' in page or "next=%2Fservices%2Fbundles%2F3" in page
    assert 'id="login-why"' not in app_client.get("/login").text  # signing in from the menu: nothing to explain


# C4: 2.4.2 就业登记 is in three bundles; its guide listed their 附件1 notes together, so an employer read
# “需高校毕业生离校后本人办理的事项” (the 高校毕业生 bundle's, hunan-hrss-2020.txt:700-block) as a rule of 就业登记.

def test_a_guide_of_an_item_in_several_bundles_names_the_bundle_of_each_note(citizen):
    page = citizen.get("/services/guides/2.4.2").text
    assert "“高校毕业生就业（含灵活就业）”一件事：需高校毕业生离校后本人办理的事项。" in page
    assert "“企业招用员工”、“创业”一件事：要同步办理养老保险、工伤保险、失业保险缴费人员增加。" in page
    single = citizen.get("/services/guides/1.8.1").text  # one bundle: its notes as printed
    assert "<li>需失业人员本人办理的事项。</li>" in single


# C6: 3.4.7 showed “30分钟（提速目标）” citing 附件2, whose row says “即时办结” (hunan-hrss-2020.txt:752); the 30
# minutes are the notice's reading of 即时办结 (line 649). The note now quotes the row and gives the reading, and
# no longer repeats branches that equal the general limit.

def test_a_limit_read_from_words_quotes_the_row_and_the_reading():
    from kuaiban.services.cases import national_limit

    lim = national_limit("3.4.7")
    assert (lim.kind, lim.value) == ("minutes", 30)
    assert "附件2原文：“办理接收手续，符合条件的即时办结" in lim.note and "“即时办结”按通知正文读作不超过 30 分钟" in lim.note
    assert "另有条件时限" not in lim.note  # both branches are the same 30 minutes
    assert "附件2原文" not in (national_limit("2.4.1").note or "")  # 3 个工作日 is printed as such
