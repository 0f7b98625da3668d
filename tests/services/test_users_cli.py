"""`kuaiban users create`: bootstrapping staff accounts from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import func, select

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import User


def kuaiban(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_a_supervisor_created_on_the_command_line_can_log_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    out = kuaiban("users", "create", "zhang-sup", "--role", "supervisor", "--region", "湖南", "--db", url,
                  stdin="A-long-password-9\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["role"] == "supervisor"
    assert json.loads(out.stdout)["region_name"] == "湖南省（430000）"
    with session_scope(connect(url)) as session:
        token, _expires = auth.login(session, "zhang-sup", "A-long-password-9")
        user = auth.authenticate(session, token)
        assert (user.role, user.region) == ("supervisor", "430000")  # 湖南 is stored as its code


def test_bad_role_and_short_password_are_refused_with_the_field_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    bad_role = kuaiban("users", "create", "x", "--role", "boss", "--region", "湖南", "--db", url, stdin="12345678\n")
    assert bad_role.returncode == 2 and "--role" in bad_role.stderr
    short = kuaiban("users", "create", "x", "--role", "window", "--region", "湖南", "--db", url, stdin="123\n")
    assert short.returncode == 2 and "密码" in short.stderr and "至少 12 位" in short.stderr


def test_the_region_is_a_code_or_a_name_of_exactly_one_region(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    made = {}
    for name, role, region in [("c1", "window", "长沙"), ("c2", "reviewer", "430104"), ("c3", "supervisor", "全国")]:
        out = kuaiban("users", "create", name, "--role", role, "--region", region, "--db", url, stdin="Long-enough-pw-7\n")
        assert out.returncode == 0, out.stderr
        made[name] = json.loads(out.stdout)["region"]
    assert made == {"c1": "430100", "c2": "430104", "c3": None}
    for role, region, says in [("window", "示例市", "无法识别的地区"), ("window", "朝阳区", "不明确"),
                               ("window", "43010", "6 位"), ("window", "全国", "只有监督人员"),
                               ("window", "", "请填写管辖地区")]:
        out = kuaiban("users", "create", "x", "--role", role, "--region", region, "--db", url, stdin="Long-enough-pw-7\n")
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1 and lines[0].startswith("错误：--region：") and says in lines[0]
    with session_scope(connect(url)) as session:
        assert session.scalar(select(func.count(User.id))) == 3  # nothing made by the refused ones
