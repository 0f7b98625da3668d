"""In-process cost of the 快办 hot requests, independent of the machine's load.

Seeds a throw-away PostgreSQL database as ``services_load.py`` does, then drives requests straight through
the ASGI app (no sockets, no uvicorn) and counts, per request, the SQL statements (an engine event) and the
Python function calls (cProfile), for ``GET /api/health``, ``POST /api/cases`` (the 企业招用员工 bundle) and
``GET /api/cases/{n}/status``. Also the process CPU per request over a longer loop without the profiler.
The endpoint's one hop to a worker thread is run inline so cProfile sees it (the same for every tree).

    .venv/bin/python benchmarks/services_profile.py --tree /work/main     # before
    .venv/bin/python benchmarks/services_profile.py                       # after
    .venv/bin/python benchmarks/services_profile.py --top 40 --only submit   # where a submission's CPU goes
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Asgi:
    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"127.0.0.1:8765"), (b"authorization", f"Bearer {self.token}".encode()),
                             (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                 "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8765)}
        sent = False
        out: dict = {"body": b""}

        async def receive():
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        return out["status"], out["body"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    p.add_argument("--tree", type=Path, default=ROOT)
    p.add_argument("--n", type=int, default=300, help="requests per kind in the timed loop")
    p.add_argument("--top", type=int, default=0, help="print the cProfile table (cumulative), this many rows")
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--only", choices=("health", "submit", "status"), default=None)
    p.add_argument("--concurrency", type=int, default=0,
                   help="also time this many concurrent requests with the real thread pool (as under load)")
    p.add_argument("--threads", type=int, default=0, help="with --concurrency: the thread pool's size (default anyio's 40)")
    args = p.parse_args(argv)
    tree = args.tree.resolve()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import services_load as load  # (it puts this checkout first on sys.path: the tree goes before it)

    sys.path.insert(0, str(tree))
    os.environ["KUAIBAN_JOB_WORKER"] = "0"

    import json as _json

    import psycopg
    from sqlalchemy import event

    admin_dsn = args.pg.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    name = f"kuaiban_prof_{uuid.uuid4().hex[:8]}"
    url = f"{args.pg}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        load.seed(url, 1)
        import kuaiban.deps
        from kuaiban.app import create_app
        from kuaiban.db import session_scope
        from kuaiban.platform import auth

        async def inline(func, *a, **kw):  # the thread hop, run inline so that cProfile sees the work
            return func(*a, **kw)

        real_hop = kuaiban.deps.run_in_threadpool
        kuaiban.deps.run_in_threadpool = inline
        app = create_app(url)
        engine = app.state.engine
        with session_scope(engine) as s:
            token, _ = auth.login(s, "bench-0", load.PASSWORD)
        statements = [0]
        trips = [0]  # round trips to PostgreSQL: statements, BEGIN, COMMIT and pings (executemany: one)
        from psycopg.pq import TransactionStatus

        def _in_transaction(conn) -> bool:
            return conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE

        import weakref

        pipelines: weakref.WeakSet = weakref.WeakSet()

        @event.listens_for(engine, "before_cursor_execute")
        def _count(conn, *_a):
            statements[0] += 1
            pipeline = conn.connection.dbapi_connection._pipeline
            if pipeline is not None:  # psycopg's pipeline mode: one round trip for all its statements
                trips[0] += pipeline not in pipelines
                pipelines.add(pipeline)
                return
            trips[0] += 1
            if not conn.connection.dbapi_connection.autocommit and not _in_transaction(conn):
                trips[0] += 1  # psycopg sends BEGIN first, a round trip of its own

        @event.listens_for(engine, "rollback")
        @event.listens_for(engine, "commit")
        def _end(conn):
            trips[0] += _in_transaction(conn)

        real_ping = engine.dialect.do_ping

        def _ping(dbapi_conn):
            trips[0] += 1
            return real_ping(dbapi_conn)

        engine.dialect.do_ping = _ping

        client = Asgi(app, token)
        body = _json.dumps({"bundle": "企业招用员工", "form": load.FORM, "materials": load.MATERIALS},
                           ensure_ascii=False).encode()
        numbers: list[str] = []

        async def submit():
            status, data = await client.request("POST", "/api/cases", body)
            assert status == 201, data
            numbers.append(_json.loads(data)["number"])

        async def status_read():
            status, data = await client.request("GET", f"/api/cases/{numbers[-1]}/status")
            assert status == 200, data

        async def health():
            status, data = await client.request("GET", "/api/health")
            assert status == 200, data

        async def concurrent(job, width: int, n: int, threads: int) -> float:
            if threads:
                import anyio.to_thread

                anyio.to_thread.current_default_thread_limiter().total_tokens = threads
            left = [n]

            async def run():
                while left[0] > 0:
                    left[0] -= 1
                    await job()

            t0 = time.process_time()
            await asyncio.gather(*(run() for _ in range(width)))
            return (time.process_time() - t0) / n * 1000

        kinds = {"health": health, "submit": submit, "status": status_read}
        loop = asyncio.new_event_loop()
        for _ in range(20):  # warm-up: pools, caches, compiled statements
            for job in kinds.values():
                loop.run_until_complete(job())
        import kuaiban

        result: dict = {"tree": str(Path(kuaiban.__file__).parent.parent), "load_average": [round(x, 2) for x in os.getloadavg()]}
        for kind, job in kinds.items():
            if args.only and kind != args.only:
                continue
            statements[0] = trips[0] = 0
            pipelines.clear()
            prof = cProfile.Profile()
            reps = 20
            prof.enable()
            for _ in range(reps):
                loop.run_until_complete(job())
            prof.disable()
            stats = pstats.Stats(prof)
            calls = stats.total_calls / reps
            stmts, round_trips = statements[0] / reps, trips[0] / reps
            t0 = time.process_time()
            for _ in range(args.n):
                loop.run_until_complete(job())
            cpu = (time.process_time() - t0) / args.n * 1000
            result[kind] = {"statements": stmts, "round_trips": round_trips, "python_calls": round(calls), "process_cpu_ms": round(cpu, 3)}
            if args.concurrency:
                kuaiban.deps.run_in_threadpool = real_hop
                result[kind]["concurrent_cpu_ms"] = round(loop.run_until_complete(
                    concurrent(job, args.concurrency, args.n, args.threads)), 3)
                kuaiban.deps.run_in_threadpool = inline
            if args.top:
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).sort_stats(args.sort).print_stats(args.top)
                print(f"==== {kind}\n{buf.getvalue()}", file=sys.stderr)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        loop.close()
        engine.dispose()
        return 0
    finally:
        load.drop_database(admin_dsn, name)


if __name__ == "__main__":
    raise SystemExit(main())
