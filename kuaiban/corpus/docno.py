"""文号 (document numbers): normalise every spelling to one canonical form.

Canonical form: ``<机关代字>〔<year>〕<n>号`` with 〔〕 brackets, Arabic digits and
no spaces, e.g. ``人社部发〔2020〕26号``. Typed or printed variants all map to it:

* brackets ``[] ﹝﹞ 【】 () （） ［］ 〔〕`` or ``2020年`` instead of brackets;
* spaces anywhere (``人社部发 〔2020〕 26 号``);
* orders (令) ``人力资源社会保障部令第44号`` and ``主席令第六十五号`` keep their
  ``第N号`` form with Arabic digits; the ministry's long and short names
  (中华人民共和国人力资源和社会保障部令, 人社部令) are unified.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_OPEN = "〔[﹝【(（［"
_CLOSE = "〕]﹞】)）］"
_CJK = r"\u4e00-\u9fff"

# 机关代字: CJK characters, possibly with a few ASCII letters (e.g. "国办发"), never digits.
_PREFIX = rf"[{_CJK}]{{1,16}}"
_YEAR = r"((?:19|20)\d\s*\d\s*\d?)"  # tolerate spaces inside the year ("20 20")

_BRACKETED = re.compile(
    rf"(?P<prefix>{_PREFIX})\s*[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)[\d\s]{{2,4}}?)\s*"
    rf"[{re.escape(_CLOSE)}]\s*(?:第\s*)?(?P<num>\d[\d\s]{{0,6}}?)\s*号"
)
_YEAR_WORD = re.compile(
    rf"(?P<prefix>{_PREFIX}?)\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*(?:第\s*)?(?P<num>\d{{1,5}})\s*号"
)
_ORDER = re.compile(
    rf"(?P<prefix>[{_CJK}]{{1,24}}令)\s*第\s*(?P<num>[0-9{''.join('零〇一二三四五六七八九十百千两')}\s]{{1,12}})\s*号"
)
# Session-numbered notices such as 〔五届〕第 154 号 (重庆市人大常委会公告).
_SESSION = re.compile(r"[〔\[﹝【(（](?P<session>[一二三四五六七八九十]{1,3})届[〕\]﹞】)）]\s*第\s*(?P<num>\d{1,5})\s*号")

_ORDER_ALIASES = {
    "中华人民共和国人力资源和社会保障部令": "人力资源社会保障部令",
    "中华人民共和国人力资源社会保障部令": "人力资源社会保障部令",
    "人力资源和社会保障部令": "人力资源社会保障部令",
    "人社部令": "人力资源社会保障部令",
    "国家卫生健康委令": "国家卫生健康委员会令",
    "中华人民共和国国务院令": "国务院令",
}

# Words that often stand just before a 文号 in running text and are not part of it.
_LEADING_NOISE = re.compile(
    r"^(?:.*?(?:根据|按照|依据|依照|参照|执行|落实|印发|见|和|及|与|或|的|以|在|于|对|即|文件|通知|规定|意见|办法))"
)


_WHITESPACE = re.compile(r"\s+")


def _digits(s: str) -> str:
    return _WHITESPACE.sub("", s)


def _to_int(num: str) -> int:
    num = _digits(num)
    if num.isdigit():
        return int(num)
    from kuaiban.corpus.text import cn_int

    return cn_int(num)


def _clean_prefix(prefix: str) -> str:
    return _WHITESPACE.sub("", prefix)


def normalize(text: str) -> str | None:
    """Return the canonical 文号 for a string holding exactly one, else None.

    >>> normalize("人社部发[2020]26号")
    '人社部发〔2020〕26号'
    >>> normalize("人社部发2020年26号")
    '人社部发〔2020〕26号'
    >>> normalize("中华人民共和国主席令第六十五号")
    '中华人民共和国主席令第65号'
    """
    s = text.strip().strip("()（）")
    s = _WHITESPACE.sub("", s)
    for match in (_match_order, _match_bracketed, _match_year_word, _match_session):
        found = match(s, anchored=True)
        if found:
            return found
    return None


def _match_order(s: str, anchored: bool) -> str | None:
    m = _ORDER.fullmatch(s) if anchored else _ORDER.search(s)
    if not m:
        return None
    prefix = _clean_prefix(m["prefix"])
    prefix = _ORDER_ALIASES.get(prefix, prefix)
    try:
        return f"{prefix}第{_to_int(m['num'])}号"
    except ValueError:
        return None


def _match_bracketed(s: str, anchored: bool) -> str | None:
    m = _BRACKETED.fullmatch(s) if anchored else _BRACKETED.search(s)
    if not m:
        return None
    return f"{_clean_prefix(m['prefix'])}〔{_digits(m['year'])}〕{int(_digits(m['num']))}号"


def _match_year_word(s: str, anchored: bool) -> str | None:
    m = _YEAR_WORD.fullmatch(s) if anchored else None
    if not m or not m["prefix"]:
        return None
    return f"{_clean_prefix(m['prefix'])}〔{m['year']}〕{int(m['num'])}号"


def _match_session(s: str, anchored: bool) -> str | None:
    m = _SESSION.fullmatch(s) if anchored else None
    if not m:
        return None
    return f"〔{m['session']}届〕第{int(m['num'])}号"


# Where a match can end its 机关代字: _ORDER's 令 before 第, _BRACKETED's last character before the bracket.
# A match starts at most 24 (_ORDER) or 15 (_BRACKETED) characters before one of these.
_ORDER_ANCHOR = re.compile(r"令(?=\s*第)")
_BRACKETED_ANCHOR = re.compile(rf"[{_CJK}](?=\s*[{re.escape(_OPEN)}])")


def _matches_near(pattern: re.Pattern, text: str, anchor: re.Pattern, reach: int) -> Iterator[re.Match]:
    """What ``pattern.finditer(text)`` yields, trying only the starts at most ``reach`` characters before an
    ``anchor``: every match of ``pattern`` starts there, and the other starts cannot match. The same
    matches; a long text is no longer tried at every character (the greedy 机关代字 backtracks up to 24
    characters at each, most of :func:`find_all`'s time over a whole document)."""
    done = 0  # starts before this were tried or lie inside a match: finditer goes on after a match
    for a in anchor.finditer(text):
        start = max(done, a.start() - reach)
        while start <= a.start():
            m = pattern.match(text, start)
            if m:
                yield m
                start = m.end()
            else:
                start += 1
            done = start


def find_all(text: str) -> list[tuple[int, int, str]]:
    """Every 文号 in running text as ``(start, end, canonical)``.

    The 机关代字 is taken greedily and then trimmed of words that commonly
    precede a 文号 (根据, 印发 …); callers that know the set of real numbers
    should prefer :func:`resolve_suffix` to match against it.
    """
    found: list[tuple[int, int, str]] = []
    for m in _matches_near(_ORDER, text, _ORDER_ANCHOR, 24):
        prefix = _LEADING_NOISE.sub("", _clean_prefix(m["prefix"])) or _clean_prefix(m["prefix"])
        prefix = _ORDER_ALIASES.get(prefix, prefix)
        try:
            found.append((m.start(), m.end(), f"{prefix}第{_to_int(m['num'])}号"))
        except ValueError:
            continue
    for m in _matches_near(_BRACKETED, text, _BRACKETED_ANCHOR, 15):
        if any(s <= m.start() < e for s, e, _ in found):
            continue
        prefix = _LEADING_NOISE.sub("", _clean_prefix(m["prefix"])) or _clean_prefix(m["prefix"])
        found.append(
            (m.start(), m.end(), f"{prefix}〔{_digits(m['year'])}〕{int(_digits(m['num']))}号")
        )
    found.sort()
    return found


def resolve_suffix(candidate: str, known: set[str] | dict[str, object]) -> str | None:
    """Match a greedily-prefixed candidate against known numbers by longest suffix.

    ``关于印发人社部发〔2020〕26号`` resolves to ``人社部发〔2020〕26号`` when that is known.
    """
    if candidate in known:
        return candidate
    for start in range(1, len(candidate)):
        tail = candidate[start:]
        if tail[0] in "〔第":
            break
        if tail in known:
            return tail
    return None


def lookup_keys(query: str) -> list[str]:
    """Canonical forms a free-text query may stand for (empty when it holds no 文号)."""
    exact = normalize(query)
    if exact:
        return [exact]
    return [c for _, _, c in find_all(re.sub(r"\s+", "", query))]
