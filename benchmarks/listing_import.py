"""免申即享: importing a screening result directory of N enterprises, beside a bare insert of the same rows.

    .venv/bin/python benchmarks/listing_import.py [--rows 100000] [--repeat 3] [--backend sqlite|postgresql]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432]

Writes a result directory as the screening does (``manifest.json``, ``results/part-*.parquet`` of 25,000 rows;
80 % eligible, the rest refused with a reason), then, ``--repeat`` times on a fresh database each (SQLite file
or a throw-away PostgreSQL database, migrated):

- import: ``listing.import_results`` in its own transaction, committed (rows checked, an applicant sealed and
  hashed and a claim for each eligible enterprise, every entry kept);
- again: the same directory imported a second time (finds the run: changes nothing);
- floor: the same entry rows (already built, no checks, no sealing) inserted with one executemany into a table
  of the same shape without indexes, committed — the floor for writing the rows at all.

Medians are printed as JSON, with the ratio of import to floor.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from kuaiban.db import connect, session_scope  # noqa: E402
from kuaiban.programs import listing  # noqa: E402

PROGRAM = "sd_stable_job_refund_2020"
COUNTIES = ("370102", "370103", "370202", "370203", "370302")


def results(directory: Path, rows: int) -> Path:
    (directory / "results").mkdir(parents=True)
    items, total, eligible = [], Decimal(0), 0
    for n in range(rows):
        base = f"91{COUNTIES[n % 5]}MA{n:07d}"
        ok = n % 5 != 4
        amount = Decimal(1000 + n % 997) if ok else Decimal(0)
        total += amount
        eligible += ok
        items.append({"credit_code": base + uscc.calc_check_digit(base), "name": f"测试企业{n}",
                      "region": COUNTIES[n % 5], "eligible": ok, "amount": f"{amount:.2f}", "ceiling": False,
                      "reason": "" if ok else "上年度裁员率高于 5.5%", "insured_last_year": 10 + n % 90,
                      "layoff_rate": 0.01, "contributions_last_year": "5000.00"})
    for i in range(0, rows, 25_000):
        pq.write_table(pa.Table.from_pylist(items[i:i + 25_000]), directory / "results" / f"part-{i // 25_000:05d}.parquet")
    (directory / "manifest.json").write_text(json.dumps({
        "program": PROGRAM, "as_of": "2020-08-31", "regions": ["370000"], "rows": rows, "eligible": eligible,
        "total_amount": f"{total:.2f}", "sources": [], "figures": {}, "created_at": "2020-09-01T00:00:00"}))
    return directory


def floor(engine, directory: Path) -> float:
    meta = MetaData()
    table = Table(f"bench_floor_{uuid.uuid4().hex[:6]}", meta, Column("id", Integer, primary_key=True),
                  *(Column(c, Text) for c in listing.COLUMNS), Column("hash", String(80)))
    meta.create_all(engine)
    rows = [{**{c: str(r[c]) for c in listing.COLUMNS}, "hash": "x" * 70}
            for part in sorted((directory / "results").glob("*.parquet")) for r in pq.read_table(part).to_pylist()]
    start = time.perf_counter()
    with engine.begin() as c:
        for i in range(0, len(rows), listing.CHUNK):
            c.execute(insert(table), rows[i:i + listing.CHUNK])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"import": [], "again": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        directory = results(Path(tmp) / "run", args.rows)
        for i in range(args.repeat):
            if args.backend == "sqlite":
                url, drop = f"sqlite:///{Path(tmp) / f'bench{i}.db'}", None
            else:
                import psycopg

                name = f"kuaiban_bench_listing_{uuid.uuid4().hex[:8]}"
                admin = args.server.replace("postgresql+psycopg://", "postgresql://") + "/test"
                with psycopg.connect(admin, autocommit=True) as c:
                    c.execute(f'CREATE DATABASE "{name}"')
                url = f"{args.server}/{name}"

                def drop(name=name, admin=admin, url=url):
                    from kuaiban import db

                    db._engines.pop(url).dispose()
                    with psycopg.connect(admin, autocommit=True) as c:
                        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine = connect(url)
            try:
                for key in ("import", "again"):
                    start = time.perf_counter()
                    with session_scope(engine) as s:
                        answer = listing.import_results(s, PROGRAM, directory)
                    times[key].append(time.perf_counter() - start)
                    assert answer["rows"] == args.rows and answer["outcome"] == ("imported" if key == "import"
                                                                                  else "unchanged")
                times["floor"].append(floor(engine, directory))
            finally:
                if drop:
                    drop()
    medians = {k: round(statistics.median(v), 2) for k, v in times.items()}
    print(json.dumps({"backend": args.backend, "rows": args.rows, "repeat": args.repeat, "median_s": medians,
                      "import_over_floor": round(medians["import"] / medians["floor"], 1),
                      "rows_per_s": round(args.rows / medians["import"])}, ensure_ascii=False))


if __name__ == "__main__":
    main()
