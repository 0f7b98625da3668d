"""Session 15 usability leftovers, as the handlers serve them (fast, no browser):

1. lists and figures on a phone: the tables of the 补贴 pages (申领, 发放批次, 追回, 发放汇总), the 失业登记 queue
   and the 统计 page are ``table.stack`` — on a 390 px screen one card per row, each value with its column's
   heading (``data-label``) — and stay tables (thead, th, td) for screen readers;
2. the public 公示 is filtered by a region picked by name, 省 → 市 → 区县, the code still what is sent;
3. the 公共服务事项目录 asks for the region the same way instead of one 487-option list;
4. the 失业登记 form shows words where it showed codes (申请日期, the place check);
5. the public write forms (失业登记 online, 注册) and their API twins are limited per client: 429, a Chinese
   message and Retry-After, the typed values kept.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform import audit, throttle
from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration
from tests.programs.conftest import PASSWORD as TOWN_PASSWORD
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.unemployment.world import PASSWORD as WORLD_PASSWORD
from tests.unemployment.world import local_application, make_world
from tests.web.forms import csrf_of, signed_in

from .test_unemployment_pages import form_data


@pytest.fixture(autouse=True)
def own_var(monkeypatch, tmp_path):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))


def clock_at(monkeypatch, moment: dt.datetime) -> None:
    real = audit.now
    offset = moment - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


# ---------------------------------------------------------------- 1. tables that stack on a phone


class _Tables(HTMLParser):
    """Each ``table.stack``: its id, column headings, and per body row the cells (tag, data-label, scope)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._in: str | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "stack" in (a.get("class") or "").split():
            self.tables.append({"id": a.get("id"), "headings": [], "rows": []})
            self._in = "table"
        elif not self.tables or self._in is None:
            return
        elif tag in ("thead", "tbody"):
            self._in = tag
        elif tag == "tr" and self._in == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag == "th" and self._in == "thead":
            self._heading = []
        elif tag in ("td", "th") and self._in == "tbody":
            self.tables[-1]["rows"][-1].append((tag, a.get("data-label"), a.get("scope")))

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag):
        if tag == "th" and self._heading is not None:
            self.tables[-1]["headings"].append("".join(self._heading).strip())
            self._heading = None
        elif tag == "table" and self._in:
            self._in = None


def stacked_tables(html: str) -> dict[str | None, dict]:
    parser = _Tables()
    parser.feed(html)
    return {t["id"]: t for t in parser.tables}


def assert_every_cell_is_labelled_by_its_heading(table: dict) -> None:
    """A phone shows each value with its column's heading: a row heading (th scope=row) is the card's title."""
    assert table["rows"], f"{table['id']}: no rows to check"
    for row in table["rows"]:
        assert len(row) == len(table["headings"]), (table["id"], row)
        for (tag, label, scope), heading in zip(row, table["headings"], strict=True):
            if tag == "th":
                assert scope == "row", (table["id"], heading)
            elif heading:  # an action column without a heading has nothing to label
                assert label == heading, (table["id"], heading, label)


def test_the_subsidy_lists_batch_recoveries_and_totals_stack_with_their_headings(tmp_path, monkeypatch) -> None:
    clock_at(monkeypatch, dt.datetime(2020, 8, 3, 10, 0))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    app = create_app(url)
    citizen = signed_in(app, "bj-citizen", TOWN_PASSWORD)
    reviewer = signed_in(app, "bj-rev", STAFF_PASSWORD)
    supervisor = signed_in(app, "bj-sup", STAFF_PASSWORD)
    with reviewer:  # the lifespan runs this node's job worker (the payroll job)
        form = citizen.get("/programs/bj_unemployment_benefit/claim").text
        claim_url = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False, data={
            "csrf": csrf_of(form), "month": "2020-08", "contribution_months": "70",
            "account": "6222000000000001"}).headers["location"]
        page = reviewer.get(claim_url).text
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        reviewer.post(f"{claim_url}/act", data={"csrf": csrf_of(page), "outcome": "pass", "months": "2",
                                                "version": version})
        staff = reviewer.get("/programs/staff").text
        job_url = reviewer.post("/programs/staff/payroll", follow_redirects=False, data={
            "csrf": csrf_of(staff), "program": "bj_unemployment_benefit", "region": "110000",
            "month": "2020-09"}).headers["location"]
        deadline = time.monotonic() + 60
        while "自动刷新" in (job := reviewer.get(job_url).text):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        batch_url = re.search(r'href="(/programs/batches/\d+)"', job).group(1)

        mine = stacked_tables(citizen.get("/programs").text)
        assert_every_cell_is_labelled_by_its_heading(mine["all-programs"])
        assert_every_cell_is_labelled_by_its_heading(mine["my-claims"])
        assert_every_cell_is_labelled_by_its_heading(mine["my-payments"])
        assert_every_cell_is_labelled_by_its_heading(stacked_tables(reviewer.get("/programs/staff").text)["batches"])
        lines = stacked_tables(reviewer.get(batch_url).text)["batch-lines"]
        assert_every_cell_is_labelled_by_its_heading(lines)
        assert len(lines["rows"]) == 2  # 2020-08 and 2020-09, each a card with its 退票 box and reason
        totals = stacked_tables(supervisor.get("/programs/supervision").text)["payment-totals"]
        assert_every_cell_is_labelled_by_its_heading(totals)
        assert 'id="recoveries"' not in reviewer.get("/programs/recoveries").text  # none yet: no empty table


def test_the_unemployment_queue_and_the_statistics_stack_with_their_headings(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    with world.session() as s:
        registration.submit(s, world.window, local_application(3), declaration_signed=True)
    app = create_app(url)
    reviewer = signed_in(app, "reviewer", WORLD_PASSWORD)
    queue = stacked_tables(reviewer.get("/unemployment/review").text)["ue-queue"]
    assert_every_cell_is_labelled_by_its_heading(queue)
    assert queue["headings"][:2] == ["系统流水号", "申请人"]
    supervisor = signed_in(app, "supervisor", WORLD_PASSWORD)
    html = supervisor.get("/statistics").text
    tables = stacked_tables(html)
    for name in ("sla-months-table", "ue-by-region"):
        assert_every_cell_is_labelled_by_its_heading(tables[name])
    # still a data table for screen readers: the caption and the column headings are there
    assert '<table id="ue-by-region" class="stack"><caption>各地区失业登记</caption>' in html
    assert tables["ue-by-region"]["headings"][0] == "登记失业地"


# ---------------------------------------------------------------- 2. the public 公示: a region by name


def test_the_public_publicity_is_filtered_by_a_region_picked_by_name(tmp_path, monkeypatch) -> None:
    from tests.programs.test_s14_public_publicity import in_publicity

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim = in_publicity(town)  # 长沙市岳麓区 (430104), in 公示 2021-03-01 … 03-08
    cell = f'<td data-label="编号">{claim.id}</td>'  # a card's first line on a phone
    clock_at(monkeypatch, dt.datetime(2021, 3, 2, 9, 0))
    visitor = TestClient(create_app(url))

    start = visitor.get("/programs/publicity/public").text
    assert 'name="region"' not in start.split('class="publicity-filter"', 1)[1].split("</form>", 1)[0]
    assert '<option value="430000">湖南省</option>' in start and '<select id="city" name="city"' in start

    picked = visitor.get("/programs/publicity/public",
                         params={"province": "430000", "city": "430100", "county": "430104"}).text
    assert cell in picked and "正在查看：湖南省长沙市岳麓区（430104）" in picked
    assert '<option value="430104" selected>岳麓区</option>' in picked  # the picker shows the choice by name

    # without script: the 省 alone is sent first; the page then offers its cities
    province_only = visitor.get("/programs/publicity/public", params={"province": "430000"}).text
    assert cell in province_only
    assert '<option value="430100">长沙市</option>' in province_only and '<option value="110100">' not in province_only

    # a 市 left over from another 省 is ignored, not filtered on
    other = visitor.get("/programs/publicity/public", params={"province": "110000", "city": "430100"}).text
    assert cell not in other and "正在查看：北京市（110000）" in other

    # the code in a link still works, as before
    assert cell in visitor.get("/programs/publicity/public", params={"region": "430100"}).text


# ---------------------------------------------------------------- 3. the 公共服务事项目录: the same picker


def test_the_catalogue_asks_for_the_region_level_by_level_not_from_one_long_list(live_db_url) -> None:
    app_client = TestClient(create_app(live_db_url))  # a visitor: no region of their own to start from
    start = app_client.get("/services/catalogue").text
    picker = start.split('class="region-form"', 1)[1].split("</form>", 1)[0]
    assert picker.count("<option") < 40  # the 34 provinces and a prompt, not 487 places
    assert '<select id="city" name="city" data-level="city"' in picker and "disabled" in picker

    picked = app_client.get("/services/catalogue", params={"province": "430000", "city": "430100",
                                                           "county": "430104"}).text
    assert '<h2 id="catalogue">湖南省公共服务事项目录（2020版）' in picked
    assert '<option value="430104" selected>岳麓区</option>' in picked
    assert_every_cell_is_labelled_by_its_heading(stacked_tables(picked)["catalogue-rows"])
    # names and codes in links still work, as before
    assert '<h2 id="catalogue">' in app_client.get("/services/catalogue", params={"region": "长沙"}).text
    assert '<option value="430000" selected>湖南省</option>' in app_client.get(
        "/services/catalogue", params={"region": "430000"}).text


# ---------------------------------------------------------------- 4. the 失业登记 form in words


def test_the_unemployment_form_shows_words_and_still_posts_the_codes(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_world(url)
    citizen = signed_in(create_app(url), "citizen", WORLD_PASSWORD)
    html = citizen.get("/unemployment/apply").text
    form = html.split('id="ue-form"', 1)[1].split("</form>", 1)[0]
    visible = re.sub(r"<[^>]+>", " ", form)
    assert not re.search(r"\b[A-Z]{3}\d{3}\b", visible)  # no indicator codes in what people read
    today = audit.now().date()
    assert f'value="{today.year}年{today.month}月{today.day}日" readonly' in form
    assert f'<input type="hidden" name="AAE127" value="{today:%Y%m%d}">' in form
    assert '<option value="20">从企业、机关、事业单位等各类用人单位失业</option>' in form  # 失业登记原因
    assert "填写证书上的职业（工种）资格名称代码" in form and "没有证书或不清楚代码的，不填" in form


def test_the_place_check_names_the_places(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    with world.session() as s:
        reg = registration.submit(s, world.window, local_application(4, AAB299="370102"), declaration_signed=True)
        assert "登记失业地湖南省长沙市芙蓉区（430102）与户籍地山东省济南市历下区（370102）不同" in \
            reg.register_check["findings"]


# ---------------------------------------------------------------- 5. public write forms: limited per client


@pytest.fixture
def low_limits(monkeypatch):
    """3 posts per address and 2 per account in the window, to reach the limits quickly."""
    monkeypatch.setitem(throttle.FORM_LIMITS, "unemployment_apply", (3, 2))
    monkeypatch.setitem(throttle.FORM_LIMITS, "register", (2, 2))


def test_the_online_unemployment_form_is_limited_per_account_with_a_chinese_429(backend_url, low_limits) -> None:
    world = make_world(backend_url)
    app = create_app(backend_url)
    citizen = signed_in(app, "citizen", WORLD_PASSWORD)
    record = local_application(0)
    csrf = csrf_of(citizen.get("/unemployment/apply").text)
    for _ in range(2):  # the account's two posts: served (the form checked, the declaration shown)
        assert citizen.post("/unemployment/apply", data=form_data(record, csrf)).status_code == 200
    refused = citizen.post("/unemployment/apply", data=form_data(record, csrf, step="submit", agree="1",
                                                                  signer=record["AAC003"]))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert re.search(r"提交过于频繁，请 \d+ 分钟后（\d\d:\d\d 以后）再试", refused.text)
    assert f'value="{record["AAC003"]}"' in refused.text  # what was typed is still in the form
    with world.session() as s:
        assert s.scalar(select(m.Registration.id)) is None  # nothing filed

    # the API twin counts on the same keys and answers the same
    token = TestClient(app).post("/api/auth/login", json={"username": "citizen",
                                                          "password": WORLD_PASSWORD}).json()["token"]
    api = TestClient(app).post("/api/unemployment/registrations", headers={"Authorization": f"Bearer {token}"},
                               json={"record": record, "declaration_signed": True})
    assert api.status_code == 429 and "提交过于频繁" in api.json()["detail"] and "Retry-After" in api.headers

    # a window clerk filing at the counter is not limited
    clerk = signed_in(app, "window", WORLD_PASSWORD)
    csrf = csrf_of(clerk.get("/unemployment/apply").text)
    for _ in range(4):
        assert clerk.post("/unemployment/apply", data=form_data(record, csrf)).status_code == 200


def test_registration_is_limited_per_address_on_the_page_and_the_api(tmp_path, low_limits) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    visitor = TestClient(create_app(url))
    csrf = csrf_of(visitor.get("/register").text)
    empty = {"csrf": csrf, "kind": "citizen"}
    assert [visitor.post("/register", data=empty).status_code for _ in range(2)] == [422, 422]
    refused = visitor.post("/register", data=empty | {"name": "张三"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "暂时无法提交" in refused.text and "提交过于频繁" in refused.text
    assert 'value="张三"' in refused.text
    api = visitor.post("/api/auth/register", json={"kind": "citizen", "name": "张三", "username": "zhangsan01",
                                                   "password": "Quiet-Lantern-47", "id_number": "110101199003074517"})
    assert api.status_code == 429 and "提交过于频繁" in api.json()["detail"]


def test_batch_calculation_uploads_are_limited_per_address(tmp_path, monkeypatch) -> None:
    """A visitor's batch upload stores the file and runs a background job: one upload in the window here."""
    monkeypatch.setitem(throttle.FORM_LIMITS, "calc_batch", (1, 1))
    visitor = TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}"))
    nothing = {"file": ("", b"", "text/csv")}
    assert visitor.post("/calc/survivor_benefit/batch", files=nothing).status_code == 422  # counted all the same
    refused = visitor.post("/calc/survivor_benefit/batch", files=nothing)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "提交过于频繁" in refused.text and "<h1>" in refused.text  # the calculator's page, with the message
