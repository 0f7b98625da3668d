"""The 失业保险关系转移 pages write dates as every other page does (s21 tryout finding 5): 办理时限 2026年12月14日,
办理记录 2026年12月7日 12:18 — never the API's ISO strings (2026-12-14, 2026-12-07T12:18) with an English “T”.
The API keeps its ISO dates; only the pages put them in words (kuaiban.platform.dates, the ``day``/``moment`` filters).
"""

from __future__ import annotations

import re

from kuaiban.platform import dates

from .test_s21_page_masked import started  # noqa: F401  (fixture: a transfer the person filed)

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _main(html: str) -> str:
    """The page's own content (the CSRF tokens and links hold no dates; the hidden inputs are left out)."""
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"<input[^>]*>", "", body)


def test_the_person_and_both_offices_read_the_dates_in_words(started) -> None:  # noqa: F811
    signed_in, person, page, _reads = started
    for client in (person, signed_in("hn-clerk"), signed_in("cq-clerk")):
        shown = _main(client.get(page).text)
        assert not ISO_DAY.search(shown), ISO_DAY.search(shown)
        steps = shown[shown.index("办理记录"):]
        assert re.search(r"<li>\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} ", steps)
        due = re.search(r"<dt>办理时限</dt><dd>([^；<]*)", shown).group(1)
        assert due == "未规定" or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", due)


def test_the_list_of_transfers_writes_the_time_limit_in_words(started) -> None:  # noqa: F811
    _signed_in, person, _page, _reads = started
    listed = _main(person.get("/unemployment/transfers").text)
    assert not ISO_DAY.search(listed)


def test_the_filters_read_the_api_iso_strings_as_the_same_day_and_minute() -> None:
    """The pages show the API's dict (transfer.as_dict); the filters turn its ISO strings into words."""
    assert dates.moment_words("2026-12-07T12:18") == "2026年12月7日 12:18"
    assert dates.day_words("2026-12-14") == "2026年12月14日"
