"""Session 15 leftovers of the 补贴申领 walk (/work/wt/s15/walk2/REPORT.md, /work/wt/s15/prog3/REPORT.md): the claim
form names the months once; the public 公示's 公示的依据 lists the programs whose 公示 days the office sets; a
yearly cut-off (湖南 校园招聘活动补助, 10月底前) closes the window until the next year's opening, as submission does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import User
from kuaiban.programs import claims, definitions, window
from tests.programs.conftest import PASSWORD, make_town
from tests.web.forms import post_login


def _clock(monkeypatch, at: dt.datetime) -> None:
    real = audit.now
    offset = at - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    return url


def _signed_in(url: str, username: str) -> TestClient:
    client = TestClient(create_app(url))
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


def test_the_claim_form_names_the_months_once(url, monkeypatch) -> None:
    _clock(monkeypatch, dt.datetime(2026, 12, 6, 12, 0))
    form = _signed_in(url, "hn-citizen").get("/programs/hn_social_insurance_subsidy_flexible/claim").text
    assert form.count("可申领的月份") == 1
    assert 'id="month-hint">可申领的月份：2025年12月' in form  # beside the month it is about
    window_line = re.search(r'<p class="window[^"]*" id="window">(.*?)</p>', form, re.S).group(1)
    assert "<strong>可申领</strong>" in window_line


def test_the_public_publicity_basis_lists_programs_whose_days_the_office_sets(url) -> None:
    page = TestClient(create_app(url)).get("/programs/publicity/public").text
    basis = page.split("<h2>公示的依据</h2>", 1)[1].split("</ul>", 1)[0]
    line = re.search(r"<li>2021届毕业生求职创业补贴（山东）：(.*?)</li>", basis).group(1)
    assert line.startswith("公示天数由经办机构确定（文件未规定）")
    assert "鲁人社函〔2020〕69号" in line and "经公示无异议" in line
    assert "<li>灵活就业社会保险补贴（湖南）：公示7天，湘人社规〔2020〕22号 第十二条" in basis  # printed days as before


# ---------------------------------------------------------------- 10月底: a yearly cut-off closes the window

CAMPUS = "hn_campus_recruitment_subsidy"
FACTS = {"school_tier": "二本高校", "graduates": "3000", "large_fairs": "2", "small_fairs": "1", "plan_imported": "是"}
DEADLINE = "各学校须在当年 10 月底前在系统内提交申请，申请日期已过当年的申请期限（湘人社规〔2020〕14号 三（三）"


def test_the_window_of_campus_recruitment_is_open_on_october_31_and_paused_from_november_1() -> None:
    program = definitions.get(CAMPUS)
    last = window.window(program, "430104", dt.date(2021, 10, 31))
    assert (last.state, last.months) == ("open", ("2021-10",))
    shut = window.window(program, "430104", dt.date(2021, 11, 1))
    assert shut.state == "paused" and not shut.open and shut.months == ()
    assert shut.text.startswith("现已截止受理：" + DEADLINE) and shut.text.endswith("；2022年1月1日起可申领")
    assert window.window(program, "430104", dt.date(2021, 12, 31)).text == shut.text
    assert window.window(program, "430104", dt.date(2022, 1, 1)).open
    # the rule is the calculator's own check, the one submission runs: the same words
    assert window.day_refusal(program, "430104", dt.date(2021, 11, 1)).startswith(DEADLINE)
    assert window.day_refusal(program, "430104", dt.date(2021, 10, 31)) is None


def _campus_row(listing: str) -> str:
    return re.search(r"<tr>\s*<td data-label=\"项目\">校园招聘活动补助（湖南）</td>.*?</tr>", listing, re.S).group(0)


def test_the_offers_list_and_the_form_agree_with_submission_on_october_31_and_november_1(url, monkeypatch) -> None:
    _clock(monkeypatch, dt.datetime(2021, 10, 31, 10, 0))
    school = _signed_in(url, "hn-firm")
    row = _campus_row(school.get("/programs").text)
    assert "可申领" in row and "可申领的月份：2021年10月" in row and f"/programs/{CAMPUS}/claim" in row
    assert 'action="/programs/hn_campus_recruitment_subsidy/claim"' in school.get(f"/programs/{CAMPUS}/claim").text

    _clock(monkeypatch, dt.datetime(2021, 11, 1, 10, 0))
    school = _signed_in(url, "hn-firm")  # a day later: signed in again
    row = _campus_row(school.get("/programs").text)
    assert "现已截止受理：" + DEADLINE in row and "2022年1月1日起可申领" in row
    assert "可申领的月份" not in row and f"/programs/{CAMPUS}/claim\"" not in row
    form = school.get(f"/programs/{CAMPUS}/claim").text
    assert "现已截止受理：" + DEADLINE in form and f'action="/programs/{CAMPUS}/claim"' not in form
    # submission refuses that day with the same words
    with session_scope(connect(url)) as s, pytest.raises(Invalid) as refused:
        user = s.scalar(select(User).where(User.username == "hn-firm"))
        claims.submit(s, user, CAMPUS, facts=FACTS, account="6222000000000058", at=dt.datetime(2021, 11, 1, 10))
    assert "现已截止受理：" + DEADLINE in refused.value.message and "申领之日（2021-11-01）不能申领" in refused.value.message
