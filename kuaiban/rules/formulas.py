"""Vectorised helpers shared by the formulas: dates, year counting, region dispatch."""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np

MONTHS_PER_YEAR = 12


def to_date(text: str) -> np.datetime64:
    """A parameter date ('2019-12-31') as a numpy day."""
    return np.datetime64(text, "D")


def turned_age_by(birth_date: np.ndarray, age: int, cutoff: str) -> np.ndarray:
    """True where the person had reached `age` 周岁 on or before `cutoff` (their birthday counts).

    Someone born on or before the cutoff date moved back `age` years has had that birthday. When
    that day does not exist (29 February in a common year) the last day of February is used, so a
    29 February birthday falls after 28 February in a common year.
    """
    cut = date.fromisoformat(cutoff)
    year = cut.year - age
    day = min(cut.day, calendar.monthrange(year, cut.month)[1])
    latest_birth = np.datetime64(date(year, cut.month, day).isoformat(), "D")
    return birth_date <= latest_birth


def years_rounded_up(months: np.ndarray) -> np.ndarray:
    """Whole years where a started year counts as a full one (不满1年的按1年计算)."""
    return -((-np.asarray(months, dtype=np.int64)) // MONTHS_PER_YEAR)


def round_fen(amount: np.ndarray) -> np.ndarray:
    """Round to 分 (two decimals), half away from zero as 四舍五入 means, robust to binary floats."""
    amount = np.asarray(amount, dtype=np.float64)
    return np.sign(amount) * np.floor(np.abs(amount) * 100 + 0.5 + 1e-9) / 100


def parameter_or_none(parameters, instant, path: str):
    """The parameter at `path` (dotted) in force at `instant`, or None where no value is in force.

    A `value: null` in the YAML closes a parameter's validity: the texts give no later figure.
    """
    from openfisca_core.errors import ParameterNotFoundError

    node = parameters(instant)
    try:
        for part in path.split("."):
            node = node[part]
    except (ParameterNotFoundError, KeyError, AttributeError):
        return None
    return node


def regional(person, period, parameters, path: str) -> np.ndarray:
    """A region-keyed parameter (children r430000 …) at the period's first day, per person; NaN where none.

    `regions.by_region` over the node at `path`, or all NaN where no child of it is in force.
    """
    from kuaiban.rules.regions import by_region

    node = parameter_or_none(parameters, period.start, path)
    if node is None:
        return np.full(person.count, np.nan)
    return by_region(node, person("region", period))
