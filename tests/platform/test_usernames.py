"""Issue 11, item 5: one normalised form of a username on every path — registration (API and page),
login (API and page), ``kuaiban users create`` — by ``platform.auth.normalise_username``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import auth
from kuaiban.platform.errors import Invalid
from tests.web.forms import post_login, post_register

from .conftest import PASSWORD, citizen_number


@pytest.mark.parametrize(("typed", "stored"), [
    ("alice", "alice"), ("  Alice ", "alice"), ("ＡＬＩＣＥ", "alice"),  # full-width forms are NFKC-folded
    ("Straße", "strasse"), ("张三_hn", "张三_hn"),
])
def test_usernames_are_normalised(typed, stored):
    assert auth.normalise_username(typed) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("", "用户名不能为空"), ("   ", "用户名不能为空"), ("\u200b\u200b", "不可见字符"), ("ali\u200bce", "不可见字符"),
    ("ali\x00ce", "控制字符"), ("ali ce", "不能含空格"), ("a" * 81, "不超过 80 个字符"),
])
def test_unusable_usernames_are_refused_naming_the_field(typed, message):
    with pytest.raises(Invalid) as err:
        auth.normalise_username(typed)
    assert err.value.field == "username" and message in err.value.message


def test_one_account_whatever_way_the_name_is_typed_api_and_pages(backend_url):
    client = TestClient(create_app(backend_url))
    r = client.post("/api/auth/register", json={"username": " Alice ", "password": PASSWORD, "kind": "citizen", "region": "430102",
                                                "name": "测试申", "id_number": citizen_number()})
    assert r.status_code == 201 and r.json()["username"] == "alice"
    for typed in ("alice", "ALICE", "ＡＬＩＣＥ", " alice "):
        r = client.post("/api/auth/login", json={"username": typed, "password": PASSWORD})
        assert r.status_code == 200 and r.json()["role"] == "applicant", typed
    page = post_login(client, "Alice", PASSWORD)
    assert page.status_code == 303 and "kuaiban_token" in page.cookies
    again = post_register(client, {"kind": "citizen", "name": "测试申", "id_number": citizen_number(),
                                   "province": "430000", "city": "430100", "county": "430102",
                                   "username": "ＡＬＩＣＥ", "password": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 409 and "该用户名已被使用" in again.text
    hidden = client.post("/api/auth/register", json={"username": "ali\u200bce", "password": PASSWORD, "region": "430102",
                                                     "kind": "citizen", "name": "测试申",
                                                     "id_number": citizen_number()})
    assert hidden.status_code == 422 and hidden.json()["field"] == "username"


def test_the_command_line_stores_the_normalised_name(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    out = subprocess.run([sys.executable, "-m", "kuaiban", "users", "create", " Win_HN ", "--role", "window",
                          "--region", "430000", "--db", url], input="Staff-Lantern-83x\n", capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["username"] == "win_hn"
