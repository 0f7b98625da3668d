"""From decision to deregistration: result records, conflicts, contact and monthly follow-up, the service
package, and every exit reason with its system action."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kuaiban.config import DATA
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import models as m
from kuaiban.unemployment.decision import decide, mark_results_uploaded, overdue, queue, results_to_upload
from kuaiban.unemployment.deregistration import deregister, exit_reasons, exits_to_upload, mark_exits_uploaded
from kuaiban.unemployment.lifecycle import (
    followup_state,
    followups_due,
    proposals,
    record_followup,
    record_service,
    service_package,
    services_state,
)
from kuaiban.unemployment.records import load_code_tables
from kuaiban.unemployment.registration import submit
from kuaiban.unemployment.validate import validate_record
from tests.unemployment.world import SEPT_30, local_application, make_world

DECIDED = dt.datetime(2020, 10, 9, 9, 0)


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def _filed(world, n=1, at=SEPT_30, **overrides):
    with world.session() as s:
        return submit(s, world.window, local_application(n, **overrides), declaration_signed=True, at=at)


def _registered(world, n=1, at=DECIDED, **overrides):
    reg = _filed(world, n, **overrides)
    with world.session() as s:
        return decide(s, world.reviewer, reg.aaz341, approve=True, version=reg.version, at=at)


# --------------------------------------------------------------------------- decision


def test_approved_registration_produces_valid_result_record(world):
    reg = _registered(world)
    assert reg.status == m.REGISTERED and reg.decision == "1"
    result = reg.result
    assert validate_record(result, "result", today=DECIDED.date()) == []
    assert result["AAZ341"] == reg.aaz341 and result["AAB301"] == reg.aab301 and result["AAE540"] == "1"
    assert result["AAE011"] == "审核样例" and result["AAE036"] == "20201009"
    assert "AAE360" not in result and "ADC201" not in result  # local case: no platform number
    # everything the applicant declared comes back unchanged, 失业时间 as the month the result's layout asks
    # for (格式为YYYYMM: hunan-hrss-2020.txt:3670, shandong-2020.txt:2176)
    assert {k: v for k, v in result.items() if k in reg.application} == reg.application | {"AJC090": "202006"}


def test_rejection_requires_reason(world):
    reg = _filed(world)
    with world.session() as s, pytest.raises(Invalid) as err:
        decide(s, world.reviewer, reg.aaz341, approve=False, reason="  ", version=1, at=DECIDED)
    assert err.value.field == "AAE360" and "不通过原因" in err.value.message
    with world.session() as s:
        rejected = decide(s, world.reviewer, reg.aaz341, approve=False, reason="经核实仍在职（样例）", version=1,
                          at=DECIDED)
    assert rejected.status == m.REJECTED and rejected.result["AAE540"] == "2"
    assert rejected.result["AAE360"] == "经核实仍在职（样例）"
    assert validate_record(rejected.result, "result", today=DECIDED.date()) == []


def test_long_address_is_shortened_in_the_result_and_kept_whole_locally(world):
    """docs/unemployment-spec.md reading 3: AAC010 may be 150 in the application, 100 in the result."""
    address = "样例省样例市样例区样例街道" + "样" * 107
    reg = _registered(world, AAC010=address)
    assert len(address) == 120 and reg.application["AAC010"] == address
    assert reg.result["AAC010"] == address[:100]
    assert "AAC010" in reg.result_notes[0] and "截取" in reg.result["AAE013"]


def test_employment_place_is_noted_in_the_result_remark(world):
    with world.session() as s:
        filed = submit(s, world.window, local_application(2), place_basis="就业地", declaration_signed=True,
                       at=SEPT_30)
    with world.session() as s:
        done = decide(s, world.reviewer, filed.aaz341, approve=True, version=1, at=DECIDED)
    assert done.result["AAE013"] == "登记地依据：就业地（人社厅发〔2020〕79号）"


def test_two_reviewers_conflict(world):
    reg = _filed(world)
    with world.session() as first, world.session() as second:
        seen_by_second = second.get(m.Registration, reg.id).version
        decide(first, world.reviewer, reg.aaz341, approve=True, version=1, at=DECIDED)
        first.commit()
        with pytest.raises(Conflict) as err:
            decide(second, world.reviewer2, reg.aaz341, approve=False, reason="样例", version=seen_by_second,
                   at=DECIDED)
    assert err.value.field == "version" and "已被他人处理" in err.value.message
    with world.session() as s:
        assert s.get(m.Registration, reg.id).status == m.REGISTERED


def test_only_reviewers_of_the_region_decide(world):
    reg = _filed(world)
    with world.session() as s, pytest.raises(Forbidden):
        decide(s, world.window, reg.aaz341, approve=True, version=1, at=DECIDED)
    with world.session() as s, pytest.raises(Forbidden):
        decide(s, world.outsider, reg.aaz341, approve=True, version=1, at=DECIDED)


def test_overdue_decisions_are_listed(world):
    late = _filed(world, 1)  # due 2020-10-12
    _filed(world, 2, at=dt.datetime(2020, 10, 12, 9))  # due 2020-10-15
    with world.session() as s:
        assert [r.aaz341 for r in overdue(s, world.reviewer, at=dt.datetime(2020, 10, 13, 9))] == [late.aaz341]
        assert len(queue(s, world.supervisor)) == 2  # the city's supervisor sees the county
        assert queue(s, world.outsider) == []


def test_decided_results_queue_for_upload_once(world):
    reg = _registered(world)
    _filed(world, 2)
    with world.session() as s:
        waiting = results_to_upload(s)
        assert [r.aaz341 for r in waiting] == [reg.aaz341]
        assert mark_results_uploaded(s, [reg.id], dt.datetime(2020, 10, 9, 10)) == 1
    with world.session() as s:
        assert results_to_upload(s) == []


def test_every_state_change_is_audited(world):
    reg = _registered(world)
    with world.session() as s:
        record_followup(s, world.window, reg.aaz341, method="电话调查", outcome="仍处失业", at=DECIDED)
        deregister(s, world.window, reg.aaz341, reason_code="26", version=reg.version, at=DECIDED)
    with world.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "ue_registration",
                                                            AuditEntry.entity_id == reg.id).order_by(AuditEntry.id))
        assert list(actions) == ["ue_submit", "ue_decide", "ue_followup", "ue_deregister"]


# --------------------------------------------------------------------------- contact, follow-up, services


def test_first_contact_due_within_five_working_days(world):
    reg = _registered(world)  # registered Friday 2020-10-09; 10-10 is a make-up working day
    assert reg.contact_due_at == dt.datetime(2020, 10, 15, 23, 59, 59)
    with world.session() as s:
        due = followups_due(s, world.window, on=dt.datetime(2020, 10, 14, 9))
        assert [(d["aaz341"], d["contact"]) for d in due] == [(reg.aaz341, "due")]
        assert followups_due(s, world.window, on=dt.datetime(2020, 10, 16, 9))[0]["contact"] == "overdue"
        record_followup(s, world.window, reg.aaz341, method="短信", outcome="仍处失业",
                        at=dt.datetime(2020, 10, 12, 9))
    with world.session() as s:
        assert followups_due(s, world.window, on=dt.datetime(2020, 10, 20, 9)) == []


def test_data_match_is_a_follow_up_but_not_a_contact(world):
    reg = _registered(world)
    with world.session() as s:
        record_followup(s, world.window, reg.aaz341, method="信息比对", outcome="仍处失业",
                        at=dt.datetime(2020, 10, 12, 9))
        with pytest.raises(Invalid) as err:
            record_followup(s, world.window, reg.aaz341, method="信息比对", outcome="无法联系",
                            at=dt.datetime(2020, 10, 12, 9))
        assert err.value.field == "outcome"
    with world.session() as s:
        state = followup_state(s.get(m.Registration, reg.id), dt.datetime(2020, 10, 20, 9))
        assert state["contact"] == "overdue"


def test_month_without_follow_up_is_listed_as_missed(world):
    reg = _registered(world)
    with world.session() as s:
        record_followup(s, world.window, reg.aaz341, method="电话调查", outcome="仍处失业",
                        at=dt.datetime(2020, 10, 12, 9))
        record_followup(s, world.window, reg.aaz341, method="信息比对", outcome="仍处失业",
                        at=dt.datetime(2020, 12, 3, 9))
    with world.session() as s:
        state = followup_state(s.get(m.Registration, reg.id), dt.datetime(2021, 1, 5, 9))
    assert state["missed_months"] == ["2020-11"] and state["this_month"] == "due"


def test_service_package_is_recorded_once_per_service(world):
    reg = _registered(world)
    assert [s.clause for s in service_package()][:4] == ["四（一）", "四（二）", "四（二）", "四（二）"]
    with world.session() as s:
        record_service(s, world.window, reg.aaz341, "policy_list", at=DECIDED)
        with pytest.raises(Conflict):
            record_service(s, world.window, reg.aaz341, "policy_list", at=DECIDED)
        with pytest.raises(Invalid):
            record_service(s, world.window, reg.aaz341, "free_lunch", at=DECIDED)
    with world.session() as s:
        state = services_state(s, s.get(m.Registration, reg.id))
    provided = [x["key"] for x in state if x["provided_at"]]
    assert provided == ["policy_list"] and len(state) == 9
    assert all(x["source"]["doc_no"] == "人社厅发〔2020〕3号" for x in state)


# --------------------------------------------------------------------------- deregistration


def test_exit_reasons_are_the_code_table_each_with_clause_and_action():
    table = load_code_tables()["exit_reason"].codes
    reasons = exit_reasons()
    assert set(reasons) == set(table) and len(reasons) == 12  # 11 named grounds + 90 其他
    for code, reason in reasons.items():
        assert reason.name == table[code]
        assert reason.clause["doc_no"] in ("人社厅发〔2020〕3号", "人社厅发〔2020〕79号")
        assert reason.action in ("end", "record_employer", "record_business", "choose_sub_reason",
                                 "derived_refusals", "derived_unreachable", "local_ground")
    raw = yaml.safe_load((DATA / "unemployment" / "deregistration.yaml").read_text(encoding="utf-8"))
    assert raw["source"][0]["lines"] == [3433, 3441]


def test_death_deregistration_needs_no_notice(world):
    """3号 五: 注销…并以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法取得联系的除外）."""
    reg = _registered(world)
    with world.session() as s:
        row = deregister(s, world.window, reg.aaz341, reason_code="26", version=reg.version,
                         effective_on=dt.date(2020, 10, 20), at=dt.datetime(2020, 10, 21, 9))
        assert row.notice_required is False and row.registration.status == m.DEREGISTERED
        exit_record = row.exit_record
    assert validate_record(exit_record, "exit", today=dt.date(2020, 10, 21)) == []
    assert exit_record["AJC00A"] == "26" and exit_record["ADC210"] == "20201020"
    assert exit_record["AAZ341"] != reg.aaz341 and len(exit_record["AAZ341"]) == 18
    with world.session() as s:
        assert [d.aaz341 for d in exits_to_upload(s)] == [exit_record["AAZ341"]]
        assert mark_exits_uploaded(s, [row.id], dt.datetime(2020, 10, 22)) == 1
        assert exits_to_upload(s) == []


def test_employment_deregistration_records_employer_and_tells_the_person(world):
    reg = _registered(world)
    with world.session() as s, pytest.raises(Invalid) as err:
        deregister(s, world.window, reg.aaz341, reason_code="11", version=reg.version, at=DECIDED)
    assert err.value.field == "employer"
    with world.session() as s:
        row = deregister(s, world.window, reg.aaz341, reason_code="11", employer="样例有限公司",
                         version=reg.version, at=DECIDED)
    assert row.notice_required and row.employer == "样例有限公司" and row.exit_record["AAE013"] == "单位：样例有限公司"


def test_emigration_needs_no_notice_but_study_does(world):
    first, second = _registered(world, 1), _registered(world, 2)
    with world.session() as s:
        with pytest.raises(Invalid) as err:
            deregister(s, world.window, first.aaz341, reason_code="24", version=first.version, at=DECIDED)
        assert err.value.field == "sub_reason"
        abroad = deregister(s, world.window, first.aaz341, reason_code="24", sub_reason="移居境外",
                            version=first.version, at=DECIDED)
        school = deregister(s, world.window, second.aaz341, reason_code="24", sub_reason="入学",
                            version=second.version, at=DECIDED)
    assert (abroad.notice_required, school.notice_required) == (False, True)


def test_pension_deregistration_ends_the_registration_and_cannot_repeat(world):
    reg = _registered(world)
    with world.session() as s:
        deregister(s, world.reviewer, reg.aaz341, reason_code="21", version=reg.version, at=DECIDED)
    with world.session() as s, pytest.raises(Conflict):
        deregister(s, world.reviewer, reg.aaz341, reason_code="21", version=reg.version + 1, at=DECIDED)


def test_other_reason_needs_the_local_ground(world):
    reg = _registered(world)
    with world.session() as s, pytest.raises(Invalid) as err:
        deregister(s, world.window, reg.aaz341, reason_code="90", version=reg.version, at=DECIDED)
    assert err.value.field == "note"


def _followups(world, reg, entries):
    with world.session() as s:
        for at, method, outcome in entries:
            record_followup(s, world.window, reg.aaz341, method=method, outcome=outcome, at=at)


def test_three_refusals_propose_deregistration_confirmed_with_a_note(world):
    reg = _registered(world)
    _followups(world, reg, [(dt.datetime(2020, 10, 12 + k, 9), "电话调查", "拒绝服务") for k in range(3)])
    on = dt.datetime(2020, 10, 20, 9)
    with world.session() as s:
        found = proposals(s.get(m.Registration, reg.id), on)
        assert [p["reason_code"] for p in found] == ["31"]
        with pytest.raises(Invalid) as err:  # 79号 一（四）: 不能简单以…为由注销
            deregister(s, world.window, reg.aaz341, reason_code="31", version=reg.version, at=on)
        assert err.value.field == "note"
        row = deregister(s, world.window, reg.aaz341, reason_code="31", version=reg.version, at=on,
                         note="经电话核实本人无正当理由拒绝服务（样例）")
    assert row.evidence == {"followups": found[0]["followups"]} and row.notice_required


def test_refusal_deregistration_without_the_records_is_refused(world):
    reg = _registered(world)
    _followups(world, reg, [(dt.datetime(2020, 10, 12, 9), "电话调查", "拒绝服务"),
                            (dt.datetime(2020, 10, 13, 9), "电话调查", "仍处失业"),
                            (dt.datetime(2020, 10, 14, 9), "电话调查", "拒绝服务")])
    with world.session() as s, pytest.raises(Invalid) as err:
        deregister(s, world.window, reg.aaz341, reason_code="31", version=reg.version, note="样例",
                   at=dt.datetime(2020, 10, 20, 9))
    assert err.value.field == "reason_code"


def _monthly_unreachable(first_month: int, months: int):
    out = []
    for k in range(months):
        y, mo = (2020, first_month + k) if first_month + k <= 12 else (2021, first_month + k - 12)
        out.append((dt.datetime(y, mo, 15 if (y, mo) != (2020, 10) else 12, 9), "电话调查", "无法联系"))
    return out


def test_six_months_without_contact_proposes_deregistration(world):
    reg = _registered(world)
    _followups(world, reg, _monthly_unreachable(10, 6))  # 2020-10 … 2021-03
    with world.session() as s:
        found = proposals(s.get(m.Registration, reg.id), dt.datetime(2021, 3, 20))
        assert [p["reason_code"] for p in found] == ["32"]
        due = followups_due(s, world.window, on=dt.datetime(2021, 3, 20))
        assert due[0]["proposals"][0]["reason_code"] == "32"
        row = deregister(s, world.window, reg.aaz341, reason_code="32", version=reg.version,
                         at=dt.datetime(2021, 3, 20), note="实地走访亦未找到本人（样例）")
    assert row.notice_required is False  # 无法取得联系: no notice (3号 五)


def test_five_months_without_contact_proposes_nothing(world):
    reg = _registered(world)
    _followups(world, reg, _monthly_unreachable(10, 5))
    with world.session() as s:
        assert proposals(s.get(m.Registration, reg.id), dt.datetime(2021, 3, 20)) == []


def test_a_month_without_any_attempt_breaks_the_unreachable_run(world):
    reg = _registered(world)
    months = _monthly_unreachable(10, 7)
    del months[3]  # no attempt at all in 2021-01
    _followups(world, reg, months)
    with world.session() as s:
        assert proposals(s.get(m.Registration, reg.id), dt.datetime(2021, 4, 20)) == []


class _F:
    """A follow-up as the proposal rules see it (no database needed for the property)."""

    def __init__(self, i, at, outcome):
        self.id, self.at, self.outcome, self.method = i, at, outcome, "电话调查"


class _R:
    def __init__(self, followups):
        self.followups = followups


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["仍处失业", "已就业", "拒绝服务", "无法联系"])),
                max_size=20))
def test_proposals_follow_only_from_the_latest_attempts(entries):
    """Whatever came before, a successful contact as the latest attempt means nothing is proposed;
    and a 32 proposal always rests on unreachable attempts in six or more distinct months."""
    start = dt.datetime(2020, 10, 12)
    followups = [_F(i, start + dt.timedelta(days=d), o) for i, (d, o) in enumerate(sorted(entries))]
    reg = _R(followups)
    found = {p["reason_code"]: p["followups"] for p in proposals(reg, start + dt.timedelta(days=500))}
    if followups and followups[-1].outcome in ("仍处失业", "已就业"):
        assert found == {}
    if "32" in found:
        chosen = [f for f in followups if f.id in found["32"]]
        assert all(f.outcome == "无法联系" for f in chosen)
        assert len({(f.at.year, f.at.month) for f in chosen}) >= 6
    if "31" in found:
        assert [f.outcome for f in followups[-3:]] == ["拒绝服务"] * 3
