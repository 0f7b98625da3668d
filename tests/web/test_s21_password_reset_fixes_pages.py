"""忘记密码 in a browser, as the s21 tryout met it: a person locked out by five wrong passwords is pointed to
忘记密码？, gets a code at the window (found by username, checked against the kind and masked 证件号码 shown), and
uses it from the same connection; a reload of the page that showed the code issues nothing. Headless chromium on
a live server of a fresh database of its own; screenshots in test-output/ (s21-resetfix-*.png)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, notifications, personal_data
from kuaiban.platform.models import AuditEntry, User
from tests.live import serving
from tests.materials import synthetic_credit_code
from tests.platform.conftest import citizen_number
from tests.web.conftest import audit_accessibility, save_screenshot
from tests.web.forms import csrf_of, signed_in

PASSWORD = "Quiet-Lantern-47x"
NEW = "Velvet-Orchard-Compass-93"


@pytest.fixture
def hall(tmp_path, monkeypatch):
    """(base URL, engine, the citizen's 证件号码, the unit's code): a 长沙 window clerk and supervisor, a 岳麓区
    citizen and unit, served live."""
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    engine = connect(url)
    number, code = citizen_number(), synthetic_credit_code(13)
    with session_scope(engine) as s:
        auth.create_user(s, "cs-win", PASSWORD, "window", region="430100", display_name="测试窗口")
        auth.create_user(s, "cs-sup", PASSWORD, "supervisor", region="430100", display_name="测试监督")
        auth.create_user(s, "yl-rev", PASSWORD, "reviewer", region="430104")  # no display name
        auth.register_applicant(s, "citizen", "测试丙", number, "zhang3", PASSWORD, region="430104", address=None,
                                named=True)
        auth.register_applicant(s, "enterprise", "测试单位有限公司", code, "unit1", PASSWORD, region="430104",
                                address=None, named=True)
    with serving(url) as base:
        yield base, engine, number, code


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_a_locked_out_person_gets_a_code_at_the_window_and_uses_it_and_a_reload_issues_nothing(browser, hall):
    base, engine, number, _ = hall
    context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/login")
        forgot = page.inner_text("#forgot")
        assert "本人有效身份证件" in forgot and "单位经办人" in forgot  # fits a unit's account too
        for i in range(6):  # forgot the password: five wrong ones lock, the sixth try is refused
            _sign_in(page, "zhang3", f"Forgotten-Guess-{i}x")
        error = page.inner_text("#password-error")
        assert error.startswith("该账号登录失败次数过多") and "地址" not in error
        assert page.locator("#locked-help a[href='/password-reset']").count() == 1  # how to get in without waiting
        audit_accessibility(page)
        save_screenshot(page, "s21-resetfix-login-locked")

        # at the window: found by username, the page shows what to hold the ID card against
        context.clear_cookies()
        _sign_in(page, "cs-win", PASSWORD)
        page.goto("/password-reset/codes")
        page.fill("#query", "zhang3")
        page.click("#lookup")
        facts = page.inner_text("section.action")
        assert "个人" in facts and personal_data.mask("id_number", number) in facts and number not in facts
        assert page.inner_text("label[for^=document_checked]") == "我已当面核验本人有效身份证件原件，确认是账号本人"
        page.locator("input[name=document_checked]").check()
        audit_accessibility(page)
        save_screenshot(page, "s21-resetfix-window-found")
        page.locator("form[action='/password-reset/codes/issue'] button").click()
        code = page.inner_text("#reset-code")
        assert "刷新本页不会签发新码" in page.inner_text("#issued-once")
        save_screenshot(page, "s21-resetfix-window-issued")

        page.reload()  # sends the same form again (the browser's “resubmit?”; playwright does not ask)
        assert page.locator("#reset-code").count() == 0
        said = page.inner_text("#not-issued")
        assert "本次没有再签发" in said and "仍然有效" in said
        audit_accessibility(page)
        save_screenshot(page, "s21-resetfix-window-reloaded")

        # the holder, from the same connection that is locked out of signing in
        context.clear_cookies()
        page.goto("/password-reset")
        page.fill("#username", "zhang3")
        page.fill("#code", code)
        page.fill("#new_password", NEW)
        page.fill("#confirm_password", NEW)
        page.click("main button[type=submit]")
        assert "密码已重新设置" in page.inner_text("#login-notice")  # before the s21 fix: the sign-in's lock
        _sign_in(page, "zhang3", NEW)
        page.goto("/messages")
        assert page.inner_text("main").count("已为您的账号签发密码重置码") == 1  # one code, one message
    finally:
        context.close()
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == "zhang3"))
        issues = s.scalars(select(AuditEntry).where(AuditEntry.action == "issue_reset_code")).all()
        assert [e.detail["sign_in_locks_cleared"] for e in issues] == [1]
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "reset_password_with_code")) == 1
        assert [m.kind for m in notifications.messages(s, user).items] == ["password_reset", "reset_code_issued"]


def test_a_unit_and_a_staff_account_say_what_they_are_and_what_to_check(browser, hall):
    base, _engine, _, credit_code = hall
    context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, "cs-sup", PASSWORD)
        page.goto("/password-reset/codes")
        page.fill("#query", credit_code)
        page.click("#lookup")
        facts = page.inner_text("section.action")
        assert "单位经办人" in facts and "统一社会信用代码" in facts and "测试单位有限公司" in facts
        assert personal_data.mask("id_number", credit_code) in facts and credit_code not in facts
        assert "经办人本人有效身份证件" in page.inner_text("label[for^=document_checked]")
        save_screenshot(page, "s21-resetfix-unit-found")

        page.fill("#query", "yl-rev")
        page.click("#lookup")
        facts = page.inner_text("section.action")
        assert "工作人员（后台审核人员）" in facts and "工作人员账号不登记证件号码" in facts
        label = page.inner_text("label[for^=document_checked]")
        assert "单位" not in label and "工作人员本人" in label
        audit_accessibility(page)
        save_screenshot(page, "s21-resetfix-staff-found")
        page.locator("input[name=document_checked]").check()
        page.locator("form[action='/password-reset/codes/issue'] button").click()
        issued = page.inner_text("#issued")
        assert re.search(r"账号 yl-rev 的重置码", issued)  # not “yl-rev的”
    finally:
        context.close()


def test_a_form_without_its_lookup_time_issues_nothing(hall):
    _base, engine, number, _ = hall
    clerk = signed_in(create_app(str(engine.url)), "cs-win", PASSWORD)
    page = clerk.get("/password-reset/codes")
    found = clerk.post("/password-reset/codes/lookup", data={"csrf": csrf_of(page.text), "query": number})
    user_id = re.search(r'name="user_id" value="(\d+)"', found.text).group(1)
    stale = clerk.post("/password-reset/codes/issue", data={"csrf": csrf_of(page.text), "user_id": user_id,
                                                            "query": number, "document_checked": "yes"})
    assert stale.status_code == 422 and "请先查找账号，再签发重置码" in stale.text and 'id="reset-code"' not in stale.text


def test_too_many_wrong_codes_are_said_in_words_of_codes(hall):
    _base, engine, _, _ = hall
    visitor = TestClient(create_app(str(engine.url)))
    form = csrf_of(visitor.get("/password-reset").text)
    body = {"csrf": form, "username": "zhang3", "code": "2222-3333", "new_password": NEW, "confirm_password": NEW}
    for _ in range(5):
        assert visitor.post("/password-reset", data=body).status_code == 422
    locked = visitor.post("/password-reset", data=body)
    assert locked.status_code == 423 and "重置码输错次数过多" in locked.text
    assert "地址" not in locked.text.split("<main")[1]
