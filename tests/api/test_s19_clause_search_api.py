"""Session 19: ``GET /api/search?by=clause`` lists the clauses that answer (按条款); ``by=document``, the default,
one hit per document as before. Both give the same SearchHit, each with its own 据此可办.

The question is answered by one numbered part of a long notice: 渝人社发〔2021〕38号 三（十五） (children of
新就业形态劳动者 in 义务教育 where they live, 重庆汇编 line 16803).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app

QUESTION = "骑手的孩子能在重庆读义务教育吗"
NOTICE = "渝人社发〔2021〕38号"
CLAUSE = "三（十五）"


@pytest.fixture(scope="module")
def client(library_db_url) -> TestClient:
    return TestClient(create_app(library_db_url))


def hits(client: TestClient, **params) -> list[dict]:
    r = client.get("/api/search", params={"q": QUESTION, "limit": 5, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_by_clause_cites_the_part_that_answers_among_the_first_five(client):
    found = hits(client, by="clause")
    answering = [h for h in found if h["doc_no"] == NOTICE and h["unit"] == CLAUSE]
    assert answering, [(h["doc_no"], h["unit"], h["article"]) for h in found]
    assert answering[0]["anchor"] == "s3-15" and answering[0]["citation"].endswith("重庆汇编 第 16803 行")
    assert len({(h["document_id"], h["attachment"], h["unit"], h["article"]) for h in found}) == len(found)


def test_the_default_is_one_hit_per_document_as_before(client):
    default, by_document = hits(client), hits(client, by="document")
    assert default == by_document
    assert len({h["document_id"] for h in default}) == len(default)


def test_both_views_give_the_same_fields_and_each_clause_its_own_acting(client):
    clauses = hits(client, q="失业保险金领取条件", by="clause")
    documents = hits(client, q="失业保险金领取条件")
    assert clauses and all(set(h) == set(documents[0]) for h in clauses)
    # 据此可办 is computed for the hit's own clause: where both views cite the same part, they list the same
    at = {(h["document_id"], h["attachment"], h["unit"], h["article"]): h["acting"] for h in documents}
    shared = [h for h in clauses if (h["document_id"], h["attachment"], h["unit"], h["article"]) in at]
    assert shared and any(h["acting"] for h in shared)
    for h in shared:
        assert h["acting"] == at[(h["document_id"], h["attachment"], h["unit"], h["article"])]


def test_an_unknown_view_is_a_422_naming_the_field(client):
    r = client.get("/api/search", params={"q": QUESTION, "by": "article"})
    assert r.status_code == 422
    assert r.json()["field"] == "by" and "by" in r.json()["detail"]


def test_the_endpoint_documents_both_views_in_chinese(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]
    assert "按条款" in operation["summary"] and "by=clause" in operation["description"]
    by = next(p for p in operation["parameters"] if p["name"] == "by")
    assert by["schema"]["enum"] == ["document", "clause"] and by["schema"]["default"] == "document"
