"""What a walk through the s15 claims found (usability, session 15): a claim form whose register could not give
累计缴费月数 does not call the empty box “按缴费记录预填”; a form without a date field does not say “日期点击选择”;
a program whose materials the system does not take says so; the caseworker entering 核定领取月数 is told the
most the text allows, or that the compilations print no maximum."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit, auth
from kuaiban.programs import registers
from tests.programs.conftest import AUG_3, PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import csrf_of, post_login


@pytest.fixture
def town(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    return url, make_town(url)


def _at(monkeypatch, day: dt.datetime) -> None:
    real = audit.now
    offset = day - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


def _client(url: str, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_app(url))
    assert post_login(client, username, password).status_code == 303
    return client


def _label(page: str, field: str) -> str:
    found = re.search(rf'<label for="{field}">(.*?)</label>', page, re.S)
    assert found, f"no label for {field}"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_an_empty_months_box_is_not_called_prefilled_and_a_prefilled_one_is_not_a_box(town, monkeypatch) -> None:
    url, t = town
    _at(monkeypatch, AUG_3)
    with t.session() as s:  # the first citizen's record has the months; the other's has none
        registers.put(s, "contributions", "参保缴费记录", t.citizen_number,
                      {"contributing_now": False, "paid": True, "months": 36})
    lacking = _client(url, "bj-other").get("/programs/bj_unemployment_benefit/claim").text
    assert _label(lacking, "contribution_months") == "累计缴费月数 *（必填）"
    assert "参保缴费记录暂时不能提供这一项，请如实填写" in lacking
    given = _client(url, "bj-citizen").get("/programs/bj_unemployment_benefit/claim").text
    assert "累计缴费月数：36" in given and 'name="contribution_months"' not in given


def test_the_date_hint_appears_only_on_a_form_with_a_date(town, monkeypatch) -> None:
    url, _ = town
    _at(monkeypatch, AUG_3)
    client = _client(url, "bj-other")
    assert "日期点击选择" not in client.get("/programs/bj_unemployment_benefit/claim").text  # months and an account
    assert "日期点击选择" in client.get("/programs/bj_temporary_living_allowance/claim").text  # 失业日期 …


def test_a_program_of_materials_says_the_system_does_not_take_them(town, monkeypatch) -> None:
    url, t = town
    _at(monkeypatch, dt.datetime(2021, 3, 15, 9))
    with t.session() as s:
        firm = auth.create_applicant(s, "enterprise", "测试渝中制造有限公司", region="500103")
        auth.create_user(s, "cq-walk", PASSWORD, "applicant", applicant=firm, region="500103")
    page = _client(url, "cq-walk").get("/programs/cq_festival_staffing_subsidy/claim").text
    assert "所需材料：一次性留工补贴申报表；在渝过年外地员工“留岗红包”发放名册" in page
    assert "以上材料本系统不接收上传：请按受理机构的要求提交，审核时核对。" in page


def test_the_caseworker_entering_months_is_told_the_text_prints_no_maximum(town, monkeypatch) -> None:
    url, _ = town
    _at(monkeypatch, AUG_3)
    citizen = _client(url, "bj-other")  # the register lacks the months: typed, then flagged
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    sent = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False, data={
        "csrf": csrf_of(form), "month": "2020-08", "contribution_months": "30", "account": "6222000000000001"})
    assert sent.status_code == 303
    page = _client(url, "bj-rev", STAFF_PASSWORD).get(sent.headers["location"]).text
    assert _label(page, "months") == "核定领取月数（汇编未规定最长期限，由经办机构按规定核定）"


def test_a_subsidy_paid_once_is_never_said_to_be_paid_monthly(town, monkeypatch) -> None:
    """2021届求职创业补贴（山东）: 一次性 1000 元 (鲁人社函〔2020〕69号 一（二）); the walk saw “审核通过，按月发放”
    and “按月发放 1 个月” on the graduate's page and “2020-10 至 2020-10，共 1 个月” in the message."""
    from sqlalchemy import select

    from kuaiban.platform.notification_models import Notification
    from kuaiban.programs import claims
    from tests.programs.test_s15_office_publicity_days import graduate, staff, submitted

    url, t = town
    school, province = staff(t, "walk2-school", "reviewer"), staff(t, "walk2-sup", "supervisor")
    user = graduate(t, "walk2-grad")
    claim_id = submitted(t, user)
    with t.session() as s:
        claims.act(s, school, claim_id, outcome="pass", publicity_days=5, at=dt.datetime(2020, 10, 9, 9))
    with t.session() as s:
        claim = claims.close_publicity(s, province, claim_id, at=dt.datetime(2020, 10, 15, 9))
        shown = claims.claim_dict(s, claim)
        told = s.scalar(select(Notification.text).where(Notification.kind == "program_approved"))
    assert shown["status_name"] == "审核通过"
    assert shown["reasons"] == ["符合2021届毕业生求职创业补贴（山东）条件，一次性发放"]
    assert "审核通过：一次性发放 1000.00 元，发放至" in told and "个月" not in told
    _at(monkeypatch, dt.datetime(2020, 10, 15, 10))
    page = _client(url, "walk2-grad").get(f"/programs/claims/{claim_id}").text
    assert "按月发放" not in page and "审核通过" in page


def test_an_applicants_figure_is_said_to_be_checked_only_once_the_review_passed(town, monkeypatch) -> None:
    """The walk read “累计缴费月数 30：申请人填写（经办机构核实）” on a claim nobody had looked at yet."""
    from sqlalchemy import select

    from kuaiban.platform.notification_models import Notification
    from kuaiban.programs import claims

    url, t = town
    _at(monkeypatch, AUG_3)
    with t.session() as s:  # the register has no months for this citizen: the typed 30 is flagged
        claim = claims.submit(s, t.other_citizen, "bj_unemployment_benefit", month="2020-08",
                              facts={"contribution_months": "30"}, account="6222000000000001", at=AUG_3)
        claim_id = claim.id
        received = s.scalar(select(Notification.text).where(Notification.link == f"/programs/claims/{claim_id}"))
    assert "累计缴费月数 30：申请人填写，待经办机构核实" in received
    page = _client(url, "bj-other").get(f"/programs/claims/{claim_id}").text
    assert "累计缴费月数 30：申请人填写，待经办机构核实" in page and "（经办机构核实）" not in page
    with t.session() as s:
        claims.act(s, t.reviewer, claim_id, outcome="pass", months="3", note="已核实缴费月数", at=AUG_3)
        shown = claims.claim_dict(s, s.get(claims.Claim, claim_id))
    assert shown["explanation"][0]["text"] == "累计缴费月数 30：申请人填写（经办机构核实）"


def test_the_months_label_names_the_texts_maximum_where_it_prints_one(town, monkeypatch) -> None:
    """临时生活补助（山东）: 最长3个月 (schedule.max_months), said before the caseworker types, not only after."""
    from kuaiban.programs import claims
    from tests.programs.test_s15_temporary_living_allowance_shandong import CODE, FACTS, reviewer, worker

    url, t = town
    _at(monkeypatch, AUG_3)
    person = worker(t, "walk2-tla")
    reviewer(t, "walk2-tla-rev")
    with t.session() as s:
        claim_id = claims.submit(s, person, CODE, facts=FACTS, account="6222000000000066", at=AUG_3).id
    page = _client(url, "walk2-tla-rev", STAFF_PASSWORD).get(f"/programs/claims/{claim_id}").text
    assert _label(page, "months") == "核定领取月数（最长3个月）"


def test_on_a_phone_a_radio_or_a_box_is_not_stretched_across_the_screen(town) -> None:
    """The walk at 390 px saw the review's 通过 / 不通过 radios each stretched to a full-width line above its word."""
    url, _ = town
    css = TestClient(create_app(url)).get("/static/site.css").text
    phone = css[css.index("@media (max-width"):]
    assert "input:not([type=checkbox]):not([type=radio]), select, textarea { width: 100%; }" in phone
    assert "\n  input, select, textarea { width: 100%; }" not in phone


def test_checked_months_are_not_called_an_official_figure_in_the_history(town, monkeypatch) -> None:
    """The walk read “录入官方数字：经办机构核实录入：累计缴费月数 300” in the claim's history."""
    from kuaiban.programs import claims

    url, t = town
    _at(monkeypatch, AUG_3)
    with t.session() as s:
        claim_id = claims.submit(s, t.other_citizen, "bj_unemployment_benefit", month="2020-08",
                                 facts={"contribution_months": "30"}, account="6222000000000001", at=AUG_3).id
    with t.session() as s:
        claims.act(s, t.reviewer, claim_id, outcome="pass", months="3", figures_entered={"contribution_months": "28"},
                   at=AUG_3)
        history = claims.claim_dict(s, s.get(claims.Claim, claim_id))["history"]
    entered = next(h for h in history if h["step"] == "figures")
    assert (entered["step_name"], entered["note"]) == ("核实录入", "累计缴费月数 28")
    page = _client(url, "bj-other").get(f"/programs/claims/{claim_id}").text
    assert "核实录入：累计缴费月数 28" in page and "录入官方数字" not in page
