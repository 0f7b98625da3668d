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
from functools import cache

import numpy as np

from kuaiban.platform import regions as gbt2260
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


def region_of(raw: str | int) -> Region | None:
    """The province a typed region names: a name, a key or any current GB/T 2260 code within it."""
    text = str(raw).strip()
    member = names().get(text)
    if member is not None:
        return member
    if _CODE.match(text) and gbt2260.region_name(text):
        return by_code().get(text[:2] + "0000")
    return None


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
