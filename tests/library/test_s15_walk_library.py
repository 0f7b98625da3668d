"""The library after the session-15 walk (a reader of a policy who follows it to the calculator and the service).

C5: the page of 人社部发〔2020〕40号 linked six calculators and five benefit programs, but not the 快办 guide that quotes
it — 1.8.1 失业保险金申领 rests its 受理条件 on 40号 二 and its 申请材料 on 40号 六 (hunan-hrss-2020.txt:5151, 5161).
A document's page now lists every 办事指南 quoting it (conditions, materials, questions, dated limits, printed
material lists), beside the calculators and the 一件事.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.cross_refs import implementers
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document
from kuaiban.services import guide


def test_every_guide_citation_names_an_item_of_the_catalogue():
    keys = {c.key for c in guide.items()}
    assert guide.citations() and all(key in keys for _, key, _ in guide.citations())


@pytest.mark.parametrize(("doc_no", "url", "part"), [
    ("人社部发〔2020〕40号", "/services/guides/1.8.1", None),  # 1.8.1's conditions and materials
    ("人社厅发〔2020〕24号", "/services/guides/1.8.1", "二"),  # its printed material list
    ("人社厅发〔2020〕79号", "/services/guides/2.4.1", "附件 失业登记工作流程"),  # 失业登记's printed list
])
def test_a_document_quoted_by_a_guide_lists_the_guide(doc_no, url, part):
    found = [e for e in implementers(doc_no, "") if e["kind"] == "办事指南" and e["url"] == url]
    assert len(found) == 1 and (part is None or part in found[0]["articles"])


def test_附件2_which_sets_every_limit_is_not_linked_to_every_guide():
    assert not [e for e in implementers("人社部发〔2020〕26号", "") if e["kind"] == "办事指南"]


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        doc = Document(key="no:人社部发〔2020〕40号", doc_no="人社部发〔2020〕40号", title="测试用标题", region="国家")
        s.add(doc)
        s.flush()
        doc_id = doc.id
    with TestClient(create_app(url)) as client:
        yield client, doc_id


def test_the_document_page_links_the_guide_beside_the_calculators(site):
    client, doc_id = site
    html = client.get(f"/library/doc/{doc_id}").text
    box = html[html.index('id="impl-h"'):html.index("</section>", html.index('id="impl-h"'))]
    assert '办事指南：<a href="/services/guides/1.8.1">1.8.1 失业保险金申领</a>' in box
    assert 'href="/calc/unemployment_benefit"' in box
