"""Regions in the rules: the `Region` enum of OpenFisca, its GB/T 2260 codes, and region-keyed parameters.

Convention for parameters that several regions share in structure: one node whose children are named
``r<province code>`` (``r430000`` 湖南, ``r370000`` 山东; OpenFisca keys must be identifiers), e.g.
``parameters/hiring_subsidy/amount.yaml`` with children ``r430000``, ``r120000``. A formula reads the
row's value with ``by_region(node, person("region", period))``; the spec loader derives a calculator's
coverage from which ``r…`` children are in force (kuaiban/rules/specs.py). Older parameter files named by
the member (``hunan.yaml``, ``beijing``) are recognised too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from kuaiban.platform import regions as gbt2260
from kuaiban.platform.errors import Invalid
from kuaiban.rules.enums import REGION_CODES, Region

NODE_KEY = re.compile(r"^r(\d{6})$")
_CODE = re.compile(r"^\d{6}$")


def code_of(member: Region) -> str:
    """The member's GB/T 2260 province code ('430000'); '' for Region.unknown."""
    return REGION_CODES.get(member.name, "")


def parameter_key(member: Region) -> str:
    """The child name of a region-keyed parameter node for `member`: r430000."""
    return f"r{code_of(member)}"


@cache
def by_code() -> dict[str, Region]:
    return {code: Region[name] for name, code in REGION_CODES.items()}


@cache
def names() -> dict[str, Region]:
    """Every spelling a user may type for a province: 湖南, 湖南省, hunan, 430000."""
    table: dict[str, Region] = {}
    for member in Region:
        if member is Region.unknown:
            continue
        code = code_of(member)
        table[member.value] = table[member.name] = table[code] = member
        full = gbt2260.region_name(code)
        if full:
            table[full] = member
    return table


@lru_cache(maxsize=4096)
def region_of(raw: str | int) -> Region | None:
    """The province a typed region names: a name, a key, any current GB/T 2260 code within it, or a city,
    county or address inside it (长沙市, 湖南省长沙市岳麓区) that names one place; None when none or several."""
    text = str(raw).strip()
    member = names().get(text)
    if member is not None:
        return member
    if _CODE.match(text) and gbt2260.region_name(text):
        return by_code().get(text[:2] + "0000")
    if not text or text.isdigit() or text.isascii():
        return None
    try:
        code = gbt2260.resolve(text)
    except Invalid:  # unknown, withdrawn or ambiguous (城关区): the caller lists the provinces it takes
        return None
    return by_code().get(code[:2] + "0000")


@cache
def region_of_node(name: str) -> Region | None:
    """The region a parameter node's name stands for (r430000 or a member name), or None (not regional)."""
    match = NODE_KEY.match(name)
    if match:
        return by_code().get(match.group(1))
    return Region.__members__.get(name) if name != "unknown" else None


def by_region(node, regions, missing: float = np.nan) -> np.ndarray:
    """Per row, the value of region-keyed `node` (children r<code>) for the row's region; `missing` (NaN
    unless given) where none.

    `regions` is the OpenFisca EnumArray of Region (person("region", period)).
    """
    table = np.full(len(Region), missing)  # one figure per region, then one lookup per row (no sort, no masks)
    for member in Region:
        key = parameter_key(member)
        if key in node and node[key] is not None:
            table[member.index] = node[key]
    return per_region(table, regions)


def per_region(table: np.ndarray, regions) -> np.ndarray:
    """`table[index of each row's region]`, as a `take` with native-width indices: numpy's fancy indexing of a
    small table by the int16 indices OpenFisca keeps costs twice as much on a million rows."""
    return table.take(np.asarray(regions).astype(np.intp, casting="same_kind"))  # indices, never floats


# ---- counties within a province: the 行政区划代码 a rule's county lists hold, from what people write ----


@dataclass(frozen=True)
class CountyMatch:
    """What a county input names within a province: the one county-level code (`code`), or none with the
    counties it may mean (`candidates`, several) or the prefecture-level region it names instead (`city`)."""

    code: str | None
    candidates: tuple[str, ...] = ()
    city: str | None = None


@cache
def _spellings(province: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]:
    """(county spellings, prefecture spellings, province spellings) of a province: each region's official
    name and its common short forms (platform.regions.common_names), withdrawn codes since
    platform.regions.WITHDRAWN_SINCE included (重庆市江北区 500105 is a county of the 2021 rules)."""
    counties: dict[str, set[str]] = {}
    cities: dict[str, set[str]] = {}
    for r in gbt2260.known_regions():
        if r.code[:2] != province[:2] or r.placeholder or r.level == gbt2260.PROVINCE:
            continue
        table = counties if r.level == gbt2260.COUNTY else cities
        for name in {r.name, *gbt2260.common_names(r.name)}:
            table.setdefault(name, set()).add(r.code)
    whole = gbt2260.region(province[:2] + "0000")
    own = {whole.name, *gbt2260.common_names(whole.name)} if whole else set()
    return ({k: frozenset(v) for k, v in counties.items()}, {k: frozenset(v) for k, v in cities.items()},
            frozenset(own))


def _county_readings(province: str, text: str) -> set[str]:
    """Every county-level code `text` can be read as: a county's name, after the province's and a
    prefecture's names if written (湘西州凤凰县, 湖南省湘西土家族苗族自治州凤凰县, 重庆市石柱县)."""
    counties, cities, own = _spellings(province)
    rests = {text} | {text[len(head):] for head in own if text.startswith(head) and len(text) > len(head)}
    found: set[str] = set()
    for rest in rests:
        found |= counties.get(rest, frozenset())
        for head, within in cities.items():  # a prefecture's name, then one of its counties
            if rest.startswith(head) and len(rest) > len(head):
                found |= {code for code in counties.get(rest[len(head):], ()) if code[:4] in {c[:4] for c in within}}
    return found


@lru_cache(maxsize=4096)
def county_in(province: str, text: str, year: int) -> CountyMatch:
    """The county-level 行政区划代码 a person means by `text` within `province` (a province code) for a rule
    of `year`: a six-digit code of a county-level region of the province (current, or withdrawn since
    platform.regions.WITHDRAWN_SINCE), its official name (石柱土家族自治县), a common short form (石柱县,
    石柱; 凤凰) or an address down to it (湘西州凤凰县). Where two counties fit, the one in force in `year`
    is meant; otherwise the match lists them."""
    value = re.sub(r"\s+", "", text)
    if _CODE.match(value):
        known = gbt2260.known_region(value)
        if known is None or value[:2] != province[:2]:
            return CountyMatch(None)
        if known.level == gbt2260.CITY and not known.placeholder:
            return CountyMatch(None, city=value)
        return CountyMatch(value if known.level == gbt2260.COUNTY else None)
    _counties, cities, _own = _spellings(province)
    codes = _county_readings(province, value)
    if value in cities and not any(gbt2260.known_region(c).name == value for c in codes):
        return CountyMatch(None, tuple(sorted(codes)), city=min(cities[value]))  # 长沙: 长沙市, not 长沙县
    if len(codes) > 1:
        current = [c for c in codes if gbt2260.in_force(c, year)]
        if len(current) == 1:
            return CountyMatch(current[0])
    if len(codes) == 1:
        return CountyMatch(next(iter(codes)))
    return CountyMatch(None, tuple(sorted(codes)))


def county_codes_listed(province: str, county, listed: frozenset[str] | set[str], year: int) -> np.ndarray:
    """Per row, whether the row's county (text: a NumPy array, or an Arrow column, dictionary-encoded or
    not) is one of the codes `listed`, the county read by `county_in` within `province`. Each distinct
    spelling is read once (Arrow: through the column's dictionary), never row by row."""
    def flag(words) -> np.ndarray:
        return np.array([w is not None and county_in(province, str(w), year).code in listed for w in words] + [False])

    if isinstance(county, np.ndarray):
        words, inverse = np.unique(county.astype(str), return_inverse=True)
        return flag(words)[inverse.reshape(-1)]
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = county if pa.types.is_dictionary(county.type) else pc.dictionary_encode(county)
    table = flag(encoded.dictionary.to_pylist())
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(len(encoded.dictionary))
    return table.take(indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False))
