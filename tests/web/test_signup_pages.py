"""办事人注册: a citizen or an enterprise opens an account on the site and is signed in at once."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import ric, uscc

from kuaiban.platform import auth


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


def synthetic_citizen_number() -> str:
    """A well-formed number for nobody in particular: region 430102, a random 1990 birthday, odd order."""
    body = f"4301021990{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randrange(101, 999, 2):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def synthetic_credit_code() -> str:
    body = "91430100" + "".join(random.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def form(**overrides) -> dict:
    tag = random.randrange(10**8)
    data = {"kind": "citizen", "name": "测试个人", "id_number": synthetic_citizen_number(), "region": "湖南省长沙市岳麓区",
            "username": f"signup{tag}", "password": "long enough pw", "password2": "long enough pw",
            "next": "/unemployment"}
    return data | overrides


def test_a_citizen_registers_and_is_signed_in(app_client):
    r = app_client.post("/register", data=form(), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/unemployment"
    assert "kuaiban_token" in r.cookies
    me = app_client.get("/api/me", headers={"Authorization": f"Bearer {r.cookies['kuaiban_token']}"}).json()
    assert me["role"] == "applicant"


def test_an_enterprise_registers_with_its_credit_code(app_client):
    r = app_client.post("/register", data=form(kind="enterprise", name="测试企业", id_number=synthetic_credit_code()),
                        follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"id_number": "430102199001011230"}, "id_number", "公民身份号码校验位不正确"),
    ({"id_number": "12345"}, "id_number", "公民身份号码格式不正确"),
    ({"kind": "enterprise", "id_number": "91430100ABCDEFGHJ0"}, "id_number", "统一社会信用代码"),
    ({"password2": "something else"}, "password2", "两次输入的密码不一致"),
    ({"kind": ""}, "kind", "请选择注册类型"),
    ({"region": ""}, "region", "请选择所在地区"),
    ({"region": "示例市"}, "region", "无法识别的地区：示例市"),
])
def test_each_refusal_is_shown_at_its_field_and_nothing_is_stored(app_client, overrides, field, message):
    data = form(**overrides)
    r = app_client.post("/register", data=data, follow_redirects=False)
    assert r.status_code == 422 and message in r.text
    assert f'id="{field}-error"' in r.text and 'aria-invalid="true"' in r.text
    assert app_client.post("/api/auth/login", json={"username": data["username"],
                                                    "password": "long enough pw"}).status_code == 401


def test_a_number_already_registered_is_refused(app_client):
    first = form()
    assert app_client.post("/register", data=first, follow_redirects=False).status_code == 303
    again = form(id_number=first["id_number"])
    r = app_client.post("/register", data=again, follow_redirects=False)
    assert r.status_code == 422 and "该证件号码已注册账号" in r.text


def test_browser_register_then_apply(page, screenshot, check_accessibility):
    page.goto("/login?next=/services")
    page.get_by_role("link", name="注册办事人账号").click()
    page.wait_for_url("**/register**")
    data = form()
    page.get_by_label("姓名或单位名称").fill(data["name"])
    page.get_by_label("公民身份号码或统一社会信用代码").fill("430102199001011230")  # wrong check digit
    page.get_by_label("所在地区").fill(data["region"])
    page.get_by_label("用户名").fill(data["username"])
    page.get_by_label("密码", exact=True).fill(data["password"])
    page.get_by_label("再次输入密码").fill(data["password"])
    page.get_by_role("button", name="注册并登录").click()
    assert page.locator("#id_number-error").inner_text() == "公民身份号码校验位不正确"
    check_accessibility(page, ("#name",))
    screenshot(page, "signup-error")
    page.get_by_label("公民身份号码或统一社会信用代码").fill(data["id_number"])
    page.get_by_label("密码", exact=True).fill(data["password"])
    page.get_by_label("再次输入密码").fill(data["password"])
    page.get_by_role("button", name="注册并登录").click()
    page.wait_for_url("**/services")
    assert data["username"] in page.locator("header").inner_text() or data["name"] in page.locator("header").inner_text()
