"""Session 15 leftovers of the 补贴申领 walk (/work/wt/s15/walk2/REPORT.md, /work/wt/s15/prog3/REPORT.md): the claim
form names the months once; the public 公示's 公示的依据 lists the programs whose 公示 days the office sets; a
yearly cut-off (湖南 校园招聘活动补助, 10月底前) closes the window until the next year's opening, as submission does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit
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
