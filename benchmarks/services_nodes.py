"""The 快办 case API on one app node and on two, against one PostgreSQL, in one run (issue 17 item 6).

Each configuration gets a fresh database, seeded as `services_load.py` does, and N uvicorn nodes (each with
`--workers W`, `KUAIBAN_STORAGE=database`, its own `KUAIBAN_VAR`) on their own ports; the clients are spread
over the nodes round robin, as an L4 balancer would (no proxy in the measured path). Phases as in
`services_load.py`: the health baseline, submissions, status reads. Prints both configurations and the
two-node / one-node ratios as JSON.

    .venv/bin/python benchmarks/services_nodes.py --clients 20 --seconds 10 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import services_load as load  # the seeding, clients and phases of the one-node benchmark


def start(url: str, port: int, workers: int, var: str) -> subprocess.Popen:
    env = os.environ | {"KUAIBAN_DB": url, "KUAIBAN_STORAGE": "database", "KUAIBAN_VAR": var}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "kuaiban.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=load.ROOT, env=env)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("a node did not start")


def configuration(pg: str, nodes: int, args) -> dict:
    import psycopg

    admin = pg.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    name = f"kuaiban_nodes_{uuid.uuid4().hex[:8]}"
    url = f"{pg}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    servers: list[subprocess.Popen] = []
    try:
        load.seed(url, args.clients)
        ports = [args.port + n for n in range(nodes)]
        with tempfile.TemporaryDirectory() as var:
            servers = [start(url, port, args.workers, f"{var}/node{n}") for n, port in enumerate(ports)]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            tokens = [httpx.post(f"{bases[i % nodes]}/api/auth/login",
                                 json={"username": f"bench-{i}", "password": load.PASSWORD}).json()["token"]
                      for i in range(args.clients)]
            numbers: list[list[str]] = [[] for _ in tokens]
            body = json.dumps({"bundle": "企业招用员工", "form": load.FORM, "materials": load.MATERIALS},
                              ensure_ascii=False).encode()

            async def submit(c, i: int) -> bool:
                status, data = await c.request("POST", "/api/cases", body)
                if status == 201:
                    numbers[i].append(json.loads(data)["number"])
                return status == 201

            async def status(c, i: int) -> bool:
                mine = numbers[i]
                path = f"/api/cases/{quote(mine[int(time.perf_counter() * 1e6) % len(mine)])}/status"
                return (await c.request("GET", path))[0] == 200

            async def health(c, i: int) -> bool:
                return (await c.request("GET", "/api/health"))[0] == 200

            async def phases() -> dict:
                clients = []
                for i, token in enumerate(tokens):  # client i talks to node i mod N, as a balancer spreads them
                    clients += await load.open_clients(bases[i % nodes], [token])
                await load.run_phase(clients, 2, submit)  # warm-up
                out = {}
                for label, job in (("baseline_health", health), ("submit", submit), ("read_status", status)):
                    out[label] = load.summary(await load.run_phase(clients, args.seconds, job), args.seconds)
                for c in clients:
                    c.close()
                return out

            return {"nodes": nodes, "workers_per_node": args.workers} | load._event_loop_runner(phases())
    finally:
        for s in servers:
            s.terminate()
            s.wait(15)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--workers", type=int, default=1, help="uvicorn workers per node")
    p.add_argument("--port", type=int, default=8785)
    args = p.parse_args(argv)
    load_before = [round(x, 2) for x in os.getloadavg()]
    one, two = configuration(args.pg, 1, args), configuration(args.pg, 2, args)
    ratios = {phase: round(two[phase]["per_second"] / one[phase]["per_second"], 3)
              for phase in ("baseline_health", "submit", "read_status")}
    print(json.dumps({"cpus": os.cpu_count(), "load_average_before": load_before, "one_node": one,
                      "two_nodes": two, "two_over_one_per_second": ratios}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
