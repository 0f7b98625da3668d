"""A benefit program read by anyone, and a claim's 计算依据 linked to the clauses (issue 14, session 16).

1. A document page's 补贴申领 link went to the claim form, which asks for a sign-in: a reader of the document
   landed on the login page. It now goes to the program's public page (no sign-in, no personal data): who may
   claim and where, the calculator that works out the amount, the materials, the steps, each 依据 with its words
   linked to its clause; the claim form is one link further.
2. The claim page's 计算依据 showed each step's 文号 and article as text; they link to the clause, as the claim
   form's 依据 does.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document
from tests.programs.conftest import PASSWORD, make_town
from tests.programs.test_s14_public_publicity import PROGRAM, in_publicity
from tests.web.forms import post_login


@pytest.fixture(scope="module")
def url(library_db_url, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("about") / "k.db"
    shutil.copy(library_db_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def town(url):
    return make_town(url)


@pytest.fixture(scope="module")
def anonymous(url, town):
    with TestClient(create_app(url)) as c:
        yield c


def _doc_id(url: str, doc_no: str) -> int:
    with session_scope(connect(url)) as s:
        return s.scalars(select(Document.id).where(Document.doc_no == doc_no).order_by(Document.id)).first()


def test_the_program_page_is_read_without_signing_in_and_links_its_basis(anonymous, url):
    response = anonymous.get(f"/programs/{PROGRAM}/about", follow_redirects=False)
    assert response.status_code == 200
    page = response.text
    assert "<h1>灵活就业社会保险补贴（湖南）</h1>" in page
    facts = page[page.index('id="program-facts"'):page.index("</dl>")]
    assert "申领对象" in facts and "个人" in facts and "湖南" in facts
    assert re.search(r'按<a href="/calc/[a-z_0-9]+">[^<]+</a>计算', facts)  # the amount: its calculator
    basis = page[page.index('id="basis"'):page.index("</section>", page.index('id="basis"'))]
    doc_id = _doc_id(url, "湘人社规〔2020〕22号")
    assert re.search(rf'<a href="/library/doc/{doc_id}#[^"]+" class="clause-link">湘人社规〔2020〕22号 第[^<]+条</a>',
                     basis)
    assert "<blockquote>" in basis  # each 依据 in the text's own words
    assert f'href="/programs/{PROGRAM}/claim"' in page and "（需先登录）" in page
    assert "申领人" not in page and "身份证" not in page  # no claim, no personal data


def test_an_unknown_program_is_a_chinese_not_found(anonymous):
    response = anonymous.get("/programs/no_such_program/about")
    assert response.status_code == 404 and "没有这个项目" in response.text


def test_the_document_page_links_the_program_page_a_reader_can_open(anonymous, url):
    doc_id = _doc_id(url, "湘人社规〔2020〕22号")
    page = anonymous.get(f"/library/doc/{doc_id}").text
    box = page[page.index('id="impl-h"'):page.index("</section>", page.index('id="impl-h"'))]
    assert f'href="/programs/{PROGRAM}/about"' in box and f'href="/programs/{PROGRAM}/claim"' not in box
    landed = anonymous.get(f"/programs/{PROGRAM}/about", follow_redirects=True)
    assert landed.status_code == 200 and "/login" not in str(landed.url)


def test_the_claims_calculation_basis_links_each_clause(url, town):
    claim = in_publicity(town)
    c = TestClient(create_app(url))
    assert post_login(c, "hn-citizen", PASSWORD).status_code == 303
    page = c.get(f"/programs/claims/{claim.id}").text
    steps = re.search(r"<h2>计算依据</h2><ol>(.*?)</ol>", page, re.S).group(1)
    links = re.findall(r'<a href="(/library/doc/\d+#[^"]+)" class="clause-link">([^<]+)</a>', steps)
    assert links, steps
    doc_id = _doc_id(url, "湘人社规〔2020〕22号")
    assert any(href.startswith(f"/library/doc/{doc_id}#") and label.startswith("湘人社规〔2020〕22号")
               for href, label in links)
    for href, _ in links:  # each lands on its clause's anchor on the document page
        doc, anchor = href.removeprefix("/library/doc/").split("#")
        assert f'id="{anchor}"' in c.get(f"/library/doc/{doc}").text


def test_the_program_list_links_each_programs_page(url, town):
    c = TestClient(create_app(url))
    assert post_login(c, "hn-citizen", PASSWORD).status_code == 303
    listing = c.get("/programs").text
    table = listing[listing.index('id="all-programs"'):]
    assert f'<a href="/programs/{PROGRAM}/about">灵活就业社会保险补贴（湖南）</a>' in table
