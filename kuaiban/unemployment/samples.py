"""Synthetic (made-up) records for tests, demos and simulators: never real people's data.

Names are placeholders (样例甲), phone numbers use prefixes no operator assigns (100…, 010-0…),
and resident ID numbers are composed with a correct check digit from a region code, a chosen
birth date and an order code.

>>> from kuaiban.unemployment.validate import validate_record
>>> validate_record(application(), "application", today=SAMPLE_TODAY)
[]
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kuaiban.unemployment.idnumber import compose

SAMPLE_TODAY = date(2020, 8, 3)
SAMPLE_ID_MALE = compose("430102", date(1990, 5, 17), 123)  # odd order code: male
SAMPLE_ID_FEMALE = compose("370102", date(1995, 11, 2), 246)  # even order code: female


def application(**overrides: Any) -> dict[str, Any]:
    """A complete, valid 失业登记申请信息 (every optional field filled)."""
    record: dict[str, Any] = {
        "ADC201": "SAMPLE-0000-0000-0000-000000000001",
        "AAB301": "430102",
        "AAE127": "20200720",
        "AAC003": "样例甲",
        "AAC004": "1",
        "AAC005": "01",
        "AAC024": "13",
        "AAC011": "30",
        "AAC033": "6",
        "ALA040": "07",
        "AJC090": "20200630",
        "AAC002": SAMPLE_ID_MALE,
        "AAC058": "01",
        "AAC044": SAMPLE_ID_MALE,
        "AAB299": "430102",
        "AAC010": "样例路1号",
        "AAF016": "430102",
        "AAC046": "样例路1号",
        "ACA111": "6010101",
        "AAC015": "4",
        "ACA200": "6010102",
        "ACA202": "5",
        "ACA201": "6010103",
        "ACA203": "3",
        "AAC200": "061",
        "AAC014": "420",
        "ACA204": "062",
        "ACA206": "430",
        "ACA205": "063",
        "ACA207": "499",
        "AAC067": "10000000001",
        "AAE005": "0731-00000001-12",
        "AAE159": "sample@example.invalid",
        "AAE461": "无",
        "ADC221": "1",
        "AJC093": "90",
        "ADC220": "样例原因",
        "ACA112": "电工|仓储|客服",
        "AAE815": "无",
        "ADC222": "2",
    }
    record.update(overrides)
    return record


def minimal_application(**overrides: Any) -> dict[str, Any]:
    """A valid application with only the required fields (and no disability)."""
    full = application(AAC033="1")
    from kuaiban.unemployment.records import load_record

    record = {f.code: full[f.code] for f in load_record("application").fields if f.required}
    record.update(overrides)
    return record


def result(**overrides: Any) -> dict[str, Any]:
    """A complete, valid 失业登记申请审核结果信息 for the sample application, rejected with a reason."""
    app = application()
    record: dict[str, Any] = {"AAZ341": "LOCAL0000000000001", **app}
    record["AJC090"] = "202006"  # the result record's format is YYYYMM
    record.update({
        "AAE005": "0731-00000001-12,010-00000002",
        "AAE540": "2",
        "AAE360": "样例不通过原因",
        "AAE011": "经办样例",
        "AAE036": "20200722",
        "AAE013": "样例备注",
    })
    record.update(overrides)
    return record


def exit_record(**overrides: Any) -> dict[str, Any]:
    """A complete, valid 失业登记退出信息."""
    record: dict[str, Any] = {
        "AAB301": "370102",
        "AAZ341": "LOCAL0000000000002",
        "AAC003": "样例乙",
        "AAC002": SAMPLE_ID_FEMALE,
        "AAC058": "01",
        "AAC044": SAMPLE_ID_FEMALE,
        "ADC210": "20200731",
        "AJC00A": "11",
        "AAE011": "经办样例",
        "AAE036": "20200801",
        "AAE013": "样例备注",
    }
    record.update(overrides)
    return record


SAMPLES = {"application": application, "result": result, "exit": exit_record}
