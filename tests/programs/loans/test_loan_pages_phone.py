"""The 创业担保贷款 pages on a 390 px phone in a real browser (Debian's chromium, Playwright): the applicant applies
and reads the timeline, the office opens its review form; nothing runs off the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kuaiban.platform import audit
from tests.live import serving
from tests.programs.loans.conftest import PASSWORD, STAFF_PASSWORD, make_parties


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "now", lambda: dt.datetime(2021, 3, 1, 10, 0))
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_parties(url)
    with serving(url) as base:
        yield base


def test_apply_and_review_on_a_phone(server, browser) -> None:
    opened = set(browser.contexts)
    try:
        def phone(username: str, password: str):
            context = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": 390, "height": 844})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", password)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(re.compile(r"/$|/workbench|/programs|/loans"))
            return page

        page = phone("sd-citizen", PASSWORD)
        page.goto("/loans/apply")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.fill("#project", "社区便利店")
        page.select_option("#category", "城镇登记失业人员")
        page.fill("#amount", "200000")
        page.fill("#months", "36")
        page.fill("#account", "6222000000000001")
        page.check("input[name=material_0][value=提交]")
        page.check("input[name=material_1][value=承诺]")
        page.check("input[name=commitment]")
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_url(re.compile(r"/loans/\d+$"))
        assert "人社部门资格审核中" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        loan_url = page.url

        office = phone("jn-rev", STAFF_PASSWORD)
        office.goto("/loans")
        assert office.evaluate("document.documentElement.scrollWidth") <= 390
        office.goto(loan_url)
        assert office.locator("form[action$='/eligibility']").is_visible()
        assert office.evaluate("document.documentElement.scrollWidth") <= 390
    finally:  # the browser is the process's (tests/conftest.py): close what this test opened
        for context in set(browser.contexts) - opened:
            context.close()
