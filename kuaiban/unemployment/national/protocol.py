"""The wire format between a local system and the national platform (ours, not the ministry's).

人社厅发〔2020〕3号 附件3 二（二） (data/compilations/hunan-hrss-2020.txt 3521) names two interfaces on the
部级业务协同平台 — “失业登记申请信息下载” and “失业登记审核结果上传” — and 人社厅发〔2020〕79号 附件 一（二）
(data/compilations/shandong-2020.txt 5497) a third, “失业登记退出信息上传接口”. Neither text gives URLs,
authentication, paging or message framing: the ministry publishes those to registered regions only. This
module is therefore **our** design, JSON over HTTP, small on purpose; :class:`NationalPlatform` is the seam a
real transport replaces.

Records travel as JSON objects keyed by field code, exactly the layouts of data/unemployment/*.yaml.

=====================================  ===============================================================
``POST /v1/register``                  注册: ``{"system", "regions": [AAB301 prefixes]}`` → ``{"client_id"}``
``GET  /v1/applications?after=&limit=``  申请信息下载: a page after a cursor; each served item → 审核中
``POST /v1/applications/ack``          ``{"cursor"}``: the client stored everything up to the cursor
``POST /v1/results``                   审核结果上传: ``{"records": [...]}`` → one receipt per record
``POST /v1/exits``                     退出信息上传: ``{"batch_date", "records": [...]}`` → receipts
``GET  /v1/stats``                     counts (applications by state, results, duplicates, faults …)
=====================================  ===============================================================

Requests other than register and stats carry the header ``X-Client-Id``. The simulator adds ``/v1/admin/*``
endpoints (feed applications, set faults) that a real platform would not have.

>>> record_key({"AAB301": "430102", "AAZ341": "L1"})
'430102:L1'
>>> digest({"b": 1, "a": "甲"}) == digest({"a": "甲", "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

API = "/v1"
REGISTER = f"{API}/register"
APPLICATIONS = f"{API}/applications"
ACK = f"{API}/applications/ack"
RESULTS = f"{API}/results"
EXITS = f"{API}/exits"
STATS = f"{API}/stats"
ADMIN_APPLICATIONS = f"{API}/admin/applications"
ADMIN_FAULTS = f"{API}/admin/faults"
CLIENT_HEADER = "X-Client-Id"

# 审核状态 shown to the worker on the platform (3号 附件3 三（二）, hunan-hrss-2020.txt 3580):
# “当申请提交后，其审核状态为‘待审核’；当申请被地方下载后…变更为‘审核中’；当地方上传审核结果后…变更为‘已审核’”.
PENDING = "待审核"
IN_REVIEW = "审核中"
REVIEWED = "已审核"
STATES = (PENDING, IN_REVIEW, REVIEWED)

# Receipt statuses of an uploaded record.
STORED = "stored"  # first delivery, stored
DUPLICATE = "duplicate"  # same key, same content: already stored, nothing changed
CONFLICT = "conflict"  # same key, different content: refused, kept for a human
INVALID = "invalid"  # fails the record spec
UNKNOWN_APPLICATION = "unknown_application"  # ADC201 the platform never issued
ACCEPTED = (STORED, DUPLICATE)  # the upload is done: never send it again
RECEIPT_STATUSES = (STORED, DUPLICATE, CONFLICT, INVALID, UNKNOWN_APPLICATION)


def record_key(record: Mapping[str, Any]) -> str:
    """The business key of a result or exit record: 行政区划代码 + 系统流水号.

    “各地业务唯一标识号：行政区划代码 + 系统流水号” (result record, hunan-hrss-2020.txt 3654;
    exit record: “失业登记注销地行政区划代码+系统流水号”, shandong-2020.txt 5505). AAB301 has a fixed
    length of 6, but a colon keeps the key readable and unambiguous for malformed input too."""
    return f"{record.get('AAB301', '')}:{record.get('AAZ341', '')}"


def digest(record: Mapping[str, Any]) -> str:
    """A content hash independent of key order: equal digests mean the same record was sent again."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Application:
    """One downloaded 失业登记申请信息 with the platform's sequence number (the paging cursor)."""

    seq: int
    adc201: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Page:
    """A download page. ``next_cursor`` is the highest sequence number the page covers; items may repeat
    (the platform may deliver an application twice), so clients de-duplicate by ADC201."""

    items: tuple[Application, ...]
    next_cursor: int
    more: bool


@dataclass(frozen=True)
class Receipt:
    key: str
    status: str
    errors: tuple[dict[str, str], ...] = field(default=())

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED


def page_from_json(body: Mapping[str, Any]) -> Page:
    items = tuple(Application(int(i["seq"]), str(i["ADC201"]), dict(i["record"])) for i in body["items"])
    return Page(items, int(body["next_cursor"]), bool(body["more"]))


def receipts_from_json(body: Mapping[str, Any]) -> list[Receipt]:
    return [Receipt(r["key"], r["status"], tuple(r.get("errors") or ())) for r in body["receipts"]]


class TransportError(Exception):
    """The platform could not be reached or did not answer (timeout, dropped connection, 5xx):
    the request may or may not have taken effect, and may be retried."""


class RejectedRequest(Exception):
    """The platform answered 4xx: retrying the same request cannot help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class NationalPlatform(Protocol):
    """What the synchroniser needs from the national platform; the HTTP client is one implementation."""

    def register(self, system: str, regions: Sequence[str]) -> str: ...

    def resume(self, client_id: str) -> None:
        """Use a client id obtained by an earlier :meth:`register` (after a restart)."""
        ...

    def download(self, after: int, limit: int) -> Page: ...

    def acknowledge(self, cursor: int) -> None: ...

    def upload_results(self, records: Sequence[Mapping[str, Any]]) -> list[Receipt]: ...

    def upload_exits(self, batch_date: str, records: Sequence[Mapping[str, Any]]) -> list[Receipt]: ...
