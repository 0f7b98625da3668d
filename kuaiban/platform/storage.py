"""Stored files (uploaded materials, batch inputs and results, payment files), content-addressed.

Two backends behind one small interface, chosen by ``KUAIBAN_STORAGE``:

- ``directory`` (the embedded default): ``$KUAIBAN_VAR/files/<sha256>``, written atomically, mode 0600;
  one node's disk, like the SQLite database beside it;
- ``database``: the ``plat_files`` table of the database every app node shares (PostgreSQL ``bytea``, or
  an SQLite blob). A file written in a request's session commits or rolls back with the request's own
  writes, so a refused or failed step leaves no file behind, and every node reads what any node wrote.
  Why a table rather than PostgreSQL large objects: one transaction, the same backup, the same access
  rules as every other row, and no ``lo_unlink`` bookkeeping; a material is at most tens of MiB
  (docs/DEPLOY.md has the sizes).

Files are addressed by the SHA-256 of their bytes, and every read checks it: a file changed on disk or in
the table is refused (:class:`Corrupt`), never served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from pathlib import Path

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kuaiban import config
from kuaiban.db import Base

ENV = "KUAIBAN_STORAGE"
DIRECTORY, DATABASE = "directory", "database"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class StoredFile(Base):
    """One file in the shared store (migration 0011_storage)."""

    __tablename__ = "plat_files"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of ``data``, hex
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Corrupt(RuntimeError):
    """A stored file whose bytes no longer match their address: changed after it was written."""


def backend() -> str:
    """The configured backend, read at call time (tests and nodes set it per process)."""
    chosen = os.environ.get(ENV, DIRECTORY).strip().lower() or DIRECTORY
    if chosen not in (DIRECTORY, DATABASE):
        raise ValueError(f"{ENV} 应为 {DIRECTORY} 或 {DATABASE}，而不是 {chosen!r}")
    return chosen


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_digest(text: str | None) -> bool:
    return bool(text) and bool(_DIGEST.match(text))


def directory() -> Path:
    return Path(os.environ.get("KUAIBAN_VAR") or config.VAR) / "files"


def _legacy() -> Path:
    """Where uploads were kept before this module: still read."""
    return directory().with_name("uploads")


def put(session: Session, data: bytes) -> str:
    """Store ``data`` (once, whatever how often it is put) and return its address."""
    digest = digest_of(data)
    if backend() == DATABASE:
        row = {"digest": digest, "size": len(data), "data": data, "stored_at": dt.datetime.now()}
        dialect = session.get_bind().dialect.name
        module = postgresql if dialect == "postgresql" else sqlite if dialect == "sqlite" else None
        if module is None:
            if session.get(StoredFile, digest) is None:
                session.execute(insert(StoredFile), [row])
        else:  # two requests storing the same bytes at once: the second one's row is simply not needed
            session.execute(module.insert(StoredFile).values(row).on_conflict_do_nothing(index_elements=["digest"]))
        return digest
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / digest
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # whole or absent
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return digest


def get(session: Session, digest: str) -> bytes | None:
    """The bytes stored at ``digest``, checked against it; None when nothing is stored there."""
    if not is_digest(digest):
        return None
    if backend() == DATABASE:
        data = session.scalar(select(StoredFile.data).where(StoredFile.digest == digest))
    else:
        path = next((p for p in (directory() / digest, _legacy() / digest) if p.is_file()), None)
        data = path.read_bytes() if path else None
    if data is not None and digest_of(data) != digest:
        raise Corrupt(f"存储的文件已被改动，与其摘要不符：{digest}")
    return data


def exists(session: Session, digest: str) -> bool:
    """Whether a file is stored at ``digest`` (without reading or checking its bytes)."""
    if not is_digest(digest):
        return False
    if backend() == DATABASE:
        return session.scalar(select(StoredFile.digest).where(StoredFile.digest == digest)) is not None
    return any(p.is_file() for p in (directory() / digest, _legacy() / digest))


def forget(session: Session, digests: set[str]) -> None:
    """Remove stored files no record needs any more (the caller knows that; expired job files)."""
    digests = {d for d in digests if is_digest(d)}
    if not digests:
        return
    if backend() == DATABASE:
        session.execute(delete(StoredFile).where(StoredFile.digest.in_(digests)))
    else:
        for digest in digests:
            (directory() / digest).unlink(missing_ok=True)
            (_legacy() / digest).unlink(missing_ok=True)  # an upload from before this module: the same file
