"""创业担保贷款 end to end on both backends: 申请 → 人社资格审核 (the rules pillar) → 担保机构 → 经办银行 → 按季贴息
(银行申请、人社初审、财政拨付、银行划转) → 结清; refusals at each step with their reasons; amounts worked by hand
from the clauses; no 贴息 for extended or overdue loans; each party sees only its own work; nothing paid twice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.programs.loans import flow
from kuaiban.programs.loans.models import LoanApplication
from tests.programs.loans.conftest import BANK_A, CQ_BANK, CQ_FUND, FUND, Parties

FEB_22 = dt.datetime(2021, 2, 22, 9, 0)  # a Monday after the 2021 Spring Festival make-up days
MATERIALS = {"申请人居民身份证": "提交", "人员类别证明": "承诺"}
FIRM_MATERIALS = {"法定代表人身份证": "提交", "企业职工花名册": "提交", "招用符合条件人员的人员类别证明": "承诺",
                  "企业财务报表": "提交"}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour)


def apply_personal(p: Parties, user=None, *, when=FEB_22, amount="250000", bank=BANK_A) -> int:
    with p.session() as s:
        app = flow.apply(s, user or p.citizen, borrower="个人", amount=amount, months=36,
                         facts={"project": "社区便利店", "category": "城镇登记失业人员", "previous_times": 0},
                         materials=MATERIALS, commitment=True, account="6222000000000001", bank=bank, at=when)
        return app.id


def through_to_loan(p: Parties, app_id: int, *, rate="0.0435") -> None:
    with p.session() as s:
        flow.review_eligibility(s, p.office, app_id, outcome="pass", lpr="0.0385", guarantor=FUND, bank=BANK_A,
                                at=at("2021-03-01"))
    with p.session() as s:
        flow.review_guarantee(s, p.fund, app_id, outcome="pass", guarantee_no="DB-2021-001", at=at("2021-03-02"))
    with p.session() as s:
        flow.lend(s, p.bank, app_id, outcome="pass", contract_no="JK-2021-001", contract_date="2021-03-03",
                  amount="200000", months=24, rate=rate, lpr="0.0385", at=at("2021-03-03"))


def kinds(p: Parties, user) -> list[str]:
    with p.session() as s:
        return list(s.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                              .order_by(Notification.id)))


def audit_actions(p: Parties, entity: str, entity_id: int) -> list[tuple[str, str | None]]:
    with p.session() as s:
        return [(a.action, a.actor_role) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.seq))]


def test_a_personal_loan_from_application_to_its_quarterly_subsidy_and_repayment(parties: Parties) -> None:
    p = parties
    app_id = apply_personal(p)
    with p.session() as s:
        app = s.get(LoanApplication, app_id)
        # 财金〔2020〕21号 六: 资格审核 7 个工作日 — Tue 23 … Fri 26, Mon 1, Tue 2, Wed 3 March
        assert app.status == "eligibility" and app.step_due == dt.date(2021, 3, 3)
    with p.session() as s:
        app = flow.review_eligibility(s, p.office, app_id, outcome="pass", lpr="0.0385", guarantor=FUND,
                                      bank=BANK_A, at=at("2021-03-01"))
        # 鲁财金〔2020〕25号 二: 个人最高 20 万元 (asked 25 万: pushed at the limit); 27号 第七条: 3 年
        assert (app.status, app.approved_limit_fen, app.max_term_months) == ("guarantee", 20_000_000, 36)
        assert app.step_due == dt.date(2021, 3, 4)  # 担保机构尽职调查 3 个工作日
        assert any("最高额度 200000" in step["text"] for step in app.eligibility)
    with p.session() as s:
        app = flow.review_guarantee(s, p.fund, app_id, outcome="pass", guarantee_no="DB-2021-001",
                                    at=at("2021-03-02"))
        assert app.status == "lending" and app.step_due == dt.date(2021, 3, 9)  # 受理至发放 5 个工作日
    with p.session() as s, pytest.raises(Invalid) as too_dear:
        flow.lend(s, p.bank, app_id, outcome="pass", contract_no="JK-2021-001", contract_date="2021-03-03",
                  amount="200000", months=24, rate="0.0436", lpr="0.0385", at=at("2021-03-03"))
    # 鲁财金〔2020〕25号 三 / 财金〔2020〕21号 四: 东部 LPR + 50BP = 4.35%
    assert too_dear.value.field == "rate" and "4.35%" in too_dear.value.message
    with p.session() as s, pytest.raises(Invalid) as too_long:
        flow.lend(s, p.bank, app_id, outcome="pass", contract_no="JK-2021-001", contract_date="2021-03-03",
                  amount="200000", months=37, rate="0.0435", lpr="0.0385", at=at("2021-03-03"))
    assert too_long.value.field == "months"
    with p.session() as s:
        app = flow.lend(s, p.bank, app_id, outcome="pass", contract_no="JK-2021-001", contract_date="2021-03-03",
                        amount="200000", months=24, rate="0.0435", lpr="0.0385", at=at("2021-03-03"))
        # 财金〔2020〕21号 五 (from 2021): 借款人承担 LPR−150BP = 2.35%, 财政贴 4.35% − 2.35% = 2.00%
        assert app.status == "active" and app.subsidy_rate == "0.02" and app.maturity == dt.date(2023, 3, 3)

    # the quarter's subsidy: the interest paid × 2.00 / 4.35
    with p.session() as s:
        q1 = flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q1", interest="700.00", at=at("2021-04-06"))
        assert q1.subsidy_fen == 32184 and q1.due is None  # 700 × 2 / 4.35 = 321.839… → 321.84; 鲁: no day printed
        q2 = flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q2", interest="2175.00", at=at("2021-07-05"))
        assert q2.subsidy_fen == 100000  # 2175 × 2 / 4.35 = 1000.00
        q1_id, q2_id = q1.id, q2.id
    with p.session() as s, pytest.raises(Conflict):
        flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q2", interest="2175.00", at=at("2021-07-06"))
    with p.session() as s, pytest.raises(Invalid):  # a quarter not yet ended
        flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q3", interest="1.00", at=at("2021-07-06"))
    with p.session() as s, pytest.raises(Forbidden):  # 财政 pays only what 人社 checked
        flow.check_subsidy(s, p.finance, q1_id, outcome="pass", at=at("2021-07-07"))
    with p.session() as s, pytest.raises(Conflict):
        flow.pay_subsidy(s, p.finance, q1_id, outcome="pass", at=at("2021-07-07"))
    with p.session() as s:
        flow.check_subsidy(s, p.office, q1_id, outcome="pass", at=at("2021-07-07"))
        flow.check_subsidy(s, p.office, q2_id, outcome="refuse", note="付息凭证与台账不符", at=at("2021-07-07"))
    with p.session() as s:
        paid = flow.pay_subsidy(s, p.finance, q1_id, outcome="pass", at=at("2021-07-08"))
        assert paid.status == "paid" and paid.credit_due is None  # 3 个工作日 is 渝's, not printed for 鲁
    with p.session() as s, pytest.raises(Conflict):  # paid once: a second click changes nothing
        flow.pay_subsidy(s, p.finance, q1_id, outcome="pass", at=at("2021-07-08", 11))
    with p.session() as s:
        assert flow.credit_subsidy(s, p.bank, q1_id, at=at("2021-07-09")).status == "credited"
    with p.session() as s:  # the refused quarter is claimed again, corrected: the same row, reopened
        again = flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q2", interest="2196.75", at=at("2021-07-12"))
        assert again.id == q2_id and again.status == "submitted" and again.subsidy_fen == 101000  # 2196.75×2/4.35

    # overdue from August: no 贴息 for 2021Q3 (鲁人社字〔2020〕27号 第九条)
    with p.session() as s:
        flow.report(s, p.bank, app_id, event="overdue", on="2021-08-15", at=at("2021-08-16"))
    with p.session() as s:
        q3 = flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q3", interest="2000.00", at=at("2021-10-08"))
        assert q3.subsidy_fen == 0 and "不予贴息" in q3.basis[0]["text"]
        assert q3.basis[0]["source"]["label"] == "鲁人社字〔2020〕27号 第九条"

    with p.session() as s:
        flow.report(s, p.bank, app_id, event="repaid", on="2021-12-20", at=at("2021-12-20"))
    with p.session() as s:
        view = flow.timeline(s, p.citizen, app_id)
    assert view["application"]["status"] == "repaid"
    assert [e["step"] for e in view["events"]][:4] == ["applied", "eligibility", "guarantee", "lending"]
    assert {e["party"] for e in view["events"]} == {"applicant", "office", "guarantor", "bank", "finance"}
    assert [(c["quarter"], c["status"], c["subsidy"]) for c in view["subsidies"]] == [
        ("2021Q1", "credited", "321.84"), ("2021Q2", "submitted", "1010.00"), ("2021Q3", "submitted", "0.00")]
    assert view["application"]["account"] == "6222000000000001"  # the applicant sees its own account
    with p.session() as s:
        assert flow.timeline(s, p.office, app_id)["application"]["account"] != "6222000000000001"

    got = kinds(p, p.citizen)
    assert got[0] == "loan_received" and "loan_granted" in got and got[-1] == "loan_closed"
    assert got.count("loan_subsidy") >= 5
    assert kinds(p, p.fund) and kinds(p, p.bank) and kinds(p, p.finance)  # each party told of its work
    actions = audit_actions(p, "loan_application", app_id)
    assert ("loan_eligibility_passed", "reviewer") in actions and ("loan_guarantee_passed", "guarantor") in actions
    assert ("loan_granted", "bank") in actions and ("loan_repaid", "bank") in actions
    assert ("loan_subsidy_paid", "finance") in audit_actions(p, "loan_subsidy", q1_id)

    # repaid: the borrower may apply again (第九条: 还款后可继续提供贷款担保和贴息)
    apply_personal(p, when=at("2022-01-04"))


def test_a_small_firm_below_the_hiring_share_is_refused_with_the_calculators_reason(parties: Parties) -> None:
    p = parties

    def apply(hires: int) -> int:
        with p.session() as s:
            return flow.apply(s, p.firm, borrower="小微企业", amount="1000000", months=24,
                              facts={"project": "软件开发", "firm_staff": 50, "firm_new_hires": hires},
                              materials=FIRM_MATERIALS, commitment=True, account="6222000000000009",
                              at=at("2020-08-31")).id

    refused = apply(5)
    with p.session() as s:
        app = flow.review_eligibility(s, p.office, refused, outcome="pass", lpr="0.0385", guarantor=FUND,
                                      bank=BANK_A, at=at("2020-09-01"))
        # 鲁财金〔2020〕25号 一（二）: 15%; 5 of 50 is 10%
        assert app.status == "refused" and "未达到规定比例" in app.reason and "新招用符合条件人员 5 人" in app.reason
    assert "loan_refused" in kinds(p, p.firm)

    ok = apply(8)  # 8 of 50 = 16%
    with p.session() as s:
        app = flow.review_eligibility(s, p.office, ok, outcome="pass", lpr="0.0385", guarantor=FUND, bank=BANK_A,
                                      at=at("2020-09-01"))
        assert (app.status, app.approved_limit_fen, app.max_term_months) == ("guarantee", 100_000_000, 24)
    with p.session() as s:
        flow.review_guarantee(s, p.fund, ok, outcome="pass", guarantee_no="DB-2020-088", at=at("2020-09-02"))
    with p.session() as s:
        app = flow.lend(s, p.bank, ok, outcome="pass", contract_no="JK-2020-088", contract_date="2020-09-10",
                        amount="1000000", months=24, rate="0.0435", lpr="0.0385", at=at("2020-09-10"))
        # 鲁人社字〔2020〕27号 第八条: 小微企业 按 LPR 的 50% 贴息 = 1.925%
        assert app.subsidy_rate == "0.01925"
    with p.session() as s:
        q4 = flow.claim_subsidy(s, p.bank, ok, quarter="2020Q4", interest="10875.00", at=at("2021-01-05"))
        # 10875 × 1.925 / 4.35 = 4812.50 (= 1 000 000 × 1.925% ÷ 4)
        assert q4.subsidy_fen == 481250 and q4.basis[-1]["source"]["label"] == "鲁人社字〔2020〕27号 第八条"
    # 展期 in 2021: none for the quarter (第九条)
    with p.session() as s:
        flow.report(s, p.bank, ok, event="extended", on="2021-02-01", at=at("2021-02-01"))
    with p.session() as s:
        assert flow.claim_subsidy(s, p.bank, ok, quarter="2021Q1", interest="10000.00",
                                  at=at("2021-04-02")).subsidy_fen == 0


def test_a_chongqing_loan_claims_by_the_tenth_and_the_bank_credits_within_three_working_days(
        parties: Parties) -> None:
    p = parties
    with p.session() as s:
        app_id = flow.apply(s, p.cq_citizen, borrower="个人", amount="200000", months=36,
                            facts={"project": "农家乐", "category": "农村自主创业农民"}, materials=MATERIALS,
                            commitment=True, account="6222000000000005", at=at("2021-03-01")).id
    with p.session() as s, pytest.raises(Invalid) as wrong:
        flow.review_eligibility(s, p.cq_office, app_id, outcome="pass", lpr="0.0385", guarantor=FUND,
                                bank=CQ_BANK, area="中、西部地区", at=at("2021-03-02"))
    assert wrong.value.field == "guarantor"  # 济南's fund does not serve 重庆
    with p.session() as s:
        app = flow.review_eligibility(s, p.cq_office, app_id, outcome="pass", lpr="0.0385", guarantor=CQ_FUND,
                                      bank=CQ_BANK, area="中、西部地区", at=at("2021-03-02"))
        assert app.approved_limit_fen == 20_000_000 and app.max_term_months is None  # no term printed for 渝
    with p.session() as s:
        flow.review_guarantee(s, p.cq_fund, app_id, outcome="pass", guarantee_no="CQ-DB-1", at=at("2021-03-03"))
    with p.session() as s:
        app = flow.lend(s, p.cq_bank, app_id, outcome="pass", contract_no="CQ-JK-1", contract_date="2021-03-04",
                        amount="200000", months=36, rate="0.0485", lpr="0.0385", at=at("2021-03-04"))
        # 中、西部 cap LPR + 150BP = 5.35%; 贴息 4.85% − (3.85% − 1.50%) = 2.50%
        assert (app.rate_cap, app.subsidy_rate) == ("0.0535", "0.025")
    with p.session() as s:
        q2 = flow.claim_subsidy(s, p.cq_bank, app_id, quarter="2021Q2", interest="2452.36", at=at("2021-07-12"))
        # 渝人社〔2021〕236号 三（二）1: 次季度首月的10日之前 → 2021-07-10; claimed on the 12th: late, not refused
        assert (q2.due, q2.late, q2.subsidy_fen) == (dt.date(2021, 7, 10), True, 126410)  # 2452.36×2.5/4.85
        q2_id = q2.id
    with p.session() as s:
        flow.check_subsidy(s, p.cq_office, q2_id, outcome="pass", at=at("2021-07-13"))
    with p.session() as s:
        paid = flow.pay_subsidy(s, p.cq_finance, q2_id, outcome="pass", at=at("2021-07-16"))  # a Friday
        assert paid.credit_due == dt.date(2021, 7, 21)  # Mon 19, Tue 20, Wed 21


def test_refusals_at_each_step_carry_their_reason_to_the_applicant(parties: Parties) -> None:
    p = parties
    first = apply_personal(p)
    with p.session() as s, pytest.raises(Invalid) as blank:
        flow.review_eligibility(s, p.office, first, outcome="refuse", note=" ", at=at("2021-02-23"))
    assert blank.value.field == "note"
    with p.session() as s:
        flow.review_eligibility(s, p.office, first, outcome="refuse", note="创业地不在本辖区", at=at("2021-02-23"))
    with p.session() as s:
        assert flow.timeline(s, p.citizen, first)["application"]["reason"] == "创业地不在本辖区"

    second = apply_personal(p, when=at("2021-02-24"))
    with p.session() as s:
        flow.review_eligibility(s, p.office, second, outcome="pass", lpr="0.0385", guarantor=FUND, bank=BANK_A,
                                at=at("2021-02-25"))
    office_before = len(kinds(p, p.office))
    with p.session() as s:
        flow.review_guarantee(s, p.fund, second, outcome="refuse", note="反担保手续不全", at=at("2021-02-26"))
    assert len(kinds(p, p.office)) == office_before + 1  # 附件2 2: 及时通知借款人和人力资源社会保障部门

    third = apply_personal(p, when=at("2021-03-01"))
    with p.session() as s:
        flow.review_eligibility(s, p.office, third, outcome="pass", lpr="0.0385", guarantor=FUND, bank=BANK_A,
                                at=at("2021-03-01"))
        flow.review_guarantee(s, p.fund, third, outcome="pass", guarantee_no="DB-3", at=at("2021-03-01"))
    with p.session() as s:
        flow.lend(s, p.bank, third, outcome="refuse", note="借款人有其他未结清经营贷款", at=at("2021-03-02"))
    with p.session() as s:
        statuses = [a["status"] for a in flow.mine(s, p.citizen)]
    assert statuses == ["refused", "refused", "refused"]
    assert kinds(p, p.citizen).count("loan_refused") == 3
    refusals = [audit_actions(p, "loan_application", i) for i in (first, second, third)]
    assert [r[-1] for r in refusals] == [("loan_refused", "reviewer"), ("loan_refused", "guarantor"),
                                         ("loan_refused", "bank")]


def test_each_party_sees_only_its_own_work(parties: Parties) -> None:
    p = parties
    app_id = apply_personal(p)
    with p.session() as s:
        for outsider in (p.other_citizen, p.cq_office, p.fund, p.bank, p.other_bank, p.finance, p.cq_bank):
            with pytest.raises(NotFound):
                flow.timeline(s, outsider, app_id)  # not yet routed to a fund or bank; 财政 once lent
        assert [a["id"] for a in flow.queue(s, p.office)["applications"]] == [app_id]
        assert flow.queue(s, p.cq_office)["applications"] == []
    through_to_loan(p, app_id)
    with p.session() as s:
        assert flow.timeline(s, p.bank, app_id)["application"]["bank"] == BANK_A
        assert flow.timeline(s, p.finance, app_id)["application"]["status"] == "active"
        with pytest.raises(NotFound):  # a bank never sees another bank's loans
            flow.timeline(s, p.other_bank, app_id)
        assert flow.overview(s, p.other_bank) == [] and flow.queue(s, p.other_bank)["applications"] == []
        assert [a["id"] for a in flow.overview(s, p.bank)] == [app_id]
        with pytest.raises(NotFound):
            flow.claim_subsidy(s, p.other_bank, app_id, quarter="2021Q1", interest="1.00", at=at("2021-04-06"))
        with pytest.raises(Forbidden):  # the office does not lend, the bank does not review eligibility
            flow.lend(s, p.office, app_id, outcome="refuse", note="x", at=at("2021-04-06"))
        with pytest.raises(Forbidden):
            flow.pay_subsidy(s, p.bank, 1, outcome="pass", at=at("2021-04-06"))


def test_one_open_loan_at_a_time_and_every_wrong_field_at_once(parties: Parties) -> None:
    p = parties
    with p.session() as s, pytest.raises(Invalid) as bad:
        flow.apply(s, p.citizen, borrower="个人", amount="-1", months=0, facts={"category": "?"},
                   materials={"申请人居民身份证": "提交"}, commitment=False, account="", at=FEB_22)
    fields = {e["field"] for e in bad.value.errors}
    assert fields == {"amount", "months", "project", "category", "materials", "commitment", "account"}
    with p.session() as s, pytest.raises(Forbidden):
        flow.apply(s, p.citizen, borrower="小微企业", amount="1", months=1, facts={}, materials={}, commitment=True,
                   account="1", at=FEB_22)
    apply_personal(p)
    with pytest.raises(Conflict):
        apply_personal(p, when=at("2021-02-23"))


def test_the_maturity_reminder_goes_once_a_month_before_and_the_cli_sends_it(parties: Parties, backend_url) -> None:
    from typer.testing import CliRunner

    from kuaiban.cli import app as cli_app

    p = parties
    app_id = apply_personal(p)
    through_to_loan(p, app_id)  # 24 months from 2021-03-03: due 2023-03-03
    with p.session() as s:
        # 鲁人社字〔2020〕27号 第十一条: 在贷款到期前1个月 — not yet on 2023-02-02, due on 2023-02-03
        assert flow.remind_maturities(s, at=at("2023-02-02")) == 0
    runner = CliRunner()
    first = runner.invoke(cli_app, ["programs", "loans", "remind", "--date", "2023-02-03", "--json", "--db",
                                    backend_url])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == '{"sent": 1}'
    again = runner.invoke(cli_app, ["programs", "loans", "remind", "--date", "2023-02-10", "--json", "--db",
                                    backend_url])
    assert again.output.strip() == '{"sent": 0}'
    assert kinds(p, p.citizen).count("loan_reminder") == 1
    bad = runner.invoke(cli_app, ["programs", "loans", "remind", "--date", "明天", "--db", backend_url])
    assert bad.exit_code == 2


def test_the_fourth_loan_is_refused_counting_the_loans_kuaiban_saw_repaid(parties: Parties) -> None:
    p = parties
    with p.session() as s:  # three loans repaid, in kuaiban's own records (the form declares none)
        for _ in range(3):
            app = flow.apply(s, p.citizen, borrower="个人", amount="100000", months=12,
                             facts={"project": "早餐店", "category": "高校毕业生（含大学生村官和留学回国学生）"},
                             materials=MATERIALS, commitment=True, account="6222000000000001", at=FEB_22)
            app.status = "repaid"
            s.flush()
    app_id = apply_personal(p)
    with p.session() as s:
        app = flow.review_eligibility(s, p.office, app_id, outcome="pass", lpr="0.0385", guarantor=FUND,
                                      bank=BANK_A, at=at("2021-03-01"))
        # 鲁人社字〔2020〕27号 第七条: 累计次数不超过3次
        assert app.status == "refused" and app.reason.startswith("此前已享受创业担保贷款 3 次，已达累计次数上限")


def test_two_finance_clerks_paying_the_same_quarter_at_once_pay_it_once(parties: Parties) -> None:
    import threading

    p = parties
    app_id = apply_personal(p)
    through_to_loan(p, app_id)
    with p.session() as s:
        claim_id = flow.claim_subsidy(s, p.bank, app_id, quarter="2021Q2", interest="2175.00", at=at("2021-07-05")).id
    with p.session() as s:
        flow.check_subsidy(s, p.office, claim_id, outcome="pass", at=at("2021-07-06"))
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def pay() -> None:
        start.wait()
        try:
            with p.session() as s:
                flow.pay_subsidy(s, p.finance, claim_id, outcome="pass", at=at("2021-07-07"))
            outcomes.append("paid")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["paid", "refused"]
    paid = [a for a in audit_actions(p, "loan_subsidy", claim_id) if a[0] == "loan_subsidy_paid"]
    assert len(paid) == 1


def test_a_supervisor_opens_a_bank_account_only_with_its_bank(parties: Parties) -> None:
    from kuaiban.platform import auth, staff

    p = parties
    with p.session() as s:
        boss = auth.create_user(s, "sd-sup", "Quiet-Lantern-47-staff", "supervisor", region="370000")
        with pytest.raises(Invalid) as missing:
            staff.create_staff(s, boss, username="jn-bank-c", role="bank", region="370100")
        assert missing.value.field == "agency"
        clerk, _ = staff.create_staff(s, boss, username="jn-bank-c", role="bank", region="370100",
                                      agency=BANK_A)
        assert (clerk.role, clerk.agency) == ("bank", BANK_A)
