"""Migration 0011_rules_design: sources stored before the one citation spelling say doc_no afterwards
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from kuaiban.db import MIGRATIONS, make_engine

REVISION = "0011_rules_design"
OLD = {"file": "data/compilations/hunan-hrss-2020.txt", "lines": [100, 100], "wenhao": "人社厅发〔2020〕110号",
       "attachment": "附件1", "seq": 3}


def migrate_to(engine, revision: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_stored_sources_are_renamed_and_back(backend_url) -> None:
    engine = make_engine(backend_url)
    migrate_to(engine, "0010_personal_data")
    with engine.begin() as conn:
        # the case a commitment belongs to is beside the point here: foreign keys off for this insert
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA foreign_keys=OFF"))
        else:
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(
            "INSERT INTO svc_commitments (case_id, item_name, certificate, text, signer, signed_at, signature, source,"
            " verification_state) VALUES (1, '职工参保登记', '某证明', '承诺', '测试企业甲', :at, :sig, :src, '待核查')"),
            {"at": dt.datetime(2026, 12, 1, 9), "sig": "0" * 64, "src": json.dumps(OLD, ensure_ascii=False)})
    migrate_to(engine, REVISION)
    with engine.connect() as conn:
        stored = _json(conn.execute(text("SELECT source FROM svc_commitments")).scalar())
    assert stored == {k: v for k, v in OLD.items() if k != "wenhao"} | {"doc_no": "人社厅发〔2020〕110号"}
    migrate_to(engine, "0010_personal_data", down=True)
    with engine.connect() as conn:
        assert _json(conn.execute(text("SELECT source FROM svc_commitments")).scalar()) == OLD


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
