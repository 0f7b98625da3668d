"""After a 失业登记 that asks for 失业保险金 too, the page sends the person where they can claim it in their own
region (usability review s14 B1: a 湖南 citizen was sent to /programs, where only 北京 and 山东 run the claim)."""

from __future__ import annotations

import re

import pytest

from kuaiban.web.unemployment_pages import _benefit_claim_route
from tests.unemployment.world import local_application
from tests.web.forms import csrf_of
from tests.web.test_unemployment_pages import (  # noqa: F401
    apply_online,
    field_errors,
    form_data,
    login,
    site,
)


@pytest.mark.parametrize(("region", "url"), [
    ("110105", "/programs/bj_unemployment_benefit/claim"),   # 北京 runs its own 失业保险金 program
    ("370102", "/programs/sd_unemployment_benefit/claim"),   # 山东 too
])
def test_a_region_with_its_own_program_is_sent_to_that_program(region, url):
    assert _benefit_claim_route(region)["url"] == url


def test_a_region_without_one_is_sent_to_the_bundle_that_holds_1_8_1():
    route = _benefit_claim_route("430102")  # 湖南: no program of its own in this system
    # the bundle's item page (walk s15 B2: its form reached directly left 失业保险金申领 unticked)
    assert re.fullmatch(r"/services/bundles/\d+", route["url"])
    assert route["name"].endswith("一件事") and "失业" in route["name"]


def test_the_registration_page_links_the_route_not_the_program_list(site):  # noqa: F811
    client, world = site
    login(client, "citizen")
    aaz341 = apply_online(client, world, local_application(0, ADC222="1"))
    page = client.get(f"/unemployment/registrations/{aaz341}").text
    section = re.search(r'<section class="note" aria-labelledby="ui-claim">.*?</section>', page, re.S).group(0)
    assert 'href="/programs"' not in section
    assert f'href="{_benefit_claim_route("430102")["url"]}"' in section


def test_errors_name_each_field_by_the_label_the_form_shows(site):  # noqa: F811
    """Usability review s14 C2: the form says 户籍所在地 and 失业日期; its errors said 户籍地行政区划代码 and 失业时间."""
    client, _ = site
    login(client, "citizen")
    record = local_application(0, AJC090="20991231")
    for code in ("AAB299", "ADC221"):
        record.pop(code, None)
    csrf = csrf_of(client.get("/unemployment/apply").text)
    page = client.post("/unemployment/apply", data=form_data(record, csrf)).text
    errors = field_errors(page)
    assert errors["AJC090"].startswith("失业日期") and "失业时间" not in errors["AJC090"]
    assert errors["ADC221"].startswith("登记失业地是")
    assert all("行政区划代码" not in message and "（A" not in message for message in errors.values())


def test_the_confirmation_lists_the_record_under_the_form_labels():
    from kuaiban.web import unemployment_views as uv
    groups = uv.record_groups(local_application(0, AAB299="430102"))
    labels = [row.name for _title, rows in groups for row in rows]
    assert "户籍所在地" in labels and "户籍地行政区划代码" not in labels


def test_the_header_names_the_users_region_in_words_without_nested_brackets(site):  # noqa: F811
    """Usability review s14, cosmetic 4: “测试甲（湖南省长沙市芙蓉区（430102））” in every page's header."""
    client, _ = site
    login(client, "citizen")
    header = re.search(r"<span>[^<]*</span>", client.get("/unemployment/mine").text).group(0)
    assert header.endswith(" · 湖南省长沙市芙蓉区</span>") and "（430102）" not in header
