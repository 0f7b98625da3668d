"""办事人注册: a citizen or an enterprise opens an account on the site and is signed in at once."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from stdnum.cn import ric, uscc

from kuaiban.db import connect, session_scope
from kuaiban.platform.models import User
from tests.web.forms import csrf_of


def synthetic_citizen_number() -> str:
    """A well-formed number for nobody in particular: region 430102, a random 1990 birthday, odd order."""
    body = f"4301021990{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randrange(101, 999, 2):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def synthetic_credit_code() -> str:
    body = "91430100" + "".join(random.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def form(**overrides) -> dict:
    tag = random.randrange(10**8)
    data = {"kind": "citizen", "name": "测试个人", "id_number": synthetic_citizen_number(), "province": "430000",
            "city": "430100", "county": "430102",
            "username": f"signup{tag}", "password": "Long enough pw 7", "password2": "Long enough pw 7",
            "next": "/unemployment"}
    return data | overrides


def register(client, data: dict):
    """Open /register, then post ``data`` with the CSRF token the page carries."""
    return client.post("/register", data={"csrf": csrf_of(client.get("/register").text), **data},
                       follow_redirects=False)


def test_a_citizen_registers_and_is_signed_in(app_client):
    r = register(app_client, form())
    assert r.status_code == 303 and r.headers["location"] == "/unemployment"
    assert "kuaiban_token" in r.cookies
    me = app_client.get("/api/me", headers={"Authorization": f"Bearer {r.cookies['kuaiban_token']}"}).json()
    assert me["role"] == "applicant"


def test_an_enterprise_registers_with_its_credit_code(app_client):
    r = register(app_client, form(kind="enterprise", name="测试企业", id_number=synthetic_credit_code()))
    assert r.status_code == 303


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"id_number": "430102199001011230"}, "id_number", "公民身份号码校验位不正确"),
    ({"id_number": "12345"}, "id_number", "公民身份号码格式不正确"),
    ({"kind": "enterprise", "id_number": "91430100ABCDEFGHJ0"}, "id_number", "统一社会信用代码"),
    ({"password2": "something else"}, "password2", "两次输入的密码不一致"),
    ({"kind": ""}, "kind", "请选择注册类型"),
    ({"password": "12345678", "password2": "12345678"}, "password", "长度至少 10 位；须包含大写字母"),
])
def test_each_refusal_is_shown_at_its_field_and_nothing_is_stored(app_client, overrides, field, message):
    data = form(**overrides)
    r = register(app_client, data)
    assert r.status_code == 422 and message in r.text
    assert f'id="{field}-error"' in r.text and 'aria-invalid="true"' in r.text
    assert app_client.post("/api/auth/login", json={"username": data["username"],
                                                    "password": "Long enough pw 7"}).status_code == 401


def test_a_number_already_registered_is_refused(app_client):
    first = form()
    assert register(app_client, first).status_code == 303
    again = form(id_number=first["id_number"])
    r = register(app_client, again)
    assert r.status_code == 409 and "不能用该证件号码注册新账号" in r.text


# ---------------------------------------------------------------- the region, from the hierarchy


def stored_region(url: str, username: str) -> str | None:
    with session_scope(connect(url)) as s:
        return s.scalar(select(User.region).where(User.username == username))


def test_the_form_offers_the_provinces_and_no_free_text_example(app_client):
    html = app_client.get("/register").text
    assert '<option value="430000" >湖南省</option>' in html and '<option value="110000" >北京市</option>' in html
    assert "湖南省长沙市" not in html
    assert 'src="/static/regions.js"' in html


def test_the_next_level_comes_from_the_api(app_client):
    provinces = app_client.get("/api/regions").json()
    assert {"code": "430000", "name": "湖南省", "level": "province", "label": "湖南省（430000）"} in provinces
    cities = app_client.get("/api/regions", params={"parent": "430000"}).json()
    assert {"code": "430100", "name": "长沙市", "level": "city", "label": "湖南省长沙市（430100）"} in cities
    districts = app_client.get("/api/regions", params={"parent": "110000"}).json()  # a 直辖市: no city level
    assert {r["level"] for r in districts} == {"county"} and "110105" in {r["code"] for r in districts}
    r = app_client.get("/api/regions", params={"parent": "999999"})
    assert r.status_code == 404 and r.json() == {"detail": "行政区划代码不存在或已撤销：999999", "field": "parent"}


def test_the_chosen_county_is_stored_as_its_code(app_client, live_db_url):
    data = form()
    assert register(app_client, data).status_code == 303
    assert stored_region(live_db_url, data["username"]) == "430102"


def test_without_script_each_post_shows_the_next_level_until_a_county_is_chosen(app_client, live_db_url):
    data = form(city="", county="")
    r = register(app_client, data)
    assert r.status_code == 422 and 'id="city-error"' in r.text and "请继续选择下一级地区（市、州）" in r.text
    assert '<option value="430100" >长沙市</option>' in r.text
    r = register(app_client, data | {"city": "430100"})
    assert r.status_code == 422 and "请继续选择下一级地区（区、县）" in r.text
    assert '<option value="430104" >岳麓区</option>' in r.text
    assert register(app_client, data | {"city": "430100", "county": "430104"}).status_code == 303
    assert stored_region(live_db_url, data["username"]) == "430104"


def test_a_municipality_goes_straight_from_the_city_to_its_districts(app_client, live_db_url):
    data = form(province="110000", city="", county="110105")
    assert register(app_client, data).status_code == 303
    assert stored_region(live_db_url, data["username"]) == "110105"


def test_a_typed_address_is_resolved_when_nothing_is_chosen(app_client, live_db_url):
    data = form(province="", city="", county="", address="湖南省长沙市岳麓区")
    assert register(app_client, data).status_code == 303
    assert stored_region(live_db_url, data["username"]) == "430104"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"province": "", "city": "", "county": ""}, "province", "请选择所在地区（省、市、区县），或填写所在地址"),
    ({"province": "", "city": "", "county": "", "address": "朝阳区"}, "address", "地区“朝阳区”不明确"),
    ({"province": "", "city": "", "county": "", "address": "测试星球"}, "address", "无法识别的地区：测试星球"),
    ({"city": "110100", "county": ""}, "city", "所选地区与上一级不符"),
    ({"city": "430100", "county": "", "address": "北京市朝阳区"}, "address", "地址不在所选的湖南省长沙市（430100）内"),
])
def test_a_region_that_is_blank_ambiguous_unknown_or_inconsistent_is_refused_at_its_field(
        app_client, overrides, field, message):
    data = form(**overrides)
    r = register(app_client, data)
    assert r.status_code == 422 and message in r.text and f'id="{field}-error"' in r.text
    assert app_client.post("/api/auth/login", json={"username": data["username"],
                                                    "password": "long enough pw"}).status_code == 401


def choose_region(page) -> None:
    """Province → city → county, each select filled by the page's script from /api/regions."""
    page.get_by_label("省、自治区、直辖市").select_option(label="湖南省")
    page.get_by_label("市、地区、自治州").select_option(label="长沙市")  # waits until the script has filled it
    page.get_by_label("区、县、县级市").select_option(label="芙蓉区")


def test_browser_register_then_apply(page, screenshot, check_accessibility):
    page.goto("/login?next=/services")
    page.get_by_role("link", name="注册办事人账号").click()
    page.wait_for_url("**/register**")
    data = form()
    page.get_by_label("姓名或单位名称").fill(data["name"])
    page.get_by_label("公民身份号码或统一社会信用代码").fill("430102199001011230")  # wrong check digit
    choose_region(page)
    page.get_by_label("用户名").fill(data["username"])
    page.get_by_label("密码", exact=True).fill(data["password"])
    page.get_by_label("再次输入密码").fill(data["password"])
    page.get_by_role("button", name="注册并登录").click()
    assert page.locator("#id_number-error").inner_text() == "公民身份号码校验位不正确"
    assert page.get_by_label("区、县、县级市").input_value() == "430102"  # the choice survives the refusal
    check_accessibility(page, ("#name", "#province", "#county"))
    screenshot(page, "signup-error")
    page.get_by_label("公民身份号码或统一社会信用代码").fill(data["id_number"])
    page.get_by_label("密码", exact=True).fill(data["password"])
    page.get_by_label("再次输入密码").fill(data["password"])
    page.get_by_role("button", name="注册并登录").click()
    page.wait_for_url("**/services")
    assert data["username"] in page.locator("header").inner_text() or data["name"] in page.locator("header").inner_text()


def test_browser_the_region_selects_fit_a_phone(page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/register")
    page.get_by_label("省、自治区、直辖市").select_option(label="北京市")
    page.get_by_label("区、县、县级市").select_option(label="朝阳区")  # a 直辖市: no city level to choose
    assert page.get_by_label("市、地区、自治州").is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "signup-regions-390")
