"""行政区划代码 (GB/T 2260): the one region model of kuaiban, read from python-stdnum's bundled table.

stdnum/cn/loc.dat lists every six-digit code with its names, each name optionally dated
``[1994-]`` or ``[-2010]``.  A code is *current* when one of its names has no end year.  The hierarchy
is in the code itself: ``43 00 00`` 湖南省 (province), ``43 01 00`` 长沙市 (city), ``43 01 04`` 岳麓区
(county).  In a 直辖市 the city level is a placeholder (``110100`` 市辖区), so its districts are listed
directly under the municipality.

A staff account's scope is one code and covers everything under it (:func:`covers`); every region
stored anywhere in kuaiban is such a code, and free text is turned into one by :func:`resolve`.

Codes withdrawn since 2020 (:data:`WITHDRAWN_SINCE`: the compilations' first year, so their texts and the
records of that time carry them) are *known* but not *current*: 重庆市江北区 (500105) and 渝北区 (500112)
end in 2025, the year the table adds 两江新区 (500157); 湖南省祁阳县 (431121) became 祁阳市 (431181). Stored codes of that kind
read with their name and 已撤销; new input naming them is refused with the reason, and where the place
lives on under a new code of the same short name the refusal names it; a name shared by a current region
elsewhere and a withdrawn one (江北区: 宁波's, and 重庆's until 2025) is ambiguous, not silently the current
one.

>>> region_name("430100")
'长沙市'
>>> is_current_region("110103")  # 崇文区, merged into 东城区 in 2010
False
>>> covers("430000", "430104"), covers("430100", "430104"), covers("430100", "430200")
(True, True, False)
>>> resolve("湖南省长沙市岳麓区")
'430104'
>>> resolve("长沙")
'430100'
>>> full_name("110105")
'北京市朝阳区'
>>> resolve_scope("湖南"), resolve_scope("全国")
('430000', None)
>>> label("500105")
'重庆市江北区（500105，已撤销）'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import stdnum
from stdnum import numdb

from kuaiban.platform.errors import Invalid

_DATED = re.compile(r"^\[(\d*)-(\d*)\](.*)$")
PROVINCE, CITY, COUNTY = "province", "city", "county"
NATIONAL = "全国"  # what a person writes for the whole country (a staff scope of no region)
LEVEL_NAMES = {PROVINCE: "省级", CITY: "地级", COUNTY: "县级"}
WITHDRAWN_SINCE = 2020  # codes withdrawn in or after this year are still known (see the module's docstring)
# City-level codes that are no city but a grouping; their districts belong to the province above
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位"}
# Suffixes dropped to form the short name people use (湖南, 长沙, 岳麓); longest first
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "盟",
             "省", "市", "区", "县")


@cache
def _names(code: str) -> tuple[tuple[str, int | None, int | None], ...]:
    """The (name, first year, last year) entries stdnum holds for a six-digit code."""
    if len(code) != 6 or not code.isdigit():
        return ()
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    county = info.get("county")
    if not county:
        return ()
    out = []
    for entry in county.split(","):
        m = _DATED.match(entry)
        if m:
            start, end, name = m.groups()
            out.append((name, int(start) if start else None, int(end) if end else None))
        else:
            out.append((entry, None, None))
    return tuple(out)


def is_current_region(code: str) -> bool:
    """Whether ``code`` is a GB/T 2260 code still in use, per python-stdnum's data."""
    return any(end is None for _name, _start, end in _names(code))


def region_name(code: str | None) -> str | None:
    """The current name of a region code, or None."""
    for name, _start, end in _names(code or ""):
        if end is None:
            return name
    return None


@dataclass(frozen=True)
class Region:
    """One current 行政区划: its code, name, level and the code of the region above it."""

    code: str
    name: str
    level: str  # province | city | county
    parent: str | None
    withdrawn: int | None = None  # the last year python-stdnum lists the code in, for a withdrawn one

    @property
    def placeholder(self) -> bool:
        """A 市辖区/县 grouping code, not a place anyone lives in."""
        return self.name in _PLACEHOLDERS

    @property
    def full_name(self) -> str:
        return full_name(self.code)


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return COUNTY


def _codes() -> list[str]:
    """Every six-digit code the data file python-stdnum ships lists, in its order."""
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    codes: list[str] = []
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix = line.split()[0]
        if len(province) == 2 and len(suffix) == 4:
            codes.append(province + suffix)
    return list(dict.fromkeys(codes))


def _parent(code: str, level: str) -> str | None:
    if level == CITY:
        return code[:2] + "0000"
    if level == COUNTY:
        return code[:4] + "00" if is_current_region(code[:4] + "00") else code[:2] + "0000"
    return None


@cache
def _table() -> dict[str, Region]:
    """Every current region, keyed by code, read once."""
    table: dict[str, Region] = {}
    for code in _codes():
        name = region_name(code)
        if name is not None:
            level = level_of(code)
            table[code] = Region(code, name, level, _parent(code, level))
    return table


@cache
def _withdrawn() -> dict[str, Region]:
    """The codes withdrawn in or after :data:`WITHDRAWN_SINCE`, each with its last name and year."""
    table: dict[str, Region] = {}
    for code in _codes():
        names = _names(code)
        if not names or is_current_region(code):
            continue
        name, _start, last = max(names, key=lambda entry: entry[2] or 0)
        if last is not None and last >= WITHDRAWN_SINCE:
            level = level_of(code)
            table[code] = Region(code, name, level, _parent(code, level), withdrawn=last)
    return table


def known_regions() -> list[Region]:
    """Every region :func:`known_region` knows: the current ones, then those withdrawn since
    :data:`WITHDRAWN_SINCE`."""
    return [*_table().values(), *_withdrawn().values()]


def in_force(code: str, year: int) -> bool:
    """Whether one of the code's names is dated to cover ``year`` (an undated bound is open)."""
    return any((start is None or start <= year) and (end is None or year <= end) for _n, start, end in _names(code))


def region(code: str | None) -> Region | None:
    """The current region with this code, or None."""
    return _table().get(code or "")


def known_region(code: str | None) -> Region | None:
    """The region with this code, current or withdrawn since :data:`WITHDRAWN_SINCE`, or None."""
    return _table().get(code or "") or _withdrawn().get(code or "")


def ancestors(code: str) -> list[Region]:
    """The regions above ``code``, from the province down (placeholders included)."""
    out: list[Region] = []
    r = known_region(code)
    while r is not None and r.parent:
        r = region(r.parent)
        if r is not None:
            out.append(r)
    return out[::-1]


def full_name(code: str | None) -> str | None:
    """湖南省长沙市岳麓区: the names from the province down, without 市辖区/县 groupings (a withdrawn code
    gets its last name)."""
    r = known_region(code)
    if r is None:
        return None
    parts = [a.name for a in ancestors(r.code) if not a.placeholder]
    if not r.placeholder or not parts:
        parts.append(r.name)
    return "".join(parts)


def label(code: str | None) -> str:
    """What a person reads for a stored code: 湖南省长沙市（430100）; 全国 for no region."""
    if not code:
        return "全国"
    name = full_name(code)
    if not name:
        return f"未知地区（{code}）"
    return f"{name}（{code}，已撤销）" if region(code) is None else f"{name}（{code}）"


def provinces() -> list[Region]:
    return [r for r in _table().values() if r.level == PROVINCE]


def children(code: str | None) -> list[Region]:
    """The regions one step below ``code`` as people choose them (provinces for None); a 直辖市's
    placeholder groupings are skipped, so 北京市 lists its districts."""
    if not code:
        return provinces()
    out = []
    for r in _table().values():
        if r.parent != code:
            continue
        if r.placeholder:
            out.extend(c for c in _table().values() if c.parent == r.code)
        else:
            out.append(r)
    return sorted(out, key=lambda r: r.code)


# ---------------------------------------------------------------- scope


def scope_prefix(scope: str) -> str:
    """The code prefix a scope covers: 43 for a province, 4301 for a city, the whole code for a county."""
    level = level_of(scope)
    return scope[:2] if level == PROVINCE else scope[:4] if level == CITY else scope


def covers(scope: str | None, code: str | None) -> bool:
    """Whether a scope (one code; None = the whole country) includes region ``code``."""
    if scope is None:
        return True
    if not code:
        return False
    return code.startswith(scope_prefix(scope))


# ---------------------------------------------------------------- free text → code


def _short(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


# The 56 民族 of GB/T 3304《中国各民族名称的罗马字母拼写法和代码》, longest first: an autonomous county's
# official name is its place name, the 民族 (one or more, the 族 sometimes left out: 巴里坤哈萨克自治县) and
# 自治县; people write the place name with 县 (石柱县 for 石柱土家族自治县, as 渝人社发〔2021〕22号 does).
ETHNIC_GROUPS = tuple(sorted((
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"),
    key=len, reverse=True))
_AUTONOMOUS = {"自治县": "县", "自治州": "州", "自治旗": "旗"}


def _place_of_autonomous(name: str) -> tuple[str, str] | None:
    """(place name, the level's one-character suffix) of an autonomous county, prefecture or banner:
    石柱土家族自治县 → (石柱, 县); None for any other name, or where no place name of 2+ characters is left."""
    ending = next((e for e in _AUTONOMOUS if name.endswith(e)), None)
    if ending is None:
        return None
    rest = name[: -len(ending)]
    while True:  # 彭水苗族土家族: take off 土家族, then 苗族
        form = next((form for group in ETHNIC_GROUPS for form in (group, group[:-1])
                     if rest.endswith(form) and len(rest) - len(form) >= 2), None)
        if form is None:
            break
        rest = rest[: -len(form)]
    return (rest, _AUTONOMOUS[ending]) if len(rest) < len(name) - len(ending) else None


def common_names(name: str) -> set[str]:
    """The short forms people write for a region's official name, besides the name itself: the name
    without its level (岳麓区 → 岳麓, 凤凰县 → 凤凰), and for an autonomous one the place name with and
    without the level (石柱土家族自治县 → 石柱县, 石柱; 湘西土家族苗族自治州 → 湘西州, 湘西)."""
    autonomous = _place_of_autonomous(name)
    if autonomous:
        place, suffix = autonomous
        return {place + suffix, place}
    short = _short(name)
    return {short} if short and short != name and not name.endswith(tuple(_AUTONOMOUS)) else set()


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    """Every name a person may write for a region (full name, and short name for 2+ characters), the
    recently withdrawn ones included so that they are recognised and refused with their reason."""
    found: dict[str, list[str]] = {}
    for r in [*_table().values(), *_withdrawn().values()]:
        if r.placeholder:
            continue
        for alias in {r.name, _short(r.name)}:
            if alias:
                found.setdefault(alias, []).append(r.code)
    return {k: tuple(v) for k, v in found.items()}


def _successor(code: str) -> Region | None:
    """The current region that carries a withdrawn one on (祁阳县 → 祁阳市): same province, same short
    name; None when there is no such one (江北区 went into 两江新区)."""
    gone = _withdrawn().get(code)
    if gone is None:
        return None
    short = _short(gone.name) or gone.name
    return next((r for r in _table().values() if r.code[:2] == code[:2] and r.level == gone.level
                 and (_short(r.name) or r.name) == short), None)


def _parses(text: str, within: str | None) -> list[tuple[str, int]]:
    """Every deepest region an address can be read as, reading region names from its left end, with
    how many characters each reading used."""
    aliases = _aliases()
    longest = max(len(a) for a in aliases)
    results: list[tuple[str, int]] = []
    for size in range(min(longest, len(text)), 0, -1):
        for code in aliases.get(text[:size], ()):
            if within is not None and (code == within or not covers(within, code)):
                continue
            deeper = _parses(text[size:], code)
            results.extend([(c, size + used) for c, used in deeper] or [(code, size)])
        if results:
            break  # the longest name that matches wins (长沙市 before 长沙)
    return results


def resolve(text: str | None, *, field: str = "region") -> str:
    """The one current code a person meant by ``text``: a six-digit code, a name (湖南, 长沙市) or an
    address (湖南省长沙市岳麓区…); :class:`Invalid` naming ``field`` if it is blank, unknown or ambiguous."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        raise Invalid("请选择所在地区（行政区划）", field)
    if value.isdigit():
        if len(value) != 6:
            raise Invalid(f"行政区划代码应为 6 位数字：{value}", field)
        if region(value) is None:
            if known_region(value) is not None:
                raise Invalid(_withdrawn_message(value), field)
            raise Invalid(f"行政区划代码不存在：{value}", field)
        return value
    parses = _parses(value, None)
    most = max((used for _c, used in parses), default=0)
    # the reading that understands most of the text (湖南长沙岳麓: 长沙市 then 岳麓区, not 长沙县)
    codes = list(dict.fromkeys(c for c, used in parses if used == most))
    # 长沙 names 长沙市 and 长沙县 (inside it): the region that contains the others is meant
    codes = [c for c in codes if not any(o != c and covers(o, c) for o in codes)]
    # 祁阳 names 祁阳市 and the 祁阳县 it replaced: the same place, the current code is meant
    codes = [c for c in codes if region(c) is not None or (s := _successor(c)) is None or s.code not in codes]
    if not codes:
        raise Invalid(f"无法识别的地区：{value}（请从列表中选择，或写成“湖南省长沙市岳麓区”这样的地址）", field)
    if len(codes) > 1:
        shown = "、".join(label(c) for c in codes[:6]) + ("等" if len(codes) > 6 else "")
        raise Invalid(f"地区“{value}”不明确，可能是：{shown}；请写明上级地区或直接选择", field)
    if region(codes[0]) is None:
        raise Invalid(_withdrawn_message(codes[0]), field)
    return codes[0]


def _withdrawn_message(code: str) -> str:
    successor = _successor(code)
    now = f"，现为{successor.full_name}（{successor.code}）" if successor else ""
    return f"{full_name(code)}（{code}）的行政区划代码已撤销{now}，请选择现行地区"


def resolve_scope(text: str | None, *, field: str = "region") -> str | None:
    """A staff account's scope from what a person wrote: None for 全国 (the whole country), otherwise the
    one code :func:`resolve` finds; blank is refused like any unknown region."""
    if re.sub(r"\s+", "", text or "") == NATIONAL:
        return None
    return resolve(text, field=field)
