"""Session 20: the site has an icon (no 404 in every page's console), and a title inside a cited title is
written between 单书名号 (《…关于印发〈…〉的通知》, GB/T 15834), as the usability review asked."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.corpus.titles import in_book_marks


def test_a_title_inside_a_cited_title_takes_single_book_marks() -> None:
    assert in_book_marks("人力资源社会保障部财政部关于印发《企业职工基本养老保险遗属待遇暂行办法》的通知") == \
        "《人力资源社会保障部财政部关于印发〈企业职工基本养老保险遗属待遇暂行办法〉的通知》"
    assert in_book_marks("关于做好2021年失业保险工作的通知") == "《关于做好2021年失业保险工作的通知》"


def test_every_page_names_the_icon_and_the_default_address_leads_to_it(library_db_url) -> None:
    client = TestClient(create_app(library_db_url))
    page = client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    asked = client.get("/favicon.ico", follow_redirects=False)
    assert asked.status_code == 301 and asked.headers["location"] == "/static/favicon.svg"
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_the_calculator_page_cites_a_title_within_a_title_with_single_marks(library_db_url) -> None:
    client = TestClient(create_app(library_db_url))
    text = client.get("/calc/survivor_benefit").text
    assert "印发《企业职工基本养老保险遗属待遇暂行办法》的通知》" not in text
    assert "〈企业职工基本养老保险遗属待遇暂行办法〉" in text
