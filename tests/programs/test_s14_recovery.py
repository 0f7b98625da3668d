"""追回 as a debt the caseworker follows (audit F10): a stop recorded after months were paid opens a recovery
with the months, the amount, the stop rule and the clause it rests on, and tells the person through the message
centre; repayments are recorded as they come (partial, with day and channel), once per reference; the status
goes 待追回 → 部分追回 → 已追回, or a supervisor writes the rest off (核销) with a reason; all audited; listed for the
staff of the region (pages, API, command line).

The clauses: the stop rule's own (北京 失业保险金 death: 人社厅发〔2020〕24号 八, hunan-hrss-2020.txt:5436 —
“…但仍然领取失业保险金的违规行为要及时纠正”). No compilation lets a later payment be offset against the debt
(the one 冲抵 printed, hunan-hrss-2020.txt:5764, is about an employer's contributions), so nothing is offset,
and none prints a time limit or rate for repaying: none is applied."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from kuaiban.app import create_app
from kuaiban.cli import app as cli_app
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, payroll, recovery
from kuaiban.programs.models import PaymentLine, Recovery, Repayment
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town, submit_as_registered
from tests.programs.helpers import bj_subsidy_with_commitment, paid_benefit_claim
from tests.web.forms import csrf_of, post_login

PROGRAM = "bj_unemployment_benefit"
OCT_20 = dt.datetime(2020, 10, 20, 10, 0)
NOV_2 = dt.datetime(2020, 11, 2, 10, 0)


def paid_then_stopped(town) -> tuple[int, int]:
    """A claim of three months (2020-08 … 10), all paid by October's batch, then a death recorded late as of
    August: September and October were paid and are not owed. Returns (claim, recovery)."""
    claim_id = paid_benefit_claim(town)
    with town.session() as s:
        claims.stop(s, town.reviewer, claim_id, rule="death", month="2020-08", at=OCT_20)
    with town.session() as s:
        return claim_id, s.scalar(select(Recovery.id).where(Recovery.claim_id == claim_id))


def paid_fen(town, claim_id: int, months: tuple[str, ...]) -> int:
    with town.session() as s:
        return s.scalar(select(func.sum(PaymentLine.amount_fen)).where(PaymentLine.claim_id == claim_id,
                                                                       PaymentLine.month.in_(months)))


def test_a_late_stop_opens_a_debt_with_months_clause_and_a_notice_to_the_person(town) -> None:
    claim_id, rid = paid_then_stopped(town)
    owed = paid_fen(town, claim_id, ("2020-09", "2020-10"))
    with town.session() as s:
        r = recovery.one(s, town.reviewer, rid)
        assert (r["status"], r["status_name"], r["months"]) == ("owed", "待追回", ["2020-09", "2020-10"])
        assert r["amount"] == f"{owed / 100:.2f}" and r["repaid"] == "0.00" and r["outstanding"] == r["amount"]
        assert r["rule"] == "death" and r["reason"] == "死亡：2020-09 起不应发放"
        assert r["source"]["key"] == "rtf24_check" and r["source"]["label"] == "人社厅发〔2020〕24号 八"
        assert r["offset"] is False  # no text allows offsetting against later payments
        notice = s.scalars(select(Notification).where(Notification.kind == "program_recovery")).one()
        assert notice.user_id == town.citizen.id and notice.link == f"/programs/claims/{claim_id}"
        assert f"{owed / 100:.2f} 元不应发放" in notice.text and "2020-09 至 2020-10 共 2 个月" in notice.text
        assert "人社厅发〔2020〕24号 八" in notice.text
        assert "program_recovery_opened" in set(s.scalars(select(AuditEntry.action)))
        # the claimant reads it on the claim
        mine = claims.claim_dict(s, claims.my_claim(s, town.citizen, claim_id))
        assert [x["id"] for x in mine["recoveries"]] == [rid] and "applicant" not in mine["recoveries"][0]


def test_repayments_are_partial_then_whole_and_one_reference_is_recorded_once(town) -> None:
    claim_id, rid = paid_then_stopped(town)
    owed = paid_fen(town, claim_id, ("2020-09", "2020-10"))
    with town.session() as s:
        _, recorded = recovery.record_repayment(s, town.window, rid, amount_fen=30000, paid_on=dt.date(2020, 10, 30),
                                                channel="counter", reference="SJ-0001", at=NOV_2)
        assert recorded
    with town.session() as s:  # the same receipt entered again (a double click, a re-run file): nothing more
        _, recorded = recovery.record_repayment(s, town.window, rid, amount_fen=30000, paid_on=dt.date(2020, 10, 30),
                                                channel="counter", reference="SJ-0001", at=NOV_2)
        assert not recorded
    with town.session() as s:
        with pytest.raises(Conflict) as differs:  # the same reference with another amount is a mistake to check
            recovery.record_repayment(s, town.window, rid, amount_fen=30001, paid_on=dt.date(2020, 10, 30),
                                      channel="counter", reference="SJ-0001", at=NOV_2)
        assert differs.value.field == "reference"
    with town.session() as s:
        r = s.get(Recovery, rid)
        assert (r.status, r.repaid_fen, s.scalar(select(func.count(Repayment.id)))) == ("partial", 30000, 1)
    with town.session() as s:
        with pytest.raises(Invalid) as too_much:
            recovery.record_repayment(s, town.window, rid, amount_fen=owed, paid_on=dt.date(2020, 11, 1),
                                      channel="bank_transfer", reference="BANK-77", at=NOV_2)
        assert too_much.value.field == "amount"
        with pytest.raises(Invalid):  # a day after today is not a repayment yet
            recovery.record_repayment(s, town.window, rid, amount_fen=100, paid_on=dt.date(2020, 11, 3),
                                      channel="bank_transfer", reference="BANK-78", at=NOV_2)
    with town.session() as s:
        recovery.record_repayment(s, town.window, rid, amount_fen=owed - 30000, paid_on=dt.date(2020, 11, 1),
                                  channel="bank_transfer", reference="BANK-77", at=NOV_2)
    with town.session() as s:
        r = recovery.one(s, town.reviewer, rid)
        assert (r["status_name"], r["outstanding"]) == ("已追回", "0.00")
        assert [(p["reference"], p["channel_name"]) for p in r["repayments"]] == [("SJ-0001", "经办窗口缴回"),
                                                                                 ("BANK-77", "银行转账退回")]
        with pytest.raises(Conflict):
            recovery.record_repayment(s, town.window, rid, amount_fen=1, paid_on=dt.date(2020, 11, 1),
                                      channel="other", reference="X-1", at=NOV_2)
        repaid = s.scalars(select(AuditEntry).where(AuditEntry.action == "program_recovery_repaid")).all()
        assert len(repaid) == 2
        told = s.scalars(select(Notification.text).where(Notification.kind == "program_recovery")
                         .order_by(Notification.id)).all()
        assert "尚欠" in told[1] and "已全部退回" in told[2]


def test_a_supervisor_writes_the_rest_off_with_a_reason_and_nobody_else_may(town) -> None:
    _, rid = paid_then_stopped(town)
    with town.session() as s:
        recovery.record_repayment(s, town.window, rid, amount_fen=10000, paid_on=dt.date(2020, 11, 1),
                                  channel="counter", reference="R-1", at=NOV_2)
    with town.session() as s:
        with pytest.raises(Forbidden):
            recovery.write_off(s, town.reviewer, rid, reason="无法联系", at=NOV_2)
        with pytest.raises(Invalid) as no_reason:
            recovery.write_off(s, town.supervisor, rid, reason="  ", at=NOV_2)
        assert no_reason.value.field == "reason"
    with town.session() as s:
        recovery.write_off(s, town.supervisor, rid, reason="当事人已死亡，无遗产可供追回", at=NOV_2)
    with town.session() as s:
        r = recovery.one(s, town.supervisor, rid)
        amount = s.get(Recovery, rid).amount_fen
        assert (r["status_name"], r["outstanding"], r["written_off"]) == ("核销", "0.00", f"{(amount - 10000) / 100:.2f}")
        assert r["decision_reason"] == "当事人已死亡，无遗产可供追回"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "program_recovery_written_off")).one()
        assert entry.actor_id == town.supervisor.id
        with pytest.raises(Conflict):
            recovery.write_off(s, town.supervisor, rid, reason="再次", at=NOV_2)


def test_the_list_is_the_staff_members_regions_and_filters_by_status(town) -> None:
    _, rid = paid_then_stopped(town)
    with town.session() as s:
        assert [r["id"] for r in recovery.listing(s, town.reviewer, status="open")] == [rid]
        assert recovery.listing(s, town.reviewer, status="repaid") == []
        assert recovery.listing(s, town.hunan_supervisor) == []  # another province's staff see nothing
        with pytest.raises(Forbidden):
            recovery.one(s, town.hunan_supervisor, rid)
        with pytest.raises(Forbidden):
            recovery.listing(s, town.citizen)
        assert recovery.totals(s, town.reviewer) == {"owed": 1}


def test_api_pages_and_command_line(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id, rid = paid_then_stopped(town)
    from kuaiban.platform import audit

    monkeypatch.setattr(audit, "now", lambda: NOV_2)
    with TestClient(create_app(url)) as client:
        def token(username: str, password: str) -> dict:
            r = client.post("/api/auth/login", json={"username": username, "password": password})
            return {"Authorization": f"Bearer {r.json()['token']}"}

        reviewer, supervisor = token("bj-rev", STAFF_PASSWORD), token("bj-sup", STAFF_PASSWORD)
        citizen = token("bj-citizen", PASSWORD)
        listed = client.get("/api/programs/recoveries?status=open", headers=reviewer)
        assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [rid]
        assert client.get("/api/programs/recoveries", headers=citizen).status_code == 403
        body = {"reference": "BANK-1", "amount": "100.50", "paid_on": "2020-11-01", "channel": "bank_transfer"}
        first = client.post(f"/api/programs/recoveries/{rid}/repayments", json=body, headers=reviewer)
        assert first.status_code == 201 and first.json()["repaid"] == "100.50" and first.json()["recorded"]
        again = client.post(f"/api/programs/recoveries/{rid}/repayments", json=body, headers=reviewer)
        assert again.status_code == 200 and again.json()["repaid"] == "100.50" and not again.json()["recorded"]
        refused = client.post(f"/api/programs/recoveries/{rid}/write-off", json={"reason": "无力偿还"}, headers=reviewer)
        assert refused.status_code == 403
        unreasoned = client.post(f"/api/programs/recoveries/{rid}/write-off", json={"reason": " "}, headers=supervisor)
        assert unreasoned.status_code == 422 and "核销的理由" in unreasoned.text
        # the claimant sees the debt on the claim
        mine = client.get(f"/api/programs/claims/{claim_id}", headers=citizen).json()
        assert mine["recoveries"][0]["repaid"] == "100.50"

    # pages: the staff list, the recovery with its forms, the claimant's claim
    with TestClient(create_app(url)) as window, TestClient(create_app(url)) as person:
        assert post_login(window, "bj-win", STAFF_PASSWORD).status_code == 303
        assert post_login(person, "bj-citizen", PASSWORD).status_code == 303
        listing = window.get("/programs/recoveries").text
        assert f'href="/programs/recoveries/{rid}"' in listing and "部分追回" in listing
        page = window.get(f"/programs/recoveries/{rid}").text
        assert "人社厅发〔2020〕24号 八" in page and "BANK-1" in page and "核销" not in page.split("<h2>退回记录")[1]
        bad = window.post(f"/programs/recoveries/{rid}/repay", follow_redirects=False,
                          data={"csrf": csrf_of(page), "reference": "R-2", "amount": "十元", "paid_on": "2020-11-01",
                                "channel": "counter"})
        assert bad.status_code == 422 and "退回金额应为金额" in bad.text
        done = window.post(f"/programs/recoveries/{rid}/repay", follow_redirects=False,
                           data={"csrf": csrf_of(page), "reference": "R-2", "amount": "10", "paid_on": "2020-11-01",
                                 "channel": "counter"})
        assert done.status_code == 303
        assert "R-2" in window.get(f"/programs/recoveries/{rid}").text
        claim_page = person.get(f"/programs/claims/{claim_id}").text
        assert "应退回的款项" in claim_page and "已退回 110.50 元" in claim_page
        assert "追回款项" in window.get("/programs/staff").text

    # the command line: list, then a repayment from the bank's file, entered twice
    runner = CliRunner()
    out = runner.invoke(cli_app, ["programs", "recoveries", "--json", "--db", url])
    assert out.exit_code == 0, out.output
    assert [r["id"] for r in json.loads(out.output)] == [rid]
    args = ["programs", "repay", "--recovery", str(rid), "--reference", "BANK-2", "--amount", "1.00",
            "--paid-on", "2020-11-02", "--channel", "bank_transfer", "--operator", "bj-win", "--json", "--db", url]
    once, twice = runner.invoke(cli_app, args), runner.invoke(cli_app, args)
    assert once.exit_code == 0 and json.loads(once.output)["recorded"] is True, once.output
    assert json.loads(twice.output)["recorded"] is False and json.loads(twice.output)["repaid"] == "111.50"
    bad = runner.invoke(cli_app, [*args[:6], "--amount", "1.001", *args[8:]])
    assert bad.exit_code == 2 and re.search("两位小数", bad.output)


def test_a_false_commitment_recovers_from_the_start_citing_beijing_three(sqlite_town) -> None:
    """京人社发[2020]8号 三 (court-national-provinces-2020.txt:2662–2666): “…应向户籍地（居住地）区人力资源公共服务中心
    退回全部申领的失业补助金…”: every month paid, with that clause in the person's notice."""
    town = sqlite_town
    claim = bj_subsidy_with_commitment(town)
    with town.session() as s:
        batch, _ = payroll.build(s, "bj_unemployment_subsidy", "110000", "2020-09")
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="false_commitment", month="2020-09", at=OCT_20)
    with town.session() as s:
        r = s.scalars(select(Recovery).where(Recovery.claim_id == claim.id)).one()
        assert (r.amount_fen, r.months, r.source) == (batch.total_fen, ["2020-08", "2020-09"], "bj8_false_commitment")
        text = s.scalar(select(Notification.text).where(Notification.kind == "program_recovery"))
        assert "京人社发[2020]8号 三" in text and "区人力资源公共服务中心退回全部申领的失业补助金" in text


def test_nothing_is_offset_a_later_payment_of_the_same_person_is_paid_in_full(sqlite_town) -> None:
    """No compilation allows deducting the debt from later payments: while a recovery is open, the same person's
    next claim is paid at its full amount (the debt stays as recorded)."""
    town = sqlite_town
    _, rid = paid_then_stopped(town)
    with town.session() as s:
        later = submit_as_registered(s, town.citizen, PROGRAM, month="2020-11", facts={"contribution_months": 70},
                                     account="6222000000000001", at=dt.datetime(2020, 11, 3, 10, 0))
    with town.session() as s:
        claims.act(s, town.reviewer, later.id, outcome="pass", months=1, at=dt.datetime(2020, 11, 3, 10, 0))
    with town.session() as s:
        batch, _ = payroll.build(s, PROGRAM, "110000", "2020-11")
        owed_later = s.scalar(select(func.sum(PaymentLine.amount_fen)).where(PaymentLine.claim_id == later.id))
        assert batch.lines == 1 and batch.total_fen == owed_later > 0
        r = s.get(Recovery, rid)
        assert (r.status, r.repaid_fen) == ("owed", 0)


def test_two_repayments_at_once_never_exceed_the_debt_nor_record_a_reference_twice(town) -> None:
    """Writes to a recovery are serialised (PostgreSQL: the row locked; SQLite: its write lock before the read):
    the same bank line entered by two staff members at the same moment is recorded once; two repayments of the
    whole rest at the same moment, under their own references, are not both recorded."""
    import threading

    _, rid = paid_then_stopped(town)
    with town.session() as s:
        owed = s.get(Recovery, rid).amount_fen

    def race(entries: list[tuple[str, int]]) -> list[str]:
        outcomes: list[str] = []
        barrier = threading.Barrier(len(entries))

        def enter(reference: str, fen: int) -> None:
            try:
                with town.session() as s:
                    barrier.wait()
                    _, recorded = recovery.record_repayment(s, town.window, rid, amount_fen=fen,
                                                            paid_on=dt.date(2020, 11, 1), channel="bank_transfer",
                                                            reference=reference, at=NOV_2)
                outcomes.append("recorded" if recorded else "unchanged")
            except (Conflict, Invalid) as exc:
                outcomes.append(type(exc).__name__)

        threads = [threading.Thread(target=enter, args=entry) for entry in entries]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return sorted(outcomes)

    assert race([("BANK-A", 10000), ("BANK-A", 10000)]) == ["recorded", "unchanged"]
    rest = owed - 10000
    assert race([("BANK-B", rest), ("BANK-C", rest)]) in (["Conflict", "recorded"], ["Invalid", "recorded"])
    with town.session() as s:
        r = s.get(Recovery, rid)
        assert (r.repaid_fen, r.status, s.scalar(select(func.count(Repayment.id)))) == (owed, "repaid", 2)


def test_a_false_commitment_found_after_an_ordinary_stop_recovers_the_rest_once(sqlite_town) -> None:
    """A claim stopped for a pension (from the next month: October recovered) and later found to rest on a false
    commitment (京人社发[2020]8号 三: 退回全部) gets a second recovery of August and September — October is not
    counted twice; together they are everything paid."""
    town = sqlite_town
    claim = bj_subsidy_with_commitment(town)
    with town.session() as s:
        batch, _ = payroll.build(s, "bj_unemployment_subsidy", "110000", "2020-10")
        assert batch.lines == 3
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="pension", month="2020-09", at=OCT_20)
    url = town.engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(url)) as reviewer:  # on the stopped claim's page: only the recover rules
        assert post_login(reviewer, "bj-rev", STAFF_PASSWORD).status_code == 303
        page = reviewer.get(f"/programs/claims/{claim.id}").text
        form = page.split("<h2>追回</h2>")[1]
        assert 'value="false_commitment"' in form and 'value="pension"' not in form
        done = reviewer.post(f"/programs/claims/{claim.id}/stop", follow_redirects=False,
                             data={"csrf": csrf_of(page), "rule": "false_commitment", "month": "2020-09"})
        assert done.status_code == 303
    with town.session() as s:
        rows = s.execute(select(Recovery.months, Recovery.source, Recovery.amount_fen).where(
            Recovery.claim_id == claim.id).order_by(Recovery.id)).all()
        assert [(m, src) for m, src, _ in rows] == [(["2020-10"], "bj8_us_stop"),
                                                    (["2020-08", "2020-09"], "bj8_false_commitment")]
        assert sum(fen for *_, fen in rows) == batch.total_fen
        with pytest.raises(Conflict):  # an ordinary stop of a stopped claim is still refused
            claims.stop(s, town.reviewer, claim.id, rule="death", month="2020-11", at=NOV_2)
        with pytest.raises(Conflict) as twice:  # and the same recovery is not opened twice
            claims.stop(s, town.reviewer, claim.id, rule="false_commitment", month="2020-09", at=NOV_2)
        assert twice.value.field == "rule"
