"""Small text helpers shared by every layout: dates, numerals, noise."""

from __future__ import annotations

import datetime as dt
import re

CN_DIGITS = "零〇一二三四五六七八九十百千两"

# patterns of the per-line helpers below, compiled once (they run ~100,000 times per ingest)
_WHITESPACE = re.compile(r"\s+")
_SPACED = re.compile(r"(?<=[^\sA-Za-z])[ ]+(?=[^\sA-Za-z])|(?<=[A-Za-z])[ ]+(?=[^\sA-Za-z])|"
                     r"(?<=[^\sA-Za-z])[ ]+(?=[A-Za-z])")

# 2020年6月8日, 2020 年 6 月 8 日, 二〇二〇年四月二十一日
DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)\s*\d\s*\d|[一二〇零][{CN_DIGITS}]{{3}})\s*年\s*"
    rf"(?P<m>\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{CN_DIGITS}]{{1,4}})\s*日"
)
# A paragraph that is nothing but a date (a signature date line), optionally in brackets.
DATE_LINE_RE = re.compile(rf"^[（(]?\s*{DATE_RE.pattern}\s*[）)]?$")
# The 成文日期 line under the issuer; one Chongqing notice prints its issuer's 办公室 again after the date
# ("2021年12月13日办公室", chongqing-hrss-2021.txt:18313).
SIGNATURE_LINE_RE = re.compile(rf"^[（(]?\s*{DATE_RE.pattern}\s*[）)]?\s*(?:办公室|办公厅)?$")
EFFECTIVE_RE = re.compile(rf"自\s*{DATE_RE.pattern}\s*起\s*(?:施行|执行|实施|生效)")
EXPIRY_RE = re.compile(rf"(?:有效期至|执行至|截至|至)\s*{DATE_RE.pattern}\s*(?:止|$|。|，)")

_YEAR_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                "六": "6", "七": "7", "八": "8", "九": "9"}


_ONES = "一二三四五六七八九"
# 一 … 九十九 without cn2an (part and article numbers: thousands of calls per ingest)
_SMALL_CN = {
    **{d: i + 1 for i, d in enumerate(_ONES)},
    "十": 10,
    **{f"十{d}": 11 + i for i, d in enumerate(_ONES)},
    **{f"{t}十": 10 * (j + 1) for j, t in enumerate(_ONES) if j},
    **{f"{t}十{d}": 10 * (j + 1) + i + 1 for j, t in enumerate(_ONES) if j for i, d in enumerate(_ONES)},
}


_DIGIT = {"零": 0, "〇": 0, "两": 2, **{d: i + 1 for i, d in enumerate(_ONES)}}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_PLAIN_CN = re.compile(r"[零〇两一二三四五六七八九十百千]+")


def _plain_cn(s: str) -> int | None:
    """一百零三, 二千零二十, 两百 (a number below 10,000 written with units) or 一〇三 (digit by digit);
    None for anything else (cn2an reads it)."""
    if not _PLAIN_CN.fullmatch(s):
        return None
    if len(s) > 1 and not any(ch in _UNIT for ch in s):  # 二〇二〇, 一〇三: read digit by digit
        return int("".join(str(_DIGIT[ch]) for ch in s))
    total, digit, last_unit, zero = 0, None, 10_000, False
    for ch in s:
        if ch in _UNIT:
            unit = _UNIT[ch]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif _DIGIT[ch] == 0:
            if digit is not None:
                return None
            zero = True  # 一百零三: the zero only says a place is empty
        elif digit is not None:
            return None  # 二三: digits in a row are a year or a code, not this form
        else:
            digit = _DIGIT[ch]
    if digit is not None and 10 < last_unit < 10_000 and not zero:
        return None  # 一百一 means 110 in speech: left to cn2an
    return total + (digit or 0)


def cn_int(s: str) -> int:
    """Chinese or Arabic numeral string to int: ``'七十九'`` → 79, ``'7 9'`` → 79, ``'一百零三'`` → 103."""
    s = _WHITESPACE.sub("", s)
    if s.isdigit():
        return int(s)
    if s in _SMALL_CN:
        return _SMALL_CN[s]
    plain = _plain_cn(s)
    if plain is not None:
        return plain
    import cn2an  # loaded on first use: it costs a second of start-up, most numbers never need it

    try:
        return int(cn2an.cn2an(s.replace("〇", "零"), "smart"))
    except (KeyError, IndexError) as wrong:  # cn2an fails on some malformed numerals ("十十零") this way
        raise ValueError(f"not a numeral: {s!r}") from wrong


def _year(s: str) -> int:
    s = _WHITESPACE.sub("", s)
    if s.isdigit():
        return int(s)
    return int("".join(_YEAR_DIGITS[c] for c in s))


def date_from_match(m: re.Match) -> dt.date | None:
    try:
        return dt.date(_year(m["y"]), cn_int(m["m"]), cn_int(m["d"]))
    except (ValueError, KeyError):
        return None


def parse_date(text: str) -> dt.date | None:
    """The first valid date written in Chinese form in ``text``."""
    for m in DATE_RE.finditer(text):
        d = date_from_match(m)
        if d:
            return d
    return None


def squeeze(text: str) -> str:
    """Remove all white space: for comparing CJK strings that extraction spaced out."""
    return _WHITESPACE.sub("", text)


def unspace_cjk(text: str) -> str:
    """Remove spaces between CJK characters and around digits (重 庆 市 → 重庆市, 第 79条 → 第79条).

    Spaces between two Latin words are kept.
    """
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    if " " not in text:  # ~38,000 calls per ingest; most lines have no space to remove
        return text.strip()
    return _SPACED.sub("", text).strip()


_EMPHASIS_RE = re.compile(r"\*\*(.*?)\*\*")
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")
_SPACES_RE = re.compile(r"[ ]{2,}")


def strip_markup(text: str) -> str:
    """Drop markdown emphasis and HTML tags that the extractions left in text and cells."""
    # called ~140,000 times per ingest: skip the patterns that cannot match
    if "**" in text:
        text = _EMPHASIS_RE.sub(r"\1", text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "  " in text:
        text = _SPACES_RE.sub(" ", text)
    return text.strip()
