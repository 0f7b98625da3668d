"""One spelling of dates for people, one reader of typed months and dates (kuaiban.platform.dates), used by the
pages, the calculators' forms, 快办 (outcome first month, form dates), 补贴项目 (claim months and dates), loans and
the library's 效力日期."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform import dates
from kuaiban.services import form_fields, outcomes
from kuaiban.web.calc_forms import written_day
from kuaiban.web.templating import templates


def test_dates_are_written_in_words_for_people() -> None:
    assert dates.day_words(dt.date(2020, 12, 31)) == "2020年12月31日"
    assert dates.day_words(dt.datetime(2021, 3, 4, 23, 59)) == "2021年3月4日"
    assert dates.day_words("2020-07-01") == "2020年7月1日" and dates.day_words("2020-07") == "2020年7月"
    assert dates.day_words(None) == "" and dates.day_words("不详") == "不详"
    assert dates.month_words("2020-12") == "2020年12月" and dates.month_words(dt.date(2020, 2, 3)) == "2020年2月"
    assert dates.moment_words(dt.datetime(2021, 3, 4, 9, 5, 7)) == "2021年3月4日 09:05"
    assert dates.moment_words(dt.datetime(2021, 3, 4, 9, 5, 7), seconds=True) == "2021年3月4日 09:05:07"
    assert dates.moment_words("2021-03-04T09:05:00+08:00") == "2021年3月4日 09:05"
    assert dates.span_words("2020-12-31", "2025-12-30") == "2020年12月31日至2025年12月30日"
    assert dates.span_words("2020-02", "2020-12") == "2020年2月至2020年12月"
    assert dates.span_words("2021-01", None) == "2021年1月起"


@pytest.mark.parametrize(("text", "words"), [
    ("2020-12-31 至 2025-12-30", "2020年12月31日至2025年12月30日"),
    ("湖南 2020-09-01 至 2020-12-31；全国 2021-05-20 至 2021-12-31", "湖南 2020年9月1日至2020年12月31日；全国 2021年5月20日至2021年12月31日"),
    ("2020年度（2019-12-31 前退休）", "2020年度（2019年12月31日前退休）"),
    ("2021-01 起", "2021年1月起"),
    ("延续至2022-04-30（汇编未载）", "延续至2022年4月30日（汇编未载）"),
    ("截止 2021-03-04 23:59", "截止 2021年3月4日 23:59"),
    # a format to type, and what was typed, stay as they are; so do years and numbers that are not dates
    ("请按 2021-05 这样的格式填写（收到「2021-02-30」）", "请按 2021-05 这样的格式填写（收到「2021-02-30」）"),
    ("填写具体日期，如 2021-05-20", "填写具体日期，如 2021-05-20"),
    ("2020-2021年度 共 2020-13 条", "2020-2021年度 共 2020-13 条"),
])
def test_a_composed_text_has_its_dates_in_words(text: str, words: str) -> None:
    assert dates.text_in_words(text) == words


@pytest.mark.parametrize(("typed", "month"), [
    ("2020-9", "2020-09"), ("2020-09", "2020-09"), ("2020年9月", "2020-09"), ("2020.9", "2020-09"),
    ("2020/09", "2020-09"), ("２０２０－９", "2020-09"), (" 2020 年 9 月 ", "2020-09"),
])
def test_every_month_input_reads_the_same_forms(typed: str, month: str) -> None:
    assert dates.read_month(typed) == month
    assert written_day(typed) == month  # the calculators' forms
    assert outcomes.parse({"decision": outcomes.GRANTED, "monthly_amount": "1800", "months": "3",
                              "first_month": typed}).first_month == month  # 快办 核定结果


@pytest.mark.parametrize("bad", ["2020-13", "2020-0", "二〇二〇年九月", "2020-09-01", "9/2020", ""])
def test_what_is_not_a_month_is_refused_and_the_field_named(bad: str) -> None:
    assert dates.read_month(bad) is None
    if bad:
        with pytest.raises(outcomes.Invalid) as caught:
            outcomes.parse({"decision": outcomes.GRANTED, "monthly_amount": "1800", "months": "3", "first_month": bad})
        assert caught.value.field == "outcome.first_month" and caught.value.message.startswith("起始月份")


@pytest.mark.parametrize(("typed", "day"), [
    ("2021-5-20", "2021-05-20"), ("2021-05-20", "2021-05-20"), ("2021年5月20日", "2021-05-20"),
    ("2021/5/20", "2021-05-20"), ("2021.05.20", "2021-05-20"), ("2021年5月20号", "2021-05-20"),
])
def test_every_date_input_reads_the_same_forms(typed: str, day: str) -> None:
    assert dates.read_day(typed) == day and dates.read_date(typed) == dt.date.fromisoformat(day)
    assert written_day(typed) == day
    assert form_fields.parse_date(typed) == dt.date.fromisoformat(day)  # 一件事 form dates
    assert form_fields.normalised("出生日期", typed) == day  # … stored as the one form
    assert dates.read_month(typed) is None and dates.read_month_or_day(typed) == day


@pytest.mark.parametrize("bad", ["2021-02-30", "2021-13-01", "2021-5-20-1", "明年", "20210520x"])
def test_what_is_not_a_date_is_refused(bad: str) -> None:
    assert dates.read_day(bad) is None and dates.read_date(bad) is None
    assert form_fields.value_error("出生日期", bad, {}) == "出生日期应为日期，如 2024-05-01"


def test_the_form_fields_keep_reading_the_compact_forms_of_the_documents() -> None:
    assert form_fields.parse_date("20240501") == dt.date(2024, 5, 1)
    assert form_fields.normalised("出生日期", "20240501") == "2024-05-01"
    assert form_fields.normalised("姓名", "2024年5月1日") == "2024年5月1日"  # not a date field: as typed


def test_the_pages_filters_are_the_one_helper() -> None:
    env = templates.env
    assert env.filters["day"] is dates.day_words and env.filters["month"] is dates.month_words
    assert env.filters["moment"] is dates.moment_words and env.filters["in_words"] is dates.text_in_words
    page = env.from_string("{{ d|day }} · {{ m|month }} · {{ t|moment }} · {{ s|in_words }}").render(
        d=dt.date(2020, 12, 31), m="2020-12", t=dt.datetime(2021, 3, 4, 23, 59), s="2020-02 至 2020-12")
    assert page == "2020年12月31日 · 2020年12月 · 2021年3月4日 23:59 · 2020年2月至2020年12月"
