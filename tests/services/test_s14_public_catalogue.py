"""公共服务事项目录 by region: 湖南 prints its own — 湘政办发〔2020〕19号 (2020-04-24, hunan-hrss-2020.txt:1345–2241),
734 rows — which was loaded (data/services/hunan_catalogue.yaml) but shown nowhere. The page
/services/catalogue and GET /api/services/catalogues now show it for any region under 湖南, with the 人社厅's
194 rows first; a region no text gives a catalogue for is told so, never shown Hunan's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.config import DATA
from kuaiban.db import connect
from kuaiban.services import public_catalogues as pc

HUNAN = (DATA / "compilations" / "hunan-hrss-2020.txt").read_text(encoding="utf-8").splitlines()


def test_hunan_and_only_hunan_has_a_catalogue_and_its_rows_are_the_printed_ones():
    found = pc.for_region("430104")  # 长沙市岳麓区
    assert found is not None and found.region == "430000"
    assert pc.for_region("370102") is None and pc.for_region(None) is None
    cat = found.catalogue
    assert "湘政办发〔2020〕19 号" in HUNAN[1347 - 1] and "2020 年 4 月 24 日" in HUNAN[1355 - 1]
    assert pc.counts(cat) == {"rows": 734, "独立项": 436, "父项": 53, "子项": 245, "主动服务类": 286, "依申请类": 448}
    assert dict(pc.agencies(cat))[pc.HUMAN_RESOURCES] == 194
    row = next(r for r in cat.rows if r.name == "失业保险金申领")
    assert row.code in HUNAN[row.line - 1] and "失业保险金申领" in HUNAN[row.line - 1]


def test_a_search_keeps_the_tree_whole():
    cat = pc.for_region("430000").catalogue
    found = pc.rows(cat, words="就业创业证")
    parent = next(r for r in cat.rows if r.name == "就业失业登记")
    assert parent in found  # the 父项 of the matching 子项 comes along, without its other 子项
    assert [r.name for r in found if r.parent == parent.code] == ["《就业创业证》申领"]
    whole = pc.rows(cat, words="就业失业登记")  # a matching 父项 brings its 子项
    assert {r.name for r in whole if r.parent == parent.code} >= {"失业登记", "就业登记", "《就业创业证》申领"}
    assert all(r.type == "主动服务类" for r in pc.rows(cat, kind="主动服务类", agency=pc.HUMAN_RESOURCES)
               if r.relation != "父项")


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    connect(url)
    with TestClient(create_app(url)) as c:
        yield c


def test_the_page_lists_hunans_catalogue_and_tells_other_regions_there_is_none(client):
    index = client.get("/services/catalogue").text
    assert 'href="/services/catalogue?region=430000"' in index and "湘政办发〔2020〕19号" in index
    html = client.get("/services/catalogue", params={"region": "430104"}).text
    assert "湖南省公共服务事项目录（2020版）" in html and "共 734 项" in html
    assert "省人力资源社会保障厅：194 项" in html and "失业保险金申领" in html
    assert "省教育厅" in html and "普通高中考试招生政策发布服务" not in html  # another agency's rows not listed
    every = client.get("/services/catalogue", params={"region": "430000", "agency": "全部"}).text
    assert "全部部门：734 项" in every and "普通高中考试招生政策发布服务" in every
    searched = client.get("/services/catalogue", params={"region": "430000", "q": "就业创业证"}).text
    assert "└ 《就业创业证》申领" in searched and "就业失业登记" in searched and "└ 失业登记" not in searched
    shandong = client.get("/services/catalogue", params={"region": "370102"}).text
    assert "没有山东省济南市历下区（370102）的公共服务事项目录" in shandong and "失业保险金申领" not in shandong
    assert 'href="/services/catalogue"' in client.get("/services").text


def test_the_api_gives_the_catalogue_by_region(client):
    body = client.get("/api/services/catalogues", params={"region": "长沙", "q": "稳岗"}).json()
    assert body["catalogue"]["doc_no"] == "湘政办发〔2020〕19号" and body["catalogue"]["issued"] == "2020-04-24"
    assert [r["name"] for r in body["catalogue"]["rows"]] == ["失业保险服务", "稳岗返还(稳岗补贴)申领"]  # with its 父项
    none = client.get("/api/services/catalogues", params={"region": "370102"}).json()
    assert none["catalogue"] is None and none["available"][0]["region"] == "430000"
