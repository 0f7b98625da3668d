"""Load test of the 快办 case API on loopback against PostgreSQL.

Creates a throw-away database, seeds one region (staff, material requirements, one applicant per
client), starts the API with uvicorn, then runs N concurrent closed-loop clients (keep-alive
connections on one asyncio event loop, opened before timing): a same-run baseline (GET /api/health,
one SELECT 1), then submitting bundle cases, reading case status (GET /api/cases/{n}/status) and
reading the full case (GET /api/cases/{n}). Prints requests/s and latency percentiles of each phase
as JSON, and the CPU each request cost the server's workers and the database's backends (steadier than
wall-clock figures on a shared machine). Targets (issue 4): ≥ 200 submissions/s, p99 ≤ 100 ms for reads.

    .venv/bin/python benchmarks/services_load.py --clients 20 --seconds 15 --workers 2

Before and after in one run: the same script against two checkouts, alternating, e.g.
``--tree /work/main`` then ``--tree .`` (the tree is seeded from and served from; see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "430100"  # 湖南省长沙市: every region is a 行政区划代码
PASSWORD = "bench-password-1"
FORM = {"姓名": "压测", "性别": "女", "证件类型": "居民身份证", "证件号码": "110101199001019028",
        "证件有效期": "2030-01-01", "手机号码": "13800000000"}
MATERIALS = {"工资关系或工资审批手续复印件": "wage.pdf", "劳动合同（压测配置）": "contract.pdf"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")  # nearest rank


def seed(url: str, clients: int) -> None:
    from kuaiban.db import connect, session_scope
    from kuaiban.platform import auth
    from kuaiban.services import cases

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
    """One keep-alive HTTP/1.1 connection driven by asyncio.

    Why not one thread per client: with 20 Python threads the load generator's own GIL hand-offs
    (5 ms switch interval) showed up in the measured latency — a response that had arrived waited
    for its thread to run. One event loop reads whichever response is ready. The connection is
    opened before the clock starts, so connecting is never measured."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        data = body or b""
        self.writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}Content-Length: {len(data)}\r\n\r\n".encode()
                          + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"transfer-encoding":
                raise RuntimeError("chunked responses are not expected from this API")
        return status, await self.reader.readexactly(length) if length else b""

    def close(self) -> None:
        self.writer.close()


async def open_clients(base: str, tokens: list[str]) -> list[Client]:
    """Connect the clients one by one, a few milliseconds apart.

    Why: the server's worker processes share one listening socket, and a worker that wakes up accepts
    every connection waiting. Twenty connections opened at once mostly went to one worker (17 and 3
    in a run), leaving the other nearly idle. Arriving one at a time, as real clients do, each goes to
    whichever worker takes it first; :func:`connections_per_worker` reports how they were spread."""
    host, port = base.removeprefix("http://").split(":")
    clients = [Client(host, int(port), t) for t in tokens]
    for c in clients:
        await c.open()
        await asyncio.sleep(0.005)
    return clients


def connections_per_worker(server_pid: int, port: int) -> list[int]:
    """Established connections on ``port`` held by each uvicorn worker (Linux /proc; [] elsewhere)."""
    try:
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "01":  # local port, ESTABLISHED
                    inodes.add(f[9])
        children = [pid for pid in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
                    if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()] or [str(server_pid)]
        counts = []
        for pid in children:
            fds = Path(f"/proc/{pid}/fd")
            links = [os.readlink(fd) for fd in fds.iterdir()]
            counts.append(sum(link.startswith("socket:[") and link[8:-1] in inodes for link in links))
        return sorted(counts, reverse=True)
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def worker_pids(server_pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()]
    except OSError:
        return []


def database_backends(admin_dsn: str, database: str) -> list[int]:
    """The PostgreSQL backend processes serving ``database`` (the app's pooled connections)."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))]


async def run_phase(clients: list[Client], seconds: float, job, server_pid: int | None = None,
                    backends=None) -> dict:
    """Each client repeats ``await job(client, i)`` for ``seconds``; latencies, failures and CPU used.

    ``backends()``, if given, lists the database's backend processes: their CPU over the phase is the
    database's share (WAL writer and checkpointer, shared with other databases, are not counted)."""
    latencies: list[float] = []
    failures = 0
    workers = worker_pids(server_pid) if server_pid else []
    db_before = {pid: cpu_seconds([pid]) for pid in backends()} if backends else {}
    cpu0, server0 = time.process_time(), cpu_seconds(workers)
    deadline = time.perf_counter() + seconds

    async def run(i: int) -> None:
        nonlocal failures
        c = clients[i]
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            ok = await job(c, i)
            latencies.append(time.perf_counter() - t0)
            failures += not ok

    await asyncio.gather(*(run(i) for i in range(len(clients))))
    n = max(len(latencies), 1)
    server_cpu = cpu_seconds(workers) - server0
    generator_cpu = time.process_time() - cpu0
    db_cpu = sum(cpu_seconds([pid]) - db_before.get(pid, 0) for pid in backends()) if backends else None
    return {"latencies": latencies, "failures": failures,
            # CPU per request, steadier than wall-clock figures on a shared machine
            "server_cpu_ms": round(server_cpu / n * 1000, 2) if workers else None,
            "db_cpu_ms": round(db_cpu / n * 1000, 2) if db_cpu is not None else None,
            "generator_cpu_ms": round(generator_cpu / n * 1000, 3)}


def _event_loop_runner(coro):
    try:  # uvloop when present (it is a dependency): the generator should cost little CPU
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def drop_database(admin_dsn: str, name: str) -> None:
    """Close this process's engines on the throw-away database, then drop it."""
    import psycopg

    from kuaiban import db

    for u in [u for u in db._engines if u.endswith(name)]:
        db._engines.pop(u).dispose()
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def summary(phase: dict, seconds: float) -> dict:
    latencies = phase["latencies"]
    return {"requests": len(latencies), "failures": phase["failures"],
            "per_second": round(len(latencies) / seconds, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1),
            "server_cpu_ms_per_request": phase["server_cpu_ms"],
            "database_cpu_ms_per_request": phase["db_cpu_ms"],
            "generator_cpu_ms_per_request": phase["generator_cpu_ms"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--bundle", default="企业招用员工")
    p.add_argument("--tree", type=Path, default=ROOT,
                   help="the kuaiban checkout to seed and serve from (a before/after pair in one run: main's, then yours)")
    args = p.parse_args(argv)
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))  # before anything imports kuaiban

    import psycopg

    load_before = [round(x, 2) for x in os.getloadavg()]
    admin_dsn = args.pg.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    name = db_name = f"kuaiban_bench_{uuid.uuid4().hex[:8]}"
    url = f"{args.pg}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        seed(url, args.clients)
        env = os.environ | {"KUAIBAN_DB": url, "PYTHONPATH": str(tree)}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "kuaiban.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(args.port), "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
            cwd=tree, env=env)
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
        body = json.dumps({"bundle": args.bundle, "form": FORM, "materials": MATERIALS}, ensure_ascii=False).encode()

        async def submit(c: Client, i: int) -> bool:
            status, data = await c.request("POST", "/api/cases", body)
            if status == 201:
                numbers[i].append(json.loads(data)["number"])
            return status == 201

        def reader(suffix: str):
            async def read(c: Client, i: int) -> bool:
                mine = numbers[i]
                path = f"/api/cases/{quote(mine[int(time.perf_counter() * 1e6) % len(mine)])}{suffix}"
                return (await c.request("GET", path))[0] == 200
            return read

        async def health(c: Client, i: int) -> bool:
            return (await c.request("GET", "/api/health"))[0] == 200

        async def phases() -> dict:
            clients = await open_clients(base, tokens)  # kept for the whole run, like long-lived clients
            out: dict = {"connections_per_worker": connections_per_worker(server.pid, args.port)}
            await run_phase(clients, 2, submit)  # warm-up: connection pools, caches
            # baseline in the same run: same server, clients and database, one SELECT 1, no application logic
            for name, job in (("baseline_health", health), ("submit", submit), ("read_status", reader("/status")),
                              ("read_detail", reader(""))):
                out[name] = summary(await run_phase(clients, args.seconds, job, server.pid,
                                                    lambda: database_backends(admin_dsn, db_name)), args.seconds)
            for c in clients:
                c.close()
            return out

        measured = _event_loop_runner(phases())
        baseline, sub, rd, detail = (measured[k] for k in ("baseline_health", "submit", "read_status", "read_detail"))
        tasks = len(httpx.get(f"{base}/api/cases/{numbers[0][0]}",
                              headers={"Authorization": f"Bearer {tokens[0]}"}).json()["tasks"])
        import kuaiban

        result = {"tree": str(Path(kuaiban.__file__).parent.parent), "clients": args.clients, "seconds": args.seconds, "server_workers": args.workers,
                  "connections_per_worker": measured["connections_per_worker"],
                  "bundle": args.bundle, "tasks_per_case": tasks, "cpus": os.cpu_count(),
                  "load_average_before": load_before,  # other work on the machine (1, 5, 15 min)
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
        drop_database(admin_dsn, name)


if __name__ == "__main__":
    raise SystemExit(main())
