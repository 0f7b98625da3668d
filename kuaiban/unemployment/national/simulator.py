"""A simulator of the national platform (人社政务服务平台 via 部级业务协同平台), as a separate process.

    python -m kuaiban.unemployment.national.simulator --port 8765 --db var/national.db \
        --faults "error=0.02,timeout=0.01,drop_before=0.01,drop_after=0.01,duplicate=0.05,seed=1"

It speaks the wire format of :mod:`kuaiban.unemployment.national.protocol` and keeps its state in its own
SQLite file (WAL, synchronous=FULL), so killing and restarting it loses nothing it answered for. What it
implements from the texts:

- 申请信息下载 moves each application to 审核中 when served, and 审核结果上传 moves it to 已审核
  (3号 附件3 三（二）, data/compilations/hunan-hrss-2020.txt 3580);
- results and exits are keyed by 行政区划代码 + 系统流水号 (AAB301 + AAZ341, “不可重复”,
  hunan-hrss-2020.txt 3654–3657; shandong-2020.txt 5505): the same record sent twice is stored once
  (``duplicate``), a different record under a stored key is refused and kept as a ``conflict``;
- results of locally filed cases (no ADC201) are accepted: “上传的审核结果数据应为全口径数据…以及在本地
  申请的审核结果” (hunan-hrss-2020.txt 3572);
- records are checked against the spec (:func:`kuaiban.unemployment.validate.validate_record`).

Faults (:mod:`.faults`) are set with ``--faults`` and changed at run time with ``POST /v1/admin/faults``.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.faults import KINDS, FaultPlan
from kuaiban.unemployment.validate import validate_record

MAX_PAGE = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    adc201 TEXT NOT NULL UNIQUE,
    aab301 TEXT NOT NULL,
    record TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    downloaded_at TEXT,
    reviewed_at TEXT,
    downloads INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS uploads (
    kind TEXT NOT NULL,             -- result | exit
    aab301 TEXT NOT NULL,
    aaz341 TEXT NOT NULL,
    adc201 TEXT,
    record TEXT NOT NULL,
    digest TEXT NOT NULL,
    batch_date TEXT,
    received_at TEXT NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (kind, aab301, aaz341)
);
CREATE INDEX IF NOT EXISTS uploads_adc201 ON uploads (adc201);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    aab301 TEXT NOT NULL,
    aaz341 TEXT NOT NULL,
    record TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY,
    system TEXT NOT NULL,
    regions TEXT NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Refused(Exception):
    """A request the platform answers with 4xx (message in Chinese)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class PlatformStore:
    """The platform's state in one SQLite file; every operation is one transaction under one lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @staticmethod
    def bump(db: sqlite3.Connection, name: str, by: int = 1) -> None:
        if by:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                (name, by),
            )

    def count_fault(self, kind: str) -> None:
        with self.transaction() as db:
            self.bump(db, f"fault.{kind}")

    # --- the platform side: workers' applications (fed by tests and benchmarks) ---

    def feed(self, records: list[Mapping[str, Any]]) -> dict[str, int]:
        """Applications submitted by workers: 待审核. An ADC201 already held is ignored."""
        accepted = 0
        now = _now()
        with self.transaction() as db:
            for record in records:
                adc201 = record.get("ADC201")
                if not adc201 or not record.get("AAB301"):
                    raise Refused(400, "申请信息缺少失业登记申请编号（ADC201）或登记失业地行政区划代码（AAB301）")
                cur = db.execute(
                    "INSERT OR IGNORE INTO applications (adc201, aab301, record, state, submitted_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (adc201, record["AAB301"], json.dumps(record, ensure_ascii=False), p.PENDING, now),
                )
                accepted += cur.rowcount
            self.bump(db, "applications.fed", accepted)
        return {"accepted": accepted, "ignored": len(records) - accepted}

    # --- the interface ---

    def register(self, body: Mapping[str, Any]) -> dict[str, str]:
        system = str(body.get("system") or "").strip()
        regions = body.get("regions")
        if not system:
            raise Refused(400, "注册信息缺少系统名称（system）")
        if not isinstance(regions, list) or not all(isinstance(r, str) and r.isdigit() for r in regions):
            raise Refused(400, "注册信息的行政区划（regions）应为数字代码前缀的列表，空列表表示全部")
        client_id = f"{system}@{','.join(sorted(regions)) or '*'}"
        with self.transaction() as db:
            db.execute(
                "INSERT INTO clients (client_id, system, regions, registered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (client_id) DO NOTHING",
                (client_id, system, json.dumps(sorted(regions)), _now()),
            )
        return {"client_id": client_id}

    def _client(self, db: sqlite3.Connection, client_id: str | None) -> tuple[list[str], int]:
        row = db.execute("SELECT regions, cursor FROM clients WHERE client_id = ?", (client_id,)).fetchone()
        if row is None:
            raise Refused(401, f"未注册的客户端：{client_id}（请先调用 {p.REGISTER}）")
        return json.loads(row[0]), row[1]

    @staticmethod
    def _region_filter(regions: list[str]) -> tuple[str, list[str]]:
        if not regions:
            return "", []
        return " AND (" + " OR ".join("aab301 LIKE ?" for _ in regions) + ")", [r + "%" for r in regions]

    def download(self, client_id: str | None, after: int | None, limit: int, duplicate: bool,
                 pick: Any) -> bytes:
        """A page of applications after the cursor, served items moved to 审核中; the JSON body is built
        from the stored text so a page is not parsed and re-encoded."""
        limit = max(1, min(limit, MAX_PAGE))
        now = _now()
        with self.transaction() as db:
            regions, acked = self._client(db, client_id)
            after = acked if after is None else after
            where, args = self._region_filter(regions)
            rows = db.execute(
                f"SELECT seq, adc201, record FROM applications WHERE seq > ?{where} ORDER BY seq LIMIT ?",
                (after, *args, limit),
            ).fetchall()
            next_cursor = rows[-1][0] if rows else after
            seqs = [r[0] for r in rows]
            if duplicate:
                extra = self._duplicate_item(db, rows, after, where, args, pick)
                if extra is not None:
                    rows.insert(pick(0, len(rows)), extra)
                    self.bump(db, "download.duplicate_items")
            if seqs:
                marks = ",".join("?" * len(seqs))
                db.execute(
                    f"UPDATE applications SET state = ?, downloaded_at = ? WHERE seq IN ({marks}) AND state = ?",
                    (p.IN_REVIEW, now, *seqs, p.PENDING),
                )
                db.execute(f"UPDATE applications SET downloads = downloads + 1 WHERE seq IN ({marks})", seqs)
            more = db.execute(
                f"SELECT EXISTS (SELECT 1 FROM applications WHERE seq > ?{where})", (next_cursor, *args)
            ).fetchone()[0]
            self.bump(db, "download.pages")
            self.bump(db, "download.items", len(rows))
        items = ",".join(
            f'{{"seq":{seq},"ADC201":{json.dumps(adc201, ensure_ascii=False)},"record":{record}}}'
            for seq, adc201, record in rows
        )
        return f'{{"items":[{items}],"next_cursor":{next_cursor},"more":{"true" if more else "false"}}}'.encode()

    @staticmethod
    def _duplicate_item(db, rows, after, where, args, pick):
        if after > 0:  # one from an earlier page …
            row = db.execute(
                f"SELECT seq, adc201, record FROM applications WHERE seq <= ?{where} ORDER BY seq DESC LIMIT 1",
                (pick(1, after), *args),
            ).fetchone()
            if row is not None:
                return row
        return rows[pick(0, len(rows) - 1)] if rows else None  # … or twice in this page

    def acknowledge(self, client_id: str | None, cursor: Any) -> dict[str, int]:
        if not isinstance(cursor, int) or cursor < 0:
            raise Refused(400, "确认信息的游标（cursor）应为非负整数")
        with self.transaction() as db:
            self._client(db, client_id)
            db.execute("UPDATE clients SET cursor = MAX(cursor, ?) WHERE client_id = ?", (cursor, client_id))
            return {"cursor": db.execute("SELECT cursor FROM clients WHERE client_id = ?",
                                         (client_id,)).fetchone()[0]}

    def upload(self, client_id: str | None, kind: str, records: Any, batch_date: str | None = None) -> dict:
        """Store result or exit records, idempotently by AAB301 + AAZ341; one receipt per record."""
        if not isinstance(records, list):
            raise Refused(400, "上传内容应为 {\"records\": [记录…]}")
        spec_kind = "result" if kind == "result" else "exit"
        now = _now()
        receipts = []
        with self.transaction() as db:
            self._client(db, client_id)
            for record in records:
                receipts.append(self._store_one(db, kind, spec_kind, record, batch_date, now))
        return {"receipts": receipts}

    def _store_one(self, db, kind, spec_kind, record, batch_date, now) -> dict[str, Any]:
        if not isinstance(record, dict):
            self.bump(db, f"{kind}.invalid")
            return {"key": "", "status": p.INVALID, "errors": [{"field": "_record", "rule": "object",
                                                               "message": "记录应为JSON对象"}]}
        key = p.record_key(record)
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        fingerprint = p.digest(record)
        held = db.execute(
            "SELECT digest FROM uploads WHERE kind = ? AND aab301 = ? AND aaz341 = ?",
            (kind, str(record.get("AAB301")), str(record.get("AAZ341"))),
        ).fetchone()
        if held is not None:
            if held[0] == fingerprint:
                db.execute("UPDATE uploads SET deliveries = deliveries + 1 WHERE kind = ? AND aab301 = ? "
                           "AND aaz341 = ?", (kind, record["AAB301"], record["AAZ341"]))
                self.bump(db, f"{kind}.duplicates_received")
                return {"key": key, "status": p.DUPLICATE}
            db.execute("INSERT INTO conflicts (kind, aab301, aaz341, record, received_at) VALUES (?, ?, ?, ?, ?)",
                       (kind, record["AAB301"], record["AAZ341"], text, now))
            self.bump(db, f"{kind}.conflicts")
            return {"key": key, "status": p.CONFLICT, "errors": [{
                "field": "AAZ341", "rule": "conflict",
                "message": f"该行政区划代码+系统流水号（{key}）已上传过内容不同的记录，不可重复"}]}
        errors = validate_record(record, spec_kind)
        if errors:
            self.bump(db, f"{kind}.invalid")
            return {"key": key, "status": p.INVALID, "errors": [e.as_dict() for e in errors]}
        adc201 = record.get("ADC201") or None
        if kind == "result" and adc201:
            found = db.execute("UPDATE applications SET state = ?, reviewed_at = ? WHERE adc201 = ?",
                               (p.REVIEWED, now, adc201)).rowcount
            if not found:
                self.bump(db, f"{kind}.unknown_application")
                return {"key": key, "status": p.UNKNOWN_APPLICATION, "errors": [{
                    "field": "ADC201", "rule": "unknown_application",
                    "message": f"失业登记申请编号（ADC201）{adc201} 不是人社政务服务平台转办的申请"}]}
        db.execute(
            "INSERT INTO uploads (kind, aab301, aaz341, adc201, record, digest, batch_date, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, record["AAB301"], record["AAZ341"], adc201, text, fingerprint, batch_date, now),
        )
        self.bump(db, f"{kind}.stored")
        return {"key": key, "status": p.STORED}

    def stats(self) -> dict[str, Any]:
        with self.transaction() as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM applications GROUP BY state").fetchall())
            counters = dict(db.execute("SELECT name, value FROM counters").fetchall())
            uploads = dict(db.execute("SELECT kind, COUNT(*) FROM uploads GROUP BY kind").fetchall())
            several = db.execute(
                "SELECT COUNT(*) FROM (SELECT adc201 FROM uploads WHERE kind = 'result' AND adc201 IS NOT NULL "
                "GROUP BY adc201 HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            local = db.execute(
                "SELECT COUNT(*) FROM uploads WHERE kind = 'result' AND adc201 IS NULL").fetchone()[0]
            served_twice = db.execute("SELECT COUNT(*) FROM applications WHERE downloads > 1").fetchone()[0]
        return {
            "applications": {s: states.get(s, 0) for s in p.STATES},
            "results": uploads.get("result", 0),
            "results_local": local,
            "exits": uploads.get("exit", 0),
            "applications_with_several_results": several,
            "applications_served_more_than_once": served_twice,
            "duplicates_received": {"results": counters.get("result.duplicates_received", 0),
                                    "exits": counters.get("exit.duplicates_received", 0)},
            "conflicts": counters.get("result.conflicts", 0) + counters.get("exit.conflicts", 0),
            "invalid": counters.get("result.invalid", 0) + counters.get("exit.invalid", 0),
            "unknown_application": counters.get("result.unknown_application", 0),
            "faults": {k: counters.get(f"fault.{k}", 0) for k in KINDS if k != "duplicate"}
            | {"duplicate": counters.get("download.duplicate_items", 0)},
            "counters": counters,
        }


def snapshot(path: str | Path) -> dict[str, Any]:
    """Read a simulator database directly (tests and benchmarks check invariants with it):
    application states by ADC201, and for results and exits the number of stored rows per key."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "states": dict(db.execute("SELECT adc201, state FROM applications")),
            "results": {f"{a}:{z}": (adc, n) for a, z, adc, n in db.execute(
                "SELECT aab301, aaz341, adc201, deliveries FROM uploads WHERE kind = 'result'")},
            "exits": {f"{a}:{z}": n for a, z, n in db.execute(
                "SELECT aab301, aaz341, deliveries FROM uploads WHERE kind = 'exit'")},
            "conflicts": db.execute("SELECT COUNT(*) FROM conflicts").fetchone()[0],
        }
    finally:
        db.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body are two writes: without TCP_NODELAY the body waits ~40 ms for a delayed ACK
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except Refused as exc:
            return self._answer(exc.status, {"error": str(exc)})
        faultable = not url.path.startswith(f"{p.API}/admin") and url.path != p.STATS
        fault = self.server.faults.draw(url.path) if faultable else None
        if fault:
            self.server.store.count_fault(fault)
        if fault == "error":
            return self._answer(503, {"error": "模拟故障：服务暂不可用"})
        if fault == "drop_before":
            return self._drop()
        if fault == "timeout":
            time.sleep(self.server.faults.timeout_sleep)
        try:
            status, answer = self._route(method, url.path, parse_qs(url.query), body)
        except Refused as exc:
            status, answer = exc.status, {"error": str(exc)}
        except ValueError as exc:  # bad JSON or query values
            status, answer = 400, {"error": f"请求格式错误：{exc}"}
        if fault == "drop_after":  # committed; the client never hears of it
            return self._drop()
        self._answer(status, answer)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        store = self.server.store
        client = self.headers.get(p.CLIENT_HEADER)
        match method, path:
            case "POST", p.REGISTER:
                return 200, store.register(body or {})
            case "GET", p.APPLICATIONS:
                after = int(query["after"][0]) if "after" in query else None
                limit = int(query.get("limit", ["500"])[0])
                duplicate = self.server.faults.draw_duplicate(path)
                return 200, store.download(client, after, limit, duplicate, self.server.faults.random_int)
            case "POST", p.ACK:
                return 200, store.acknowledge(client, (body or {}).get("cursor"))
            case "POST", p.RESULTS:
                return 200, store.upload(client, "result", (body or {}).get("records"))
            case "POST", p.EXITS:
                batch_date = (body or {}).get("batch_date")
                return 200, store.upload(client, "exit", (body or {}).get("records"), batch_date)
            case "GET", p.STATS:
                return 200, store.stats()
            case "POST", p.ADMIN_APPLICATIONS:
                return 200, store.feed((body or {}).get("records") or [])
            case "GET", p.ADMIN_FAULTS:
                return 200, self.server.faults.as_json()
            case "POST", p.ADMIN_FAULTS:
                self.server.faults = FaultPlan.from_json(body or {})
                return 200, self.server.faults.as_json()
        return 404, {"error": f"没有这个接口：{method} {path}"}

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except ValueError:
            raise Refused(400, "请求体不是有效的JSON") from None

    def _answer(self, status: int, answer: Any) -> None:
        data = answer if isinstance(answer, bytes) else p.dumps(answer)
        try:
            self.send_response(status, HTTPStatus(status).phrase)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout fault): nothing to tell it
            self.close_connection = True

    def _drop(self) -> None:
        """Close the connection without a byte of answer."""
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    store: PlatformStore
    faults: FaultPlan


def make_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 0,
                faults: FaultPlan | None = None) -> _Server:
    server = _Server((host, port), _Handler)
    server.store = PlatformStore(db_path)
    server.faults = faults or FaultPlan()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="全国人社政务服务平台失业登记接口模拟器")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="端口；0表示由系统分配（实际端口打印在标准输出）")
    parser.add_argument("--db", required=True, help="模拟器自己的SQLite文件（重启后状态保留）")
    parser.add_argument("--faults", default="", help="故障设置，如 error=0.02,timeout=0.01,drop_after=0.01,seed=1")
    args = parser.parse_args(argv)
    try:
        plan = FaultPlan.parse(args.faults)
    except ValueError as exc:
        print(f"--faults：{exc}", file=sys.stderr)
        return 2
    server = make_server(args.db, args.host, args.port, plan)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(f"listening http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
