"""Session 14 usability findings on the 补贴申领 pages (/work/wt/s14/ux/report.md), as a browser posts them:
the window on the list and the form (B2, B5), the form's layout and all errors at once (C1), whose turn a
step is (C6), the payroll form (C15, C16), where a calculator's answer can be claimed (B3) and the number a
message names (C4)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.programs import payroll
from kuaiban.rules.calculators import get
from kuaiban.rules.sources import source
from kuaiban.web.messages import reference
from kuaiban.web.pages import _acting
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import csrf_of, post_login


@pytest.fixture
def clock_at_dec_6(monkeypatch):
    """The tester's day, 2026-12-06: every compiled policy has ended."""
    real = audit.now
    offset = dt.datetime(2026, 12, 6, 12, 0) - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


def _client(url: str, username: str, password: str) -> TestClient:
    client = TestClient(create_app(url))
    assert post_login(client, username, password).status_code == 303
    return client


def test_a_closed_program_says_so_on_the_list_and_offers_no_claim(tmp_path, clock_at_dec_6) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    firm = _client(url, "hn-firm", PASSWORD)
    listing = firm.get("/programs").text
    row = re.search(r"<tr>\s*<td data-label=\"项目\">一次性吸纳就业补贴（湖南）</td>.*?</tr>", listing, re.S).group(0)
    assert "受理期已结束（截至 2020年12月）" in row and "/programs/hn_hiring_subsidy/claim" not in row
    form = firm.get("/programs/hn_hiring_subsidy/claim").text
    assert "受理期已结束（截至 2020年12月）" in form and 'action="/programs/hn_hiring_subsidy/claim"' not in form
    assert "—" not in form.split("<h1>", 1)[1].split("</main>", 1)[0]

    citizen = _client(url, "hn-citizen", PASSWORD)
    listing = citizen.get("/programs").text
    assert "可申领的月份：2025年12月" in listing
    form = citizen.get("/programs/hn_social_insurance_subsidy_flexible/claim").text
    assert "可申领的月份：2025年12月" in form
    assert re.search(r'<select id="month" name="month"[^>]*>\s*<option value="2025-12" selected>2025年12月</option>\s*'
                     r"</select>", form)


def test_the_claim_form_one_field_a_row_and_every_error_at_once(tmp_path, clock_at_dec_6) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    citizen = _client(url, "hn-citizen", PASSWORD)
    form = citizen.get("/programs/hn_social_insurance_subsidy_flexible/claim").text
    assert form.count('<div class="field') >= 11  # 申领月份, ten fields of the program's form, 收款账户
    assert 'type="date" id="birth_date"' in form and 'type="date" id="si_first_approval_date"' in form
    assert '<label for="si_group">补贴对象类别<span class="required"' in form
    bad = citizen.post("/programs/hn_social_insurance_subsidy_flexible/claim",
                       data={"csrf": csrf_of(form), "month": "2025-12", "si_rate": "27%"})
    assert bad.status_code == 422
    summary = bad.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    for expected in ("请填写补贴对象类别", "请填写出生日期", "适用费率合计（如 0.27）应为数字", "请填写收款账户"):
        assert expected in summary
    assert '<a href="#si_group">' in summary


def test_staff_see_whose_turn_instead_of_a_form_they_may_not_use(tmp_path, clock_at_dec_6) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    citizen = _client(url, "bj-citizen", PASSWORD)
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    done = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False,
                        data={"csrf": csrf_of(form), "month": "2026-12", "contribution_months": "70",
                              "account": "6222000000000001"})
    assert done.status_code == 303, done.text
    claim_url = done.headers["location"]
    # 北京 失业保险金's one step, 经办机构审核, is the reviewers' (人社厅发〔2020〕24号)
    reviewer = _client(url, "bj-rev", STAFF_PASSWORD)
    assert 'name="outcome"' in reviewer.get(claim_url).text
    window = _client(url, "bj-win", STAFF_PASSWORD)
    at_window = window.get(claim_url).text
    assert 'name="outcome"' not in at_window and "本环节待审核人员办理" in at_window
    staff = reviewer.get("/programs/staff").text
    assert "由谁办理" in staff and "本环节由您办理" in staff
    assert "待审核人员办理" in window.get("/programs/staff").text  # the window sees whose turn it is

    # C15: a batch while a claim of the month is under review is built only once confirmed
    built = reviewer.post("/programs/staff/payroll", follow_redirects=False,
                          data={"csrf": csrf_of(staff), "program": "bj_unemployment_benefit", "region": "110000",
                                "month": "2026-12"})
    assert built.status_code == 200 and "1 件在审核中，不会进入本批次" in built.text and 'id="payroll-confirm"' in built.text
    with session_scope(connect(url)) as s:  # built anyway (as the confirmed job does): its page says what follows
        batch, _ = payroll.build(s, "bj_unemployment_benefit", "110000", "2026-12")
        batch_id = batch.id
    empty = reviewer.get(f"/programs/batches/{batch_id}").text
    assert "共 0 笔" in empty and "计入之后生成的批次，每个月只发一次" in empty
    # the API says the same in its answer
    token = reviewer.post("/api/auth/login", json={"username": "bj-rev", "password": STAFF_PASSWORD}).json()["token"]
    asked = reviewer.post("/api/programs/payroll?wait=0", headers={"Authorization": f"Bearer {token}"},
                          json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2026-11"})
    assert asked.status_code == 202 and asked.json()["not_included"] == {"publicity": 0, "reviewing": 0}
    asked = reviewer.post("/api/programs/payroll?wait=0", headers={"Authorization": f"Bearer {token}"},
                          json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2027-01"})
    assert asked.json()["not_included"] == {"publicity": 0, "reviewing": 1}


def test_the_payroll_form_offers_the_staff_members_programs_and_regions(tmp_path, clock_at_dec_6) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    reviewer = _client(url, "hn-rev2", STAFF_PASSWORD)  # 湖南省 (430000)
    staff = reviewer.get("/programs/staff").text
    programs = re.search(r'<select id="program" name="program">(.*?)</select>', staff, re.S).group(1)
    assert "灵活就业社会保险补贴（湖南）" in programs
    assert "北京" not in programs and "山东" not in programs and "天津" not in programs
    areas = re.search(r'<select id="region" name="region">(.*?)</select>', staff, re.S).group(1)
    assert '<option value="430000" selected>' in areas and 'value="430100"' in areas and "110000" not in areas
    assert 'name="region" value=' not in staff  # no typed code


def test_a_calculator_says_where_this_system_takes_its_claim(tmp_path) -> None:
    """一次性吸纳就业补贴: a 山东 employer computes it (鲁人社字〔2020〕22号 is encoded), but only 湖南's program
    takes claims here (hn_hiring_subsidy)."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    client = TestClient(create_app(url))
    page = client.get("/calc/hiring_subsidy").text
    assert 'href="/programs/hn_hiring_subsidy/claim"' in page and "本系统只受理湖南的一次性吸纳就业补贴申领" in page
    shandong = client.post("/calc/hiring_subsidy", data={"enterprise_region": "山东"}).text
    assert "本系统不受理山东的一次性吸纳就业补贴申领" in shandong
    assert "本系统只提供测算，不受理此项申领" in client.get("/calc/leave_entitlement").text  # no program behind it


def test_the_library_hint_says_when_this_system_does_not_take_the_claim_there() -> None:
    calc = get("hiring_subsidy")
    doc_no = next(source(k).doc_no for k in calc.sources if source(k).doc_no.startswith("鲁"))
    hit = SimpleNamespace(doc_no=doc_no, title="山东的一个文件", unit=None, article=None, region="山东")
    hints = [e for e in _acting(hit, "") if e["kind"] == "计算器" and e["url"] == "/calc/hiring_subsidy"]
    assert hints and hints[0]["note"] == "仅可测算，本系统不受理山东的申领"


def test_a_message_about_a_claim_names_its_claim_number() -> None:
    assert reference("/programs/claims/1", "program-claim-1") == "申领编号 1"
    assert reference("/services/cases/KB1", "KB1") == "办件编号 KB1"
    assert reference("/unemployment/registrations/430102261206000001", "430102261206000001") == \
        "失业登记流水号 430102261206000001"
    assert reference("/programs/listing/x", "program-top-up-3-2021-05") is None


def test_the_publicity_close_button_appears_only_after_the_last_day(tmp_path, monkeypatch) -> None:
    """UX re-walk s14 N3: “公示期满无异议，审核通过” was offered on day 0 of a 7-day 公示 and then refused."""
    from tests.programs.test_s14_public_publicity import in_publicity

    url = f"sqlite:///{tmp_path / 'k.db'}"
    claim = in_publicity(make_town(url))  # 公示 2021-03-01 … 03-08
    real = audit.now
    for day, shown in ((dt.datetime(2021, 3, 8, 16, 0), False), (dt.datetime(2021, 3, 9, 9, 0), True)):
        monkeypatch.setattr(audit, "now", lambda day=day: day)
        page = _client(url, "hn-rev", STAFF_PASSWORD).get(f"/programs/claims/{claim.id}").text
        assert ("/close-publicity" in page) is shown
        assert ("公示期至 2021年3月8日，期满且无未核实的异议后方可审核通过" in page) is not shown
    monkeypatch.setattr(audit, "now", real)


def test_the_applicant_reads_that_staff_are_checking_not_the_staff_flags(tmp_path) -> None:
    """UX walks s14 C5/N4: the citizen read “…暂时无法比对，请人工核查”, and still after approval."""
    from kuaiban.programs import claims, definitions, figures
    from tests.programs.test_s14_public_publicity import ACCOUNT, FACTS, MARCH_1, PROGRAM

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    with town.session() as s:
        figures.enter(s, definitions.get(PROGRAM), "430000", "si_average_wage", "2021-01", 5800)
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, PROGRAM, month="2021-03", facts=FACTS, account=ACCOUNT,
                              at=MARCH_1)
        claim.flags = [*claim.flags, "就业困难人员认定暂时无法比对，请人工核查"]
    mine = _client(url, "hn-citizen", PASSWORD).get(f"/programs/claims/{claim.id}").text
    assert "请人工核查" not in mine and "部分信息需经办机构人工核实" in mine
    staff = _client(url, "hn-win", STAFF_PASSWORD).get(f"/programs/claims/{claim.id}").text
    assert "就业困难人员认定暂时无法比对，请人工核查" in staff


def test_the_payroll_month_starts_at_this_month_and_an_empty_one_is_asked_for_in_words(tmp_path) -> None:
    """UX re-walk s14 N7: the month started empty and an empty submit read “月份应为 YYYY-MM…（收到“”）”."""
    from kuaiban.platform.errors import Invalid
    from kuaiban.programs import payroll as pay

    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    page = _client(url, "bj-rev", STAFF_PASSWORD).get("/programs/staff").text
    assert f'name="month" type="month" value="{audit.now():%Y-%m}"' in page
    with pytest.raises(Invalid) as asked:
        pay.check_request("bj_unemployment_benefit", "110000", "")
    assert asked.value.message == "请选择发放月份"
