"""A 公示 the text asks for without printing its days (``publicity: {days: office}``) on an ordinary claim: the
caseworker who passes the last review step sets the days, and the 公示 opens with them; the claimant is told the
days were set by the office. 鲁人社函〔2020〕69号's form: 学院意见、学校意见 “经公示无异议，同意上报” (no days).
Also the program it unblocks: 2021届毕业生求职创业补贴（山东）, claim → school review → 公示 → decision → payroll."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.notification_models import Notification as Message
from kuaiban.programs import claims, definitions, publicity
from kuaiban.programs.models import ClaimEvent
from tests.programs.conftest import STAFF_PASSWORD
from tests.programs.helpers import decide_after_publicity, entitlement_rows, new_citizen, new_staff, paid_once

PROGRAM = "sd_job_search_subsidy_2021"
OCT_9 = dt.datetime(2020, 10, 9, 9, 0)  # a Friday, before the schools' 10月20日
FACTS = {"school": "测试职业学院", "school_kind": "全日制普通高等学校", "graduating_and_seeking": "是",
         "graduation_year": "2021", "category": "低保家庭"}
ACCOUNT = "6222000000000066"


def graduate(town, username: str):
    return new_citizen(town, username, "370102", name="测试己", born=dt.date(1999, 5, 1))[0]


def staff(town, username: str, role: str):
    return new_staff(town, username, role, "370000")


def submitted(town, user, at: dt.datetime = OCT_9, facts: dict | None = None) -> int:
    with town.session() as s:
        return claims.submit(s, user, PROGRAM, facts=facts or FACTS, account=ACCOUNT, at=at).id


# ---------------------------------------------------------------- the mechanism


def test_the_last_step_asks_for_the_days_and_nothing_else_takes_them(sqlite_town) -> None:
    town = sqlite_town
    school = staff(town, "sd69-rev", "reviewer")
    claim_id = submitted(town, graduate(town, "sd69-a"))
    with town.session() as s, pytest.raises(Invalid, match="未规定公示天数，由经办机构确定") as missing:
        claims.act(s, school, claim_id, outcome="pass", at=OCT_9)
    assert missing.value.field == "publicity_days"
    for days in ("0", "91", "七"):
        with town.session() as s, pytest.raises(Invalid, match="公示天数"):
            claims.act(s, school, claim_id, outcome="pass", publicity_days=days, at=OCT_9)
    with town.session() as s, pytest.raises(Invalid, match="通过最后一个审核环节时填写"):
        claims.act(s, school, claim_id, outcome="refuse", note="材料不全", publicity_days=5, at=OCT_9)
    # a program whose text prints its days keeps them: 天津 78号's 5 working days are not the office's to set
    tianjin = definitions.get("tj_job_search_subsidy")
    assert not publicity.asks_office_days(tianjin, type("C", (), {"status": "reviewing", "step": 0})())
    with pytest.raises(Invalid, match="本环节不设定公示天数"):
        publicity.check_office_days(tianjin, type("C", (), {"status": "reviewing", "step": 0})(), 5)


def test_the_days_set_open_the_publicity_and_the_claimant_is_told_who_set_them(sqlite_town) -> None:
    town = sqlite_town
    school = staff(town, "sd69-rev2", "reviewer")
    user = graduate(town, "sd69-b")
    claim_id = submitted(town, user)
    with town.session() as s:
        claim = claims.act(s, school, claim_id, outcome="pass", publicity_days=5, at=OCT_9)
        assert (claim.status, claim.publicity_until) == ("publicity", dt.date(2020, 10, 14))  # 5 calendar days
        assert claim.facts[publicity.OFFICE_DAYS] == 5
        note = s.scalar(select(ClaimEvent.note).where(ClaimEvent.claim_id == claim_id, ClaimEvent.step == "publicity"))
        told = s.scalar(select(Message.text).where(Message.kind == "program_publicity").order_by(Message.id.desc()))
        listed = publicity.public_list(s, program=PROGRAM, today=dt.date(2020, 10, 12))
    assert note == "公示5天（文件未规定公示天数，由经办机构确定）"
    assert "公示5天（文件未规定公示天数，由经办机构确定）（至 2020-10-14）" in told
    assert [i["claim"] for g in listed["groups"] for i in g["items"]] == [claim_id]
    assert listed["programs"][0]["period"] == "由经办机构确定"
    assert listed["programs"][0]["source"]["quote"] == "该生填报情况属实，经公示无异议，同意上报。"


# ---------------------------------------------------------------- 2021届毕业生求职创业补贴（山东）


def test_a_graduate_is_reviewed_published_for_the_days_set_decided_and_paid_once(sqlite_town) -> None:
    town = sqlite_town
    school, province = staff(town, "sd69-rev3", "reviewer"), staff(town, "sd69-sup", "supervisor")
    claim_id = submitted(town, graduate(town, "sd69-c"))
    with town.session() as s:
        claim = s.get(claims.Claim, claim_id)
        assert (claim.status, claim.month, claim.monthly_fen) == ("reviewing", "2020-10", 100000)  # 低保家庭 1000元
        claims.act(s, school, claim_id, outcome="pass", publicity_days=7, at=OCT_9)
    # 无异议: 同意上报、省厅复核、拨付
    assert decide_after_publicity(town, province, claim_id, too_early=dt.datetime(2020, 10, 16, 17),
                                  after=dt.datetime(2020, 10, 19, 9), match="公示期至 2020-10-16") == "approved"
    assert entitlement_rows(town, claim_id) == [("2020-10", 100000)]
    assert paid_once(town, PROGRAM, "370000", "2020-10", province) == (1, 100000, 0)  # October, then November: none


def test_refusals_once_a_person_a_group_outside_the_list_an_objection_and_after_october(sqlite_town) -> None:
    town = sqlite_town
    school, province = staff(town, "sd69-rev4", "reviewer"), staff(town, "sd69-sup2", "supervisor")
    user = graduate(town, "sd69-d")
    first = submitted(town, user, facts=FACTS | {"category": "在学期间获得国家助学贷款"})
    with town.session() as s:
        assert s.get(claims.Claim, first).monthly_fen == 60000  # 其他人员 600元/人
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):
        claims.submit(s, user, PROGRAM, facts=FACTS, account=ACCOUNT, at=OCT_9 + dt.timedelta(days=1))
    outside = submitted(town, graduate(town, "sd69-e"), facts=FACTS | {"category": "不属于所列困难类别"})
    with town.session() as s:
        assert s.get(claims.Claim, outside).status == "refused"
    neighbour, late = graduate(town, "sd69-f"), graduate(town, "sd69-g")
    with town.session() as s:  # an upheld objection during the 公示 refuses the claim
        claims.act(s, school, first, outcome="pass", publicity_days=3, at=OCT_9)
        objection = claims.object_to(s, neighbour, first, "该生家庭不属于低保家庭",
                                     at=OCT_9 + dt.timedelta(days=1))
        claims.resolve(s, province, objection.id, upheld=True, note="经核实，不属于所列困难类别",
                       at=OCT_9 + dt.timedelta(days=2))
        assert s.get(claims.Claim, first).status == "refused"
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):
        claims.submit(s, late, PROGRAM, facts=FACTS, account=ACCOUNT,
                      at=dt.datetime(2020, 11, 2, 9))


def test_the_api_and_the_claim_page_take_the_days_at_the_last_step(tmp_path) -> None:
    """``POST /api/programs/claims/{id}/act`` takes ``publicity_days`` (optional: every other program's call is
    unchanged); the claim page shows the field only where the office sets the days."""
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.programs.conftest import make_town
    from tests.web.forms import post_login

    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    town = make_town(url)
    staff(town, "sd69-api", "reviewer")
    claim_id = submitted(town, graduate(town, "sd69-h"))
    with TestClient(create_app(url)) as client:
        assert post_login(client, "sd69-api", STAFF_PASSWORD).status_code == 303
        page = client.get(f"/programs/claims/{claim_id}").text
        assert 'name="publicity_days"' in page and "未规定天数，由经办机构确定" in page
        token = client.post("/api/auth/login", json={"username": "sd69-api", "password": STAFF_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        missing = client.post(f"/api/programs/claims/{claim_id}/act", headers=headers, json={"outcome": "pass"})
        assert missing.status_code == 422 and missing.json()["field"] == "publicity_days"
        done = client.post(f"/api/programs/claims/{claim_id}/act", headers=headers,
                           json={"outcome": "pass", "publicity_days": 6})
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["status"] == "publicity"
        assert any(h["note"] == "公示6天（文件未规定公示天数，由经办机构确定）" for h in body["history"])


def test_claims_close_on_the_schools_day_20_october(sqlite_town) -> None:
    """鲁人社函〔2020〕69号 二（二）: 各高校于10月20日前完成申报、审核 — the 20th itself still takes a claim (“前”
    read as for 60号's 6月10日前), the 21st is refused naming the day."""
    town = sqlite_town
    assert submitted(town, graduate(town, "sd69-oct20"), at=dt.datetime(2020, 10, 20, 16, 0))
    with pytest.raises(Invalid, match="受理期已结束（截至 2020年10月20日") as late:
        submitted(town, graduate(town, "sd69-oct21"), at=dt.datetime(2020, 10, 21, 9, 0))
    assert late.value.field == "program"
