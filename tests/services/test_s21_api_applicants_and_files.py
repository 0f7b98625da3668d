"""Two things the pages said and the JSON API did not (session 21):

- who may file each 一件事 (a unit's account, a person's, or either): ``applicants`` of ``GET /api/services/bundles``
  and of ``GET /api/services/bundles/{n}/form``, with the reason the 目录 page shows and the basis the page for a
  refused account shows (依据：人社部发〔2020〕26号 附件1 …);
- whether a file stands behind a material: ``has_file`` and ``state`` of each material of ``GET /api/cases/{n}``,
  for staff and applicant alike. A material stored before migration 0029 as a bare file name keeps its stored
  status 已提交 but says ``has_file: false`` and the pages' words “已提交（仅有文件名，未上传文件）”.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from kuaiban.app import create_app
from kuaiban.services import cases
from kuaiban.services.models import Material
from tests.materials import uploaded

from .conftest import CERTIFICATE, FORM, PASSWORD, SHARED

BARE = "劳动合同扫描件.pdf"


def _client(world) -> TestClient:
    return TestClient(create_app(world.engine.url.render_as_string(hide_password=False)))


def _headers(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_bundle_list_says_who_may_file_each_and_on_what_text(sqlite_world) -> None:
    client = _client(sqlite_world)
    listed = {b["seq"]: b for b in client.get("/api/services/bundles").json()}
    assert listed[1]["applicants"] == {
        "kinds": ["enterprise"], "words": "单位", "line": 696,
        "reason": "由招用员工的单位办理",
        "basis": "人社部发〔2020〕26号 附件1“企业招用员工”一行"}
    assert listed[3]["applicants"] == {
        "kinds": ["citizen"], "words": "个人", "line": 700,
        "reason": "附件1备注“需失业人员本人办理的事项”",
        "basis": "人社部发〔2020〕26号 附件1“失业”一行的备注：“需失业人员本人办理的事项”"}
    # a row that restricts no one: either account, and no basis claimed
    assert listed[9]["applicants"] == {"kinds": ["citizen", "enterprise"], "words": "个人或单位", "reason": None,
                                       "basis": None, "line": None}
    # additive: the fields the list had are all still there
    assert {"name", "items", "agencies", "notes", "source", "seq"} <= set(listed[1])
    # the one-bundle endpoint says the same
    assert client.get("/api/services/bundles/3/form").json()["applicants"] == listed[3]["applicants"]


def test_the_api_and_the_refusal_page_quote_the_same_basis(sqlite_world) -> None:
    """The page a citizen meets on 企业招用员工 and the API give the same sentence (one method says it)."""
    from tests.web.forms import post_login

    client = _client(sqlite_world)
    assert post_login(client, "neighbour", PASSWORD).status_code == 303
    page = client.get("/services/bundles/1").text
    basis = client.get("/api/services/bundles").json()[0]["applicants"]["basis"]
    assert f"依据：{basis}。" in page


def _case_with_a_file_and_a_bare_name(world) -> str:
    with world.session() as s:
        mine = uploaded(s, world.citizen, {SHARED: "contract.pdf", CERTIFICATE: "wage.pdf"})
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["1.1.5", "4.1.1"],
                              materials=mine).number
    with world.session() as s:  # the shared contract as stored before migration 0029: a name, no file
        s.execute(update(Material).where(Material.name == SHARED).values(reference=BARE))
    return number


def test_case_detail_says_which_materials_have_a_file_for_staff_and_applicant(sqlite_world) -> None:
    world = sqlite_world
    number = _case_with_a_file_and_a_bare_name(world)
    client = _client(world)
    for who in ("citizen", "window"):
        r = client.get(f"/api/cases/{number}", headers=_headers(client, who))
        assert r.status_code == 200, r.text
        by_name = {m["name"]: m for m in r.json()["materials"]}
        bare, filed = by_name[SHARED], by_name[CERTIFICATE]
        assert (bare["status"], bare["reference"]) == ("已提交", BARE)  # as stored: unchanged
        assert bare["has_file"] is False and bare["state"] == cases.NAME_ONLY == "已提交（仅有文件名，未上传文件）"
        assert filed["has_file"] is True and filed["state"] == "已提交" and filed["status"] == "已提交"


def test_has_file_agrees_with_the_page_that_serves_the_file(sqlite_world) -> None:
    """has_file true: the case page's link opens the file; false: the page gives no link and the file address
    answers 404 (这份材料没有在线上传的文件)."""
    from tests.web.forms import post_login

    world = sqlite_world
    number = _case_with_a_file_and_a_bare_name(world)
    client = _client(world)
    materials = client.get(f"/api/cases/{number}", headers=_headers(client, "citizen")).json()["materials"]
    assert post_login(client, "citizen", PASSWORD).status_code == 303
    page = client.get(f"/services/cases/{number}").text
    for index, m in enumerate(materials):
        address = f"/services/cases/{number}/materials/{index}"
        assert (address in page) is m["has_file"], m["name"]
        if m["reference"]:
            assert client.get(address).status_code == (200 if m["has_file"] else 404), m["name"]
