"""Dates as people read them, and months and dates as people type them: the one spelling and the one reader.

Shown to a citizen, employer or caseworker a date is written in words — 2020年12月31日, a month 2020年12月, a
period 2020年12月31日至2025年12月30日, a moment 2020年12月31日 14:05 — never 2020-12-31. Machine formats (JSON
fields, CSV exports, a form's input value) keep ISO: :func:`read_month` and :func:`read_day` turn what was typed
into it. A form's hint that shows the format to type (如 2021-05) is the format, not a date read, and stays ISO.

Typed, a month or a date is read in every form people write one (2021年5月, 2021年5月20日, 2021.5, 2021/5/20,
2021-5, full-width digits) and normalised to 2021-05 / 2021-05-20; anything else is refused (None), for the
caller's message to name its field.

>>> day_words("2020-12-31"), month_words("2020-12"), span_words("2020-12-31", "2025-12-30")
('2020年12月31日', '2020年12月', '2020年12月31日至2025年12月30日')
>>> read_month("2020-9"), read_month("2020年9月"), read_day("2021/5/20"), read_month_or_day("2021.5.20")
('2020-09', '2020-09', '2021-05-20', '2021-05-20')
>>> text_in_words("缴费所属月份（2020-02 至 2020-12）"), text_in_words("2021-01 起")
('缴费所属月份（2020年2月至2020年12月）', '2021年1月起')
>>> text_in_words("不是有效的月份，请按 2021-05 这样的格式填写（收到 2021-13）")
'不是有效的月份，请按 2021-05 这样的格式填写（收到 2021-13）'
>>> text_in_words("所收政策文件对 湖南 2020-06 没有规定（已有规定：湖南 2020-02 至 2020-12）")
'所收政策文件对 湖南 2020年6月 没有规定（已有规定：湖南 2020年2月至2020年12月）'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# a month or a day as people type it: 2021年5月, 2021年5月20日, 2021.5, 2021/05/20, 2021-5 (after NFKC)
_TYPED = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*(?:月\s*(?:(\d{1,2})\s*[日号]?)?|[./-]\s*(\d{1,2})\s*[日号]?)?$")
# an ISO date or month inside prose (not part of a longer number, not a range of years like 2020-2021)
# (an example of the format to type — 如 2021-05, 按 2021-05-20 这样的格式 — and what was typed — 收到「2021-02-30」 —
# stay as they are)
_ISO_IN_TEXT = re.compile(r"(?<![\d-])(?<!如)(?<!如 )(?<!按)(?<!按 )(?<!例)(?<!例 )(?<!收到)(?<!收到 )(?<!「)(?<!“)"
                          r"(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?![\d-])")
# the joiners around an ISO date in prose: “2020-12-31 至 2025-12-30”, “2021-01 起”, “2019-12-31 前”
_JOINED = re.compile(r"(年\d{1,2}月(?:\d{1,2}日)?)\s+(至|起|前|及以前|以前|以后|止)")
_AFTER_TO = re.compile(r"(月(?:\d{1,2}日)?至)\s+(\d{4}年)")  # only between two dates: 截至 2020年12月 keeps its space


def _as_day(value: dt.date | dt.datetime | str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def day_words(value: dt.date | dt.datetime | str | None) -> str:
    """2020年12月31日 (a date, a datetime's day, or an ISO string; an ISO month as a month; other text as it is)."""
    if value is None or value == "":
        return ""
    day = _as_day(value)
    if day is None:
        return month_words(value) if isinstance(value, str) else str(value)
    return f"{day.year}年{day.month}月{day.day}日"


def month_words(value: dt.date | str | None) -> str:
    """2020年12月 (a date's month, or an ISO month 2020-12; other text as it is)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月"
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", str(value).strip())
    if not found or not 1 <= int(found[2]) <= 12:
        return str(value)
    return f"{found[1]}年{int(found[2])}月"


def moment_words(value: dt.datetime | str | None, *, seconds: bool = False) -> str:
    """2020年12月31日 14:05 (a datetime or an ISO datetime string; with ``seconds`` 14:05:09)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return day_words(value)
    return f"{day_words(value)} {value.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def span_words(start: dt.date | str | None, end: dt.date | str | None) -> str:
    """2020年12月31日至2025年12月30日; an open end: 2020年12月31日起; months as months (2020年2月至2020年12月)."""
    def words(value: dt.date | str) -> str:
        return month_words(value) if isinstance(value, str) and len(value.strip()) == 7 else day_words(value)

    if not end:
        return f"{words(start)}起" if start else ""
    if not start:
        return f"{words(end)}止"
    return f"{words(start)}至{words(end)}"


def text_in_words(text: object) -> str:
    """A sentence with its ISO dates and months written in words: “2020-12-31 至 2025-12-30” →
    “2020年12月31日至2025年12月30日”, “（2021-01 起）” → “（2021年1月起）”. For texts composed elsewhere (a
    calculator's description, coverage, notes, messages) shown on a page. An example of the format to type
    (如 2021-05, 请按 2021-05-20 这样的格式填写) stays as it is: it shows what to type."""
    if text is None or text == "":
        return ""
    if isinstance(text, dt.datetime):
        return moment_words(text)
    if isinstance(text, dt.date):
        return day_words(text)
    text = str(text)

    def words(m: re.Match) -> str:
        return f"{m[1]}年{int(m[2])}月" + (f"{int(m[3])}日" if m[3] else "")

    out = _ISO_IN_TEXT.sub(words, text)
    out = _JOINED.sub(r"\1\2", out)
    return _AFTER_TO.sub(r"\1\2", out)


def _typed(text: str) -> tuple[int, int, int | None] | None:
    found = _TYPED.match(unicodedata.normalize("NFKC", text or "").strip())
    if not found:
        return None
    year, month, day, other_day = found.groups()
    day = day or other_day
    if not 1 <= int(month) <= 12:
        return None
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            return None
    return int(year), int(month), None if day is None else int(day)


def read_month(text: str) -> str | None:
    """A typed month as YYYY-MM (2020-9, 2020年9月, 2020.9, ２０２０-０９ → 2020-09); None for anything else (a
    day included: a month field takes no day)."""
    found = _typed(text)
    if found is None or found[2] is not None:
        return None
    return f"{found[0]:04d}-{found[1]:02d}"


def read_day(text: str) -> str | None:
    """A typed date as YYYY-MM-DD (2021-5-20, 2021年5月20日, 2021/5/20 → 2021-05-20); None for anything else."""
    found = _typed(text)
    if found is None or found[2] is None:
        return None
    return f"{found[0]:04d}-{found[1]:02d}-{found[2]:02d}"


def read_month_or_day(text: str) -> str | None:
    """A typed month or date, normalised as :func:`read_month` or :func:`read_day` do; None for anything else."""
    return read_day(text) or read_month(text)


def read_date(text: str) -> dt.date | None:
    """A typed date as a date (as :func:`read_day` reads it)."""
    day = read_day(text)
    return None if day is None else dt.date.fromisoformat(day)
