"""法条联想 both ways, as the session-16 audit of issue 14 item 4 walked it.

1. One 文号 heads two documents: 京人社发[2020]8号 is printed on the 北京 失业保险金 standards (关于调整失业保险金
   发放标准的通告, court-national-provinces-2020.txt:2442) and on the 失业补助金/临时生活补助 notice (:2540). The
   library keeps both; the cross-references were indexed by 文号 alone, so each page (and each search hit) listed the
   other's calculators and programs as implementing it — the standards' page offered the 失业补助金 calculator,
   whose page links only the notice. A citation counts for the document printed where its clause's lines are.
2. A benefit program's claim form and a 免申即享 list's public page showed their 依据 as plain text: the document
   page linked the program, the program did not link back. Each 依据 now links to its clause in the 法规库.
3. A guide quoting a region's text (2.4.2 就业登记: the materials 津人社办发〔2020〕91号 prints) shows that text only
   on its page for the region: the document's page now links the guide for the document's region.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.cross_refs import implementers
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document
from tests.programs.conftest import PASSWORD, make_town
from tests.web.forms import post_login

DOC_NO = "京人社发〔2020〕8号"
BJ = "?region=%E5%8C%97%E4%BA%AC"  # since s17: a 北京 document links a calculator covering 北京 with that region chosen


@pytest.fixture(scope="module")
def url(library_db_url, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("xref") / "k.db"
    shutil.copy(library_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    make_town(url)
    return url


@pytest.fixture(scope="module")
def client(url):
    with TestClient(create_app(url)) as c:
        yield c


@pytest.fixture(scope="module")
def two(url) -> dict[str, int]:
    """The two documents under 京人社发[2020]8号: the standards (标准) and the 失业补助金 notice (补助金)."""
    with session_scope(connect(url)) as s:
        docs = s.scalars(select(Document).where(Document.doc_no == DOC_NO)).all()
        assert len(docs) == 2
        return {("标准" if "调整失业保险金发放标准" in d.title else "补助金"): d.id for d in docs}


def _box(html: str) -> str:
    """The document page's 实施本文件的计算器、补贴与服务 section."""
    start = html.index('id="impl-h"')
    return html[start:html.index("</section>", start)]


def test_each_of_two_documents_under_one_number_lists_only_what_cites_it(client, two):
    standards = _box(client.get(f"/library/doc/{two['标准']}").text)
    notice = _box(client.get(f"/library/doc/{two['补助金']}").text)
    assert f'href="/calc/unemployment_benefit{BJ}"' in standards  # 失业保险金月发放标准 cites 一（一）…（六）of the standards
    assert 'href="/calc/unemployment_benefit' not in notice
    # the cited parts are set apart by ；: a label may hold a 、 itself (一、（一）, 四、涉及范围)
    assert re.search(rf'href="/calc/unemployment_benefit{re.escape(BJ)}">[^<]+</a> <span class="meta">（引用 [^）]*一、（一）；',
                     standards)
    # price_subsidy asks no 北京 region: its link stays bare
    for url in (f"/calc/unemployment_subsidy{BJ}", f"/calc/temporary_living_allowance{BJ}", "/calc/price_subsidy",
                "/programs/bj_unemployment_subsidy/about", "/programs/bj_temporary_living_allowance/about"):
        assert f'href="{url}"' in notice and f'href="{url}"' not in standards, url


def test_every_calculator_a_shared_number_page_lists_links_back_to_that_page(client, two):
    for doc_id in two.values():
        calculators = set(re.findall(r'href="(/calc/[a-z_0-9]+)(?:\?region=[^"]*)?"', _box(client.get(f"/library/doc/{doc_id}").text)))
        assert calculators
        for calc in calculators:
            assert re.search(rf'href="/library/doc/{doc_id}(#[^"]*)?"', client.get(calc).text), (doc_id, calc)


def test_without_where_it_is_printed_the_number_still_finds_both_documents_implementers():
    urls = {e["url"] for e in implementers(DOC_NO, "")}
    assert {"/calc/unemployment_benefit", "/calc/unemployment_subsidy"} <= urls


def test_a_search_hit_offers_only_what_acts_on_its_own_document(client, two):
    hits = client.get("/api/search", params={"q": "北京失业保险金发放标准", "limit": 10}).json()
    by_doc = {h["document_id"]: {a["url"] for a in h["acting"]} for h in hits}
    assert two["标准"] in by_doc and "/calc/unemployment_subsidy" not in by_doc[two["标准"]]
    page = client.get("/library", params={"q": "北京失业保险金发放标准"}).text
    hit = page[page.index(f'href="/library/doc/{two["标准"]}#'):]
    hit = hit[:hit.index("</li>")] if "</li>" in hit else hit[:3000]
    assert "/calc/unemployment_subsidy" not in hit


def test_the_claim_form_links_its_basis_to_the_clauses(url, two):
    c = TestClient(create_app(url))
    assert post_login(c, "bj-citizen", PASSWORD).status_code == 303
    form = c.get("/programs/bj_unemployment_subsidy/claim").text
    basis = re.search(r"<p>依据：(.*?)</p>", form, re.S).group(1)
    assert re.search(rf'<a href="/library/doc/{two["补助金"]}#[^"]+">京人社发\[2020\]8号 一（一）</a>', basis)
    # and the document's page links the program: both ways
    assert 'href="/programs/bj_unemployment_subsidy/about"' in _box(c.get(f"/library/doc/{two['补助金']}").text)


def test_a_no_application_list_links_its_basis_to_the_clauses(client):
    page = client.get("/programs/listing/stable_job_refund_2021").text
    basis = re.search(r"依据：(.*?)。</p>", page, re.S).group(1)
    links = re.findall(r'<a href="(/library/doc/\d+#[^"]+)">([^<]+)</a>', basis)
    assert links and any(label.startswith("人社部发〔2021〕29号") for _, label in links)
    doc = links[0][0].split("#")[0]
    assert 'href="/programs/listing/stable_job_refund_2021"' in _box(client.get(doc).text)


def test_a_regional_document_links_the_guide_for_its_region_which_links_back(url, client):
    with session_scope(connect(url)) as s:
        doc_id = s.scalars(select(Document.id).where(Document.doc_no == "津人社办发〔2020〕91号")).one()
    box = _box(client.get(f"/library/doc/{doc_id}").text)
    link = re.search(r'办事指南：<a href="(/services/guides/2\.4\.2\?region=[^"]+)"', box).group(1)
    assert f'href="/library/doc/{doc_id}' in client.get(link.replace("&amp;", "&")).text
    assert f'href="/library/doc/{doc_id}' not in client.get("/services/guides/2.4.2").text  # why the region is named
