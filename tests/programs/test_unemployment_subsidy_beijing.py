"""失业补助金 in Beijing as 京人社发[2020]8号 prints it: a personal commitment instead of certificates, an
automatic comparison with the registers, approval without a caseworker when nothing is flagged, six
monthly payments at the calculator's standard, once only and not beside 临时生活补助, an SMS with the
reason on refusal, and a false commitment recovering everything paid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, payroll, registers
from kuaiban.programs.models import Entitlement, Recovery
from kuaiban.rules.calculators import get
from tests.programs.conftest import AUG_3, submit_as_registered

PROGRAM = "bj_unemployment_subsidy"
FACTS = {"contribution_months": 30, "unemployment_benefit_exhausted": "是"}


def _registers(town, number, *, receiving=False):
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", number, {"receiving_benefit": receiving})


def submit(town, user=None, **kw):
    with town.session() as s:
        return submit_as_registered(s, user or town.citizen, kw.pop("program", PROGRAM), month="2020-08",
                                    facts=kw.pop("facts", FACTS), account="6222000000000001",
                                    commitment=kw.pop("commitment", True), at=AUG_3)


def test_a_committed_claim_is_approved_by_the_automatic_comparison_and_paid_six_months(sqlite_town) -> None:
    town = sqlite_town
    _registers(town, town.citizen_number)
    with pytest.raises(Invalid) as unconfirmed:
        submit(town, commitment=False)
    assert unconfirmed.value.field == "commitment"

    claim = submit(town)
    standard = get("unemployment_subsidy").run({"region": "110105", "month": "2020-08", "contribution_months": 30,
                                                "unemployment_benefit_exhausted": True})
    assert claim.status == "approved" and claim.commitment and "退回全部申领的失业补助金" in claim.commitment
    with town.session() as s:
        schedule = s.execute(select(Entitlement.month, Entitlement.amount_fen).where(Entitlement.claim_id == claim.id)
                             .order_by(Entitlement.month)).all()
        kinds = [n.kind for n in s.scalars(select(Notification).order_by(Notification.id))]
    assert [m for m, _ in schedule] == ["2020-08", "2020-09", "2020-10", "2020-11", "2020-12", "2021-01"]
    assert {fen for _, fen in schedule} == {round(standard["value"] * 100)}
    assert len(schedule) == standard["details"]["months"]
    assert kinds == ["program_received", "program_approved"]

    with pytest.raises(Conflict):  # 只能申领享受一次
        submit(town)
    with pytest.raises(Conflict):  # 不与失业补助金同时享受
        submit(town, program="bj_temporary_living_allowance",
               facts={"contribution_months": 6, "rural_contract_worker": "是", "last_contribution_date": "2020-06-30"})

    with town.session() as s:
        batch, _ = payroll.build(s, PROGRAM, "110000", "2020-09")
    assert batch.lines == 2
    with town.session() as s:  # the commitment was false: everything paid is to be returned, nothing more paid
        claims.stop(s, town.reviewer, claim.id, rule="false_commitment", month="2020-09")
    with town.session() as s:
        assert s.scalar(select(Recovery.amount_fen).where(Recovery.claim_id == claim.id)) == batch.total_fen
        assert set(s.scalars(select(Entitlement.status).where(Entitlement.claim_id == claim.id))) == {"stopped"}
        october, _ = payroll.build(s, PROGRAM, "110000", "2020-10")
        assert october.lines == 0


def test_the_comparison_finding_a_benefit_refuses_and_tells_the_reason(sqlite_town) -> None:
    town = sqlite_town
    _registers(town, town.citizen_number, receiving=True)
    claim = submit(town)
    assert claim.status == "refused"
    assert claim.reasons == ["比对发现您正在领取失业保险金，领取期间不同时享受失业补助金"]
    with town.session() as s:
        sms = s.scalar(select(Notification).where(Notification.kind == "program_refused"))
        assert claim.reasons[0] in sms.text


def test_a_register_that_cannot_answer_sends_the_claim_to_a_reviewer_instead(sqlite_town) -> None:
    town = sqlite_town  # no 本市失业保险待遇信息 register configured: flagged, not refused, not approved
    claim = submit(town)
    assert claim.status == "reviewing" and claim.flags == ["本市失业保险待遇信息暂时无法比对，请人工核查"]
    with town.session() as s:
        assert [r["id"] for r in claims.queue(s, town.reviewer)] == [claim.id]
        assert claims.queue(s, town.window) == []
        approved = claims.act(s, town.reviewer, claim.id, outcome="pass", note="已人工核查待遇发放记录")
        assert approved.status == "approved"


def test_the_history_reads_in_chinese_never_the_engines_codes(sqlite_town) -> None:
    town = sqlite_town
    _registers(town, town.citizen_number)
    claim = submit(town)
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="reemployed", month="2020-09")
        history = claims.claim_dict(s, s.get(type(claim), claim.id))["history"]
    assert [(h["step_name"], h["outcome_name"]) for h in history] == [
        ("收到申领", ""), ("系统自动比对审核", "通过"), ("审核决定", "通过"), ("停发（重新缴纳失业保险费）", "停发")]
