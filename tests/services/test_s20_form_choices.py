"""Audit 4.5 / ux P5 (s20): the 一件事 form's ticks and choices were free text (“工伤保险”: “未知abc”,
“人员类别(正式党员/预备党员)”: “随便” were filed). They are typed from their labels now: ticks are 是 or 否 (or a
tick box's true/false), bracketed options one of them; the core, the API and the page refuse anything else with a
Chinese message naming the field, and the page offers a list to choose from."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.services import cases, catalogue, form_fields
from tests.web.forms import post_login

from .conftest import FORM, PASSWORD, make_world
from .test_form_checks import errors_of

NONSENSE = {"工伤保险": "未知abc", "人员类别(正式党员/预备党员)": "随便", "介绍信": "xyz", "劳动用工备案": "也许"}


def test_every_typed_field_is_a_field_of_some_bundle():
    fields = {f.name for b in catalogue.bundles() for f in cases.form_spec(b).fields}
    assert fields >= form_fields.TICKED_FIELDS and set(form_fields.LABEL_CHOICES) <= fields
    for name, options in form_fields.LABEL_CHOICES.items():  # the options are the ones the label prints
        printed = re.search(r"\((.+)\)$", name).group(1)
        assert re.split(r"[/、]", printed) == list(options)
    assert form_fields.choices_of("工伤保险") == ("是", "否")
    assert form_fields.choices_of("姓名") is None


def test_the_audits_nonsense_is_refused_field_by_field(world):
    got = errors_of(world, world.citizen, "企业招用员工", {**FORM, **NONSENSE})
    assert got == {"form.工伤保险": "工伤保险只能为：是、否",
                   "form.人员类别(正式党员/预备党员)": "人员类别(正式党员/预备党员)只能为：正式党员、预备党员",
                   # s21: a paper handed in, not a 是/否 (tests/services/test_s21_letter_is_a_document.py)
                   "form.介绍信": "介绍信是须提交的材料，不在表单中填写（办理时向经办机构提交，本地区要求上传的在“申请材料”中上传）",
                   "form.劳动用工备案": "劳动用工备案只能为：是、否"}


def test_the_answers_the_form_offers_are_accepted(world):
    with world.session() as s:
        case = cases.submit(s, world.citizen, "企业招用员工",
                            {**FORM, "工伤保险": "是", "失业保险": False, "人员类别(正式党员/预备党员)": "预备党员"},
                            items=["1.1.5"])
        assert case.form["人员类别(正式党员/预备党员)"] == "预备党员" and case.form["工伤保险"] == "是"


@pytest.fixture
def api(backend_url):
    make_world(backend_url)
    return TestClient(create_app(backend_url))


def test_the_api_refuses_them_and_the_page_offers_a_list(api):
    token = api.post("/api/auth/login", json={"username": "citizen", "password": PASSWORD}).json()["token"]
    r = api.post("/api/cases", headers={"Authorization": f"Bearer {token}"},
                 json={"bundle": "1", "items": ["1.1.5"], "form": {**FORM, **NONSENSE}})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {f"form.{k}" for k in NONSENSE}
    assert post_login(api, "citizen", PASSWORD).status_code == 303
    page = api.get("/services/bundles/1/apply", params={"choose": "1", "items": ["1.3.1", "3.4.7"]}).text
    for name, options in (("工伤保险", ("是", "否")), ("人员类别(正式党员/预备党员)", ("正式党员", "预备党员"))):
        label = re.search(rf'<label for="(f\d+)">{re.escape(name)}[ <]', page)
        assert label, name
        control = re.search(rf'<select id="{label.group(1)}".*?</select>', page, re.S)
        assert control, name
        assert re.findall(r"<option(?: selected)?>([^<]+)</option>", control.group(0)) == list(options)
