"""失业登记 pages: the introduction with its clauses, the application form checked by the same validator
as the API (each message at its field, a summary at the top, nothing stored), the 书面承诺 shown and signed
before anything is filed, the applicant's own page, and the caseworker's queue (已超期, 需核实) and
registration page (审核 with a reason for 不通过, a stale form refused in Chinese, 跟踪调查, 注销 with its
reason, the system's proposals) — through the handlers on SQLite and PostgreSQL; then one full path in
headless Chromium: a citizen applies with one bad field, fixes it, signs and submits; a reviewer approves;
the citizen sees 已登记.

Everyone is synthetic (tests/unemployment/world.py, kuaiban/unemployment/samples.py).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.api import unemployment as unemployment_api
from kuaiban.app import install_error_handlers
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, dates
from kuaiban.unemployment import decision, lifecycle, registration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.idnumber import compose
from kuaiban.unemployment.records import load_record
from kuaiban.unemployment.registers import load_registers
from kuaiban.unemployment.validate import china_today, validate_record
from kuaiban.web import login as login_pages
from kuaiban.web import unemployment_pages
from kuaiban.web.templating import STATIC
from kuaiban.web.unemployment_views import form_codes
from tests.unemployment.world import (
    COUNTY,
    PASSWORD,
    SEPT_30,
    World,
    local_application,
    make_world,
    person_id,
)
from tests.web.forms import csrf_of, post_login


def page_app(url: str) -> FastAPI:
    """The login pages, the 失业登记 pages and the API they call for instant checks."""
    app = FastAPI()
    app.state.engine = connect(url)
    app.include_router(login_pages.router)
    install_error_handlers(app)
    app.include_router(unemployment_pages.router)
    app.include_router(unemployment_api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


@pytest.fixture
def site(backend_url) -> tuple[TestClient, World]:
    world = make_world(backend_url)  # a fresh SQLite file, then a fresh PostgreSQL database
    return TestClient(page_app(backend_url)), world


def login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = post_login(client, username, PASSWORD)
    assert r.status_code == 303, r.text


def field_errors(html: str) -> dict[str, str]:
    """Every message shown at a field: its element id (the field's id + -error) → text."""
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]+)<', html))


def summary_links(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0)) if box else []


def state_of(html: str) -> str:
    return re.search(r'id="ue-state">([^<]+)<', html).group(1)


def form_data(record: dict, csrf: str, **extra) -> dict:
    return {code: record.get(code, "") for code in form_codes()} | {"csrf": csrf, "step": "check"} | extra


def registrations(world: World) -> list[m.Registration]:
    with world.session() as s:
        regs = list(s.scalars(select(m.Registration)))
        s.expunge_all()
        return regs


def count_registrations(world: World) -> int:
    with world.session() as s:
        return s.scalar(select(func.count()).select_from(m.Registration))


def apply_online(client: TestClient, world: World, record: dict) -> str:
    """Check, then sign and submit; returns the new registration's AAZ341."""
    csrf = csrf_of(client.get("/unemployment/apply").text)
    r = client.post("/unemployment/apply", data=form_data(record, csrf))
    assert r.status_code == 200, field_errors(r.text)
    r = client.post("/unemployment/apply", data=form_data(record, csrf, step="submit", agree="1",
                                                          signer=record["AAC003"]), follow_redirects=False)
    assert r.status_code == 303, r.text
    return re.search(r"/registrations/(\w+)\?", r.headers["location"]).group(1)


def filed_by_core(world: World, n: int, at: dt.datetime = SEPT_30) -> str:
    """A registration filed at the window through the core (for the caseworker's pages)."""
    with world.session() as s:
        return registration.submit(s, world.window, local_application(n), declaration_signed=True, at=at).aaz341


# ---------------------------------------------------------------- what 失业登记 is


def test_the_introduction_says_who_where_how_long_and_what_is_signed(site):
    client, _ = site
    html = client.get("/unemployment").text
    for place in ("户籍地", "常住地", "就业地", "参保地"):
        assert f'<th scope="row">{place}</th>' in html
    assert "失业前进行就业登记、劳动用工备案的地点" in html and "失业前参加社会保险的地点" in html
    assert "<strong>3个工作日</strong>" in html and "2020年7月20日以前提交的申请，时限为7个工作日" in html
    assert registration.DECLARATION in html
    # this fresh database holds no library: the clauses are cited by compilation file and line instead
    assert "人社厅发〔2020〕79号 一（一）" in html and "shandong-2020.txt" not in html
    assert "/library/doc/" not in html


def test_the_introduction_links_each_clause_into_the_library(app_client):
    html = app_client.get("/unemployment").text
    # the numbered part 一（一） of the notice (issue 14: parts are addressable), not just its document
    link = re.search(r'<a href="(/library/doc/\d+)#(s1-1)">人社厅发〔2020〕79号 一（一）</a>', html)
    assert link, "the clause links to its numbered part"
    document = app_client.get(link.group(1)).text
    assert f'id="{link.group(2)}"' in document and "就业地、参保地进行失业登记" in document


# ---------------------------------------------------------------- the form


def test_a_visitor_is_sent_to_sign_in_and_staff_other_than_the_window_cannot_file(site):
    client, _ = site
    r = client.get("/unemployment/apply", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Funemployment%2Fapply"
    login(client, "reviewer")
    r = client.get("/unemployment/apply")
    assert r.status_code == 403 and "由本人线上提交，或由窗口人员代为录入" in r.text


def test_the_form_groups_the_fields_with_names_codes_code_tables_and_required_marks(site):
    client, _ = site
    login(client, "citizen")
    html = client.get("/unemployment/apply").text
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends[:5] == ["基本信息", "户籍地、常住地与登记失业地", "联系方式", "失业信息", "求职意向"]
    assert re.search(r'<label for="AAC003">姓名<span class="required" aria-hidden="true"> \*</span>'
                     r'<span class="visually-hidden">（必填）</span></label>', html)
    assert '<label for="AAC024">政治面貌</label>' in html  # optional: no mark; no indicator code shown
    assert 'type="date" id="AJC090"' in html and 'id="AAB299.province"' in html  # pickers, not codes to type
    assert '<option value="1">男性</option>' in html and '<option value="2">2 审核不通过</option>' not in html
    assert html.count('aria-required="true"') == sum(1 for c in form_codes() if c in {
        f.code for f in load_record("application").fields if f.required})
    assert 'name="ADC201"' not in html  # the national platform's number is never typed locally
    # the citizen's own name and ID number, and today's date, are filled in
    assert 'id="AAC003" name="AAC003" value="样例0号"' in html and 'value="01" selected' in html
    assert registration.DECLARATION in html  # the promise is shown before the form is sent


def test_the_form_lays_out_every_local_field_once():
    spec = load_record("application")
    assert sorted(form_codes()) == sorted(c for c in spec.codes() if c != "ADC201")
    assert len(set(form_codes())) == len(form_codes())


def test_an_invalid_form_shows_each_validator_message_at_its_field_and_stores_nothing(site):
    client, world = site
    login(client, "citizen")
    record = local_application(0, AAC067="1380000", AJC090="20991231")
    del record["AAC010"]
    csrf = csrf_of(client.get("/unemployment/apply").text)
    r = client.post("/unemployment/apply", data=form_data(record, csrf))
    assert r.status_code == 422
    expected = {e.field: unemployment_pages.plain(e.message)  # the validator's words in the form's labels
                for e in validate_record(record, "application", today=china_today()) if e.field != "ADC201"}
    assert set(expected) == {"AAC067", "AJC090", "AAC010"}
    assert field_errors(r.text) == expected  # the same validator's words, each at its own field
    assert summary_links(r.text) == [("AAC010", expected["AAC010"]), ("AAC067", expected["AAC067"]),
                                     ("AJC090", expected["AJC090"])]  # in the form's order, linking to the fields
    assert re.search(r'id="AAC067" name="AAC067" value="1380000"[^>]*aria-invalid="true"\s*'
                     r'aria-describedby="AAC067-hint AAC067-error"', r.text)
    assert "申请尚未保存" in r.text and count_registrations(world) == 0


def test_the_declaration_is_generated_from_the_record_and_must_be_signed_before_filing(site):
    client, world = site
    login(client, "citizen")
    record = local_application(0)
    csrf = csrf_of(client.get("/unemployment/apply").text)
    confirm = client.post("/unemployment/apply", data=form_data(record, csrf))
    assert confirm.status_code == 200 and count_registrations(world) == 0
    assert registration.declaration_text(record, "户籍地") in confirm.text
    unsigned = client.post("/unemployment/apply", data=form_data(record, csrf, step="submit", signer="别人"))
    assert unsigned.status_code == 422
    assert field_errors(unsigned.text) == {"agree": "请勾选：本人已阅读并签署上述书面承诺",
                                           "signer": "签名须与姓名“样例0号”一致"}
    assert count_registrations(world) == 0
    back = client.post("/unemployment/apply", data=form_data(record, csrf, step="edit"))
    assert 'id="AAC067" name="AAC067" value="10000000001"' in back.text  # 返回修改 keeps what was typed

    aaz341 = apply_online(client, world, record)
    [reg] = registrations(world)
    assert reg.aaz341 == aaz341 and reg.channel == m.ONLINE and reg.status == m.PENDING
    page = client.get(f"/unemployment/registrations/{aaz341}?done=submitted").text
    assert "申请已提交，书面承诺已签署。" in page and state_of(page) == "待审核"
    assert "3个工作日（提交当日不计）" in page
    assert (dates.moment_words(reg.due_at) if reg.due_at else "未知：当年节假日安排尚未公布") in page
    assert registration.declaration_text(record, "户籍地") in page
    mine = client.get("/unemployment/mine").text
    assert f'<a href="/unemployment/registrations/{aaz341}">{aaz341}</a>' in mine


def test_a_second_open_registration_is_refused_at_the_field(site):
    client, world = site
    login(client, "citizen")
    csrf = csrf_of(client.get("/unemployment/apply").text)  # the form, opened before the first was filed
    apply_online(client, world, local_application(0))
    r = client.post("/unemployment/apply", data=form_data(local_application(0), csrf, step="submit", agree="1",
                                                          signer="样例0号"))
    assert r.status_code == 409 and "不能重复申请" in field_errors(r.text)["AAC002"]
    assert count_registrations(world) == 1


def test_the_window_clerk_files_only_for_their_own_region(site):
    client, world = site
    login(client, "window")
    csrf = csrf_of(client.get("/unemployment/apply").text)
    elsewhere = local_application(3, AAB301="370102")
    r = client.post("/unemployment/apply", data=form_data(elsewhere, csrf, step="submit", agree="1", signer="样例3号"))
    assert r.status_code == 403 and field_errors(r.text) == {"AAB301": "无权受理登记失业地370102 的申请"}
    r = client.post("/unemployment/apply", data=form_data(local_application(3), csrf, step="submit", agree="1",
                                                          signer="样例3号"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/unemployment/review/")
    [reg] = registrations(world)
    assert reg.channel == m.WINDOW and reg.filed_by_id == world.window.id and reg.applicant_user_id is None


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(site):
    client, world = site
    login(client, "citizen")
    data = form_data(local_application(0), "0" * 64, step="submit", agree="1", signer="样例0号")
    r = client.post("/unemployment/apply", data=data)
    assert r.status_code == 403 and "安全校验未通过" in r.text and count_registrations(world) == 0


# ---------------------------------------------------------------- the caseworker


def test_the_queue_marks_overdue_registrations_and_register_flags_in_text(site, tmp_path):
    client, world = site
    flagged_person = person_id(5)
    rows = tmp_path / "registers.yaml"
    rows.write_text(f"insurance:\n  - {{id_number: '{flagged_person}', unit_name: 样例单位, insurance: 失业保险, "
                    "start_on: 2019-01-01}\n", encoding="utf-8")
    with world.session() as s:
        load_registers(s, rows)
    late = filed_by_core(world, 5)  # 2020-09-30: long past its 3 working days
    login(client, "citizen")
    fresh = apply_online(client, world, local_application(0))  # today: within its limit (or unknown)
    login(client, "reviewer")
    html = client.get("/unemployment/review").text
    rows_html = {a: re.search(rf"<tr[^>]*>\s*<td[^>]*><a href=\"/unemployment/review/{a}\">.*?</tr>", html, re.S).group(0)
                 for a in (late, fresh)}
    assert '<tr class="overdue">' in rows_html[late] and "已超期" in rows_html[late]
    assert "需核实" in rows_html[late] and "社会保险参保登记：样例单位（自 2019-01-01 起，尚未终止）" in rows_html[late]
    assert "已超期" not in rows_html[fresh] and "需核实" not in rows_html[fresh]
    assert html.index(late) < html.index(fresh)  # the most urgent first
    login(client, "citizen")
    r = client.get("/unemployment/review")
    assert r.status_code == 403 and "仅供窗口人员、后台审核人员和监督人员使用" in r.text


def test_the_reviewer_approves_and_the_applicant_sees_it(site):
    client, world = site
    login(client, "citizen")
    aaz341 = apply_online(client, world, local_application(0))
    login(client, "reviewer")
    page = client.get(f"/unemployment/review/{aaz341}").text
    assert "比对社会保险参保登记、劳动用工备案" in page and "未发现在职记录" in page
    assert '<label for="AAE540-1">审核通过</label>' in page and '<label for="AAE540-2">审核不通过</label>' in page
    r = client.post(f"/unemployment/review/{aaz341}/decision",
                    data={"csrf": csrf_of(page), "version": "1", "AAE540": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/unemployment/review/{aaz341}?done=decided"
    after = client.get(r.headers["location"]).text
    assert "审核结果已保存。" in after and state_of(after) == "已登记" and "审核通过" in after
    login(client, "citizen")
    mine = client.get(f"/unemployment/registrations/{aaz341}").text
    assert state_of(mine) == "已登记" and "<strong>审核通过</strong>" in mine
    contact_due = registrations(world)[0].contact_due_at  # None when the calendar does not know those days
    assert contact_due is None or f"工作人员将在 {dates.day_words(contact_due)} 前通过电话、短信等方式联系" in mine


def test_a_rejection_without_a_reason_is_refused_at_the_reason_field(site):
    client, world = site
    aaz341 = filed_by_core(world, 1)
    login(client, "reviewer")
    page = client.get(f"/unemployment/review/{aaz341}").text
    r = client.post(f"/unemployment/review/{aaz341}/decision",
                    data={"csrf": csrf_of(page), "version": "1", "AAE540": "2", "AAE360": "  "})
    assert r.status_code == 422
    assert field_errors(r.text) == {"AAE360": "审核不通过时须填写不通过原因"}
    assert re.search(r'id="AAE360" name="AAE360"[^>]*aria-invalid="true" aria-describedby="AAE360-error"', r.text)
    assert summary_links(r.text) == [("AAE360", "审核不通过时须填写不通过原因")]
    assert registrations(world)[0].status == m.PENDING
    r = client.post(f"/unemployment/review/{aaz341}/decision",
                    data={"csrf": csrf_of(page), "version": "1", "AAE540": "2", "AAE360": "样例：已在职"},
                    follow_redirects=False)
    assert r.status_code == 303
    reg = registrations(world)[0]
    assert reg.status == m.REJECTED and reg.result["AAE540"] == "2" and reg.result["AAE360"] == "样例：已在职"


def test_a_stale_form_gets_the_conflict_in_chinese_and_the_current_state(site):
    client, world = site
    aaz341 = filed_by_core(world, 2)
    login(client, "reviewer")
    page = client.get(f"/unemployment/review/{aaz341}").text  # version 1 in the form
    with world.session() as s:  # meanwhile the second reviewer rejects it
        decision.decide(s, world.reviewer2, aaz341, approve=False, reason="样例原因", version=1)
    r = client.post(f"/unemployment/review/{aaz341}/decision",
                    data={"csrf": csrf_of(page), "version": "1", "AAE540": "1"})
    assert r.status_code == 409
    assert summary_links(r.text) == [("form-decision", "该失业登记已被他人处理（当前状态：审核不通过），"
                                                       "您看到的是此前的状态，请刷新后重试")]
    assert "下方显示的是该失业登记的最新状态" in r.text and state_of(r.text) == "审核不通过"
    assert 'id="do-decide"' not in r.text
    assert registrations(world)[0].reject_reason == "样例原因"


def _registered(world: World, n: int) -> str:
    aaz341 = filed_by_core(world, n)
    with world.session() as s:
        decision.decide(s, world.reviewer, aaz341, approve=True, version=1, at=SEPT_30 + dt.timedelta(hours=2))
    return aaz341


def test_follow_up_and_deregistration_with_a_reason_from_the_exit_table(site):
    client, world = site
    aaz341 = _registered(world, 4)
    login(client, "window")
    page = client.get(f"/unemployment/review/{aaz341}").text
    assert "须填写录用单位（或公益性岗位单位）" in page and "移居境外：无须告知" in page  # reasons with actions
    assert '<optgroup label="处于就业状态">' in page and '<option value="31">连续3次拒绝接受公共就业服务（代码 31）</option>' in page
    csrf = csrf_of(page)
    r = client.post(f"/unemployment/review/{aaz341}/followup",
                    data={"csrf": csrf, "version": "2", "method": "电话调查", "outcome": "仍处失业", "at": "",
                          "note": "样例跟踪"}, follow_redirects=False)
    assert r.status_code == 303
    assert "<td>电话调查</td><td>仍处失业</td><td>样例跟踪</td>" in client.get(r.headers["location"]).text
    r = client.post(f"/unemployment/review/{aaz341}/deregistration",
                    data={"csrf": csrf, "version": "2", "AJC00A": "11", "employer": ""})
    assert r.status_code == 422
    assert field_errors(r.text) == {"dr-employer": "注销原因为“被各类用人单位录用或招聘”时须填写用人单位（或公益性岗位单位）"}
    assert registrations(world)[0].status == m.REGISTERED
    r = client.post(f"/unemployment/review/{aaz341}/deregistration",
                    data={"csrf": csrf, "version": "2", "AJC00A": "11", "employer": "样例公司"}, follow_redirects=False)
    assert r.status_code == 303
    after = client.get(r.headers["location"]).text
    assert state_of(after) == "已注销" and "被各类用人单位录用或招聘（代码 11）" in after and "单位：样例公司" in after
    with world.session() as s:
        dereg = s.scalar(select(m.Deregistration))
        assert dereg.exit_record["AJC00A"] == "11" and dereg.exit_uploaded_at is None


def test_three_refusals_are_proposed_and_deregistration_for_them_needs_a_note(site):
    client, world = site
    aaz341 = _registered(world, 6)
    with world.session() as s:
        for day in (10, 12, 14):
            lifecycle.record_followup(s, world.window, aaz341, method="电话调查", outcome="拒绝服务",
                                      at=dt.datetime(2020, 10, day, 9))
    login(client, "reviewer")
    page = client.get(f"/unemployment/review/{aaz341}").text
    assert "系统建议注销：连续3次拒绝接受公共就业服务（代码 31）" in page and "须核实有无正当理由" in page
    queue = client.get("/unemployment/review").text
    assert "建议注销：连续3次拒绝接受公共就业服务（代码 31）" in queue
    r = client.post(f"/unemployment/review/{aaz341}/deregistration",
                    data={"csrf": csrf_of(page), "version": "2", "AJC00A": "31"})
    assert r.status_code == 422 and "须填写核实情况" in field_errors(r.text)["dr-note"]
    assert registrations(world)[0].status == m.REGISTERED


def test_an_applicant_sees_only_their_own_registration(site):
    client, world = site
    other = filed_by_core(world, 7)
    login(client, "citizen")
    r = client.get(f"/unemployment/registrations/{other}")  # not said to exist, as a number nobody has (s19)
    assert r.status_code == 404 and f"失业登记不存在：{other}" in r.text and "无权" not in r.text


# ---------------------------------------------------------------- in the browser


def _browser_sign_in(page, username: str, target: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/login?next={target}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"), timeout=30_000)


def test_browser_citizen_applies_with_a_bad_field_fixes_it_signs_and_is_registered(
        page, live_db_url, screenshot, check_accessibility):
    """One full path: a citizen signs in, fills the form with a 10-digit mobile number, sees the message at
    the field, fixes it, signs the 书面承诺 and submits; a reviewer approves; the citizen sees 已登记."""
    tag = uuid.uuid4().hex[:8]
    # an odd order code: a man, as the record's 性别 (AAC004 1) says
    number = compose(COUNTY, dt.date(1985, 3, 1 + int(tag[:2], 16) % 28), 2 * (int(tag[2:5], 16) % 500) + 1)
    name = f"样例{tag[:4]}"
    with session_scope(connect(live_db_url)) as s:
        me = auth.create_applicant(s, "citizen", name, id_number=number, region=COUNTY)
        auth.create_user(s, f"ue-citizen-{tag}", PASSWORD, "applicant", applicant=me, region=COUNTY)
        auth.create_user(s, f"ue-reviewer-{tag}", PASSWORD, "reviewer", region=COUNTY, display_name="审核样例")
    record = local_application(0, AAC003=name, AAC002=number, AAC044=number)

    page.goto("/unemployment")
    assert page.locator("a[href^='/library/doc/']").count() >= 8  # clauses link into the library
    check_accessibility(page, ("#start-apply",))
    _browser_sign_in(page, f"ue-citizen-{tag}", "/unemployment/apply")
    check_accessibility(page, ("#AAC003",))
    for code in ("AAC004", "AAC005", "AAC011", "AAC033", "ADC221", "AJC093", "ADC222"):
        page.select_option(f"#{code}", record[code])
    page.select_option("#ALA040", record["ALA040"])
    for code in ("AAB299", "AAF016"):  # regions: picked level by level, never typed as codes
        place = record[code]
        page.select_option(f'[id="{code}.province"]', place[:2] + "0000")
        page.select_option(f'[id="{code}.city"]', place[:4] + "00")
        page.select_option(f'[id="{code}.county"]', place)
    for code in ("AAC010", "AAC046"):
        page.fill(f"#{code}", record[code])
    day = record["AJC090"]
    page.fill("#AJC090", f"{day[:4]}-{day[4:6]}-{day[6:]}")  # the date picker
    page.get_by_label("手机号码").fill("1000000000")  # ten digits
    page.get_by_label("手机号码").press("Tab")  # leaving the field asks the API's validator at once (script)
    page.wait_for_selector("#AAC067-error")
    assert page.locator("#AAC067-error").inner_text() == "手机号码应为11位数字字符"
    page.get_by_role("button", name="下一步：核对并签署书面承诺").click()  # and the server says the same
    page.wait_for_selector("#error-summary")
    assert page.locator("#AAC067-error").inner_text() == "手机号码应为11位数字字符"
    assert page.locator("#AAC067").get_attribute("aria-invalid") == "true"
    assert page.locator("#error-summary a[href='#AAC067']").count() == 1
    check_accessibility(page, ("#error-summary a",))
    screenshot(page, "unemployment-form-error")

    page.locator("#error-summary a[href='#AAC067']").click()  # the summary takes the keyboard to the field
    page.get_by_label("手机号码").fill(record["AAC067"])
    page.get_by_role("button", name="下一步：核对并签署书面承诺").click()
    assert name in page.locator("#declaration-text").inner_text()
    page.get_by_label("本人已阅读并签署上述书面承诺").check()
    page.get_by_label(re.compile("签名")).fill(name)
    check_accessibility(page, ("#do-submit",))
    screenshot(page, "unemployment-confirm")
    page.get_by_role("button", name="签署并提交申请").click()
    page.wait_for_url(re.compile(r"/unemployment/registrations/\d{18}\?done=submitted$"))
    aaz341 = re.search(r"/registrations/(\d{18})", page.url).group(1)
    assert page.locator("#ue-state").inner_text() == "待审核"

    _browser_sign_in(page, f"ue-reviewer-{tag}", "/unemployment/review")
    check_accessibility(page)
    page.get_by_role("link", name=aaz341).click()
    page.wait_for_url(f"**/unemployment/review/{aaz341}")
    check_accessibility(page, ("#AAE540-1", "#do-decide"))
    page.get_by_label("审核通过", exact=True).check()
    page.get_by_role("button", name="保存审核结果").click()
    page.wait_for_url(re.compile(r"\?done=decided$"))
    assert page.locator("#ue-state").inner_text() == "已登记"
    screenshot(page, "unemployment-review")

    _browser_sign_in(page, f"ue-citizen-{tag}", f"/unemployment/registrations/{aaz341}")
    assert page.locator("#ue-state").inner_text() == "已登记"
    assert "审核通过" in page.locator("#ue-decision").inner_text()
    screenshot(page, "unemployment-registered")


def test_a_duplicate_is_said_at_the_first_step_before_any_signing(site):
    client, world = site
    login(client, "citizen")
    csrf = csrf_of(client.get("/unemployment/apply").text)  # the form, opened before the first was filed
    apply_online(client, world, local_application(0))
    r = client.post("/unemployment/apply", data=form_data(local_application(0), csrf))  # step "check"
    assert r.status_code == 409 and "不能重复申请" in field_errors(r.text)["AAC002"]
    assert 'id="declaration-text"' not in r.text and "AAC002" not in field_errors(r.text)["AAC002"]


def test_picked_dates_and_regions_reach_the_record_in_the_specifications_form(site):
    client, _ = site
    login(client, "citizen")
    record = local_application(0)
    data = form_data(record, csrf_of(client.get("/unemployment/apply").text))
    place = data.pop("AAB299")
    data |= {"AAB299.province": place[:2] + "0000", "AAB299.city": place[:4] + "00", "AAB299.county": place,
             "AJC090": f"{record['AJC090'][:4]}-{record['AJC090'][4:6]}-{record['AJC090'][6:]}"}
    r = client.post("/unemployment/apply", data=data)
    assert r.status_code == 200 and 'id="declaration-text"' in r.text  # valid against the national spec
    assert f'name="AJC090" value="{record["AJC090"]}"' in r.text and f'name="AAB299" value="{place}"' in r.text
