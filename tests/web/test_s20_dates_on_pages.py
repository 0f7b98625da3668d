"""The calculator pages write dates the one way people read them (2020年12月31日至2025年12月30日, 2021年1月起): a
date of a description, a coverage, a note, a step or an error is in words; only an example of the format to type
(如 2021-05, 日期写作 2020-01-31, 请按 2021-05-20 这样的格式) and the form's own values stay ISO. The JSON the
same calculators answer keeps ISO (a machine format)."""

from __future__ import annotations

import html
import re

import pytest

from kuaiban.rules.calculators import CALCULATORS

ISO = re.compile(r"(?<![\d-])\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?(?![\d-])")  # not a span of years (2019-2021年)
FORMAT_EXAMPLE = re.compile(r"(如|按|写作|收到「)\s*$")


def shown_text(page: str) -> str:
    """What a reader sees: no tags, attributes (input values, links) or scripts."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def iso_dates_read(text: str) -> list[str]:
    """ISO dates shown as dates, not as the format to type."""
    return [text[max(0, m.start() - 20):m.end()] for m in ISO.finditer(text)
            if not FORMAT_EXAMPLE.search(text[max(0, m.start() - 6):m.start()])]


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_a_calculator_page_writes_its_dates_in_words(app_client, name: str) -> None:
    page = app_client.get(f"/calc/{name}")
    assert page.status_code == 200
    assert not iso_dates_read(shown_text(page.text)), iso_dates_read(shown_text(page.text))


def test_the_calculator_list_writes_its_dates_in_words_and_the_api_keeps_iso(app_client) -> None:
    text = shown_text(app_client.get("/calc").text)
    assert not iso_dates_read(text) and "2020年12月31日至2025年12月30日" in text
    listed = app_client.get("/api/calc").json()
    pension = next(c for c in (listed["calculators"] if isinstance(listed, dict) else listed)
                   if c["name"] == "residents_pension")
    assert pension["coverage"][0]["dates"] == "2020-12-31 至 2025-12-30"  # the contract's field, unchanged


def test_a_refusal_names_its_period_in_words_and_keeps_the_format_example(app_client) -> None:
    form = {"region": "湖南", "month": "2019-06", "basic_pension": "103", "contribution_years": "16",
            "account_balance": "13900", "birth_date": "1958-05-01", "total_contribution_years": "16",
            "scheme_start_date": "2010-07-01"}
    text = shown_text(app_client.post("/calc/residents_pension", data=form).text)
    assert "2019年6月" in text and not iso_dates_read(text), iso_dates_read(text)
    bad = shown_text(app_client.post("/calc/residents_pension", data=form | {"month": "2021-13"}).text)
    assert "2021-05" in bad and not iso_dates_read(bad)  # 请按 2021-05 这样的格式填写（收到「2021-13」）


def test_a_month_typed_as_people_write_it_is_read(app_client) -> None:
    form = {"region": "湖南", "month": "2021年3月", "basic_pension": "103", "contribution_years": "16",
            "account_balance": "13900", "birth_date": "1958年5月1日", "total_contribution_years": "16",
            "scheme_start_date": "2010/7/1"}
    page = app_client.post("/calc/residents_pension", data=form)
    text = shown_text(page.text)
    assert page.status_code == 200 and "<strong>205</strong>" in page.text
    assert "出生于 1958年5月1日，2021年3月" in text and "2010年7月1日" in text
