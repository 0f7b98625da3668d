"""A material counted 已提交 before migration 0029 on a bare file name (no ``<sha256>:`` prefix: the API took any
string then) has no file behind it. Before session 21 both the staff task page and the applicant's case page said
“已提交” with a link that could only answer 404 (这份材料没有在线上传的文件). Now they say
“已提交（仅有文件名，未上传文件）” with the name as plain text; on the window's 补正 form that material is preselected
(and may be unticked), so the existing 补正 path asks for the file; the stored row itself is never changed by a page.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kuaiban.app import create_app
from kuaiban.services import cases
from kuaiban.services.models import Material
from tests.materials import uploaded
from tests.web.forms import csrf_of, post_login

from .conftest import FORM, PASSWORD, SHARED

ITEMS = ["1.1.5", "4.1.1"]
BARE = "劳动合同扫描件.pdf"  # what an API client once sent instead of a file


def _case_with_a_bare_name(world) -> tuple[str, int]:
    with world.session() as s:
        mine = uploaded(s, world.citizen, {SHARED: "contract.pdf"})
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS, materials=mine).number
    with world.session() as s:  # as stored before migration 0029
        s.execute(update(Material).where(Material.name == SHARED).values(reference=BARE))
        task = next(t for t in cases.get_case(s, world.supervisor, number).tasks if t.item_code == "1.1.5")
        return number, task.id


def _row(html: str, name: str) -> str:
    """The <tr> of the materials table naming ``name``."""
    return next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{name}</td>" in r)


def _signed_in(world, username: str) -> TestClient:
    client = TestClient(create_app(world.engine.url.render_as_string(hide_password=False)))
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


def test_staff_and_applicant_see_a_bare_name_said_as_it_is_without_a_link(sqlite_world) -> None:
    world = sqlite_world
    number, task_id = _case_with_a_bare_name(world)

    staff_page = _signed_in(world, "window").get(f"/workbench/tasks/{task_id}").text
    row = _row(staff_page, SHARED)
    assert cases.NAME_ONLY in row and "/materials/" not in row and BARE in row
    assert "请发出补正通知" in row
    # the 补正 form preselects it (not disabled: the window may untick it), and says why
    box = re.search(rf'<input type="checkbox"[^>]*value="{re.escape(SHARED)}"[^>]*>', staff_page).group(0)
    assert "checked" in box and "disabled" not in box
    assert f"{SHARED}（{cases.NAME_ONLY}，已预选，可取消）" in staff_page

    own_page = _signed_in(world, "citizen").get(f"/services/cases/{number}").text
    row = _row(own_page, SHARED)
    assert cases.NAME_ONLY in row and "/materials/" not in row and "请上传该文件" in row

    with world.session() as s:  # reading changed nothing stored
        m = s.scalar(select(Material).where(Material.name == SHARED))
        assert (m.status, m.reference) == (cases.PROVIDED, BARE)


def test_the_correction_path_asks_for_the_file_and_a_real_upload_answers_it(sqlite_world) -> None:
    world = sqlite_world
    number, task_id = _case_with_a_bare_name(world)
    window = _signed_in(world, "window")
    page = window.get(f"/workbench/tasks/{task_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # what the browser posts with the preselected box left ticked
    r = window.post(f"/workbench/tasks/{task_id}", follow_redirects=False, data={
        "csrf": csrf_of(page), "version": version, "action": "correct", "missing": SHARED,
        "reason": "原材料只有文件名，请上传劳动合同"})
    assert r.status_code == 303, r.text

    citizen = _signed_in(world, "citizen")
    own = citizen.get(f"/services/cases/{number}").text
    assert 'id="supply-form"' in own and SHARED in own[own.index('id="supply-form"'):]
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        assert {m.name: m.status for m in case.materials}[SHARED] == cases.MISSING
        fresh = uploaded(s, world.citizen, {SHARED: "contract-again.pdf"})
        cases.supply(s, world.citizen, number, fresh)
    row = _row(citizen.get(f"/services/cases/{number}").text, SHARED)
    assert cases.NAME_ONLY not in row and "/materials/" in row and "contract-again.pdf" in row
