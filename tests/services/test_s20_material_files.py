"""A 一件事 material counts as 已提交 only with a file its applicant uploaded (audit 2026-12 §4.1, security
review finding 17): a bare file name, or the ``<sha256>:name`` of a file another person uploaded, used to be
accepted at submission and at 补交 — and the other person's file was then served to the caller.

SQLite and PostgreSQL (``world``: both backends), the API through a real app on the same database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kuaiban.app import create_app
from kuaiban.platform import material_files, storage, throttle
from kuaiban.platform.errors import Invalid
from kuaiban.platform.material_files import FileOwner
from kuaiban.services import cases
from kuaiban.services.models import Case, Material
from kuaiban.web.uploads import stored_file
from tests.materials import api_upload, pdf, uploaded
from tests.web.forms import post_login

from .conftest import FORM, PASSWORD, SHARED, make_world

ITEMS = ["1.1.5", "4.1.1"]  # both need SHARED; 1.1.5 also the certificate


def _submit(world, materials: dict[str, str]) -> str:
    with world.session() as s:
        return cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS, materials=materials).number


def _in_correction(world, number: str) -> None:
    """The window asks for the missing materials of 1.1.5 (the notice lists SHARED and the certificate)."""
    with world.session() as s:
        task = next(t for t in cases.get_case(s, world.supervisor, number).tasks if t.item_code == "1.1.5")
        cases.act(s, world.window, task.id, "correct", version=task.version, reason="材料不全（测试）")


def test_a_bare_file_name_is_not_a_material_at_submission(world):
    with world.session() as s, pytest.raises(Invalid) as refused:
        cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS, materials={SHARED: "随便写的.pdf"})
    assert refused.value.field == f"materials.{SHARED}"
    assert f"“{SHARED}”没有有效的文件" in refused.value.message
    with world.session() as s:
        assert s.scalar(select(Case.id)) is None  # nothing filed


def test_a_bare_file_name_does_not_answer_a_correction(world):
    number = _submit(world, {})
    _in_correction(world, number)
    with world.session() as s, pytest.raises(Invalid) as refused:
        cases.supply(s, world.citizen, number, {SHARED: "我已经交过了.pdf"})
    assert refused.value.field == f"materials.{SHARED}"
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        assert {m.name: m.status for m in case.materials}[SHARED] == cases.MISSING
        assert {t.item_code: t.state for t in case.tasks}["1.1.5"] == "待补正"


def test_another_applicants_file_is_refused_and_ones_own_is_taken(world):
    with world.session() as s:
        theirs = uploaded(s, world.neighbour, {SHARED: "their.pdf"})[SHARED]
    with world.session() as s, pytest.raises(Invalid):  # a real stored file, but the neighbour's
        cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS, materials={SHARED: theirs})
    number = _submit(world, {})
    _in_correction(world, number)
    with world.session() as s, pytest.raises(Invalid):
        cases.supply(s, world.citizen, number, {SHARED: theirs})
    with world.session() as s:
        mine = uploaded(s, world.citizen, {SHARED: "mine.pdf"})
        case = cases.supply(s, world.citizen, number, mine)
        assert {m.name: m.reference for m in case.materials}[SHARED] == mine[SHARED]
    # the same bytes uploaded by both: each has their own right to them, once each
    with world.session() as s:
        same = material_files.keep(s, world.citizen, "same.pdf", pdf("neighbour/" + SHARED + "/their.pdf"))
        assert same.partition(":")[0] == theirs.partition(":")[0]
        material_files.keep(s, world.citizen, "again.pdf", pdf("neighbour/" + SHARED + "/their.pdf"))
    with world.session() as s:
        owners = s.scalars(select(FileOwner.applicant_id).where(FileOwner.digest == same.partition(":")[0])).all()
        assert sorted(owners) == sorted([world.citizen.applicant_id, world.neighbour.applicant_id])


def test_a_stored_file_is_served_only_as_its_uploaders_material(world):
    """A reference written before the check (or by hand) to someone else's file is not served."""
    with world.session() as s:
        mine = uploaded(s, world.citizen, {SHARED: "mine.pdf"})
    number = _submit(world, mine)
    with world.session() as s:
        theirs = uploaded(s, world.neighbour, {SHARED: "their.pdf"})[SHARED]
        case = cases.get_case(s, world.citizen, number)
        assert stored_file(s, mine[SHARED], case.applicant_id)[1] == "mine.pdf"
        assert stored_file(s, theirs, case.applicant_id) is None
        assert stored_file(s, "我已经交过了.pdf", case.applicant_id) is None


@pytest.fixture
def api(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))

    def login(username: str) -> dict:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return client, world, login


def test_the_api_uploads_files_and_takes_only_the_callers_own(api):
    client, world, login = api
    citizen, neighbour, window = login("citizen"), login("neighbour"), login("window")
    file = {"file": ("合同.pdf", pdf("api"), "application/pdf")}
    assert client.post("/api/uploads", files=file).status_code == 401  # the token first
    assert client.post("/api/uploads", headers=window, files=file).status_code == 403  # staff upload nothing
    wrong = client.post("/api/uploads", headers=citizen, files={"file": ("a.pdf", b"MZ\x90\x00 not a pdf")})
    assert wrong.status_code == 422 and wrong.json()["field"] == "file" and "文件格式不符" in wrong.json()["detail"]
    none = client.post("/api/uploads", headers=citizen, json={"file": "x"})
    assert none.status_code == 422 and none.json()["field"] == "file"
    r = client.post("/api/uploads", headers=citizen, files=file)
    assert r.status_code == 201, r.text
    assert r.json()["type"] == "application/pdf" and r.json()["name"] == "合同.pdf"
    mine = r.json()["reference"]
    theirs = api_upload(client, neighbour, "their.pdf")

    body = {"bundle": "企业招用员工", "form": FORM, "items": ITEMS}
    for forged in ("随便写的.pdf", theirs):
        r = client.post("/api/cases", headers=citizen, json=body | {"materials": {SHARED: forged}})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == f"materials.{SHARED}" and SHARED in r.json()["detail"]
    r = client.post("/api/cases", headers=citizen, json=body | {"materials": {SHARED: mine}})
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    assert {m["name"]: m["status"] for m in r.json()["materials"]}[SHARED] == "已提交"

    _in_correction(world, number)
    r = client.post(f"/api/cases/{number}/supply", headers=citizen, json={"materials": {SHARED: "我已经交过了.pdf"}})
    assert r.status_code == 422 and r.json()["field"] == f"materials.{SHARED}"
    r = client.post(f"/api/cases/{number}/supply", headers=citizen, json={"materials": {SHARED: theirs}})
    assert r.status_code == 422
    again = api_upload(client, citizen, "合同（补正）.pdf")
    r = client.post(f"/api/cases/{number}/supply", headers=citizen, json={"materials": {SHARED: again}})
    assert r.status_code == 200, r.text


def test_a_forged_reference_already_stored_is_not_downloaded(api, monkeypatch):
    """The audit's reproduction: the neighbour's file named in the citizen's case → the page refuses it (404)."""
    client, world, login = api
    monkeypatch.setenv("KUAIBAN_STORAGE", "directory")  # the pages' default store, under KUAIBAN_VAR
    citizen, neighbour = login("citizen"), login("neighbour")
    mine = api_upload(client, citizen, "mine.pdf", "citizen-file")
    theirs = api_upload(client, neighbour, "their.pdf", "NEIGHBOUR-PRIVATE-DOCUMENT")
    assert storage.exists(None, theirs.partition(":")[0])  # the directory store needs no session
    number = client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ITEMS, "materials": {SHARED: mine}}).json()["number"]
    with world.session() as s:  # as a reference stored before the check was
        s.execute(update(Material).where(Material.name == SHARED).values(reference=theirs))
        index = [m.name for m in cases.get_case(s, world.supervisor, number).materials].index(SHARED)
    page = TestClient(create_app(world.engine.url.render_as_string(hide_password=False)))
    assert post_login(page, "citizen", PASSWORD).status_code == 303
    r = page.get(f"/services/cases/{number}/materials/{index}")
    assert r.status_code == 404 and b"NEIGHBOUR-PRIVATE-DOCUMENT" not in r.content
    with world.session() as s:
        s.execute(update(Material).where(Material.name == SHARED).values(reference=mine))
    r = page.get(f"/services/cases/{number}/materials/{index}")
    assert r.status_code == 200 and b"citizen-file" in r.content


def test_api_uploads_are_counted_per_account(api, monkeypatch):
    """Each file is kept in the store: one account may upload a bounded number in a window (429 after)."""
    client, _, login = api
    monkeypatch.setitem(throttle.FORM_LIMITS, "material_upload", (100, 2))
    citizen = login("citizen")
    assert [client.post("/api/uploads", headers=citizen,
                        files={"file": (f"{i}.pdf", pdf(f"n{i}"), "application/pdf")}).status_code
            for i in range(3)] == [201, 201, 429]
    assert api_upload(client, login("neighbour"), "other.pdf")  # another account is not held up
