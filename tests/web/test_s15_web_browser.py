"""Session 15 usability leftovers in a real browser (headless Chromium): on a 390 px phone the 失业登记 queue
reads as one card per registration with each value's heading beside it, and is still a table to a screen
reader; the public 公示's region is picked by name, the next level filled as soon as one is chosen."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.unemployment import registration, samples
from kuaiban.unemployment.idnumber import compose

from .test_service_pages import PASSWORD, fresh_county

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def clerk_with_queue(live_db_url) -> str:
    """A window clerk of a county no other test uses, with two registrations waiting in the queue."""
    county = fresh_county()
    username = f"ue-clerk-{county}"
    with session_scope(connect(live_db_url)) as s:
        clerk = auth.create_user(s, username, PASSWORD, "window", region=county, display_name="测试窗口员")
        first = random.randrange(1, 900, 2)
        for n, name in enumerate(("样例甲", "样例乙")):
            number = compose(county, dt.date(1990, 5, 17), first + 2 * n)
            record = samples.application(AAC003=name, AAC002=number, AAC044=number, AAB301=county, AAB299=county)
            record.pop("ADC201", None)
            registration.submit(s, clerk, {k: v for k, v in record.items() if v is not None},
                                declaration_signed=True)
    return username


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def _table_roles(page) -> list[str]:
    """The roles Chromium's accessibility tree gives the page's first stacked table and what is in it."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [n["role"]["value"] for n in nodes if n["role"]["value"] in ("table", "row", "cell", "columnheader")]


@pytest.mark.slow
def test_browser_on_a_phone_the_unemployment_queue_reads_as_cards_and_stays_a_table(page, clerk_with_queue,
                                                                                     screenshot):
    page.set_viewport_size(PHONE)
    _sign_in(page, clerk_with_queue)
    page.goto("/unemployment/review")
    queue = page.locator("table#ue-queue")
    assert queue.locator("thead").bounding_box()["height"] <= 1  # for screen readers only
    first = queue.locator("tbody td").first
    assert first.bounding_box()["width"] > 300  # the card's whole width, not a squeezed column
    assert first.evaluate("el => getComputedStyle(el, '::before').content") == '"系统流水号："'
    assert queue.locator("tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert queue.evaluate("el => el.scrollWidth <= el.clientWidth + 1")  # nothing to scroll sideways
    roles = _table_roles(page)
    assert "table" in roles and roles.count("columnheader") >= 8 and roles.count("cell") >= 16
    screenshot(page, "s15-ue-queue-390")


@pytest.mark.slow
def test_browser_the_public_publicity_region_is_picked_by_name_level_by_level(page, screenshot):
    page.goto("/programs/publicity/public")
    page.get_by_label("省、自治区、直辖市").select_option(label="湖南省")
    page.locator("#city option", has_text="长沙市").wait_for(state="attached")  # filled without a reload
    page.get_by_label("市、地区、自治州").select_option(label="长沙市")
    page.locator("#county option", has_text="岳麓区").wait_for(state="attached")
    assert page.locator("#city option").first.text_content() == "全部"  # a filter: 全部, not 请选择
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"province=430000&city=430100"))
    assert "正在查看：湖南省长沙市（430100）" in page.locator("main").inner_text()
    assert page.locator("#city").input_value() == "430100"
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "s15-publicity-picker-390")
