"""The 申请材料 a text prints for an item appear in its guide (办事指南), cited, instead of the generic “申请材料由各地区
规定” (data/services/printed_materials.yaml). National lists show in every region; 天津's 就业登记 list
(津人社办发〔2020〕91号, court-national-provinces-2020.txt:3580–3589) only for 天津. Items and lists:

- 2.4.1 失业登记: 人社厅发〔2020〕79号 附件 (shandong-2020.txt:5673–5682) 《失业人员登记表》, 本人身份证或社会保障卡 …;
- 1.8.1 失业保险金申领: 人社厅发〔2020〕24号 二 (hunan-hrss-2020.txt:5416) 社会保障卡或身份证件, and 人社部发〔2021〕23号 附件1
  (chongqing-hrss-2021.txt:3795) 本人银行账户信息 when the account is changed;
- 1.10.1 社会保障卡申领 (3733) and 2.4.3 《就业创业证》申领 (3789): the photo; 2.6.1 就业困难人员认定 (3791): the proof of
  the kind of difficulty; 3.4.1 档案的接收和转递: 人社部发〔2021〕112号 第十二条 (chongqing 4275) the identity document.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.config import DATA
from kuaiban.db import connect
from kuaiban.services import catalogue, guide
from tests.web.test_service_pages import SHARED, seed_region

COMPILATIONS = DATA / "compilations"
TIANJIN = "120101"  # 天津市和平区


def printed():
    return [pytest.param(code, entry, m, id=f"{code}-{m['name']}")
            for code, lists in catalogue._printed_materials().items() for entry in lists for m in entry["materials"]]


@pytest.mark.parametrize(("code", "entry", "material"), printed())
def test_every_printed_material_is_quoted_verbatim_at_its_lines(code, entry, material):
    src = entry["source"]
    lines = (COMPILATIONS / src["file"]).read_text(encoding="utf-8").splitlines()
    first, last = src["lines"]
    assert material["quote"] in "".join(line.strip() for line in lines[first - 1:last])
    assert code in {c.key for c in guide.items()}  # an item the catalogue has


def test_national_lists_show_everywhere_and_a_regional_one_only_in_its_region(sqlite_world):
    with sqlite_world.session() as s:
        ue = guide.guide(s, "2.4.1")
        (listed,) = ue.printed
        assert (listed.doc_no, listed.region) == ("人社厅发〔2020〕79号", None)
        assert [m.name for m in listed.materials] == [
            "《失业人员登记表》", "本人身份证或社会保障卡", "港澳台居民居住证或社会保障卡、港澳居民来往内地通行证"]
        benefit = guide.guide(s, "1.8.1", region="430104")
        assert [(p.doc_no, [m.name for m in p.materials]) for p in benefit.printed] == [
            ("人社厅发〔2020〕24号", ["社会保障卡或身份证件"]), ("人社部发〔2021〕23号", ["本人银行账户信息"])]
        assert guide.guide(s, "2.4.2", region="430104").printed == []
        (tianjin,) = guide.guide(s, "2.4.2", region=TIANJIN).printed
        assert tianjin.doc_no == "津人社办发〔2020〕91号" and tianjin.materials[1].when == "用人单位在本市首次办理就业登记时"
        assert "津人社办发〔2020〕91号" in guide.guide(s, "2.4.2", region=TIANJIN).doc_nos()
        as_json = guide.guide(s, "2.6.1").as_dict()["printed_materials"]
    assert as_json[0]["materials"][0]["name"] == "就业困难人员类型所对应的证明材料"
    assert as_json[0]["materials"][0]["source"]["lines"] == [3791, 3791]


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    connect(url)
    region = seed_region(url)
    with TestClient(create_app(url)) as c:
        yield c, region


def test_the_guide_page_shows_the_printed_list_with_its_citation_instead_of_the_generic_sentence(client):
    c, region = client
    html = c.get("/services/guides/2.4.1").text
    assert "人社厅发〔2020〕79号（2020年7月20日）附件 失业登记工作流程列明的申请材料" in html
    assert "<li>本人身份证或社会保障卡（内地（大陆）居民）</li>" in html
    assert "其他材料由各地区规定" in html and "申请材料由各地区规定，请先选择办理地区" not in html
    chosen = c.get("/services/guides/2.4.1", params={"region": region.name}).text
    assert "没有在本系统另行规定本事项的材料" in chosen
    # an item no text prints a list for keeps the region's configuration and the generic sentence
    plain = c.get("/services/guides/1.1.5", params={"region": region.name}).text
    assert SHARED in plain and "列明的申请材料" not in plain
    assert "请先选择办理地区" in c.get("/services/guides/1.1.5").text
    tianjin = c.get("/services/guides/2.4.2", params={"region": TIANJIN}).text
    assert "天津市（120000）：津人社办发〔2020〕91号（2020年6月2日）二、三列明的申请材料" in tianjin
    assert "《人员基本信息登记表》（用人单位为招用的劳动者在本市首次办理就业登记时）" in tianjin
    assert "津人社办发〔2020〕91号" not in c.get("/services/guides/2.4.2").text
