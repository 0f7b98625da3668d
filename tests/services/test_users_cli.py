"""`kuaiban users create`: bootstrapping staff accounts from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth


def kuaiban(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_a_supervisor_created_on_the_command_line_can_log_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    out = kuaiban("users", "create", "zhang-sup", "--role", "supervisor", "--region", "湖南", "--db", url,
                  stdin="A-long-password-9\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["role"] == "supervisor"
    with session_scope(connect(url)) as session:
        token, _expires = auth.login(session, "zhang-sup", "A-long-password-9")
        user = auth.authenticate(session, token)
        assert (user.role, user.region) == ("supervisor", "湖南")


def test_bad_role_and_short_password_are_refused_with_the_field_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    bad_role = kuaiban("users", "create", "x", "--role", "boss", "--region", "湖南", "--db", url, stdin="12345678\n")
    assert bad_role.returncode == 2 and "--role" in bad_role.stderr
    short = kuaiban("users", "create", "x", "--role", "window", "--region", "湖南", "--db", url, stdin="123\n")
    assert short.returncode == 2 and "password" in short.stderr and "至少 12 位" in short.stderr
