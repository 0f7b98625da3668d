"""The supervisor's 统计 page beyond 一件事 cases (usability report C17): 失业登记 and 补贴申领 through each pillar's
public function, the monthly time-limit compliance of ``kuaiban sla report``, and limits labelled with their
unit so that 10 日 and 5 个工作日 are not read as the same kind of day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.platform import auth
from kuaiban.programs import claims, payroll
from kuaiban.programs import statistics as program_stats
from kuaiban.rules.calculators import get
from kuaiban.unemployment import models as ue
from kuaiban.unemployment import statistics as ue_stats
from kuaiban.unemployment.decision import decide
from kuaiban.unemployment.registration import submit as register
from kuaiban.web import statistics as page
from tests.programs.conftest import AUG_3, STAFF_PASSWORD, make_town
from tests.unemployment.world import local_application, make_world
from tests.web.forms import post_login

PROGRAM = "bj_unemployment_benefit"
NOW = dt.datetime(2021, 1, 15, 9)


@pytest.fixture(autouse=True)
def own_var(monkeypatch, tmp_path):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))


def fen(nth: int, month: str) -> int:
    """The month's 失业保险金 from the rules pillar (no figure written in this test)."""
    answer = get("unemployment_benefit").run({"region": "北京", "month": month, "contribution_months": 70,
                                              "benefit_month": nth})
    return round(answer["value"] * 100)


@pytest.fixture
def filled(tmp_path):
    """One fresh database: three 失业登记 in 长沙市芙蓉区 (one decided in time, one late, one still pending past
    its limit) and two 失业保险金 claims in 北京市朝阳区 (one paid three months then stopped from August, so
    September and October are to be recovered; one still under review); and a supervisor for 全国."""
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    world, town = make_world(url), make_town(url)
    with world.session() as s:
        on_time = register(s, world.window, local_application(11), declaration_signed=True,
                           at=dt.datetime(2020, 9, 30, 10))
        late = register(s, world.window, local_application(12), declaration_signed=True,
                        at=dt.datetime(2020, 10, 9, 9))
        register(s, world.window, local_application(13), declaration_signed=True, at=dt.datetime(2020, 10, 14, 9))
    with world.session() as s:
        decide(s, world.reviewer, on_time.aaz341, approve=True, version=1, at=dt.datetime(2020, 10, 9, 9))
        decide(s, world.reviewer, late.aaz341, approve=False, reason="样例原因", version=1,
               at=dt.datetime(2020, 10, 16, 9))  # after its due day (10-14, as in tests/unemployment/test_statistics.py)
    with town.session() as s:
        paid = claims.submit(s, town.citizen, PROGRAM, month="2020-08", facts={"contribution_months": 70},
                             account="6222000000000001", at=AUG_3)
        claims.submit(s, town.other_citizen, PROGRAM, month="2020-08", facts={"contribution_months": 70},
                      account="6222000000000002", at=AUG_3)
    with town.session() as s:
        claims.act(s, town.reviewer, paid.id, outcome="pass", months=3, at=AUG_3)
    with town.session() as s:
        batch, _ = payroll.build(s, PROGRAM, "110000", "2020-10")  # August to October
    with town.session() as s:
        payroll.reconcile(s, town.supervisor, batch.id, {}, at=dt.datetime(2020, 10, 20))  # all paid
    with town.session() as s:
        claims.stop(s, town.reviewer, paid.id, rule="death", month="2020-08", at=dt.datetime(2020, 10, 25))
        national = auth.create_user(s, "nat-sup", STAFF_PASSWORD, "supervisor", region="全国")
    return {"url": url, "world": world, "town": town, "national": national}


def test_registrations_by_state_overdue_and_decided_in_time_for_the_regions_served(filled):
    world = filled["world"]
    with world.session() as s:
        figures = ue_stats.overview(s, s.merge(world.supervisor), now=NOW)  # 长沙市 supervisor
        outside = ue_stats.overview(s, s.merge(filled["town"].supervisor), now=NOW)  # 北京市: none of them
    assert figures["total"] == 3
    assert figures["by_status"] == {ue.PENDING: 1, ue.REGISTERED: 1, ue.REJECTED: 1, ue.DEREGISTERED: 0}
    assert figures["pending_overdue"] == 1  # submitted 10-14, still pending in January
    assert (figures["decided_on_time"], figures["decided_late"], figures["on_time_rate"]) == (1, 1, 0.5)
    (region,) = figures["by_region"]
    assert region["region"] == "430102" and region["overdue"] == 1 and region["total"] == 3
    assert all(limit["working_days"] > 0 and limit["basis"] for limit in figures["limits"])
    assert outside["total"] == 0


def test_claims_amounts_by_month_and_outstanding_recoveries(filled):
    town = filled["town"]
    with town.session() as s:
        figures = program_stats.overview(s, s.merge(town.supervisor))
        hunan = program_stats.overview(s, s.merge(town.hunan_supervisor))
    (row,) = figures["claims"]
    assert row["program"] == PROGRAM and row["total"] == 2
    assert row["by_status"] == {"reviewing": 1, "stopped": 1}
    assert figures["in_publicity"] == 0
    months = {m["month"]: m for m in figures["by_month"]}
    # stopped from August: only August is still owed; all three months had been paid
    assert months["2020-08"]["approved"] == fen(1, "2020-08") / 100
    assert months["2020-09"]["approved"] == 0 and months["2020-10"]["approved"] == 0
    assert [months[k]["paid"] for k in ("2020-08", "2020-09", "2020-10")] == [
        fen(1, "2020-08") / 100, fen(2, "2020-09") / 100, fen(3, "2020-10") / 100]
    owed = (fen(2, "2020-09") + fen(3, "2020-10")) / 100
    assert figures["recoveries_outstanding"] == {"count": 1, "amount": owed}
    assert hunan["total"] == 0 and hunan["recoveries_outstanding"] == {"count": 0, "amount": 0.0}


def test_the_page_shows_registrations_claims_and_monthly_compliance(filled):
    from kuaiban.app import create_app

    with TestClient(create_app(filled["url"])) as client:
        r = post_login(client, "nat-sup", STAFF_PASSWORD, "/statistics")
        assert r.status_code == 303
        html = client.get("/statistics", params={"months": "3"}).text
        clamped = client.get("/statistics", params={"months": "99"}).text
    assert '<strong id="ue-total">3</strong>' in html and '<strong id="ue-overdue">' in html
    assert '<strong id="prog-total">2</strong>' in html and '<strong id="prog-recoveries">1</strong>' in html
    owed = (fen(2, "2020-09") + fen(3, "2020-10")) / 100
    assert f'<strong id="prog-recoveries-amount">{owed:.2f}</strong>' in html
    assert "北京市失业保险金" in html or "失业保险金" in html
    assert "长沙市芙蓉区" in html  # registrations by 登记失业地
    limits = html[html.index("审核办理时限"):html.index('id="ue-by-status"')]
    assert "个工作日" in limits and "人社厅发〔2020〕" in limits and not re.search(r"汇编\s*第", limits)
    table = html[html.index('id="sla-months-table"'):]
    assert len(re.findall(r'<tr><th scope="row">\d{4}-\d{2}</th>', table.split("</table>")[0])) == 3
    table = clamped[clamped.index('id="sla-months-table"'):]
    assert len(re.findall(r'<tr><th scope="row">\d{4}-\d{2}</th>', table.split("</table>")[0])) == 24


def test_limits_in_different_units_are_labelled_and_not_subtracted():
    """1.8.1 失业保险金申领: 法定 10 日 (自受理之日起, a calendar limit), 承诺 现场办理 5 个工作日, 网上申领 none
    (人社部发〔2020〕26号 附件2, data/compilations/hunan-hrss-2020.txt:732)."""
    summary = {"times": [{"code": "1.8.1", "name": "失业保险金申领", "completed": 1, "speedup_achieved": 1.0,
                          "statutory": {"kind": "days", "value": 10, "average": 0.0, "p90": 0.0, "within_limit": 1.0},
                          "target": {"kind": "working_days", "value": 5, "average": 0.0, "p90": 0.0,
                                     "within_limit": 1.0}}]}
    (row,) = page.time_rows(summary)
    assert row["statutory"] == "10 日（自然日，含节假日）"
    assert row["target"] == "现场办理 5 个工作日（工作日，不含法定节假日，按调休安排）；网上申领 未规定"
    assert row["target_speedup"] is None and row["units_differ"]
    (basis,) = page.limit_bases([row])
    assert "10 日内" in basis["statutory"] and "5 个工作日" in basis["target"]
    assert basis["source"] == "人社部发〔2020〕26号 附件2"


def test_a_stored_basis_is_shown_without_its_compilation_line():
    basis = "人社厅发〔2020〕79号 一（三）“要在3个工作日内办结失业登记申请”（山东汇编 第 5435 行）"
    assert page.plain_basis(basis) == "人社厅发〔2020〕79号 一（三）“要在3个工作日内办结失业登记申请”"


def test_sla_months_follow_the_cli_and_stay_in_range():
    assert page.sla_months(None) == page.SLA_MONTHS
    assert (page.sla_months("3"), page.sla_months("0"), page.sla_months("500"), page.sla_months("x")) == (
        3, 1, page.MAX_SLA_MONTHS, page.SLA_MONTHS)

