"""办事指南, 进度查询 and 关怀模式 pages: through the full app (TestClient, fast) on a fresh database, then in
headless Chromium at desktop and phone sizes with screenshots (test-output/guide-*.png, progress-*.png).

Every person and company here is synthetic (测试…).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document
from kuaiban.services import cases, guide, progress
from tests.materials import uploaded
from tests.web.forms import csrf_of
from tests.web.test_service_pages import FORM, SHARED, seed_region, user

DEVELOPER_TEXT = re.compile(r"\.txt|\.yaml|docs/|版本 \d|签名摘要|working_days|None\b")


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    connect(url)
    region = seed_region(url)
    with session_scope(connect(url)) as s:
        s.add(Document(key="no:人社厅发〔2020〕79号", doc_no="人社厅发〔2020〕79号", title="测试用标题"))
    with TestClient(create_app(url)) as client:
        yield client, url, region


def _case(url: str, region) -> str:
    with session_scope(connect(url)) as s:
        applicant = user(url, region.applicant)
        return cases.submit(s, applicant, 1, FORM, items=["4.1.1"],
                            materials=uploaded(s, applicant, {SHARED: "synthetic-ref.pdf"})).number


def test_every_item_has_a_guide_page_without_login_and_without_developer_text(site):
    client, _, _ = site
    index = client.get("/services/guides")
    assert index.status_code == 200
    keys = [c.key for c in guide.items()]
    for key in keys:
        r = client.get(f"/services/guides/{key}")
        assert r.status_code == 200, key
        for heading in ("受理条件", "申请材料", "办理时限", "收费", "设定依据", "承办机构与地点", "常见问题"):
            assert f">{heading}</h2>" in r.text, (key, heading)
        assert not DEVELOPER_TEXT.search(r.text.split("<main", 1)[1]), key
    assert client.get("/services/guides/9.9.9").status_code == 404


def test_the_guide_links_its_basis_into_the_library_and_shows_dated_limits(site):
    client, url, _ = site
    with session_scope(connect(url)) as s:
        doc_id = s.scalar(Document.__table__.select().with_only_columns(Document.id)
                          .where(Document.doc_no == "人社厅发〔2020〕79号"))
    html = client.get("/services/guides/2.4.1").text
    assert f'href="/library/doc/{doc_id}"' in html
    assert "2020年1月13日" in html and "2020年7月20日" in html and "3个工作日（提速目标）" in html
    assert "户籍地、常住地、就业地、参保地" in html


def test_the_regions_materials_appear_once_a_region_is_chosen_with_the_file_types(site):
    client, _, region = site
    html = client.get("/services/guides/1.1.5", params={"region": region.name}).text
    assert SHARED in html and "可以告知承诺代替" in html and "PDF、JPG、PNG 或 OFD" in html
    assert "社保经办机构" in html  # the region's routing
    bare = client.get("/services/guides/1.1.5").text
    assert SHARED not in bare and "请先选择办理地区" in bare


def test_guides_are_reachable_from_the_index_the_choice_the_form_and_the_search(site):
    client, _, region = site
    assert 'href="/services/guides/2.4.1"' in client.get("/services").text
    found = client.get("/services/guides", params={"q": "社会保障卡"}).text
    assert "社会保障卡申领" in found and "劳动用工备案" not in found
    assert 'href="/services/guides/2.4.1"' in client.get("/library", params={"q": "失业了怎么登记"}).text
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"csrf": token, "username": region.applicant, "password": "synthetic-pass-42",
                                "next": "/"})
    assert 'href="/services/guides/4.1.1"' in client.get("/services/bundles/1").text
    form = client.get("/services/bundles/1/apply", params={"items": ["4.1.1"], "choose": "1"}).text
    assert 'href="/services/guides/4.1.1"' in form


def test_the_guide_json_has_every_part(site):
    client, _, region = site
    d = client.get("/api/services/guides/1.1.5", params={"region": region.name}).json()
    assert {"conditions", "materials", "limits", "applied_limit", "fee", "legal_basis", "agency", "address",
            "faq"} <= set(d)
    assert d["applied_limit"] == "时限未知" and d["agency"] == "社保经办机构"
    assert len(client.get("/api/services/guides").json()) == len(guide.items())


def test_progress_by_number_and_name_without_login_and_a_wrong_answer_is_counted(site):
    client, url, region = site
    number = _case(url, region)
    page = client.get("/progress")
    token = csrf_of(page.text)
    ok = client.post("/progress", data={"csrf": token, "number": number, "check": region.company})
    assert ok.status_code == 200 and "劳动用工备案" in ok.text and "办理中" in ok.text
    bad = client.post("/progress", data={"csrf": token, "number": number, "check": "别人"})
    assert bad.status_code == 404 and progress.NO_MATCH in bad.text and 'aria-invalid="true"' in bad.text
    api = client.post("/api/progress", json={"number": number, "check": "别人"})
    assert api.status_code == 404 and api.json()["field"] == "check"
    for _ in range(progress.CASE_LIMIT):
        client.post("/api/progress", json={"number": number, "check": "别人"})
    locked = client.post("/api/progress", json={"number": number, "check": region.company})
    assert locked.status_code == 429 and "核验失败次数过多" in locked.json()["detail"]


def test_care_mode_is_a_remembered_choice_and_only_returns_to_this_site(site):
    client, _, _ = site
    r = client.get("/care", params={"on": 1, "next": "/services/guides"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/services/guides"
    assert 'class="care"' in client.get("/services/guides").text
    assert client.get("/care", params={"on": 1, "next": "//evil.example"},
                      follow_redirects=False).headers["location"] == "/"
    client.get("/care", params={"on": 0})
    assert 'class="care"' not in client.get("/services/guides").text


# ---------------------------------------------------------------- in the browser


def test_browser_a_citizen_reads_a_guide_then_follows_a_case_without_login(page, live_server, live_db_url,
                                                                          screenshot, check_accessibility):
    region = seed_region(live_db_url)
    number = _case(live_db_url, region)
    page.goto("/")
    page.get_by_role("link", name="办事指南").first.click()
    page.get_by_label("查找事项").fill("失业登记")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="2.4.1 失业登记").click()
    page.get_by_role("heading", level=1).filter(has_text="失业登记").wait_for()
    check_accessibility(page, actions=["#province"])  # the cascaded 省/市/区 picker (s14 C13)
    screenshot(page, "guide-desktop")
    page.goto(f"/services/guides/1.1.5?region={region.name}")
    assert page.get_by_text(SHARED).first.is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/services/guides/2.4.1")
    widths = page.eval_on_selector_all("main td", "tds => tds.map(td => td.getBoundingClientRect().width)")
    assert widths and min(widths) > 60  # no cell squeezed to a character per line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "guide-phone")
    page.goto("/progress")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("申请人姓名（单位名称）或证件号码后4位").fill("别人")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text(progress.NO_MATCH).first.is_visible()
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("申请人姓名（单位名称）或证件号码后4位").fill(region.company)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", level=2).filter(has_text=number).wait_for()
    check_accessibility(page, actions=["button[type=submit]"])
    screenshot(page, "progress-phone")
    page.get_by_role("link", name="关怀模式").click()
    page.goto("/services/guides/2.4.1")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    screenshot(page, "guide-care-phone")
