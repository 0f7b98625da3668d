"""Synthetic applications for the simulator (tests and benchmarks): made-up people, never real ones.

Each application is :func:`kuaiban.unemployment.samples.application` with its own 失业登记申请编号
(ADC201), its own resident ID number (correct check digit, sex agreeing with AAC004) and, for one in
``reject_every``, a remark asking the synthetic caseworker to reject it (:data:`REJECT_MARK`).

>>> from kuaiban.unemployment.validate import validate_record
>>> records = synthetic_applications(3, batch="T")
>>> [r["ADC201"] for r in records]
['SYN-T-000000000000', 'SYN-T-000000000001', 'SYN-T-000000000002']
>>> all(validate_record(r, "application") == [] for r in records)
True
>>> len({r["AAC002"] for r in synthetic_applications(2000)})
2000
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kuaiban.unemployment import samples
from kuaiban.unemployment.idnumber import compose

REJECT_MARK = "合成数据：请审核不通过"


def synthetic_applications(n: int, *, start: int = 0, batch: str = "B", region: str = "430102",
                           reject_every: int = 0) -> list[dict[str, Any]]:
    """``n`` valid applications numbered ``start``…``start+n-1``; ``reject_every`` = k marks every k-th."""
    records = []
    for i in range(start, start + n):
        order = i % 1000
        born = dt.date(1970, 1, 1) + dt.timedelta(days=i // 1000)
        id_number = compose(region, born, order)
        remark = REJECT_MARK if reject_every and i % reject_every == reject_every - 1 else "无"
        records.append(samples.application(
            ADC201=f"SYN-{batch}-{i:012d}", AAB301=region, AAB299=region, AAF016=region,
            AAC002=id_number, AAC044=id_number, AAC004="1" if order % 2 else "2",
            AAC003=f"样例{i}", AAE815=remark))
    return records
