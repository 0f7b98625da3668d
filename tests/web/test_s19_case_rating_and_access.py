"""A 一件事 case's page after session 19: the 好差评 piece is the one a benefit claim's pages use
(templates/_rating.html) — the applicant rates a completed case; a staff member who opens the case page reads
the applicant's rating and is offered no form of the applicant's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.platform import auth

from .forms import csrf_of
from .test_service_pages import _step_all, apply, login, page_app, seed_region


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    region = seed_region(url)
    return TestClient(page_app(url)), url, region


def _number(response) -> str:
    return response.headers["location"].split("/")[-1].split("?")[0]


def test_staff_read_the_applicants_rating_of_a_case_and_get_no_form(site) -> None:
    client, url, region = site
    login(client, region.applicant)
    number = _number(apply(client, items=["4.1.1"]))
    _step_all(url, region, number)
    login(client, region.reviewer)
    page = client.get(f"/services/cases/{number}").text
    assert "已办结" in page and 'name="level"' not in page and "服务评价" not in page  # completed, not yet rated

    login(client, region.applicant)
    page = client.get(f"/services/cases/{number}").text
    assert page.count('type="radio" id="level-') == 5 and "您对本次办理的评价（好差评）" in page
    r = client.post(f"/services/cases/{number}/rating", data={"csrf": csrf_of(page), "level": "2", "text": "慢"},
                    follow_redirects=False)
    assert r.status_code == 303
    login(client, region.reviewer)
    page = client.get(f"/services/cases/{number}").text
    assert "<h2 id=\"rating-heading\">申请人评价</h2>" in page and "<strong>不满意</strong>——慢" in page
    assert "您的评价" not in page and 'name="level"' not in page
