"""After a 失业登记 that asks for 失业保险金 too, the page sends the person where they can claim it in their own
region (usability review s14 B1: a 湖南 citizen was sent to /programs, where only 北京 and 山东 run the claim)."""

from __future__ import annotations

import re

import pytest

from kuaiban.web.unemployment_pages import _benefit_claim_route
from tests.unemployment.world import local_application
from tests.web.test_unemployment_pages import apply_online, cheap_scrypt, login, site  # noqa: F401


@pytest.mark.parametrize(("region", "url"), [
    ("110105", "/programs/bj_unemployment_benefit/claim"),   # 北京 runs its own 失业保险金 program
    ("370102", "/programs/sd_unemployment_benefit/claim"),   # 山东 too
])
def test_a_region_with_its_own_program_is_sent_to_that_program(region, url):
    assert _benefit_claim_route(region)["url"] == url


def test_a_region_without_one_is_sent_to_the_bundle_that_holds_1_8_1():
    route = _benefit_claim_route("430102")  # 湖南: no program of its own in this system
    assert route["url"].startswith("/services/bundles/") and route["url"].endswith("/apply")
    assert route["name"].endswith("一件事") and "失业" in route["name"]


def test_the_registration_page_links_the_route_not_the_program_list(site):  # noqa: F811
    client, world = site
    login(client, "citizen")
    aaz341 = apply_online(client, world, local_application(0, ADC222="1"))
    page = client.get(f"/unemployment/registrations/{aaz341}").text
    section = re.search(r'<section class="note" aria-labelledby="ui-claim">.*?</section>', page, re.S).group(0)
    assert 'href="/programs"' not in section
    assert f'href="{_benefit_claim_route("430102")["url"]}"' in section
