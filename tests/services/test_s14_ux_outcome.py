"""失业保险金申领 (1.8.1) in the 失业 一件事 is closed with its result (ux session 14, C7).

人社部发〔2020〕40号 二 (hunan-hrss-2020.txt:5151) prints who is paid — “对参保缴费满1年、非因本人意愿中断就业、
已办理失业登记并有求职要求的失业人员，应及时足额发放失业保险金” — not one person's amount or months: those are the
office's decision, so the reviewer enters them at 办结 (核定 with 每月金额 and 领取月数, or 不予核定 with a reason),
and the applicant reads them. The person's 失业登记 is read through :func:`kuaiban.services.handoffs.standing`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

import kuaiban.handoffs  # noqa: F401  (wires 2.4.1 to the 失业登记 pillar, as the app does)
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant
from kuaiban.platform.notification_models import Notification
from kuaiban.services import cases, handoffs, outcomes
from kuaiban.services.models import Task, TaskOutcome
from kuaiban.unemployment import decision, registration
from tests.unemployment.world import COUNTY, local_application, make_world

SEPT_30 = dt.datetime(2020, 9, 30, 10, 0)
# the bundle's one form (人社部发〔2021〕23号 附件1 三（一）, chongqing-hrss-2021.txt:3783); identity from the account
BUNDLE_FORM = {"证件有效期": "长期", "手机号码": "13800000002", "失业类型(失业原因)": "合同期满", "原工作单位": "样例单位甲",
               "失业时间": "2020-09-01", "户籍地址": "样例路2号", "常住地址": "样例路2号"}
ITEM_FORM = {"AAC005": "01", "AAC011": "30", "AAC033": "1", "AAB299": COUNTY, "AAF016": COUNTY, "AAB301": COUNTY,
             "ADC221": "1", "declaration_signed": True}


@pytest.fixture
def w(backend_url):
    return make_world(backend_url)


def registered(w) -> str:
    """The citizen's 失业登记, filed at the window and approved (“已办理失业登记”, 40号 二): 核定 needs it."""
    with w.session() as s:
        aaz341 = registration.submit(s, w.window, local_application(0), declaration_signed=True, at=SEPT_30).aaz341
    with w.session() as s:
        decision.decide(s, w.reviewer, aaz341, approve=True, version=1, at=SEPT_30 + dt.timedelta(hours=2))
    return aaz341


def _claim_reviewed(w, items=("1.8.1",), item_forms=None):
    """A 失业 case with 1.8.1, accepted and reviewed: ready for 办结."""
    with w.session() as s:
        case = cases.submit(s, w.citizen, "失业", BUNDLE_FORM, items=list(items), at=SEPT_30,
                            item_forms=item_forms or {})
        task = next(t for t in case.tasks if t.item_code == "1.8.1")
        task_id, number = task.id, case.number
    with w.session() as s:
        cases.act(s, w.window, task_id, "accept", at=SEPT_30)
        cases.act(s, w.reviewer, task_id, "review", at=SEPT_30)
    return task_id, number


def test_closing_1_8_1_without_a_result_is_refused_listing_every_missing_entry(w):
    task_id, _ = _claim_reviewed(w)
    with w.session() as s, pytest.raises(Invalid) as err:
        cases.act(s, w.reviewer, task_id, "complete", outcome={"decision": "核定", "monthly_amount": "abc"})
    fields = {e["field"] for e in err.value.errors}
    assert fields == {"outcome.monthly_amount", "outcome.months"}  # both at once, nothing defaulted
    with w.session() as s, pytest.raises(Invalid) as err:
        cases.act(s, w.reviewer, task_id, "complete")
    assert err.value.field == "outcome.decision"
    with w.session() as s, pytest.raises(Invalid) as err:
        cases.act(s, w.reviewer, task_id, "complete", outcome={"decision": "不予核定"})
    assert err.value.field == "outcome.reason"
    with w.session() as s:
        assert s.get(Task, task_id).state == "已审核" and s.scalar(select(TaskOutcome)) is None


def test_a_granted_claim_records_the_office_figures_and_the_applicant_reads_them(w):
    registered(w)
    task_id, number = _claim_reviewed(w)
    with w.session() as s:
        cases.act(s, w.reviewer, task_id, "complete", at=SEPT_30, outcome={
            "decision": "核定", "monthly_amount": "1530", "months": "12", "first_month": "2020-10",
            "account": "6217 0000 0000 1234"})
    with w.session() as s:
        task = s.get(Task, task_id)
        assert task.state == "已办结"
        got = outcomes.outcomes_of(s, [task_id])[task_id]
        assert (got.decision, got.monthly_amount, got.months, got.first_month) == ("核定", Decimal("1530"), 12,
                                                                                   "2020-10")
        summary = "核定失业保险金每月1530.00元，共12个月，自2020年10月起发放，发放至账户尾号1234。"
        assert task.last_reason == summary
        assert cases.task_dict(task)["outcome"]["summary"] == summary
        # the account is personal data: sealed at rest, only its last four digits shown
        raw = s.connection().exec_driver_sql("SELECT details FROM svc_task_outcomes").scalar()
        assert "1234" not in str(raw)
        message = s.scalar(select(Notification).where(Notification.title == "已办结：失业保险金申领"))
        assert summary in message.text and number in message.text


def test_a_claim_not_granted_says_why(w):
    task_id, _ = _claim_reviewed(w)
    with w.session() as s:
        cases.act(s, w.reviewer, task_id, "complete", outcome={"decision": "不予核定", "reason": "参保缴费不满1年",
                                                                "monthly_amount": "999"})
    with w.session() as s:
        got = outcomes.outcomes_of(s, [task_id])[task_id]
        assert got.monthly_amount is None and got.summary() == "不予核定失业保险金。理由：参保缴费不满1年。"


def test_without_an_account_the_social_security_card_account_is_said():
    """23号 附件1 三（三）1 (chongqing-hrss-2021.txt:3795): “默认为社保卡银行账户”."""
    got = outcomes.parse({"decision": "核定", "monthly_amount": "1530.5", "months": "3"})
    assert got.summary() == "核定失业保险金每月1530.50元，共3个月，发放至本人社会保障卡银行账户。"
    with pytest.raises(Invalid) as err:
        outcomes.parse({"decision": "核定", "monthly_amount": "1530.555", "months": "0", "first_month": "2020-13"})
    assert {e["field"] for e in err.value.errors} == {"outcome.monthly_amount", "outcome.months",
                                                      "outcome.first_month"}


def test_closing_the_whole_case_leaves_1_8_1_for_its_own_result(w):
    _, number = _claim_reviewed(w, items=("1.8.1", "1.8.6"))
    with w.session() as s:
        other = s.scalar(select(Task).where(Task.item_code == "1.8.6"))
        cases.act(s, w.window, other.id, "accept", at=SEPT_30)
        cases.act(s, w.reviewer, other.id, "review", at=SEPT_30)
    with w.session() as s:
        step = cases.act_case(s, w.reviewer, number, "complete", at=SEPT_30)
        assert [t.item_code for t in step.moved] == ["1.8.6"]
        assert any(t.item_code == "1.8.1" and "核定结果" in why for t, why in step.skipped)


def test_the_persons_registration_is_found_through_the_handoff_lookup(w):
    with w.session() as s:
        me = s.get(Applicant, w.citizen.applicant_id)
        assert handoffs.standing(s, "2.4.1", me.id_number) is None
    _claim_reviewed(w, items=("2.4.1", "1.8.1"), item_forms={"2.4.1": ITEM_FORM})
    with w.session() as s:
        me = s.get(Applicant, w.citizen.applicant_id)
        found = handoffs.standing(s, "2.4.1", me.id_number)
        assert found.status == "待审核" and found.open and found.ref


def test_the_api_closes_1_8_1_with_its_result_and_returns_it(backend_url):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.unemployment.world import PASSWORD

    w = make_world(backend_url)
    registered(w)
    task_id, _ = _claim_reviewed(w)
    with TestClient(create_app(backend_url)) as client:
        login = client.post("/api/auth/login", json={"username": "reviewer", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        with w.session() as s:
            version = s.get(Task, task_id).version
        bare = client.post(f"/api/tasks/{task_id}/complete", json={"version": version}, headers=headers)
        assert bare.status_code == 422 and "请选择办理结果" in bare.text
        r = client.post(f"/api/tasks/{task_id}/complete", headers=headers, json={
            "version": version, "outcome": {"decision": "核定", "monthly_amount": "1530", "months": 6}})
        assert r.status_code == 200, r.text
        assert r.json()["outcome"]["summary"] == "核定失业保险金每月1530.00元，共6个月，发放至本人社会保障卡银行账户。"


def test_a_grant_while_the_registration_is_pending_or_missing_is_refused(w):
    """40号 二 pays “已办理失业登记” persons: 核定 waits for the 失业登记 (usability review s14 N1: it was a warning and
    the citizen was told it was granted while the registration was 待审核); 不予核定 stays possible."""
    task_id, _ = _claim_reviewed(w)
    grant = {"decision": "核定", "monthly_amount": "1530", "months": "6"}
    with w.session() as s, pytest.raises(Invalid) as refused:
        cases.act(s, w.reviewer, task_id, "complete", outcome=grant)
    assert refused.value.field == "outcome.decision" and "尚无失业登记" in refused.value.message
    with w.session() as s:
        registration.submit(s, w.window, local_application(0), declaration_signed=True, at=SEPT_30)
    with w.session() as s, pytest.raises(Invalid) as refused:
        cases.act(s, w.reviewer, task_id, "complete", outcome=grant)
    assert "失业登记待审核" in refused.value.message
    with w.session() as s:
        cases.act(s, w.reviewer, task_id, "complete", outcome={"decision": "不予核定", "reason": "尚未办理失业登记"})
        assert s.get(Task, task_id).state == "已办结"


@pytest.mark.parametrize(("field", "typed"), [("monthly_amount", "1E+30"), ("monthly_amount", "123456789"),
                                              ("monthly_amount", "1530.125"), ("months", "²"), ("months", "1000"),
                                              ("account", "12345")])
def test_figures_of_impossible_shape_are_refused_at_their_field(field, typed):
    """Shapes, not limits the texts set (review s14: “²” gave a 500, 1E+30 was stored and shown)."""
    values = {"decision": "核定", "monthly_amount": "1530", "months": "6"} | {field: typed}
    with pytest.raises(Invalid) as refused:
        outcomes.parse(values)
    assert {e["field"] for e in refused.value.errors} == {f"outcome.{field}"}
