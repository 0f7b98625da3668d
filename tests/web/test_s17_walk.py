"""What a walk through the portal as its users found (session 17): a calculator takes a month as people write
it (2021年5月) and, after 计算, opens at the result; a claim's error names the field as the form labels it (no
“（按缴费记录预填）” on a box the register could not fill); the payment batches list names each program, not its
code; 补贴申领 in everyone's menu opens for a visitor too; an applicant's home page leads to 补贴申领."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.programs import definitions
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.web.calc_forms import read_form, written_day
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD
from tests.programs.helpers import paid_benefit_claim
from tests.web.forms import csrf_of, post_login


def _client(url: str, username: str | None = None, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_app(url))
    if username:
        assert post_login(client, username, password).status_code == 303
    return client


@pytest.mark.parametrize(("typed", "read"), [
    ("2021年5月", "2021-05"), ("2021年5月20日", "2021-05-20"), ("２０２１年５月", "2021-05"), ("2021.5", "2021-05"),
    ("2021/5/20", "2021-05-20"), ("2021-5", "2021-05"), ("2021-05", "2021-05"), ("2021-05-20", "2021-05-20"),
    ("2021年13月", "2021年13月"), ("五月", "五月")])
def test_a_month_is_read_as_people_write_it(typed: str, read: str) -> None:
    assert written_day(typed) == read


def test_the_unemployment_benefit_calculator_takes_2021年5月() -> None:
    calc = CALCULATORS["unemployment_benefit"]
    raw, errors = read_form(calc, {"region": "北京", "month": "2021年5月", "contribution_months": "80",
                                   "benefit_month": "3"})
    assert errors == {} and raw["month"] == "2021-05"
    assert calc.run(raw)["value"] == 1843  # 京人社发〔2020〕8号 一（二）: 满5年不满10年 1843元


def test_after_计算_the_page_opens_at_the_result_or_at_the_fields_to_correct(app_client) -> None:
    page = app_client.get("/calc/unemployment_benefit").text
    assert 'action="/calc/unemployment_benefit#answer"' in page
    done = app_client.post("/calc/unemployment_benefit", data={
        "region": "北京", "month": "2021年5月", "contribution_months": "80", "benefit_month": "3"}).text
    answer = done[done.index('id="answer"'):]
    assert answer.index('id="result"') < answer.index('id="form-h"')  # the result first, within the anchor
    assert "1843" in answer[:answer.index('id="form-h"')]
    bad = app_client.post("/calc/unemployment_benefit", data={"region": "北京", "month": "五月"}).text
    assert 'id="answer"' in bad and "需要修改" in bad[bad.index('id="answer"'):]


def test_a_claim_error_names_the_field_as_the_form_labels_it(town) -> None:
    url, _t = town
    citizen = _client(url, "bj-other")  # the register has no 累计缴费月数 for this citizen: a box to type in
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    bad = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False, data={
        "csrf": csrf_of(form), "month": re.search(r'<option value="([\d-]+)" selected', form).group(1),
        "contribution_months": "八十", "account": "6222000000000001"})
    assert bad.status_code == 422
    assert "累计缴费月数应为非负整数" in bad.text and "预填" not in bad.text


def test_the_batches_list_names_the_program(town) -> None:
    url, t = town
    paid_benefit_claim(t)
    staff = _client(url, "bj-rev", STAFF_PASSWORD).get("/programs/staff").text
    table = staff[staff.index('id="batches"'):]
    table = table[:table.index("</table>")]
    assert definitions.get("bj_unemployment_benefit").name in table
    assert "bj_unemployment_benefit" not in table


def test_补贴申领_opens_for_a_visitor_with_every_program_and_the_way_to_sign_in(town) -> None:
    url, _t = town
    page = _client(url).get("/programs", follow_redirects=False)
    assert page.status_code == 200
    assert 'id="sign-in-to-claim"' in page.text and 'href="/login?next=/programs"' in page.text
    for program in definitions.programs().values():
        assert f'href="/programs/{program.code}/about"' in page.text
    assert 'href="/programs/publicity/public"' in page.text and "/programs/staff" not in page.text
    applicant = _client(url, "bj-citizen").get("/programs").text  # unchanged for the signed-in
    assert 'id="sign-in-to-claim"' not in applicant and "我可以申领" in applicant


def test_an_applicants_home_page_leads_to_补贴申领(town) -> None:
    url, _t = town
    home = _client(url, "bj-citizen").get("/").text
    mine = home[home.index('id="mine"'):]
    assert 'href="/programs" id="mine-programs"' in mine[:mine.index("</section>")]


def test_a_单位_account_is_offered_no_失业登记_application_it_would_be_refused(town) -> None:
    url, _t = town
    firm = _client(url, "hn-firm")
    assert firm.get("/unemployment/apply").status_code == 403  # the refusal the link led to
    for page in (firm.get("/unemployment").text, firm.get("/unemployment/mine").text):
        assert 'href="/unemployment/apply"' not in page
        assert 'id="enterprise-note"' in page
    citizen = _client(url, "bj-citizen")
    assert 'id="start-apply"' in citizen.get("/unemployment").text
    assert 'href="/unemployment/apply"' in citizen.get("/unemployment/mine").text


def test_the_list_offers_查看本单位是否列入名单_to_a_单位_only(town) -> None:
    url, _t = town
    link = 'href="/programs/listing/stable_job_refund_2021/mine"'
    citizen = _client(url, "bj-citizen")
    assert citizen.get("/programs/listing/stable_job_refund_2021/mine").status_code == 403
    assert link not in citizen.get("/programs/listing/stable_job_refund_2021").text
    assert link in _client(url, "hn-firm").get("/programs/listing/stable_job_refund_2021").text


def test_the_失业保险金申领_guide_names_the_online_claims_this_system_takes(app_client) -> None:
    page = app_client.get("/services/guides/1.8.1").text
    section = page[page.index('id="claim-programs"'):]
    section = section[:section.index("</section>")]
    for code in ("bj_unemployment_benefit", "sd_unemployment_benefit"):
        assert f'href="/programs/{code}/about"' in section and definitions.get(code).name in section
    assert app_client.get("/programs/bj_unemployment_benefit/about").status_code == 200  # open to visitors
    assert 'id="claim-programs"' not in app_client.get("/services/guides/2.4.1").text  # no program runs 失业登记


def test_a_window_clerk_is_shown_no_batch_form_or_batch_link_it_would_be_refused(town) -> None:
    url, t = town
    paid_benefit_claim(t)
    window = _client(url, "bj-win", STAFF_PASSWORD)
    assert window.get("/programs/batches/1").status_code == 403  # 发放批次由审核或监督人员办理
    page = window.get("/programs/staff").text
    assert 'href="/programs/batches/' not in page and 'action="/programs/staff/payroll"' not in page
    assert 'id="payroll-by-others"' in page
    reviewer = _client(url, "bj-rev", STAFF_PASSWORD).get("/programs/staff").text
    assert 'href="/programs/batches/1"' in reviewer and 'id="payroll-by-others"' not in reviewer


def test_a_calculator_opens_with_a_region_given_in_its_address_chosen(app_client) -> None:
    chosen = re.compile(r'<option value="([^"]*)" selected')
    page = app_client.get("/calc/unemployment_benefit?region=北京")
    assert page.status_code == 200
    form = page.text[page.text.index('id="f-region"'):]
    assert chosen.search(form[:form.index("</select>")]).group(1) == "北京"
    assert 'id="result"' not in page.text and "需要修改" not in page.text  # nothing computed, nothing refused
    other = app_client.get("/calc/unemployment_benefit?region=火星").text  # not a region it covers: nothing chosen
    form = other[other.index('id="f-region"'):]
    assert not chosen.search(form[:form.index("</select>")])


def test_a_办件编号_in_a_heading_is_kept_on_one_line_on_a_phone() -> None:
    from kuaiban.config import ROOT

    web = ROOT / "kuaiban" / "web"
    for template in ("services/case.html", "workbench/case.html"):
        assert '<span class="case-no">{{ case.number }}</span>' in (web / "templates" / template).read_text()
    css = (web / "static" / "site.css").read_text()
    assert ".case-no { white-space: nowrap; }" in css
    phone = css[css.index("@media (max-width: 600px)"):]
    assert "h1 .case-no { font-size: .72em; }" in phone[:phone.index("\n}")]
