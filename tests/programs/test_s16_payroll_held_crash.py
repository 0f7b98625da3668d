"""A held payment (s16) under ``kill -9`` and across the schema change, on SQLite and PostgreSQL:

- the payroll that holds a month, killed inside its transaction (the batch and the settlement flushed, not
  committed): no batch, no held month, no history row; the rerun holds it once and pays nothing of it;
- migration 0025_payroll_decided_amounts: the months an installation already has take their standing amount as
  the decided one (a month waiting for an official figure, amount 0, none); its downgrade leaves a held month
  waiting (pending), never due."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from kuaiban.programs.models import Batch, ClaimEvent, Entitlement, PaymentLine
from tests.programs.conftest import make_town
from tests.programs.helpers import DECIDED, FLEX, corrected_after_decision
from tests.programs.test_s15_crash import _count, kill_at, run


@pytest.mark.slow
def test_a_payroll_killed_while_holding_a_month_leaves_nothing_and_the_rerun_holds_it_once(backend_url, tmp_path) -> None:
    town = make_town(backend_url)
    claim_id = corrected_after_decision(town)
    args = ["programs", "payroll", "--program", FLEX, "--region", "430000", "--month", "2021-11", "--json",
            "--db", backend_url]
    kill_at("batch", args, tmp_path)
    assert _count(town, Batch) == _count(town, PaymentLine) == 0
    with town.session() as s:
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.step == "payroll")) == 0
        assert s.execute(select(Entitlement.month, Entitlement.amount_fen, Entitlement.status, Entitlement.found_fen)
                         .order_by(Entitlement.month)).all() == [("2021-11", DECIDED, "due", None),
                                                                 ("2021-12", DECIDED, "due", None)]
    first = run(*args, tmp_path=tmp_path)
    again = run(*args, tmp_path=tmp_path)
    assert (first["built"], first["lines"], [h["month"] for h in first["held"]]) == (True, 0, ["2021-11"])
    assert (again["built"], again["batch"], again["held"]) == (False, first["batch"], first["held"])
    with town.session() as s:
        assert s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                ClaimEvent.step == "payroll")) == 1
        assert s.scalar(select(func.count(PaymentLine.id))) == 0


def test_migration_0025_takes_the_standing_amounts_as_decided_and_its_downgrade_leaves_held_months_waiting(
        backend_url) -> None:
    from kuaiban.db import make_engine
    from tests.migrations.test_region_codes_migration import add, upgrade
    from tests.unemployment.test_s14_notice_backfill import migrate_between

    engine = make_engine(backend_url)
    upgrade(engine, "0024_svc_task_outcomes")
    at = dt.datetime(2021, 11, 10, 9, 0)
    with engine.begin() as conn:
        person = add(conn, "svc_applicants", kind="citizen", name="测试甲", region="430104", created_at=at)
        claim = add(conn, "prog_claims", program=FLEX, applicant_id=person, region="430104", month="2021-11",
                    status="approved", step=0, facts="{}", flags="[]", explanation="[]", reasons="[]", version=1,
                    created_at=at)
        for month, fen, status in (("2021-11", DECIDED, "due"), ("2022-01", 0, "pending")):
            add(conn, "prog_entitlements", claim_id=claim, applicant_id=person, program=FLEX, region="430104",
                month=month, amount_fen=fen, status=status)
    upgrade(engine, "0025_payroll_decided_amounts")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT month, decided_fen, found_fen FROM prog_entitlements ORDER BY month")).all() == [
            ("2021-11", DECIDED, None), ("2022-01", None, None)]
        conn.execute(text("UPDATE prog_entitlements SET status = 'held', found_fen = 62496 WHERE month = '2021-11'"))
    migrate_between(engine, "0024_svc_task_outcomes", "0024_svc_task_outcomes")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT month, status FROM prog_entitlements ORDER BY month")).all() == [
            ("2021-11", "pending"), ("2022-01", "pending")]
    upgrade(engine, "head")
    engine.dispose()
