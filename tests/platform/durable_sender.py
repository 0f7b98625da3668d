"""A test sender that behaves like a real gateway with idempotency keys: what it delivered survives any
crash of the dispatcher (its own SQLite file, committed before ``send`` returns), and a key it has
delivered is never delivered again. It also logs every call, so a test can see a key sent twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class DurableSender:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS delivered (key TEXT PRIMARY KEY, recipient TEXT, title TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS calls (n INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT)")

    def send(self, key: str, recipient: str, title: str, text: str) -> None:
        with self.db:  # one transaction: the call and (first time only) the delivery
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO calls (key) VALUES (?)", (key,))
            self.db.execute("INSERT OR IGNORE INTO delivered VALUES (?, ?, ?)", (key, recipient, title))

    def delivered(self) -> list[tuple[str, str, str]]:
        return self.db.execute("SELECT key, recipient, title FROM delivered ORDER BY CAST(key AS INTEGER)").fetchall()

    def calls(self) -> list[str]:
        return [k for (k,) in self.db.execute("SELECT key FROM calls ORDER BY n")]
