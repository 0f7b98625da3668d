"""Registration says every problem at once (usability review s14 C19: an empty form named three fields and said
nothing of 用户名 and 密码; a taken username and an ID already registered were hidden behind 两次输入的密码不一致)."""

from __future__ import annotations

import re

from tests.web.test_signup_pages import form, register


def errors_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="([a-z_0-9]+)-error"[^>]*>([^<]+)<', html))


def test_an_empty_form_names_every_field_to_fill(app_client):
    r = register(app_client, {k: "" for k in form()})
    assert r.status_code == 422
    assert {"kind", "name", "id_number", "username", "password"} <= set(errors_of(r.text))


def test_a_taken_username_is_said_beside_the_other_problems_and_a_registered_number_is_not(app_client):
    """A registered 证件号码 is told only to an otherwise valid registration, and counted (s20, audit §4.8): a form
    with another error cannot be used to ask, for free, whether someone has an account."""
    first = form()
    assert register(app_client, first).status_code == 303
    again = form(username=first["username"], id_number=first["id_number"], password2="something else")
    errors = errors_of(register(app_client, again).text)
    assert "两次输入的密码不一致" in errors["password2"]
    assert "该用户名已被使用" in errors["username"] and "id_number" not in errors


def test_a_weak_password_is_said_with_a_bad_number(app_client):
    errors = errors_of(register(app_client, form(id_number="12345", password="12345678", password2="12345678")).text)
    assert "公民身份号码格式不正确" in errors["id_number"] and "长度至少 10 位" in errors["password"]
