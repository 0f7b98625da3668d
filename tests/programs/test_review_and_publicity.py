"""Review steps on the working-day calendar, four eyes, the 公示 with objections — shown on a program added
as a file (adding a program is data): Hunan's community → street → district steps and 7-day 公示, with
the 失业保险金 calculator so that it runs in every build."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform import calendar
from kuaiban.platform.errors import Conflict, Forbidden
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims
from kuaiban.programs.models import Entitlement
from tests.programs.conftest import AUG_3

PROGRAM = {
    "code": "test_three_steps", "name": "测试项目（三级审核和公示）", "audience": "citizens", "regions": ["110000"],
    "sources": ["hn22_flexible_review"], "calculator": "unemployment_benefit",
    "calculator_inputs": {"region": "$region_name", "month": "$month",
                          "contribution_months": "form.contribution_months", "benefit_month": "$nth"},
    "claim": {"type": "form", "fields": [{"name": "contribution_months", "label": "累计缴费月数", "type": "integer"}]},
    "steps": [{"code": "community", "name": "社区（村）资料录入和调查", "role": "window", "working_days": 3,
               "source": "hn22_flexible_review"},
              {"code": "street", "name": "街道（乡镇）确认", "role": "reviewer", "working_days": 3,
               "source": "hn22_flexible_review"},
              {"code": "district", "name": "当地人力资源和社会保障部门审核", "role": "reviewer",
               "source": "hn22_flexible_review"}],
    "publicity": {"days": 7, "source": "hn22_flexible_publicity"},
    "schedule": {"months": 2},
    "payment": {"to": "本人社会保障卡账户或银行卡"},
    "stops": [{"code": "fraud", "label": "骗取补贴", "action": "recover", "from": "start", "source": "hn22_recovery"}],
}


@pytest.fixture
def added_program(add_program):
    return add_program(PROGRAM)


def _through_review(town, code):
    with town.session() as s:
        claim = claims.submit(s, town.citizen, code, month="2020-08", facts={"contribution_months": 70},
                              account="6222000000000001", at=AUG_3)
    assert claim.step_due == calendar.deadline(AUG_3, working_days=3)
    with town.session() as s:
        queue = claims.queue(s, town.window, today=dt.date(2020, 8, 10))
        assert [(r["id"], r["step"], r["overdue"]) for r in queue] == [(claim.id, "社区（村）资料录入和调查", True)]
        assert claims.queue(s, town.hunan_reviewer) == []  # another region's staff do not see it
        claims.act(s, town.window, claim.id, outcome="pass", version=claim.version, at=AUG_3)
    with town.session() as s:  # the street's step is the reviewers': it leaves the window's queue
        assert claims.queue(s, town.window) == []
        assert [r["step"] for r in claims.queue(s, town.reviewer)] == ["街道（乡镇）确认"]
        assert [r["id"] for r in claims.overdue(s, town.supervisor, today=dt.date(2020, 8, 10))] == [claim.id]
    with town.session() as s, pytest.raises(Conflict):  # a stale page: someone acted since
        claims.act(s, town.reviewer, claim.id, outcome="pass", version=claim.version, at=AUG_3)
    with town.session() as s:
        claims.act(s, town.reviewer, claim.id, outcome="pass", at=AUG_3)
    with town.session() as s, pytest.raises(Forbidden, match="另一名工作人员"):
        claims.act(s, town.reviewer, claim.id, outcome="pass", at=AUG_3)
    with town.session() as s:
        done = claims.act(s, town.reviewer2, claim.id, outcome="pass", at=AUG_3)
        assert done.status == "publicity" and done.publicity_until == dt.date(2020, 8, 10)
    return claim


def test_three_steps_then_seven_days_of_public_notice_then_the_schedule(sqlite_town, added_program) -> None:
    town = sqlite_town
    claim = _through_review(town, added_program)
    with town.session() as s:
        listed = claims.publicity_list(s)
        assert [(r["id"], r["name"]) for r in listed] == [(claim.id, "测**")]
        objection = claims.object_to(s, town.other_citizen, claim.id, "申请人已在外地就业", at=AUG_3)
    with town.session() as s, pytest.raises(Conflict, match="公示期至"):
        claims.close_publicity(s, town.reviewer, claim.id, at=dt.datetime(2020, 8, 10, 9))
    with town.session() as s, pytest.raises(Conflict, match="异议未核实"):
        claims.close_publicity(s, town.reviewer, claim.id, at=dt.datetime(2020, 8, 11, 9))
    with town.session() as s:
        claims.resolve(s, town.reviewer, objection.id, upheld=False, note="经核查缴费记录，未在外地参保")
        approved = claims.close_publicity(s, town.reviewer, claim.id, at=dt.datetime(2020, 8, 11, 9))
        assert approved.status == "approved"
        assert s.scalars(select(Entitlement.month).where(Entitlement.claim_id == claim.id)
                         .order_by(Entitlement.month)).all() == ["2020-08", "2020-09"]
        kinds = [n.kind for n in s.scalars(select(Notification).order_by(Notification.id))]
        assert kinds == ["program_received", "program_step", "program_step", "program_publicity", "program_approved"]


def test_an_upheld_objection_refuses_the_claim_and_tells_the_claimant(sqlite_town, added_program) -> None:
    town = sqlite_town
    claim = _through_review(town, added_program)
    with town.session() as s:
        objection = claims.object_to(s, town.other_citizen, claim.id, "申请人已重新就业", at=AUG_3)
    with town.session() as s:
        claims.resolve(s, town.reviewer, objection.id, upheld=True, note="比对发现已重新就业")
    with town.session() as s:
        refused = s.get(type(claim), claim.id)
        assert refused.status == "refused" and refused.reasons == ["公示期间收到异议，经核实：比对发现已重新就业"]
        last = s.scalar(select(Notification).order_by(Notification.id.desc()).limit(1))
        assert last.kind == "program_refused" and "比对发现已重新就业" in last.text
