"""What the session-14 review of the programs pillar found, mended (../shared/reviews: review.md of s14).

- M1: program staff are the 人社 caseworkers — window, reviewer, supervisor (kuaiban.programs.caseworkers, the
  same three that kuaiban.unemployment.national.refusals asks for). A loan partner's account (bank, guarantor,
  finance) has a region too, but reads no claim, no 追回 debt and stops nothing: core, API and pages alike.
- M2: what the person reads of their 追回 is the amounts, the months, the status, the reason and clause, and
  whom to ask; the repayment's 说明 and the 核销 reason are the office's own.
- M3: two stops at the same moment open one recovery, not two for the same months (the claim is locked before
  its status is read); a stop made from a page another's change has overtaken is refused by its version.
- and the SHOULDs: one bank reference is credited once across recoveries; `kuaiban programs repay` names its
  operator; the payroll confirmation counts nothing of a region the asker does not serve; official figures
  typed with 不通过 are refused, not dropped, and a refusal the figures cause keeps the caseworker's notes;
  migration 0023 gives the recoveries opened before 0019 their months; 0021's downgrade keeps the column wide.

The stop rule used is 北京 失业保险金 death (人社厅发〔2020〕24号 八, hunan-hrss-2020.txt:5436: “…但仍然领取失业保险金
的违规行为要及时纠正”), as in test_s14_recovery.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from kuaiban.app import create_app
from kuaiban.cli import app as cli_app
from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry, User
from kuaiban.programs import claims, payroll, recovery
from kuaiban.programs.models import Claim, ClaimEvent, Recovery, Repayment
from tests.programs.conftest import AUG_3, STAFF_PASSWORD, make_town, submit_as_registered
from tests.programs.helpers import bj_subsidy_with_commitment, new_citizen, new_staff, paid_benefit_claim
from tests.programs.test_s14_recovery import NOV_2, OCT_20, PROGRAM, paid_then_stopped
from tests.web.forms import csrf_of, post_login


def partner(town, role: str = "bank") -> User:
    """A loan partner's account of 北京 (its institution named, as auth.create_user asks of a bank)."""
    with town.session() as s:
        return auth.create_user(s, f"bj-{role}", STAFF_PASSWORD, role, region="110000", agency="测试机构",
                                display_name="测试机构")


paid_claim = paid_benefit_claim


# ------------------------------------------------------------------ M1: one caseworker check


@pytest.mark.parametrize("role", ["bank", "guarantor", "finance"])
def test_a_loan_partners_account_is_no_program_staff(town, role) -> None:
    _, rid = paid_then_stopped(town)
    other = paid_claim(town, town.other_citizen, internal_note="内部：怀疑材料不实")
    account = partner(town, role)
    with town.session() as s:
        for read in (lambda: recovery.listing(s, account), lambda: recovery.one(s, account, rid),
                     lambda: recovery.totals(s, account), lambda: claims.queue(s, account),
                     lambda: claims.waiting_for_others(s, account), lambda: payroll.batches(s, account)):
            with pytest.raises(Forbidden):
                read()
    with town.session() as s, pytest.raises(Forbidden) as refused:
        claims.stop(s, account, other, rule="death", month="2020-09", at=OCT_20)
    assert "需要窗口人员、后台审核人员、监督人员身份" in refused.value.message
    with town.session() as s, pytest.raises(Forbidden):
        recovery.record_repayment(s, account, rid, amount_fen=100, paid_on=dt.date(2020, 10, 30),
                                  channel="counter", reference="R-PARTNER", at=NOV_2)
    with town.session() as s:
        assert s.get(Claim, other).status == "approved"
        assert s.scalar(select(func.count(Recovery.id))) == 1 and s.scalar(select(func.count(Repayment.id))) == 0
    # a window account of the region is staff: it reads the debt
    with town.session() as s:
        assert [r["id"] for r in recovery.listing(s, town.window)] == [rid]


def test_a_bank_account_gets_403_from_the_api_and_the_claim_page(tmp_path) -> None:
    """The review's probe (test_bank_via_api): the bank account read the debts with names, the claim with its
    internal note, and stopped the claim. Now every one of those answers 403 and changes nothing."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    paid_then_stopped(town)
    other = paid_claim(town, town.other_citizen, internal_note="内部意见X")
    partner(town, "bank")
    with TestClient(create_app(url)) as client:
        token = client.post("/api/auth/login", json={"username": "bj-bank", "password": STAFF_PASSWORD}).json()
        h = {"Authorization": f"Bearer {token['token']}"}
        assert client.get("/api/programs/recoveries", headers=h).status_code == 403
        detail = client.get(f"/api/programs/claims/{other}", headers=h)
        assert detail.status_code == 403 and "内部意见X" not in detail.text
        stop = client.post(f"/api/programs/claims/{other}/stop", json={"rule": "death", "month": "2020-09"}, headers=h)
        assert stop.status_code == 403
        assert client.get("/api/programs/queue", headers=h).status_code == 403
        staff = client.post("/api/auth/login", json={"username": "bj-win", "password": STAFF_PASSWORD}).json()
        every = client.get("/api/programs/recoveries?status=all", headers={"Authorization": f"Bearer {staff['token']}"})
        assert every.status_code == 200 and len(every.json()) == 1  # `all`, as the page and the command line take it
    with TestClient(create_app(url)) as page:
        assert post_login(page, "bj-bank", STAFF_PASSWORD).status_code == 303
        seen = page.get(f"/programs/claims/{other}")
        assert seen.status_code == 403 and "内部意见X" not in seen.text and "测试乙" not in seen.text
        assert page.get("/programs/recoveries").status_code == 403
    with town.session() as s:
        assert s.get(Claim, other).status == "approved"
    with TestClient(create_app(url)) as reviewer:  # the caseworker still reads the internal note
        assert post_login(reviewer, "bj-rev2", STAFF_PASSWORD).status_code == 303
        assert "内部意见X" in reviewer.get(f"/programs/claims/{other}").text


# ------------------------------------------------------------------ M2: the applicant's view of a debt


def test_the_person_reads_amounts_months_status_clause_and_whom_to_ask_not_the_offices_notes(town) -> None:
    claim_id, rid = paid_then_stopped(town)
    with town.session() as s:
        recovery.record_repayment(s, town.window, rid, amount_fen=100, paid_on=dt.date(2020, 10, 30),
                                  channel="counter", reference="R1", note="内部：当事人态度恶劣", at=NOV_2)
    with town.session() as s:
        mine = claims.claim_dict(s, claims.my_claim(s, town.citizen, claim_id))["recoveries"][0]
    assert (mine["months"], mine["status"], mine["repaid"]) == (["2020-09", "2020-10"], "partial", "1.00")
    assert mine["source"]["label"] and "经办机构联系" in mine["how_to_repay"]
    assert [set(p) for p in mine["repayments"]] == [{"reference", "amount", "paid_on", "channel", "channel_name",
                                                     "recorded_at"}]
    assert "内部：当事人态度恶劣" not in json.dumps(mine, default=str, ensure_ascii=False)
    with town.session() as s:
        recovery.write_off(s, town.supervisor, rid, reason="内部：无财产可执行", at=NOV_2)
    with town.session() as s:
        mine = claims.claim_dict(s, claims.my_claim(s, town.citizen, claim_id))["recoveries"][0]
        staff = recovery.one(s, town.supervisor, rid)
    assert "decision_reason" not in mine and mine["status_name"] == "核销" and mine["how_to_repay"] is None
    assert "内部" not in json.dumps(mine, default=str, ensure_ascii=False)
    assert staff["decision_reason"] == "内部：无财产可执行" and staff["repayments"][0]["note"] == "内部：当事人态度恶劣"


# ------------------------------------------------------------------ M3: two stops at once


def race(town, n: int, stop) -> list[str]:
    """``stop(session)`` in ``n`` threads released together; each one's outcome."""
    outcomes: list[str] = []
    barrier = threading.Barrier(n)

    def one() -> None:
        try:
            with town.session() as s:
                barrier.wait()
                stop(s)
            outcomes.append("stopped")
        except (Conflict, Invalid) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


def test_two_stops_of_a_paid_claim_at_the_same_moment_open_one_recovery(town) -> None:
    """Every month paid: no entitlement row for the second stop to wait on — only the claim's lock keeps the
    second from reading it approved with no recovery yet."""
    claim_id = paid_claim(town)
    # died in August: from September (the rule's 次月) nothing was owed
    outcomes = race(town, 2, lambda s: claims.stop(s, town.reviewer, claim_id, rule="death", month="2020-08",
                                                   at=OCT_20))
    assert outcomes == ["Conflict", "stopped"]
    with town.session() as s:
        rows = s.execute(select(Recovery.months, Recovery.amount_fen).where(Recovery.claim_id == claim_id)).all()
        assert [m for m, _ in rows] == [["2020-09", "2020-10"]]
        stops = s.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                ClaimEvent.step == "stop:death"))
        assert stops == 1


def test_a_stop_from_an_overtaken_page_is_refused_by_its_version(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = paid_claim(town)
    with town.session() as s:
        read = s.get(Claim, claim_id).version
    with TestClient(create_app(url)) as page:
        assert post_login(page, "bj-rev", STAFF_PASSWORD).status_code == 303
        form = page.get(f"/programs/claims/{claim_id}").text
        assert f'name="version" value="{read}"' in form.split("<h2>停发</h2>")[1]
        first = page.post(f"/programs/claims/{claim_id}/stop", follow_redirects=False,
                          data={"csrf": csrf_of(form), "rule": "death", "month": "2020-09", "version": str(read)})
        assert first.status_code == 303
        again = page.post(f"/programs/claims/{claim_id}/stop",
                          data={"csrf": csrf_of(form), "rule": "death", "month": "2020-09", "version": str(read)})
        assert again.status_code == 409 and "这件申领已被他人处理，请刷新后再办" in again.text
    with town.session() as s, pytest.raises(Conflict) as stale:
        claims.stop(s, town.reviewer, claim_id, rule="death", month="2020-09", version=read, at=OCT_20)
    assert stale.value.field == "version"
    with town.session() as s:
        assert s.scalar(select(func.count(Recovery.id)).where(Recovery.claim_id == claim_id)) == 1


# ------------------------------------------------------------------ SHOULD 1: one reference, one payment


def test_one_bank_reference_is_credited_once_across_recoveries(town) -> None:
    _, first = paid_then_stopped(town)
    other = paid_claim(town, town.other_citizen, batch="2020-11")
    with town.session() as s:
        claims.stop(s, town.reviewer, other, rule="death", month="2020-08", at=OCT_20)
    with town.session() as s:
        second = s.scalar(select(Recovery.id).where(Recovery.claim_id == other))
        recovery.record_repayment(s, town.window, first, amount_fen=100, paid_on=dt.date(2020, 10, 30),
                                  channel="bank_transfer", reference="BANK-1", at=NOV_2)
    with town.session() as s, pytest.raises(Conflict) as refused:
        recovery.record_repayment(s, town.window, second, amount_fen=100, paid_on=dt.date(2020, 10, 30),
                                  channel="bank_transfer", reference="BANK-1", at=NOV_2)
    assert refused.value.message.startswith("凭证号 BANK-1 已登记在另一笔追回中")
    assert "追回编号 " not in refused.value.message and "1.00 元" not in refused.value.message
    with town.session() as s:  # the same entry on its own recovery is still "already recorded", not an error
        _, recorded = recovery.record_repayment(s, town.window, first, amount_fen=100, paid_on=dt.date(2020, 10, 30),
                                                channel="bank_transfer", reference="BANK-1", at=NOV_2)
        assert recorded is False
        assert s.get(Recovery, second).repaid_fen == 0


# ------------------------------------------------------------------ SHOULD 4 and 5: the command line's operator


def test_repay_from_the_command_line_names_a_caseworker_serving_the_region(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    _, rid = paid_then_stopped(town)
    partner(town, "bank")
    args = ["programs", "repay", "--recovery", str(rid), "--reference", "BANK-9", "--amount", "1.00",
            "--paid-on", "2020-11-02", "--channel", "bank_transfer", "--json", "--db", url]
    runner = CliRunner()
    assert runner.invoke(cli_app, args).exit_code == 2  # no operator: nothing recorded
    bank = runner.invoke(cli_app, [*args, "--operator", "bj-bank"])
    assert bank.exit_code == 2 and "本命令由窗口人员或后台审核人员或监督人员办理，bj-bank 是经办银行人员账号" in bank.output
    hunan = runner.invoke(cli_app, [*args, "--operator", "hn-win"])
    assert hunan.exit_code == 2 and "不在本账号的管辖地区" in hunan.output
    done = runner.invoke(cli_app, [*args, "--operator", "bj-win"])
    assert done.exit_code == 0 and json.loads(done.output)["recorded"] is True, done.output
    with town.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "program_recovery_repaid")).one()
        assert entry.actor_id == town.window.id
        assert s.scalar(select(Repayment.actor_id)) == town.window.id


# ------------------------------------------------------------------ SHOULD 6: the payroll confirmation


def test_the_payroll_confirmation_counts_nothing_of_a_region_the_asker_does_not_serve(town) -> None:
    from tests.programs.test_audit_s13_subsidies import FLEX

    with town.session() as s, pytest.raises(Forbidden):
        payroll.still_open(s, FLEX, "430000", "2020-08", user=town.reviewer)  # 北京 asks for 湖南
    with town.session() as s, pytest.raises(Forbidden):
        payroll.still_open(s, PROGRAM, "110000", "2020-08", user=town.window)  # batches: 审核或监督
    with town.session() as s:
        assert payroll.still_open(s, FLEX, "430000", "2020-08", user=town.hunan_supervisor) == {
            "publicity": 0, "reviewing": 0}


# ------------------------------------------------------------------ SHOULD 7: official figures and 不通过


def test_official_figures_typed_with_a_refusal_are_refused_not_dropped(sqlite_town) -> None:
    """山东 失业补助金's own standard is an official figure (鲁人社函〔2020〕41号 二（三）, shandong-2020.txt:5358)
    entered at review. Typed beside 不通过 it would be lost without a word: the caseworker is told, nothing is
    recorded. Entered with 通过 and leaving nothing due, the claim is refused with the calculator's reason, and
    what the caseworker wrote stays on the step (told to the person; internal for the staff)."""
    from tests.programs.test_audit_s13_subsidies import id_number

    town = sqlite_town
    user, _ = new_citizen(town, "sd-mend", "370102", name="测试丁", number=id_number(), contributions=True)
    reviewer = new_staff(town, "sd-mend-rev", "reviewer", "370000", "测试审核")
    with town.session() as s:
        claim = submit_as_registered(s, user, "sd_unemployment_subsidy", month="2020-08", facts={"contribution_months": 6},
                                     account="6222000000000001", commitment=True, at=AUG_3)
    with town.session() as s, pytest.raises(Invalid) as refused:
        claims.act(s, reviewer, claim.id, outcome="refuse", note="材料不全", at=AUG_3,
                   figures_entered={"local_unemployment_benefit": 1600})
    assert refused.value.field == "local_unemployment_benefit"
    assert refused.value.message.startswith("不通过的申领不录入官方数字")
    with town.session() as s:
        assert (s.get(Claim, claim.id).status, s.get(Claim, claim.id).facts.get("_official")) == ("reviewing", None)
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", note="已核对公布的标准", internal_note="内部：标准为零", at=AUG_3,
                   figures_entered={"local_unemployment_benefit": 1600, "local_unemployment_subsidy": 0})
    with town.session() as s:
        done = s.get(Claim, claim.id)
        assert done.status == "refused" and done.reasons[0].startswith("按政策计算，您不符合领取条件")
        staff = claims.claim_dict(s, done, staff=True)["history"]
        mine = claims.claim_dict(s, done)["history"]
    kept = [h for h in staff if h["outcome"] == "refused" and h["note"] == "已核对公布的标准"]
    assert len(kept) == 1 and kept[0]["internal_note"] == "内部：标准为零"
    assert any(h["note"] == "已核对公布的标准" for h in mine)
    assert "内部：标准为零" not in json.dumps(mine, default=str, ensure_ascii=False)


# ------------------------------------------------------------------ SHOULD 2: migration 0023


def test_migration_0023_gives_old_recoveries_their_months_so_a_later_fraud_finding_recovers_them_once(
        backend_url) -> None:
    """An installation at 0022 with a recovery opened before 0019 (no months, no rule: its claim paid 2020-08 … 10
    and stopped for death from 2020-09, as the old reason says). After 0023 it holds 2020-09 and 2020-10 and the
    rule of the stop event written with it; a row whose reason names no month keeps none."""
    from kuaiban.db import make_engine
    from tests.migrations.test_region_codes_migration import add, upgrade

    engine = make_engine(backend_url)
    upgrade(engine, "0022_prog_claim_places")
    at, stopped = dt.datetime(2020, 8, 3, 9, 0), dt.datetime(2020, 10, 20, 10, 0)
    with engine.begin() as conn:
        person = add(conn, "svc_applicants", kind="citizen", name="测试甲", region="110105", created_at=at)
        batch = add(conn, "prog_batches", program=PROGRAM, region="110000", month="2020-10", kind="monthly", lines=6,
                    total_fen=600000, created_at=at)
        old = []
        for reason in ("死亡：2020-09 起不应发放", "人工登记"):
            claim = add(conn, "prog_claims", program=PROGRAM, applicant_id=person, region="110105", month="2020-08",
                        status="stopped", step=0, facts="{}", flags="[]", explanation="[]", reasons="[]", version=3,
                        created_at=at)
            for n, month in enumerate(("2020-08", "2020-09", "2020-10")):
                due = add(conn, "prog_entitlements", claim_id=claim, applicant_id=person, program=PROGRAM,
                          region="110105", month=month, amount_fen=100000, status="stopped" if n else "due")
                add(conn, "prog_payment_lines", batch_id=batch, entitlement_id=due, claim_id=claim,
                    applicant_id=person + claim, program=PROGRAM, region="110105", month=month, amount_fen=100000,
                    status="paid")
            add(conn, "prog_claim_events", claim_id=claim, step="stop:death", outcome="stopped", note="死亡（2020-08）",
                at=stopped)
            old.append(add(conn, "prog_recoveries", claim_id=claim, amount_fen=200000, reason=reason, status="owed",
                           created_at=stopped))
    upgrade(engine, "0023_prog_recovery_months")
    with engine.connect() as conn:
        rows = {rid: (json.loads(m) if isinstance(m, str) else m, rule) for rid, m, rule in conn.execute(
            text("SELECT id, months, rule FROM prog_recoveries"))}
        assert rows[old[0]] == (["2020-09", "2020-10"], "death")
        assert rows[old[1]][0] is None
        assert "ix_prog_recovery_repayments_reference" in {
            i["name"] for i in inspect(conn).get_indexes("prog_recovery_repayments")}
    engine.dispose()


def test_a_late_recovery_beside_an_old_row_without_months_is_refused_not_doubled(sqlite_town) -> None:
    """What 0023 could not fill is never guessed: the late recovery of that claim goes to a caseworker."""
    town = sqlite_town
    claim = bj_subsidy_with_commitment(town)
    with town.session() as s:
        payroll.build(s, "bj_unemployment_subsidy", "110000", "2020-10")
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="pension", month="2020-09", at=OCT_20)
        s.flush()
        s.execute(text("UPDATE prog_recoveries SET months = NULL"))  # as a row 0023 could not read
    with town.session() as s, pytest.raises(Conflict) as refused:
        claims.stop(s, town.reviewer, claim.id, rule="false_commitment", month="2020-09", at=NOV_2)
    assert "此前的追回未记载所含月份" in refused.value.message
    with town.session() as s:
        assert s.scalar(select(func.count(Recovery.id))) == 1


# ------------------------------------------------------------------ SHOULD 3: 0021's downgrade


def test_the_0021_downgrade_keeps_the_limit_basis_wide(backend_url) -> None:
    """Narrowing svc_tasks.limit_basis back to 12 failed on PostgreSQL once a 13-character 文号 (人社厅发〔2021〕85号)
    was stored. The downgrade now leaves it 40 wide, and the upgrade after it changes nothing."""
    from kuaiban.db import make_engine
    from tests.migrations.test_region_codes_migration import upgrade
    from tests.unemployment.test_s14_notice_backfill import migrate_between

    engine = make_engine(backend_url)
    upgrade(engine, "0021_svc_limit_basis_width")
    migrate_between(engine, "0020_ue_notices_backfill", "0020_ue_notices_backfill")
    with engine.connect() as conn:
        width = {c["name"]: c["type"] for c in inspect(conn).get_columns("svc_tasks")}["limit_basis"].length
    assert width == 40
    upgrade(engine, "head")
    engine.dispose()
