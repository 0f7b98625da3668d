"""Issue 11, item 2: 口令复杂度 (GB/T 22239-2019 level 3) on every path that sets a password — every rule
broken is named at once, in Chinese, with the field ``password``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, password_policy
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import User

from .conftest import PASSWORD, citizen_number


@pytest.mark.parametrize(("password", "broken"), [
    ("12345678", ["长度至少 10 位", "至少三类", "过于常见"]),
    (" " * 8, ["长度至少 10 位", "至少三类", "过于常见"]),
    ("password", ["长度至少 10 位", "至少三类", "过于常见"]),
    ("aaaaaaaaaaaa", ["至少三类", "过于常见"]),
    ("Passw0rd!Sec", ["过于常见"]),  # the review's example: three classes, but a dictionary word in disguise
    ("P@ssw0rd1234", ["过于常见"]),
    ("lowercase words only", ["至少三类"]),
    ("Citizen-Zhou-2026", ["不能包含用户名", "过于常见"]),  # the estimator knows the username too
    ("Tab\there-Ok-99", ["控制字符"]),
    ("Aa1-" + "".join(chr(0x4E00 + 7 * i) for i in range(130)), ["不超过 128 位"]),
    ("Aa1-" + "".join(chr(0x4E00 + 7 * i) for i in range(100)), []),  # a long passphrase is fine
])
def test_each_broken_rule_is_named(password, broken):
    found = password_policy.problems(password, role="applicant", username="citizen-zhou")
    assert all(any(b in f for f in found) for b in broken), found
    assert len(found) == len(broken), found  # and no rule is reported that was kept


def test_a_good_password_passes_and_staff_need_twelve_characters():
    assert password_policy.problems(PASSWORD, role="applicant", username="someone") == []
    assert password_policy.problems("Kb7#mQ2x-Lp", role="applicant") == []  # 11 characters
    assert password_policy.problems("Kb7#mQ2x-Lp", role="window") == ["长度至少 12 位"]


def test_the_id_number_is_not_a_password(backend_url):
    number = citizen_number()
    with session_scope(connect(backend_url)) as s:
        applicant = auth.create_applicant(s, "citizen", "测试申", id_number=number, region="430102")
        with pytest.raises(Invalid) as err:
            auth.create_user(s, "someone", f"Id-{number}", "applicant", applicant=applicant)
    assert err.value.field == "password" and "不能包含证件号码" in err.value.message


def test_the_common_password_list_ships_with_the_package():
    """zxcvbn's lists are Python data inside the wheel: nothing is fetched at run time."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    assert "passwords" in FREQUENCY_LISTS and "123456" in FREQUENCY_LISTS["passwords"]


def test_the_api_refuses_a_weak_password_with_every_reason_and_stores_nothing(backend_url):
    client = TestClient(create_app(backend_url))
    r = client.post("/api/auth/register", json={"username": "weak", "password": "12345678", "kind": "citizen", "region": "430102",
                                                "name": "测试申", "id_number": citizen_number()})
    assert r.status_code == 422 and r.json()["field"] == "password"
    assert r.json()["detail"] == ("密码不符合要求：长度至少 10 位；须包含大写字母、小写字母、数字、其他符号中的至少三类；"
                                  "过于常见或容易猜到（如常用密码、单词加数字、键盘序列、日期），请换一个")
    with session_scope(connect(backend_url)) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
