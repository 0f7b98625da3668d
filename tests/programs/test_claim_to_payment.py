"""A 失业保险金 claimed online in Beijing, from the claim to the money (the one program whose calculator exists
in every build): checks, review, decision with the schedule from the rules pillar, monthly payroll, returns
paid again, a stop with recovery; and refusals told to the claimant through the message centre's outbox
(the SMS channel)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kuaiban.platform import audit_chain, notifications
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Delivery, Notification, OutboxEntry
from kuaiban.programs import claims, payroll, registers
from kuaiban.programs.models import Entitlement, PaymentLine, Recovery
from kuaiban.rules.calculators import get
from tests.programs.conftest import AUG_3, submit_as_registered

PROGRAM = "bj_unemployment_benefit"


def expected(nth: int, month: str, contribution_months: int = 70) -> int:
    """The amount the rules pillar gives for the nth month, in fen (no figure written in this test)."""
    answer = get("unemployment_benefit").run({"region": "北京", "month": month,
                                              "contribution_months": contribution_months, "benefit_month": nth})
    return round(answer["value"] * 100)


def submit(town, user=None, **kw):
    with town.session() as s:
        return submit_as_registered(s, user or town.citizen, PROGRAM, month=kw.pop("month", "2020-08"),
                                    facts=kw.pop("facts", {"contribution_months": 70}), account="6222000000000001",
                                    at=AUG_3, **kw)


def test_a_claim_is_reviewed_decided_scheduled_paid_once_and_stopped_with_recovery(town) -> None:
    claim = submit(town)
    assert claim.status == "reviewing" and claim.flags == []
    with town.session() as s:
        with pytest.raises(Invalid) as missing:  # the months are not in the compilations: the reviewer enters them
            claims.act(s, town.reviewer, claim.id, outcome="pass", at=AUG_3)
        assert missing.value.field == "months"
    with town.session() as s:
        decided = claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3)
        assert decided.status == "approved"
        schedule = s.execute(select(Entitlement.month, Entitlement.amount_fen).where(Entitlement.claim_id == claim.id)
                             .order_by(Entitlement.month)).all()
    assert schedule == [("2020-08", expected(1, "2020-08")), ("2020-09", expected(2, "2020-09")),
                        ("2020-10", expected(3, "2020-10"))]

    # September's payroll pays August (arrears) and September; run again, it is the same batch
    with town.session() as s:
        batch, built = payroll.build(s, PROGRAM, "110000", "2020-09")
    assert built and batch.lines == 2 and batch.total_fen == expected(1, "2020-08") + expected(2, "2020-09")
    with town.session() as s:
        again, built_again = payroll.build(s, PROGRAM, "110000", "2020-09")
        assert (again.id, again.lines, again.total_fen, built_again) == (batch.id, 2, batch.total_fen, False)
        assert s.scalar(select(func.count(PaymentLine.id))) == 2

    # the bank returns August's line; it is paid again in a re-issue batch, still one line for the month
    with town.session() as s:
        lines = payroll.lines_of(s, batch)
        august = next(line["line"] for line in lines if line["month"] == "2020-08")
        assert payroll.reconcile(s, town.supervisor, batch.id, {august: "账户已销户"}) == {"paid": 1, "returned": 1}
    with town.session() as s:
        re_batch = payroll.reissue(s, town.supervisor, PROGRAM, "110000", at=dt.datetime(2020, 9, 20))
        assert re_batch.kind == "reissue" and re_batch.lines == 1
        assert [line["line"] for line in payroll.lines_of(s, re_batch)] == [august]
        assert s.scalar(select(func.count(PaymentLine.id)).where(PaymentLine.month == "2020-08")) == 1

    # re-employed in September: October is not paid; nothing paid after the stop, so nothing to recover
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="reemployed", month="2020-09", at=dt.datetime(2020, 9, 25))
    with town.session() as s:
        october, built = payroll.build(s, PROGRAM, "110000", "2020-10")
        assert built and october.lines == 0
        assert s.scalar(select(func.count(Recovery.id))) == 0
        stopped = s.scalar(select(Entitlement.status).where(Entitlement.month == "2020-10"))
        assert stopped == "stopped"
        kinds = [n.kind for n in s.scalars(select(Notification).order_by(Notification.id))]
        assert kinds == ["program_received", "program_approved", "program_stopped"]
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.entity.in_(("program_claim",
                                                                                        "program_batch")))))
        assert {"program_claim_submitted", "program_step_passed", "program_claim_approved",
                "program_batch_built", "program_batch_reconciled", "program_batch_reissued",
                "program_claim_stopped"} <= actions


def test_a_stop_after_months_were_paid_opens_a_recovery_of_those_months(town) -> None:
    claim = submit(town)
    with town.session() as s:
        claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3)
    with town.session() as s:
        payroll.build(s, PROGRAM, "110000", "2020-10")  # all three months
    with town.session() as s:
        claims.stop(s, town.reviewer, claim.id, rule="death", month="2020-08", at=dt.datetime(2020, 10, 20))
    with town.session() as s:
        owed = s.scalar(select(Recovery.amount_fen).where(Recovery.claim_id == claim.id))
        assert owed == expected(2, "2020-09") + expected(3, "2020-10")


def test_a_register_showing_contributions_refuses_and_the_reason_goes_out_by_the_sms_channel(town) -> None:
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.citizen_number, {"contributing_now": True})
    claim = submit(town)
    assert claim.status == "refused"
    assert claim.reasons == ["比对发现用人单位仍在为您缴纳社会保险费"]
    with town.session() as s:
        refusal = s.scalar(select(Notification).where(Notification.kind == "program_refused"))
        assert "比对发现用人单位仍在为您缴纳社会保险费" in refusal.text
        outbox = s.scalar(select(OutboxEntry).where(OutboxEntry.notification_id == refusal.id))
        assert outbox is not None and outbox.sent_at is None  # waiting for the dispatcher's SMS sender
    report = notifications.deliver(town.engine, notifications.RecordingSender(town.engine))
    with town.session() as s:
        sms = s.scalar(select(Delivery).where(Delivery.key == str(outbox.id)))
        assert outbox.id in report.sent and "比对发现用人单位仍在为您缴纳社会保险费" in sms.text
        assert audit_chain.verify(s).intact


def test_a_missing_register_flags_the_claim_for_a_caseworker_and_never_refuses(town) -> None:
    with town.session() as s:
        registers.set_online(s, "contributions", False)
    claim = submit(town)
    assert claim.status == "reviewing"
    # s15: the months typed are kept, flagged, since the register cannot confirm them (register_facts)
    assert claim.flags == ["累计缴费月数（70）为申请人填写，参保缴费记录暂时无法查询，请经办机构核实后办理",
                           "参保缴费记录（单位是否已停止缴费）暂时无法比对，请人工核查"]
    claim2 = submit(town, user=town.other_citizen)
    assert claim2.status == "reviewing"


def test_bad_input_is_refused_whole_and_nothing_is_written(town) -> None:
    with town.session() as s, pytest.raises(Invalid) as bad:
        submit_as_registered(s, town.citizen, PROGRAM, month="2020-08", facts={"contribution_months": "七十"},
                             account="", at=AUG_3)
    assert bad.value.field == "contribution_months" and "累计缴费月数" in bad.value.message
    with town.session() as s, pytest.raises(Invalid) as bad:
        submit_as_registered(s, town.citizen, PROGRAM, month="2020-08", facts={"contribution_months": 70},
                             account=" ", at=AUG_3)
    assert bad.value.field == "account"
    with town.session() as s:
        assert claims.my_claims(s, town.citizen) == []


def test_one_claim_per_person_and_program_and_only_staff_of_the_region_act(town) -> None:
    claim = submit(town)
    with pytest.raises(Conflict):
        submit(town)
    with town.session() as s, pytest.raises(Forbidden):
        claims.act(s, town.hunan_reviewer, claim.id, outcome="pass", months=3)
    with town.session() as s, pytest.raises(Forbidden):  # a window clerk does not do the reviewer's step
        claims.act(s, town.window, claim.id, outcome="pass", months=3)
    with town.session() as s:
        with pytest.raises(Invalid) as no_reason:
            claims.act(s, town.reviewer, claim.id, outcome="refuse", note=" ")
        assert no_reason.value.field == "note"


def test_an_official_figure_the_texts_do_not_print_is_asked_for_by_its_form_field(town) -> None:
    """Shandong's 失业保险金 is 90 % of the local minimum wage, which the compilations do not print. It is the
    office's figure (s14): the applicant may not give it; without it the claim waits for a caseworker, who is
    asked for it by its form field before passing; entered, the amount is the calculator's."""
    with town.session() as s:
        s.get(type(town.citizen.applicant), town.citizen.applicant_id).region = "370102"
    with town.session() as s, pytest.raises(Invalid) as own:
        submit_as_registered(s, town.citizen, "sd_unemployment_benefit", month="2020-08",
                             facts={"contribution_months": 70, "local_minimum_wage": 1730}, account="6222000000000001",
                             at=AUG_3)
    assert own.value.field == "local_minimum_wage" and "申请人无需填写" in own.value.message
    with town.session() as s:
        claim = submit_as_registered(s, town.citizen, "sd_unemployment_benefit", month="2020-08",
                                     facts={"contribution_months": 70}, account="6222000000000001", at=AUG_3)
        assert claim.status == "reviewing" and claim.monthly_fen is None
    with town.session() as s, pytest.raises(Invalid) as missing:
        claims.act(s, _sd_reviewer(s), claim.id, outcome="pass", months=3, at=AUG_3)
    assert missing.value.field == "local_minimum_wage" and "最低工资" in missing.value.message
    assert "local_minimum_wage" not in missing.value.message
    with town.session() as s:
        claims.act(s, _sd_reviewer(s), claim.id, outcome="pass", months=3, at=AUG_3,
                    figures_entered={"local_minimum_wage": 1730})
        claim = s.get(type(claim), claim.id)
    answer = get("unemployment_benefit").run({"region": "370102", "month": "2020-08", "contribution_months": 70,
                                              "benefit_month": 1, "local_minimum_wage": 1730})
    assert claim.status == "approved" and claim.monthly_fen == round(answer["value"] * 100) > 0


def _sd_reviewer(s):
    from kuaiban.platform import auth
    from kuaiban.platform.models import User

    found = s.scalar(select(User).where(User.username == "sd-rev-c2p"))
    return found or auth.create_user(s, "sd-rev-c2p", "Quiet-Lantern-47-staff", "reviewer", region="370000",
                                     display_name="测试审核")
