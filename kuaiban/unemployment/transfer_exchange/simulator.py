"""A simulator of another province's 失业保险 system on the transfer interface, with faults.

It stores each message id once (``duplicate`` for the same content again, ``conflict`` for other content) and
answers as a diligent partner office would: a 联系函 → it 办理转出 (a transfer record of its own, 18 months insured
there, 6 unpaid months of 1,800 元 → fund 16,200 元); a 转出 → it 办理转入; a 划转 → it confirms the money. It can
also start transfers itself (``originate``). Faults come from :class:`kuaiban.unemployment.national.faults.FaultPlan`
(timeout: processed late; error: 503, nothing processed; drop_before / drop_after: the connection closed before /
after processing; duplicate: a feed page repeats an earlier message). State is in memory: the tests that kill
a process kill the sender, never this.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from kuaiban.unemployment.national.faults import FaultPlan
from kuaiban.unemployment.transfer_exchange import protocol as p

FUND_RECORD = {"contributions": {"approved": [], "unapproved": [{"region": "500103", "start": "2020-01",
                                                                "end": "2021-06"}]},
               "unpaid_benefit": {"months": 6, "monthly_amount": "1800.00"}, "unemployment_reason": "劳动合同期满终止",
               "benefit_standard": "1800.00", "fund_amount": "16200.00"}


class PartnerState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: dict[str, str] = {}  # message id → digest
        self.applied: Counter[str] = Counter()  # message id → times its effect was applied (must stay ≤ 1)
        self.feed: list[dict] = []
        self.counts: Counter[str] = Counter()
        self.transfers: dict[str, str] = {}  # ref → state, as the partner sees it

    def receive(self, message: dict) -> str:
        with self.lock:
            mid, d = str(message.get("message_id")), p.digest(message)
            if mid in self.received:
                status = p.DUPLICATE if self.received[mid] == d else p.CONFLICT
                self.counts[status] += 1
                return status
            self.received[mid] = d
            self.applied[mid] += 1
            self.counts[p.STORED] += 1
            self._react(message)
            return p.STORED

    def _queue(self, ref: str, kind: str, **body) -> None:
        self.feed.append({"seq": len(self.feed) + 1, "message_id": f"{ref}:{kind}", "transfer_ref": ref,
                          "kind": kind, "sent_on": time.strftime("%Y-%m-%d"), **body})

    def _react(self, message: dict) -> None:
        ref, kind = message["transfer_ref"], message["kind"]
        if kind == "contact_letter":  # we are the 转出地: 办理转出
            self.transfers[ref] = "已转出"
            self._queue(ref, "transferred_out", record=message.get("record", {}) | FUND_RECORD, fund_moves=True,
                        fund_amount=FUND_RECORD["fund_amount"], origin_region=message["origin_region"],
                        destination_region=message["destination_region"])
        elif kind == "transferred_out":  # we are the 转入地: 办理转入
            self.transfers[ref] = "已转入"
            self._queue(ref, "transferred_in")
        elif kind == "fund_sent":
            self._queue(ref, "fund_received", fund_amount=message.get("fund_amount"))
        elif kind == "transferred_in":
            self.transfers[ref] = "已转入"
        elif kind == "refused":
            self.transfers[ref] = "不予办理"

    def originate(self, body: dict) -> dict:
        """The partner starts a transfer: a 联系函 (it is the 转入地) or a 转出 (it is the 转出地)."""
        with self.lock:
            ref, kind = body["transfer_ref"], body["kind"]
            extra = {"fund_moves": True, "fund_amount": FUND_RECORD["fund_amount"]} if kind == "transferred_out" else {}
            record = body["record"] | (FUND_RECORD if kind == "transferred_out" else {})
            self._queue(ref, kind, record=record, origin_region=body["origin_region"],
                        destination_region=body["destination_region"], **extra)
            self.transfers[ref] = "待对方办理"
            return {"seq": len(self.feed)}

    def page(self, after: int, limit: int, duplicate: bool) -> dict:
        with self.lock:
            items = [m for m in self.feed if m["seq"] > after][:limit]
            if duplicate and self.feed:
                items.append(self.feed[min(len(self.feed), max(after, 1)) - 1])  # served again
            return {"messages": items, "last": items[-1]["seq"] if items else after}

    def snapshot(self) -> dict:
        with self.lock:
            return {"received": len(self.received), "counts": dict(self.counts),
                    "applied_twice": [m for m, n in self.applied.items() if n > 1],
                    "transfers": dict(self.transfers), "feed": len(self.feed)}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlparse(self.path)
        body = self._body() if method == "POST" else None
        admin = url.path.startswith("/v1/admin")
        fault = None if admin else self.server.faults.draw(url.path)
        if fault:
            self.server.state.counts[f"fault.{fault}"] += 1
        if fault == "error":
            return self._answer(503, {"detail": "服务暂不可用"})
        if fault == "drop_before":
            return self._drop()
        if fault == "timeout":
            time.sleep(self.server.faults.timeout_sleep)
        status, answer = self._route(method, url.path, parse_qs(url.query), body)
        if fault == "drop_after":
            return self._drop()
        self._answer(status, answer)

    def _route(self, method: str, path: str, query: dict, body: Any) -> tuple[int, Any]:
        state = self.server.state
        if path == p.MESSAGES and method == "POST":
            return 200, {"status": state.receive(body)}
        if path == p.MESSAGES:
            duplicate = self.server.faults.draw_duplicate(path)
            return 200, state.page(int(query.get("after", ["0"])[0]), int(query.get("limit", ["50"])[0]), duplicate)
        if path == p.ADMIN_FAULTS:
            self.server.faults = FaultPlan.from_json(body or {})
            return 200, self.server.faults.as_json()
        if path == p.ADMIN_ORIGINATE:
            return 200, state.originate(body)
        if path == p.ADMIN_STATE:
            return 200, state.snapshot()
        return 404, {"detail": "没有这个接口"}

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length).decode() or "null")

    def _answer(self, status: int, answer: Any) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout fault)
            pass

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: PartnerState
    faults: FaultPlan


def start(faults: FaultPlan | None = None, host: str = "127.0.0.1", port: int = 0) -> _Server:
    """A running simulator on a background thread; ``server.url`` is its address; ``server.shutdown()`` stops it."""
    server = _Server((host, port), _Handler)
    server.state, server.faults = PartnerState(), faults or FaultPlan()
    server.url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
