"""Which fields of the 失业登记 records are personal information, and how each is masked in lists.

Read from the record layouts (data/unemployment/application.yaml, result.yaml, exit.yaml): the two
identity numbers (社会保障号码 AAC002, 证件号码 AAC044), the contact fields (手机号码 AAC067, 固定电话 AAE005,
电子邮箱 AAE159, 其他联系方式 AAE461) and the two addresses (户籍地详细地址 AAC010, 常住地详细地址 AAC046).
These are stored encrypted (:class:`kuaiban.platform.personal_data.SealedJSON`) and masked in every list.
"""

from __future__ import annotations

from typing import Any

from kuaiban.platform import personal_data

FIELD_KINDS: dict[str, str] = {
    "AAC002": "id_number", "AAC044": "id_number",
    "AAC067": "phone", "AAE005": "phone",
    "AAE159": "account", "AAE461": "account",
    "AAC010": "address", "AAC046": "address",
}


def is_personal(code: str) -> bool:
    return code in FIELD_KINDS


def masked_record(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of a 失业登记 record with its personal fields masked (430104********1249, 138****1234 …)."""
    if record is None:
        return None
    return {k: personal_data.mask(FIELD_KINDS[k], v) if k in FIELD_KINDS else v for k, v in record.items()}


def masked_text(text: str | None, record: dict[str, Any] | None, *also: str | None) -> str | None:
    """``text`` (a declaration quoting the application) with every identity number of ``record`` and ``also``
    masked, as a list shows it."""
    if not text:
        return text
    numbers = {v for k, v in (record or {}).items() if FIELD_KINDS.get(k) == "id_number" and isinstance(v, str) and v}
    numbers |= {v for v in also if v}
    for number in sorted(numbers, key=len, reverse=True):
        text = text.replace(number, personal_data.mask_id_number(number) or "")
    return text
