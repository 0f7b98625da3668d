"""Three trust gaps closed (s15): 累计缴费月数 comes from 参保缴费记录, not the applicant's word (an applicant's
figure is only ever paid after a caseworker checked it); a 受理期 printed to the day (6月10日) ends on that day;
the months an office enters at the decision are capped at the text's maximum (最长3个月)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform import auth
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, definitions, register_facts, registers, window
from tests.programs.conftest import AUG_3, PASSWORD, STAFF_PASSWORD
from tests.programs.helpers import new_citizen

SUBSIDY = "bj_unemployment_subsidy"  # 系统自动比对审核: approved without a caseworker when nothing is flagged
TYPED = {"contribution_months": 6, "unemployment_benefit_exhausted": "是"}  # 6 months typed: 880 元 if believed


def _contributions(town, number: str, **facts) -> None:
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True, **facts})
        registers.put(s, "benefits", "本市失业保险待遇信息", number, {"receiving_benefit": False})


def _submit(town, facts=TYPED):
    with town.session() as s:
        return claims.submit(s, town.citizen, SUBSIDY, month="2020-08", facts=facts, account="6222000000000001",
                             commitment=True, at=AUG_3)


def _texts(town, claim_id: int) -> list[str]:
    with town.session() as s:
        return list(s.scalars(select(Notification.text).where(Notification.link == f"/programs/claims/{claim_id}")
                              .order_by(Notification.id)))


def test_the_register_months_are_used_even_when_the_applicant_typed_another_figure(sqlite_town) -> None:
    town = sqlite_town
    _contributions(town, town.citizen_number, months=36)
    claim = _submit(town)
    assert claim.status == "approved" and claim.flags == []
    assert claim.facts["contribution_months"] == 36 and claim.monthly_fen == 140800  # 满1年: 1408 元, not 880
    assert claim.facts[register_facts.ORIGIN] == {"contribution_months": {"register": "contributions", "typed": 6}}
    with town.session() as s:
        shown = claims.claim_dict(s, s.get(type(claim), claim.id))
    assert shown["explanation"][0]["text"] == "在京累计参保缴费月数 36：来自参保缴费记录（申请人填写的 6 与记录不一致，按记录计算）"
    assert shown["explanation"][0]["source"]["doc_no"] == "京人社发[2020]8号"
    received, approved = _texts(town, claim.id)
    assert "来自参保缴费记录" in received and "来自参保缴费记录" in approved


def test_the_applicant_need_not_type_what_the_register_gives_and_the_form_shows_it(sqlite_town) -> None:
    town = sqlite_town
    _contributions(town, town.citizen_number, months=36)
    with town.session() as s:
        assert claims.prefilled(s, town.citizen, SUBSIDY) == {
            "contribution_months": {"value": 36, "register": "参保缴费记录"}}
    claim = _submit(town, {"unemployment_benefit_exhausted": "是"})
    assert claim.status == "approved" and claim.facts["contribution_months"] == 36
    assert claim.facts[register_facts.ORIGIN] == {"contribution_months": {"register": "contributions"}}


def test_a_register_without_the_months_keeps_the_typed_figure_flagged_for_a_caseworker(sqlite_town) -> None:
    town = sqlite_town
    _contributions(town, town.citizen_number)  # a record, but no 累计缴费月数 in it
    with town.session() as s:
        assert claims.prefilled(s, town.citizen, SUBSIDY) == {}
    with pytest.raises(Invalid, match="请填写在京累计参保缴费月数"):  # nothing to take it from: the applicant's
        _submit(town, {"unemployment_benefit_exhausted": "是"})
    claim = _submit(town)
    assert claim.status == "reviewing" and claim.monthly_fen == 88000  # computed, not paid: a caseworker first
    assert claim.flags == ["在京累计参保缴费月数（6）为申请人填写，参保缴费记录中没有在京累计参保缴费月数，请经办机构核实后办理"]
    assert claim.facts[register_facts.ORIGIN] == {"contribution_months": {"applicant": True}}
    with town.session() as s:
        assert [r["id"] for r in claims.queue(s, town.reviewer)] == [claim.id]
        claims.act(s, town.reviewer, claim.id, outcome="pass", note="已核实缴费月数")
    with town.session() as s:
        shown = claims.claim_dict(s, s.get(type(claim), claim.id))
    assert shown["status"] == "approved"
    assert shown["explanation"][0]["text"] == "在京累计参保缴费月数 6：申请人填写（经办机构核实）"
    assert "申请人填写（经办机构核实）" in _texts(town, claim.id)[-1]


def test_a_caseworker_may_enter_the_checked_months_which_then_decide_the_amount(sqlite_town) -> None:
    town = sqlite_town
    _contributions(town, town.citizen_number)  # no months in the record: the applicant's 6, flagged
    claim = _submit(town)
    with town.session() as s, pytest.raises(Invalid, match="没有这项官方数字"):
        claims.act(s, town.reviewer, claim.id, outcome="pass", figures_entered={"unemployment_benefit_exhausted": 1})
    with town.session() as s:
        done = claims.act(s, town.reviewer, claim.id, outcome="pass", note="按参保档案核实",
                          figures_entered={"contribution_months": "14"})
        assert done.status == "approved" and done.monthly_fen == 140800 and done.flags == []
        shown = claims.claim_dict(s, done, staff=True)
    assert shown["explanation"][0]["text"] == "在京累计参保缴费月数 14：经办机构核实录入（申请人填写的为 6）"
    # s15 walk2: the history row reads 核实录入：… (checked months are no 官方数字)
    assert ("核实录入", "在京累计参保缴费月数 14") in [(h["step_name"], h["note"]) for h in shown["history"]]


def test_a_register_that_cannot_answer_keeps_the_typed_figure_flagged(sqlite_town) -> None:
    town = sqlite_town
    _contributions(town, town.citizen_number, months=36)
    with town.session() as s:
        registers.set_online(s, "contributions", False)
    claim = _submit(town)
    assert claim.status == "reviewing" and claim.facts["contribution_months"] == 6
    assert "在京累计参保缴费月数（6）为申请人填写，参保缴费记录暂时无法查询，请经办机构核实后办理" in claim.flags


# ---------------------------------------------------------------- a 受理期 that ends on a printed day


def _citizen(town, username: str, region: str):
    return new_citizen(town, username, region, name="测试庚", born=dt.date(2000, 1, 1))[0]


@pytest.mark.parametrize(("code", "region"), [("sd_job_search_subsidy_hubei", "370102"),
                                              ("tj_job_search_subsidy", "120101")])
def test_a_window_printed_to_the_day_is_open_on_that_day_and_closed_the_next(code: str, region: str) -> None:
    program = definitions.get(code)
    assert window.window(program, region, dt.date(2020, 6, 9)).open
    assert window.window(program, region, dt.date(2020, 6, 10)).open
    after = window.window(program, region, dt.date(2020, 6, 11))
    assert after.state == "closed" and "2020年6月10日" in after.text


def test_a_claim_the_day_after_the_printed_day_is_refused_naming_the_day(sqlite_town) -> None:
    town = sqlite_town
    graduate = _citizen(town, "sd-graduate", "370102")
    facts = {"hubei": "是", "graduating_and_seeking": "是", "graduation_year": "2020",
             "school_kind": "全日制普通高等学校", "previous_amount": "0"}
    with town.session() as s, pytest.raises(Invalid) as late:
        claims.submit(s, graduate, "sd_job_search_subsidy_hubei", facts=facts, account="6222000000000090",
                      at=dt.datetime(2020, 6, 11, 9))
    assert "受理期已结束（截至 2020年6月10日（鲁人社字〔2020〕60号 二（一）信息审核））" in late.value.message
    with town.session() as s:  # the day itself is still taken
        on_the_day = claims.submit(s, graduate, "sd_job_search_subsidy_hubei", facts=facts,
                                   account="6222000000000090", at=dt.datetime(2020, 6, 10, 16))
    assert on_the_day.status == "reviewing"


def test_a_day_without_its_clause_is_a_data_error() -> None:
    data = {"code": "x", "schedule": {"months": 1, "claim_until": "2020-06-10"}}
    with pytest.raises(definitions.ProgramDataError, match="claim_until_source"):
        definitions._day_bound(data["schedule"], "claim_until", "programs/x.yaml")


# ---------------------------------------------------------------- the months the office enters, capped


def test_the_office_may_not_enter_more_months_than_the_text_allows(sqlite_town) -> None:
    town = sqlite_town
    worker = _citizen(town, "sd-worker", "370102")
    with town.session() as s:
        number = s.get(Applicant, worker.applicant_id).id_number
        registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True})
        registers.declare(s, "benefits", "失业保险待遇信息")
        office = auth.create_user(s, "sd-rev", STAFF_PASSWORD, "reviewer", region="370000", display_name="测试审核")
        claim = claims.submit(s, worker, "sd_temporary_living_allowance", account="6222000000000098", at=AUG_3,
                              facts={"rural_contract_worker": "是", "contribution_months": "8",
                                     "last_contribution_date": "2020-06-30"})
    with town.session() as s, pytest.raises(Invalid) as too_many:
        claims.act(s, office, claim.id, outcome="pass", months=4, figures_entered={"local_subsistence_allowance": 700},
                   at=AUG_3)
    assert too_many.value.field == "months"
    assert too_many.value.message == ("核定的领取月数（4 个月）超过政策规定的最长 3 个月"
                                      "（鲁人社函〔2020〕41号 四（三）），请重新核定")
    with town.session() as s:
        assert claims.act(s, office, claim.id, outcome="pass", months=3,
                          figures_entered={"local_subsistence_allowance": 700}, at=AUG_3).status == "approved"


# ---------------------------------------------------------------- the form and the API show the register's figure


def test_the_form_shows_the_register_months_not_editable_and_the_api_says_so(tmp_path, clock_at_aug_3) -> None:
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.programs.conftest import make_town
    from tests.web.forms import post_login

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    _contributions(town, town.citizen_number, months=36)
    app = create_app(url)
    citizen, other = TestClient(app), TestClient(app)
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    assert post_login(other, "bj-other", PASSWORD).status_code == 303
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    assert "累计缴费月数：36" in form and "来自参保缴费记录，无需填写，不能修改" in form
    assert 'name="contribution_months"' not in form
    # the other citizen's record has no months: they type it, told that the office will check it
    typed = other.get("/programs/bj_unemployment_benefit/claim").text
    assert 'name="contribution_months"' in typed and "参保缴费记录暂时不能提供这一项" in typed

    api = TestClient(app)
    token = api.post("/api/auth/login", json={"username": "bj-citizen", "password": PASSWORD}).json()["token"]
    answer = api.get("/api/programs/bj_unemployment_benefit/prefill", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == {"contribution_months": {"value": 36, "register": "参保缴费记录"}}
