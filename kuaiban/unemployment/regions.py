"""行政区划代码 (GB/T 2260) from python-stdnum's bundled data, rather than a table typed here.

stdnum/cn/loc.dat lists every six-digit code with its names, each name optionally dated
``[1994-]`` or ``[-2010]``.  A code is *current* when one of its names has no end year.

>>> region_name("430100")
'长沙市'
>>> is_current_region("110103")  # 崇文区, merged into 东城区 in 2010
False
>>> is_current_region("999999")
False
"""

from __future__ import annotations

import re
from functools import cache

from stdnum import numdb

_DATED = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


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


def region_name(code: str) -> str | None:
    """The current name of a region code, or None."""
    for name, _start, end in _names(code):
        if end is None:
            return name
    return None
