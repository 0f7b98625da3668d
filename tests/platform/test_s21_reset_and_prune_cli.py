"""The commands: ``kuaiban users reset-code`` (a supervisor issues a reset code at the window, after checking the
document) and ``kuaiban uploads prune`` (unattached uploads past their days). Real processes, SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select, update

from kuaiban.platform import audit, auth, password_reset, storage
from kuaiban.platform.material_files import FileOwner
from kuaiban.platform.models import AuditEntry
from tests.materials import uploaded

from .conftest import PASSWORD, citizen_number, kuaiban

NEW = "Velvet-Orchard-Compass-93"


def test_a_supervisor_issues_a_reset_code_from_the_command_line(hunan, backend_url):
    with hunan.session() as s:
        auth.register_applicant(s, "citizen", "测试丙", citizen_number(), "zhang3", PASSWORD, region="430104",
                                address=None)
    done = kuaiban("users", "reset-code", "zhang3", "--operator", "cs-sup", "--document-checked", "--json",
                   "--db", backend_url)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["username"] == "zhang3" and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", out["code"])
    with hunan.session() as s:
        password_reset.redeem(s, "zhang3", out["code"], NEW)
        assert s.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "issue_reset_code")) == hunan.changsha.id

    plain = kuaiban("users", "reset-code", "cs-win", "--operator", "hn-sup", "--document-checked", "--db", backend_url)
    assert plain.returncode == 0 and "账号 cs-win 的密码重置码：" in plain.stdout  # a staff account, by the province


def test_the_command_refuses_in_one_line(hunan, backend_url):
    cases = [
        (["cs-win", "--operator", "hn-sup"], "--document-checked"),  # the document not confirmed
        (["cs-rev", "--operator", "cs-win", "--document-checked"], "没有这个在用的监督人员账号"),  # a clerk
        (["yl-rev", "--operator", "cs-sup2", "--document-checked"], None),  # fine: 430104 is below 430100
        (["cs-sup", "--operator", "cs-sup2", "--document-checked"], "上级监督人员"),  # a peer
        (["nobody", "--operator", "hn-sup", "--document-checked"], "本辖区没有这个账号"),
    ]
    for args, words in cases:
        done = kuaiban("users", "reset-code", *args, "--db", backend_url)
        if words is None:
            assert done.returncode == 0, done.stderr
            continue
        assert done.returncode == 2 and words in done.stderr and done.stderr.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_uploads_prune_counts_in_a_dry_run_then_deletes(world, backend_url, monkeypatch):
    monkeypatch.setenv("KUAIBAN_STORAGE", "database")
    with world.session() as s:
        forgotten = uploaded(s, world.citizen, {"x": "forgotten.pdf"})["x"].partition(":")[0]
        s.execute(update(FileOwner).where(FileOwner.digest == forgotten)
                  .values(uploaded_at=audit.now() - dt.timedelta(days=3)))
    kept = kuaiban("uploads", "prune", "--json", "--db", backend_url)  # 3 days: within the 7
    assert kept.returncode == 0 and json.loads(kept.stdout)["owners"] == 0
    dry = kuaiban("uploads", "prune", "--older-than-days", "2", "--dry-run", "--json", "--db", backend_url)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) == {"owners": 1, "files": 1, "kept_in_use": 0, "skipped_busy": 0,
                                      "dry_run": True, "older_than_days": 2}
    with world.session() as s:
        assert storage.exists(s, forgotten)
    done = kuaiban("uploads", "prune", "--older-than-days", "2", "--db", backend_url)
    assert done.returncode == 0 and "已删除超过 2 天未被使用的上传：文件归属记录 1 条，文件 1 个" in done.stdout
    with world.session() as s:
        assert not storage.exists(s, forgotten)
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "prune_uploads"))["files_deleted"] == 1
    bad = kuaiban("uploads", "prune", "--older-than-days", "0", "--db", backend_url)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
