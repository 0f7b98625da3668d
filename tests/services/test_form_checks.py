"""The 一件事 form is tied to the account and checked by field type, every error at once (security review
item 9): a citizen files only as themselves; an enterprise files for employees with valid 公民身份号码;
性别, 证件类型 and 民族 are code-table choices; phones and dates are checked; the API returns all errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform.errors import Invalid
from kuaiban.services import cases

from .conftest import CITIZEN_ID, FORM, PASSWORD, make_world

UNEMPLOYMENT = {"证件有效期": "长期", "手机号码": "13800000001", "失业类型(失业原因)": "合同期满",
                "原工作单位": "测试企业甲", "失业时间": "2020-09-01", "户籍地址": "湖南省长沙市芙蓉区测试路1号",
                "常住地址": "湖南省长沙市芙蓉区测试路1号"}


def errors_of(world, user, bundle: str, form: dict) -> dict[str, str]:
    with world.session() as s, pytest.raises(Invalid) as e:
        cases.submit(s, user, bundle, form, items=None)
    assert e.value.errors[0] == {"field": e.value.field, "detail": e.value.message}
    return {x["field"]: x["detail"] for x in e.value.errors}


def test_the_reviews_example_is_refused_with_every_error_at_once(world):
    got = errors_of(world, world.citizen, "企业招用员工",
                    {**FORM, "性别": "未知abc", "证件号码": "12345", "手机号码": "1", "证件有效期": "明年"})
    assert got == {"form.性别": "性别只能为：男、女",
                   "form.证件号码": "证件号码应为 18 位公民身份号码",
                   "form.手机号码": "手机号码应为 11 位手机号码，如 13800000000",
                   "form.证件有效期": "证件有效期应为日期（如 2030-01-01）、“长期”或“起始日期至截止日期”"}


def test_an_enterprises_employee_needs_a_valid_number_matching_sex_and_type(world):
    bad_check_digit = FORM["证件号码"][:-1] + "1"
    got = errors_of(world, world.citizen, "企业招用员工", {**FORM, "证件号码": bad_check_digit, "证件类型": "身份证"})
    assert got == {"form.证件类型": got["form.证件类型"], "form.证件号码": "证件号码校验位不正确"}
    assert got["form.证件类型"].startswith("证件类型只能为：居民身份证、")
    assert errors_of(world, world.citizen, "企业招用员工", {**FORM, "性别": "男"}) == {
        "form.性别": "性别与证件号码不符"}  # order code 902 is even: a woman


def test_a_citizen_files_as_themselves_the_identity_comes_from_the_account(world):
    with world.session() as s:
        # not 2.4.1: it is filed as a 失业登记 with its own part of the form (tests/unemployment/test_audit_s13.py)
        case = cases.submit(s, world.neighbour, "失业", UNEMPLOYMENT, items=["2.4.3"])  # no identity typed at all
        assert {k: case.form[k] for k in ("姓名", "证件号码", "证件类型", "性别")} == {
            "姓名": "测试乙", "证件号码": CITIZEN_ID, "证件类型": "居民身份证", "性别": "男"}
    someone_else = {**UNEMPLOYMENT, "姓名": "测试丙", "证件号码": FORM["证件号码"], "性别": "女"}
    assert errors_of(world, world.neighbour, "失业", someone_else) == {
        "form.姓名": "姓名由本人账号带出，不能修改为他人的信息",
        "form.证件号码": "证件号码由本人账号带出，不能修改为他人的信息",
        "form.性别": "性别由本人账号带出，不能修改为他人的信息"}
    # the same values typed as the account has them (letter case aside) are accepted
    with world.session() as s:
        cases.submit(s, world.neighbour, "失业", {**UNEMPLOYMENT, "姓名": "测试乙", "证件号码": CITIZEN_ID.lower()},
                     items=["2.4.3"])


def test_a_citizen_account_without_an_id_number_cannot_file_a_personal_bundle(world):
    from kuaiban.platform import auth

    with world.session() as s:
        anon = auth.create_applicant(s, "citizen", "测试丁", region="430100")
        user = auth.create_user(s, "anon", PASSWORD, "applicant", applicant=anon, region="430100")
    got = errors_of(world, user, "失业", {**UNEMPLOYMENT, "姓名": "测试丁", "证件号码": CITIZEN_ID})
    assert got["form.证件号码"] == "账号未登记公民身份号码，不能以本人名义申请；请先完成实名登记"


def test_the_api_returns_every_field_error_in_an_added_errors_list(backend_url):
    make_world(backend_url)
    client = TestClient(create_app(backend_url))
    token = client.post("/api/auth/login", json={"username": "citizen", "password": PASSWORD}).json()["token"]
    r = client.post("/api/cases", headers={"Authorization": f"Bearer {token}"},
                    json={"bundle": "1", "form": {**FORM, "性别": "未知abc", "证件号码": "12345"}})
    body = r.json()
    assert r.status_code == 422
    assert (body["detail"], body["field"]) == ("性别只能为：男、女", "form.性别")  # the fields old clients read
    assert [e["field"] for e in body["errors"]] == ["form.性别", "form.证件号码"]
