"""A month's payroll for a million entitlements on PostgreSQL, beside a plain COPY of the same rows.

    .venv/bin/python benchmarks/programs_payroll.py [--rows 1000000] [--repeat 3] [--server postgresql+psycopg://postgres@127.0.0.1:5432]

Creates a throw-away database, migrates it, and writes ``--rows`` approved claims of one program in one
region, each with one month due (applicants and accounts sealed as in production: one sealed value reused,
so that reading still decrypts every row). Then, ``--repeat`` times (the batch and its lines deleted in
between), it times in one process:

- build: ``payroll.build`` in its own transaction (one INSERT … SELECT of the lines with the never-paid-twice
  anti-join, the batch's totals, its audit entry, COMMIT);
- export: ``payroll.export``: the lines joined to payees, ID numbers masked, accounts decrypted, written as
  CSV and as XLSX (write-only) in one streamed pass;
- copy in: ``COPY … FROM STDIN`` of the same line rows into a table of the same shape (no index but its
  primary key): the floor for writing the lines;
- copy out: ``COPY (SELECT the same join) TO STDOUT`` written to a CSV file: the floor for the file.

Medians are reported, with the ratios, as JSON on standard output.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kuaiban.db import connect, session_scope  # noqa: E402
from kuaiban.platform.personal_data import seal  # noqa: E402
from kuaiban.programs import payroll  # noqa: E402

PROGRAM, REGION, MONTH = "bj_unemployment_benefit", "110105", "2020-09"


def populate(engine, rows: int) -> None:
    number = seal("110101199001019028", "svc_applicants.id_number")
    account = seal("6222000000000001", "prog_claims.account")
    with engine.begin() as c:
        c.execute(text(
            "INSERT INTO svc_applicants (id, kind, name, id_number, id_number_hash, region, created_at) "
            "SELECT g, 'citizen', '测试' || g, :n, 'bench-' || g, :r, now() FROM generate_series(1, :rows) g"),
            {"n": number, "r": REGION, "rows": rows})
        c.execute(text(
            "INSERT INTO prog_claims (id, program, applicant_id, region, month, status, step, facts, commitment, "
            "account, flags, monthly_fen, explanation, reasons, version, created_at) "
            "SELECT g, :p, g, :r, :m, 'approved', 0, '{}', NULL, :a, '[]', 184300, '[]', '[]', 1, now() "
            "FROM generate_series(1, :rows) g"), {"p": PROGRAM, "r": REGION, "m": MONTH, "a": account, "rows": rows})
        c.execute(text(
            "INSERT INTO prog_entitlements (claim_id, applicant_id, program, region, month, amount_fen, status) "
            "SELECT g, g, :p, :r, :m, 184300 + (g % 7) * 100, 'due' FROM generate_series(1, :rows) g"),
            {"p": PROGRAM, "r": REGION, "m": MONTH, "rows": rows})
        c.execute(text("ANALYZE"))


def reset(engine) -> None:
    with engine.begin() as c:
        c.execute(text("DELETE FROM prog_payment_lines"))
        c.execute(text("DELETE FROM prog_batches"))


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def copy_in(engine, rows: int) -> float:
    """COPY of the same line rows into a plain table of the same shape."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("DROP TABLE IF EXISTS bench_lines; CREATE TABLE bench_lines (LIKE prog_payment_lines)")
        cur.execute("ALTER TABLE bench_lines ADD PRIMARY KEY (id)")
        raw.commit()
        payload = "".join(f"{i}\t1\t{i}\t{i}\t{i}\t{PROGRAM}\t{REGION}\t{MONTH}\t{184300 + (i % 7) * 100}\tissued\t\\N\t\\N\n"
                          for i in range(1, rows + 1)).encode()
        start = time.perf_counter()
        with cur.copy("COPY bench_lines FROM STDIN") as copy:
            for offset in range(0, len(payload), 1 << 20):
                copy.write(payload[offset:offset + (1 << 20)])
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def copy_out(engine, path: Path) -> float:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        with open(path, "wb") as out, cur.copy(
                "COPY (SELECT l.id, l.program, l.region, l.month, a.name, a.id_number, c.account, l.amount_fen "
                "FROM prog_payment_lines l JOIN svc_applicants a ON a.id = l.applicant_id "
                "JOIN prog_claims c ON c.id = l.claim_id ORDER BY l.id) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                out.write(block)
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    import psycopg

    name = f"kuaiban_bench_programs_{uuid.uuid4().hex[:8]}"
    admin = args.server.replace("postgresql+psycopg://", "postgresql://") + "/test"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        engine = connect(f"{args.server}/{name}")
        setup, _ = timed(lambda: populate(engine, args.rows))
        times: dict[str, list[float]] = {"build": [], "export": [], "copy_in": [], "copy_out": []}
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.repeat):
                reset(engine)

                def build():
                    with session_scope(engine) as s:
                        batch, built = payroll.build(s, PROGRAM, "110000", MONTH)
                    assert built and batch.lines == args.rows, (built, batch.lines)
                    return batch

                seconds, batch = timed(build)
                times["build"].append(seconds)
                with session_scope(engine) as s:
                    seconds, files = timed(lambda s=s, batch=batch: payroll.export(s, batch, Path(tmp)))
                times["export"].append(seconds)
                times["copy_out"].append(copy_out(engine, Path(tmp) / "copy.csv"))
                times["copy_in"].append(copy_in(engine, args.rows))
                again_seconds, _ = timed(lambda: _rerun(engine))
                times.setdefault("rerun", []).append(again_seconds)
            sizes = {k: Path(v).stat().st_size for k, v in files.items()}
        med = {k: statistics.median(v) for k, v in times.items()}
        print(json.dumps({"rows": args.rows, "repeat": args.repeat, "setup_seconds": round(setup, 1),
                          "median_seconds": {k: round(v, 2) for k, v in med.items()},
                          "build_over_copy_in": round(med["build"] / med["copy_in"], 2),
                          "export_over_copy_out": round(med["export"] / med["copy_out"], 2),
                          "file_bytes": sizes}, ensure_ascii=False, indent=2))
    finally:
        from kuaiban import db

        for url in [u for u in db._engines if u.endswith(name)]:
            db._engines.pop(url).dispose()
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rerun(engine) -> None:
    """Running the month again: the batch comes back unchanged, nothing is written."""
    with session_scope(engine) as s:
        _, built = payroll.build(s, PROGRAM, "110000", MONTH)
    assert not built


if __name__ == "__main__":
    main()
