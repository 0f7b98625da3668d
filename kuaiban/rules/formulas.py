"""Vectorised helpers shared by the formulas: dates, year counting, region dispatch."""

from __future__ import annotations

import numpy as np

MONTHS_PER_YEAR = 12


def to_date(text: str) -> np.datetime64:
    """A parameter date ('2019-12-31') as a numpy day."""
    return np.datetime64(text, "D")


def turned_age_by(birth_date: np.ndarray, age: int, cutoff: str) -> np.ndarray:
    """True where the person had reached `age` 周岁 on or before `cutoff` (their birthday counts).

    Compares (birth year + age, month, day) with the cutoff lexicographically, so a 29 February
    birthday falls after 28 February in a common year.
    """
    birth = birth_date.astype("datetime64[D]")
    years = birth.astype("datetime64[Y]")
    year = years.astype(int) + 1970
    month_start = birth.astype("datetime64[M]")
    month = (month_start - years.astype("datetime64[M]")).astype(int) + 1
    day = (birth - month_start.astype("datetime64[D]")).astype(int) + 1
    cut = np.datetime64(cutoff, "D").astype(object)
    anniversary = (year + age) * 10_000 + month * 100 + day
    return anniversary <= cut.year * 10_000 + cut.month * 100 + cut.day


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
