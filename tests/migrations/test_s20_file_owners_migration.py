"""Migration 0029 (whose uploaded files): each well-formed material reference stored before it is recorded as
uploaded by its case's applicant — the pages made those from the applicant's own upload —, a bare name gets no
row (it can never be served), and the downgrade drops the table. Plain SQL: the models describe the newest schema."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from kuaiban.db import make_engine

from .test_s18_claim_ratings_migration import add, migrate_to

AT = dt.datetime(2026, 12, 6, 9)
BEFORE, REVISION = "0028_provisional_due", "0029_file_owners"
DIGEST = "ab" * 32


def test_references_stored_before_are_owned_by_their_case_applicant_and_bare_names_by_nobody(backend_url):
    engine = make_engine(backend_url)
    migrate_to(engine, BEFORE)
    with engine.begin() as conn:
        firm = add(conn, "svc_applicants", kind="enterprise", name="测试企业甲", region="430104", created_at=AT)
        case = add(conn, "svc_cases", number="KB1", applicant_id=firm, region="430104", bundle_seq=1,
                   bundle_name="企业招用员工", status="办理中", form="{}", submitted_at=AT, materials_asked=3,
                   materials_required=3, materials_committed=0, version=1)
        for name, reference in (("劳动合同", f"{DIGEST}:合同.pdf"), ("申请表", f"{DIGEST}:同一文件.pdf"),
                                ("证明", "我已经交过了.pdf")):
            add(conn, "svc_materials", case_id=case, name=name, needed_by='["1.1.5"]', status="已提交",
                reference=reference, provided_at=AT)
    migrate_to(engine, REVISION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT digest, applicant_id, user_id FROM plat_file_owners")).all() == [
            (DIGEST, firm, None)]
    migrate_to(engine, BEFORE, down=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM svc_materials")).scalar() == 3
