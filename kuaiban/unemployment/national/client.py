"""The HTTP client of the national platform: timeouts, retries with exponential backoff and jitter.

Every request of the wire format is safe to repeat — a download only re-serves a page (its items are
already 审核中), an acknowledgement only raises a cursor, an upload is idempotent by AAB301 + AAZ341 — so
the client retries timeouts, dropped connections and 5xx answers alike, without needing to know whether
the first attempt took effect. A 4xx answer is not retried (:class:`RejectedRequest`).
"""

from __future__ import annotations

import http.client
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from kuaiban.unemployment.national import protocol as p


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # including the first
    base_delay: float = 0.05  # seconds; the n-th retry waits up to base·2ⁿ⁻¹ (full jitter) …
    max_delay: float = 2.0  # … but never more than this

    def delay(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))


class HttpNationalPlatform:
    """:class:`~kuaiban.unemployment.national.protocol.NationalPlatform` over HTTP/1.1 keep-alive.

    ``failures`` counts what went wrong by kind (``timeout``, ``connection``, ``server_error``) and
    ``retries`` how many repeats that cost, so callers can report them."""

    def __init__(self, base_url: str, *, timeout: float = 5.0, retry: RetryPolicy | None = None,
                 client_id: str | None = None, sleep: Callable[[float], None] = time.sleep,
                 seed: int | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"全国平台地址应为 http://主机:端口 形式：{base_url}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.client_id = client_id
        self.failures: Counter[str] = Counter()
        self.retries = 0
        self.requests = 0
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # --- the interface ---

    def register(self, system: str, regions: Sequence[str]) -> str:
        answer = self._call("POST", p.REGISTER, {"system": system, "regions": list(regions)})
        self.client_id = answer["client_id"]
        return self.client_id

    def resume(self, client_id: str) -> None:
        self.client_id = client_id

    def download(self, after: int, limit: int) -> p.Page:
        return p.page_from_json(self._call("GET", p.APPLICATIONS, query={"after": after, "limit": limit}))

    def acknowledge(self, cursor: int) -> None:
        self._call("POST", p.ACK, {"cursor": cursor})

    def upload_results(self, records: Sequence[Mapping[str, Any]]) -> list[p.Receipt]:
        return p.receipts_from_json(self._call("POST", p.RESULTS, {"records": list(records)}))

    def upload_exits(self, batch_date: str, records: Sequence[Mapping[str, Any]]) -> list[p.Receipt]:
        body = {"batch_date": batch_date, "records": list(records)}
        return p.receipts_from_json(self._call("POST", p.EXITS, body))

    # --- helpers the simulator's users need (not part of NationalPlatform) ---

    def stats(self) -> dict[str, Any]:
        return self._call("GET", p.STATS)

    def feed(self, records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        return self._call("POST", p.ADMIN_APPLICATIONS, {"records": list(records)})

    def set_faults(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", p.ADMIN_FAULTS, dict(plan))

    # --- transport ---

    def _call(self, method: str, path: str, body: Any = None, query: Mapping[str, Any] | None = None) -> Any:
        target = f"{path}?{urlencode(query)}" if query else path
        data = p.dumps(body) if body is not None else None
        last: Exception | None = None
        for attempt in range(self.retry.attempts):
            if attempt:
                self.retries += 1
                self._sleep(self.retry.delay(attempt, self._rng))
            try:
                return self._once(method, target, data)
            except p.TransportError as exc:
                last = exc
        raise p.TransportError(f"{method} {path}：重试{self.retry.attempts}次仍失败（{last}）")

    def _once(self, method: str, target: str, data: bytes | None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.client_id:
            headers[p.CLIENT_HEADER] = self.client_id
        self.requests += 1
        try:
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._conn.request(method, target, body=data, headers=headers)
            response = self._conn.getresponse()
            raw = response.read()
        except TimeoutError as exc:
            self._fail("timeout")
            raise p.TransportError(f"超时（{self.timeout}秒）") from exc
        except (OSError, http.client.HTTPException) as exc:
            self._fail("connection")
            raise p.TransportError(f"连接中断：{type(exc).__name__}") from exc
        if response.status >= 500:
            self._fail("server_error")
            raise p.TransportError(f"HTTP {response.status}")
        try:
            answer = json.loads(raw)
        except ValueError:
            self._fail("connection")
            raise p.TransportError("应答不是有效的JSON") from None
        if response.status >= 400:
            raise p.RejectedRequest(response.status, answer.get("error", ""))
        return answer

    def _fail(self, kind: str) -> None:
        self.failures[kind] += 1
        self.close()
