"""HTTP client of the partner's transfer interface (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from kuaiban.unemployment.transfer_exchange import protocol as p


class PartnerClient:
    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read().decode())
        except urllib.error.HTTPError as exc:
            raise p.TransportError(f"HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:  # timeouts, refused or dropped connections, garbled answers
            raise p.TransportError(type(exc).__name__) from None

    def send(self, message: dict) -> str:
        status = self._call("POST", p.MESSAGES, message).get("status")
        if status not in (p.STORED, p.DUPLICATE, p.CONFLICT):
            raise p.TransportError(f"未知回执：{status}")
        return status

    def fetch(self, after: int, limit: int = 50) -> list[dict]:
        return list(self._call("GET", f"{p.MESSAGES}?after={after}&limit={limit}").get("messages") or [])
