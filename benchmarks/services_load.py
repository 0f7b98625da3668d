"""Load test of the 快办 case API on loopback against PostgreSQL.

Creates a throw-away database, seeds one region (staff, material requirements, one applicant per
client), starts the API with uvicorn, then runs N concurrent clients (threads with keep-alive
connections): first submitting bundle cases, then reading case status (GET /api/cases/{n}/status) and the full case (GET /api/cases/{n}). Prints submissions/s and
latency percentiles for both, as JSON. Targets (issue 4): ≥ 200 submissions/s, p99 ≤ 100 ms for reads.

    .venv/bin/python benchmarks/services_load.py --clients 20 --seconds 15 --workers 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "压测市"
PASSWORD = "bench-password-1"
FORM = {"姓名": "压测", "性别": "女", "证件类型": "居民身份证", "证件号码": "000000000000000000",
        "证件有效期": "2030-01-01", "手机号码": "00000000000"}
MATERIALS = {"工资关系或工资审批手续复印件": "wage.pdf", "劳动合同（压测配置）": "contract.pdf"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")  # nearest rank


def seed(url: str, clients: int) -> None:
    from kuaiban.db import connect, session_scope
    from kuaiban.services import auth, cases

    engine = connect(url)
    with session_scope(engine) as s:
        sup = auth.create_user(s, "bench-supervisor", PASSWORD, "supervisor", region=REGION)
        for item in ("1.1.5", "4.1.1"):
            cases.require_material(s, REGION, item, "劳动合同（压测配置）", basis="压测配置", actor=sup)
        cases.require_material(s, REGION, "1.1.5", "工资关系或工资审批手续复印件", basis="人社厅发〔2020〕110号",
                               actor=sup)
        for i in range(clients):
            a = auth.create_applicant(s, "enterprise", f"压测企业{i}", region=REGION)
            auth.create_user(s, f"bench-{i}", PASSWORD, "applicant", applicant=a, region=REGION)
    engine.dispose()


class Client:
    """A keep-alive HTTP/1.1 connection (stdlib: the load generator must cost little CPU)."""

    def __init__(self, base: str, token: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=self.headers)
        r = self.conn.getresponse()
        return r.status, r.read()

    def close(self) -> None:
        self.conn.close()


def run_phase(base: str, tokens: list[str], seconds: float, job) -> tuple[list[float], int]:
    """Each client repeats ``job(client, i)`` for ``seconds``; returns latencies (s) and failures."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = threading.Barrier(len(tokens) + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        mine: list[float] = []
        bad = 0
        c = Client(base, tokens[i])
        start.wait()
        while time.perf_counter() < deadline[0]:
            t0 = time.perf_counter()
            ok = job(c, i)
            mine.append(time.perf_counter() - t0)
            bad += not ok
        c.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for t in threads:
        t.join()
    return latencies, failures[0]


def summary(latencies: list[float], failures: int, seconds: float) -> dict:
    return {"requests": len(latencies), "failures": failures, "per_second": round(len(latencies) / seconds, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--bundle", default="企业招用员工")
    args = p.parse_args(argv)

    import psycopg

    admin_dsn = args.pg.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    name = f"kuaiban_bench_{uuid.uuid4().hex[:8]}"
    url = f"{args.pg}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        seed(url, args.clients)
        env = os.environ | {"KUAIBAN_DB": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "kuaiban.api.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(args.port), "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/services/speedup", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        tokens = [httpx.post(f"{base}/api/auth/login", json={"username": f"bench-{i}", "password": PASSWORD})
                  .json()["token"] for i in range(args.clients)]
        numbers: list[list[str]] = [[] for _ in tokens]
        body = {"bundle": args.bundle, "form": FORM, "materials": MATERIALS}

        def submit(c: Client, i: int) -> bool:
            status, data = c.request("POST", "/api/cases", body)
            if status == 201:
                numbers[i].append(json.loads(data)["number"])
            return status == 201

        def reader(suffix: str):
            def read(c: Client, i: int) -> bool:
                mine = numbers[i]
                path = f"/api/cases/{quote(mine[int(time.perf_counter() * 1e6) % len(mine)])}{suffix}"
                return c.request("GET", path)[0] == 200
            return read

        def health(c: Client, i: int) -> bool:
            return c.request("GET", "/api/health")[0] == 200

        run_phase(base, tokens, 2, submit)  # warm-up: connection pools, caches
        # baseline in the same run: same server, clients and database, one SELECT 1, no application logic
        baseline = summary(*run_phase(base, tokens, args.seconds, health), args.seconds)
        sub = summary(*run_phase(base, tokens, args.seconds, submit), args.seconds)
        rd = summary(*run_phase(base, tokens, args.seconds, reader("/status")), args.seconds)
        detail = summary(*run_phase(base, tokens, args.seconds, reader("")), args.seconds)
        tasks = len(httpx.get(f"{base}/api/cases/{numbers[0][0]}",
                              headers={"Authorization": f"Bearer {tokens[0]}"}).json()["tasks"])
        result = {"clients": args.clients, "seconds": args.seconds, "server_workers": args.workers,
                  "bundle": args.bundle, "tasks_per_case": tasks, "cpus": os.cpu_count(),
                  "baseline_health": baseline, "submit": sub, "read_status": rd, "read_detail": detail,
                  "targets_met": {"submissions_per_second>=200": sub["per_second"] >= 200,
                                  "read_p99<=100ms": rd["p99_ms"] <= 100}}
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        from kuaiban import db

        for u in [u for u in db._engines if u.endswith(name)]:
            db._engines.pop(u).dispose()
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
