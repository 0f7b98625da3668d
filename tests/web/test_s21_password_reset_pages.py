"""忘记密码 in a browser: the sign-in page's 忘记密码？ link explains where the code comes from; a window clerk finds
the account by its 证件号码, confirms the document was checked and is shown the code once; the holder sets a new
password with it and signs in. Headless chromium on a live server of a fresh database of its own; screenshots
in test-output/ (s21-reset-*.png)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, password_reset
from kuaiban.platform.models import AuditEntry
from tests.live import serving
from tests.platform.conftest import citizen_number
from tests.web.conftest import audit_accessibility, save_screenshot
from tests.web.forms import csrf_of

PASSWORD = "Quiet-Lantern-47x"
NEW = "Velvet-Orchard-Compass-93"


@pytest.fixture
def hall(tmp_path, monkeypatch):
    """(base URL, engine, the citizen's 证件号码): a 长沙 window clerk and a 岳麓区 citizen, served live."""
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    engine = connect(url)
    number = citizen_number()
    with session_scope(engine) as s:
        auth.create_user(s, "cs-win", PASSWORD, "window", region="430100", display_name="测试窗口")
        auth.register_applicant(s, "citizen", "测试丙", number, "zhang3", PASSWORD, region="430104", address=None)
    with serving(url) as base:
        yield base, engine, number


def test_the_window_issues_a_code_and_the_holder_resets_the_password_in_a_browser(browser, hall):
    base, engine, number = hall
    context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/login")
        page.click("#forgot a")
        assert page.url.endswith("/password-reset")
        assert "携带本人有效身份证件（身份证）原件" in page.inner_text("#how-to-get-code")
        audit_accessibility(page)
        save_screenshot(page, "s21-reset-public")

        # the window clerk, signed in, finds the account by its 证件号码 and issues the code
        page.goto("/login")
        page.fill("#username", "cs-win")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.click("nav >> text=密码重置")
        page.fill("#query", number)
        page.click("#lookup")
        issue = page.locator("form[action='/password-reset/codes/issue']")
        issue.locator("button").click()  # without confirming the document
        assert "请先当面核验本人有效身份证件原件" in page.inner_text("main")
        page.locator("input[name=document_checked]").check()
        save_screenshot(page, "s21-reset-window-found")
        page.locator("form[action='/password-reset/codes/issue'] button").click()
        code = page.inner_text("#reset-code")
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        audit_accessibility(page)
        save_screenshot(page, "s21-reset-window-issued")
        page.goto("/password-reset/codes")
        assert page.locator("#reset-code").count() == 0  # shown on the answer to the post only
        context.clear_cookies()

        # the holder, not signed in
        page.goto("/password-reset")
        page.fill("#username", "zhang3")
        page.fill("#code", "2222-3333")
        page.fill("#new_password", NEW)
        page.fill("#confirm_password", NEW)
        page.click("main button[type=submit]")
        assert password_reset.REFUSED in page.inner_text("#code-error")
        save_screenshot(page, "s21-reset-public-refused")
        page.fill("#code", code.lower())
        page.fill("#new_password", NEW)
        page.fill("#confirm_password", NEW)
        page.click("main button[type=submit]")
        assert "密码已重新设置" in page.inner_text("#login-notice")
        save_screenshot(page, "s21-reset-login-after")
        page.fill("#username", "zhang3")
        page.fill("#password", NEW)
        page.click("main button[type=submit]")
        page.goto("/messages")
        assert "您的账号密码已重新设置" in page.inner_text("main")
    finally:
        context.close()
    with session_scope(engine) as s:
        actions = set(s.scalars(select(AuditEntry.action)))
        assert {"issue_reset_code", "reset_password_with_code"} <= actions


def test_the_staff_page_is_for_the_window_and_the_code_page_is_not_cached(hall):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.web.forms import signed_in

    _base, engine, number = hall
    app = create_app(str(engine.url))
    visitor = TestClient(app)
    assert visitor.get("/password-reset/codes", follow_redirects=False).status_code in (303, 307)  # sign in first
    citizen = signed_in(app, "zhang3", PASSWORD)
    assert citizen.get("/password-reset/codes").status_code == 403
    assert "密码重置" not in citizen.get("/").text.split("<main")[0]  # no nav link for a citizen
    clerk = signed_in(app, "cs-win", PASSWORD)
    page = clerk.get("/password-reset/codes")
    found = clerk.post("/password-reset/codes/lookup", data={"csrf": csrf_of(page.text), "query": number})
    assert found.status_code == 200 and "zhang3" in found.text and number not in str(found.url)
    user_id = re.search(r'name="user_id" value="(\d+)"', found.text).group(1)
    looked_up_at = re.search(r'name="looked_up_at" value="([^"]+)"', found.text).group(1)
    issued = clerk.post("/password-reset/codes/issue", data={"csrf": csrf_of(page.text), "user_id": user_id,
                                                             "query": number, "document_checked": "yes",
                                                             "looked_up_at": looked_up_at})
    assert issued.status_code == 200 and 'id="reset-code"' in issued.text
    assert issued.headers["Cache-Control"] == "no-store"
    again = clerk.post("/password-reset/codes/lookup", data={"csrf": csrf_of(page.text), "query": "zhang3"})
    assert "已签发" in again.text and "再次签发后原重置码作废" in again.text  # the clerk sees a code is out
    forged = clerk.post("/password-reset/codes/issue", data={"user_id": user_id, "document_checked": "yes"})
    assert forged.status_code == 403  # no CSRF token: refused
