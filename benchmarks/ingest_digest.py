"""Digest of every table of a library SQLite file, to show that a change to the ingest stores the same rows.

Usage::

    .venv/bin/python benchmarks/ingest_digest.py A.db                 # one digest per table
    .venv/bin/python benchmarks/ingest_digest.py A.db B.db            # both, and which tables differ

Typical check of a speed change: ``kuaiban ingest --db sqlite:///A.db`` from the checkout before it and
``--db sqlite:///B.db`` from the checkout after it (the same day: ``documents.status`` is the status on the
day of the ingest), then compare. Every table is read, ids included, rows in the order of all their columns;
the schema (``sqlite_master``, each statement's lines sorted) is digested too. Left out: the ``meta`` row ``ingest_fingerprint`` (a hash of the
ingest's own code, which a speed change changes by design) and its ``updated_at``. Exit status 1 when the two
files differ.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

SKIPPED_META = "ingest_fingerprint"


def _clauses(sql: str | None) -> list[str] | None:
    """A CREATE statement's lines in sorted order: Alembic's batch mode, recreating a table, writes its foreign keys in
    an order that changes from run to run (svc_tasks), the same schema."""
    return sorted(line.rstrip(", ") for line in sql.split("\n")) if sql else None


def digests(path: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its rows)}, plus ``(schema)``."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: dict[str, tuple[int, str]] = {}
        schema = [(kind, name, table, _clauses(sql)) for kind, name, table, sql in
                  con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
        out["(schema)"] = (len(schema), hashlib.sha256(repr(schema).encode()).hexdigest())
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
            columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
            order = ", ".join(f'"{c}"' for c in columns)
            where = f" WHERE key != '{SKIPPED_META}'" if table == "meta" else ""
            h = hashlib.sha256()
            n = 0
            for row in con.execute(f'SELECT * FROM "{table}"{where} ORDER BY {order}'):
                h.update(repr(row).encode())
                h.update(b"\n")
                n += 1
            out[table] = (n, h.hexdigest())
        return out
    finally:
        con.close()


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__)
        return 2
    first = digests(argv[0])
    if len(argv) == 1:
        for table, (n, digest) in first.items():
            print(f"{table:32} {n:8} {digest[:16]}")
        return 0
    second = digests(argv[1])
    differ = []
    for table in sorted(set(first) | set(second)):
        a, b = first.get(table), second.get(table)
        same = a == b
        if not same:
            differ.append(table)
        if (a and a[0]) or (b and b[0]) or not same:
            print(f"{'same' if same else 'DIFF':4} {table:32} {a[0] if a else '-':>8} {b[0] if b else '-':>8}")
    print("identical" if not differ else f"differ: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
