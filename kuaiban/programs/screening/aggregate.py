"""Per-enterprise figures of the contribution year from the insured-person records (人社部发〔2020〕30号 三（一）:
the amount from the 征缴机构's records of last year, no staff lists).

- 上年度参保职工人数: persons insured with the enterprise at any time in the year;
- 减少人数: those of them whose insurance with it ended in the year, less the departures the program says are
  not layoffs (鲁人社字〔2020〕26号 二（二）3);
- 领取失业保险金人数: those of them who left in the year and drew 失业保险金;
- 实际缴纳失业保险费: the year's contributions of the enterprise and its employees, in fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Aggregates:
    insured: np.ndarray  # int64 per enterprise
    decrease: np.ndarray
    claimants: np.ndarray
    contributions_fen: np.ndarray


def _days(column) -> np.ndarray:
    """Days since 1970-01-01, with a null (still insured) as far in the future."""
    days = column.cast(pa.date32()).cast(pa.int32())
    return days.fill_null(np.iinfo(np.int32).max).to_numpy(zero_copy_only=False).astype(np.int64)


def per_enterprise(count: int, persons: pa.Table, owner: np.ndarray, year: int,
                   not_layoffs: tuple[str, ...]) -> Aggregates:
    """The figures of `year` for each of `count` enterprises; `owner` is each person row's enterprise."""
    start = (date(year, 1, 1) - date(1970, 1, 1)).days
    end = (date(year, 12, 31) - date(1970, 1, 1)).days
    begun = _days(persons.column("insured_from"))
    until = _days(persons.column("insured_until"))
    in_year = (begun <= end) & (until >= start)
    left = in_year & (until <= end)
    excluded = pc.is_in(persons.column("separation"), value_set=pa.array(list(not_layoffs), pa.string()))
    excluded = np.asarray(excluded.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    claimed = np.asarray(persons.column("claimed_benefit").to_numpy(zero_copy_only=False), dtype=bool)
    fen = persons.column("contributions_fen").cast(pa.int64()).to_numpy(zero_copy_only=False)

    def count_of(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner[mask], minlength=count).astype(np.int64)

    totals = np.zeros(count, dtype=np.int64)
    np.add.at(totals, owner, fen)  # exact integer sums (bincount's weights are floats)
    return Aggregates(count_of(in_year), count_of(left & ~excluded), count_of(left & claimed), totals)
