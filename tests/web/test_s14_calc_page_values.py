"""A step that already prints its value is not followed by it again (usability review s14, cosmetic 3:
“…×90%＝月发放标准1530元：1530”)."""

from __future__ import annotations

import re

import pytest

from kuaiban.web.calc_forms import states_value


@pytest.mark.parametrize(("text", "value", "stated"), [
    ("当地最低工资标准1700元/月×90%＝月发放标准1530元", 1530.0, True),
    ("2020年起执行", 0, False),           # the 0 of 2020 is not the value 0
    ("补贴标准为每人1000元", 100, False),  # 100 is not printed: 1000 is another number
    ("比例为0.5", 0.5, True),
    ("符合条件", True, False),            # 是/否 are always shown
    ("月数", None, False),
])
def test_a_value_counts_as_printed_only_as_a_whole_number(text, value, stated):
    assert states_value(text, value) is stated


def test_the_unemployment_benefit_step_shows_1530_once(app_client):
    form = {"region": "湖南", "month": "2024-06", "local_minimum_wage": "1700"}
    page = app_client.post("/calc/unemployment_benefit", data=form).text
    step = re.search(r"<p>[^<]*月发放标准1530元[^<]*(?:：<strong>[^<]*</strong>)?</p>", page)
    assert step is not None and "：<strong>" not in step.group(0)


def test_an_unknown_calculator_sends_back_to_the_calculators(app_client):
    """Usability review s14, cosmetic 6: its 404 offered 返回法规库检索."""
    r = app_client.get("/calc/no_such_calculator")
    assert r.status_code == 404 and '<a href="/calc">返回政策计算</a>' in r.text


def test_the_unemployment_benefit_is_claimed_through_the_bundle_in_every_region(app_client):
    """UX re-walk s14 N2: the calculator told a 湖南 citizen this system takes no 湖南 claim, while the 失业 一件事
    (1.8.1) takes it everywhere (data/topics.yaml pairs the calculator with the bundle)."""
    from kuaiban.cross_refs import claim_note, claim_routes

    routes = claim_routes("unemployment_benefit")
    bundle = [r for r in routes if r["url"].startswith("/services/bundles/")]
    assert len(bundle) == 1 and bundle[0]["name"] == "“失业”一件事" and bundle[0]["regions"] == ["全国"]
    assert claim_note("unemployment_benefit", "失业保险金", "湖南") is None
    page = app_client.post("/calc/unemployment_benefit",
                           data={"region": "湖南", "month": "2024-06", "local_minimum_wage": "1700"}).text
    assert "本系统不受理湖南" not in page and f'href="{bundle[0]["url"]}"' in page
    assert claim_note("hiring_subsidy", "一次性吸纳就业补贴", "山东") is not None  # still said where nothing takes it
