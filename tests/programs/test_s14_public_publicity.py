"""The public 公示 (audit F11): anyone reads what is in 公示 now, without signing in — per program and region, what
the text asks to publish, with as little personal information as 个人信息保护法 allows, the 公示's dates and how to
object.

湘人社规〔2020〕22号 第十二条 (hunan-hrss-2020.txt:4608): “将符合条件的人员相关补贴信息在同级人力资源和社会保障门户网站
公示7天” — published: the name with the given name masked (测**), the region, the amount and the dates; never the ID
number (the text does not ask for it; 个人信息保护法 第六条, chongqing-hrss-2021.txt:882), the account or the form.
鲁人社字〔2020〕55号 第十四条 (shandong-2020.txt:2889) is the one text asking for an ID number, “含隐藏部分字段”: a
person's is shown by its last four characters only. Objections: the engine's own, for any signed-in account."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform import audit
from kuaiban.programs import claims, definitions, figures, publicity
from kuaiban.programs.models import Claim, Objection
from tests.programs.conftest import PASSWORD, make_town
from tests.web.forms import csrf_of, post_login

PROGRAM = "hn_social_insurance_subsidy_flexible"
FACTS = {"si_group": "就业困难人员", "si_first_approval_date": "2021-03-01", "si_months_received": "0", "sex": "女",
         "birth_date": "1975-05-01", "si_personal_paid": "900", "si_rate": "0.27"}
MARCH_1 = dt.datetime(2021, 3, 1, 9, 0)
MARCH_2 = dt.datetime(2021, 3, 2, 9, 0)
ACCOUNT = "6217000000000001"


def in_publicity(town) -> Claim:
    """A 灵活就业 claim through its three levels to the 公示 (2021-03-01 … 03-08); 上年度全省全口径社会平均工资 is
    the office's figure (entered when published, never the applicant's): 5800 stands for it here."""
    with town.session() as s:
        figures.enter(s, definitions.get(PROGRAM), "430000", "si_average_wage", "2021-01", 5800)
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, PROGRAM, month="2021-03", facts=FACTS, account=ACCOUNT,
                              at=MARCH_1)
    for user, months in ((town.hunan_window, None), (town.hunan_reviewer, None), (town.hunan_reviewer2, 3)):
        with town.session() as s:
            claim = claims.act(s, user, claim.id, outcome="pass", months=months, at=MARCH_1)
    assert claim.status == "publicity" and claim.publicity_until == dt.date(2021, 3, 8)
    return claim


def test_the_list_holds_what_the_text_asks_with_the_name_masked_and_no_id_number(town) -> None:
    claim = in_publicity(town)
    with town.session() as s:
        answer = publicity.public_list(s, today=dt.date(2021, 3, 2))
        [group] = answer["groups"]
        assert (group["program"], group["region"], group["region_name"]) == (PROGRAM, "430104", "湖南省长沙市岳麓区（430104）")
        [item] = group["items"]
        assert item == {"claim": claim.id, "name": "测**", "amount": f"{claim.monthly_fen / 100:.2f}",
                        "from": dt.date(2021, 3, 1), "until": dt.date(2021, 3, 8)}
        hunan = next(p for p in answer["programs"] if p["program"] == PROGRAM)
        assert hunan["period"] == "7天" and hunan["source"]["label"] == "湘人社规〔2020〕22号 第十二条"
        assert "公示7天" in hunan["source"]["quote"]
        assert "身份证号（仅显示后四位）" not in hunan["columns"]
        assert [c["label"] for c in answer["privacy"]] == ["中华人民共和国个人信息保护法 第六条",
                                                           "中华人民共和国个人信息保护法 第三十四条"]
        # how to object: online when signed in, and 湖南's 举报投诉电话 named (its number is the office's)
        assert answer["objection"]["anonymous"] is False
        assert answer["objection"]["report_lines"][0]["source"]["label"] == "湘人社规〔2020〕22号 第十六条"
        # filters: another province's region, or a program without this claim, lists nothing
        assert publicity.public_list(s, region="110000", today=dt.date(2021, 3, 2))["groups"] == []
        assert publicity.public_list(s, program="sd_work_for_training_subsidy", today=dt.date(2021, 3, 2))["groups"] == []
        # after its last day the claim waits for the caseworker's close and is no longer published
        assert publicity.public_list(s, today=dt.date(2021, 3, 9))["groups"] == []
        # 免申即享 lists are linked, not repeated
        assert {x["program"] for x in answer["listings"]} == {"stable_job_refund_2021", "sd_stable_job_refund_2020"}


def test_an_id_number_is_shown_only_where_the_text_asks_and_then_by_its_last_four() -> None:
    """55号 第十四条 “含隐藏部分字段的身份证号”: a citizens' program under that clause shows the last four only."""
    hunan = definitions.get(PROGRAM)
    assert "身份证号（仅显示后四位）" not in publicity.describe(hunan)["columns"]
    asking = dataclasses.replace(hunan, publicity_source="lu55_publicity")
    assert publicity.describe(asking)["columns"][1] == "身份证号（仅显示后四位）"
    assert publicity.mask_id_last4("11010119800101123X") == "**************123X"
    training = publicity.describe(definitions.get("sd_work_for_training_subsidy"))  # claimed by enterprises
    assert training["columns"][0] == "单位名称" and "身份证号（仅显示后四位）" not in training["columns"]
    assert publicity.mask_name("欧阳某某") == "欧***" and publicity.mask_name("李") == "*"


@pytest.fixture
def site(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim = in_publicity(town)
    monkeypatch.setattr(audit, "now", lambda: MARCH_2)
    with TestClient(create_app(url)) as client:
        yield client, town, claim


def _no_personal_data(page: str, town, claim: Claim) -> None:
    assert "测试丙" not in page  # the full name
    number = town.hunan_number
    assert number not in page and number[-4:] not in page and number[:6] + "*" not in page
    assert ACCOUNT not in page and ACCOUNT[-4:] not in page
    assert "1975-05-01" not in page  # the form's birth date


def test_anyone_reads_the_page_and_the_json_without_signing_in(site) -> None:
    client, town, claim = site
    page = client.get("/programs/publicity/public")
    assert page.status_code == 200
    html = page.text
    assert "湘人社规〔2020〕22号 第十二条" in html and "公示期：7天" in html
    assert re.search(rf'<td data-label="编号">{claim.id}</td><td data-label="姓名（名字已遮蔽）">测\*\*</td>'
                     r'<td data-label="地区">湖南省长沙市岳麓区（430104）</td>', html)
    assert "2021年3月1日至2021年3月8日" in html
    assert 'href="/login?next=/programs/publicity/public"' in html and "提出异议</button>" not in html
    assert "举报投诉电话" in html and "个人信息保护法 第六条" in html
    assert 'href="/programs/publicity/public"' in client.get("/").text  # offered to visitors in the nav
    _no_personal_data(html, town, claim)

    data = client.get("/api/programs/publicity/public")
    assert data.status_code == 200
    assert data.json()["groups"][0]["items"][0]["name"] == "测**"
    _no_personal_data(data.text, town, claim)
    filtered = client.get(f"/api/programs/publicity/public?program={PROGRAM}&region=430100").json()
    assert filtered["total"] == 1 and filtered["region"] == "430100"


def test_a_signed_in_person_objects_from_the_public_page(site) -> None:
    client, town, claim = site
    assert post_login(client, "bj-other", PASSWORD).status_code == 303
    page = client.get("/programs/publicity/public").text
    assert f'action="/programs/publicity/public/{claim.id}/object"' in page
    _no_personal_data(page, town, claim)
    empty = client.post(f"/programs/publicity/public/{claim.id}/object", follow_redirects=False,
                        data={"csrf": csrf_of(page), "text": " "})
    assert empty.status_code == 422 and "请写明异议的内容" in empty.text
    done = client.post(f"/programs/publicity/public/{claim.id}/object", follow_redirects=False,
                       data={"csrf": csrf_of(page), "text": "据我所知此人已在单位就业"})
    assert done.status_code == 303 and done.headers["location"] == "/programs/publicity/public?done=1"
    assert "异议已提交" in client.get(done.headers["location"]).text
    with town.session() as s:
        objection = s.scalars(select(Objection).where(Objection.claim_id == claim.id)).one()
        assert objection.filed_by == town.other_citizen.id and objection.outcome is None
