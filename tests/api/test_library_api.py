"""The JSON API and the library pages, against a real database built from the compilations."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app


@pytest.fixture(scope="module")
def client(library_db_url) -> TestClient:
    return TestClient(create_app(library_db_url))


def test_openapi_document_lists_the_library_endpoints(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/documents", "/api/documents/{ref}", "/api/search"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_document_by_doc_no_in_any_bracket_style(client):
    r = client.get("/api/documents/人社部发[2020]26号")
    assert r.status_code == 200
    doc = r.json()
    assert doc["doc_no"] == "人社部发〔2020〕26号"
    assert doc["sources"]
    assert any(a["label"] == "附件1" for a in doc["attachments"]) or doc["tables"]


def test_unknown_document_is_404_with_a_chinese_message(client):
    r = client.get("/api/documents/人社部发[1999]999号")
    assert r.status_code == 404
    assert "没有文号为" in r.json()["detail"]


def test_article_endpoint_gives_text_and_citation(client):
    r = client.get("/api/documents/中华人民共和国主席令第65号/articles/1")
    assert r.status_code == 200
    assert r.json()["article"]["citation"].endswith("行")


def test_search_endpoint_filters_by_region(client):
    hits = client.get("/api/search", params={"q": "养老金调整", "region": "重庆"}).json()
    assert hits and all(h["region"] == "重庆" for h in hits)


def test_search_requires_a_query(client):
    assert client.get("/api/search").status_code == 422


def test_library_page_searches_and_links_to_documents(client):
    page = client.get("/", params={"q": "失业保险金"}).text
    assert '<html lang="zh-CN">' in page
    assert "<mark>" in page
    assert 'href="/library/doc/' in page  # the pages moved under /library (issue #6); /documents/ redirects


def test_document_page_shows_facts_and_sources(client):
    page = client.get("/documents/人社部发〔2020〕26号").text
    assert "人社服务快办行动" in page
    assert "湖南汇编 第 " in page and ".txt" not in page  # sources by compilation name, never a file name
    assert "效力" in page


def test_health_answers_after_a_database_round_trip(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_documents_carry_status_and_basis_on_the_day_asked(client):
    doc = client.get("/api/documents/湘人社规〔2020〕3号", params={"as_of": "2020-05-15"}).json()
    assert doc["status"] == "部分失效" and doc["as_of"] == "2020-05-15"
    assert doc["status_basis"]["article"] == "一（二）" and doc["status_basis"]["source"] == "湖南汇编 第 5657 行"
    assert any(u["label"] == "一（一）" and u["anchor"] == "s1-1" for u in doc["units"])
    listed = client.get("/api/documents", params={"status": "尚未生效", "as_of": "2020-01-01"}).json()
    assert listed and all(d["status"] == "尚未生效" for d in listed)


def test_an_unknown_status_is_refused_naming_the_field(client):
    r = client.get("/api/search", params={"q": "养老", "status": "作废"})
    assert r.status_code == 422 and r.json()["field"] == "status"


def test_a_search_hit_names_what_acts_on_it_first_what_cites_the_part_that_answers(client):
    # 湘政办发〔2020〕20号 二（三）: the 一次性吸纳就业补贴 both the calculator and the employers' program pay
    hits = client.get("/api/search", params={"q": "湖南 企业吸纳登记失业半年以上人员 一次性吸纳就业补贴"}).json()
    hit = next(h for h in hits if h["doc_no"] == "湘政办发〔2020〕20号")
    kinds = {a["kind"]: a["url"] for a in hit["acting"]}
    assert kinds["补贴申领"] == "/programs/hn_hiring_subsidy/about"
    assert hit["acting"][0]["url"] == "/calc/hiring_subsidy"  # cites 二（三）, the part that answers
    assert len(hit["acting"]) <= 4
