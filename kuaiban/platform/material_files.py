"""Material files an applicant uploads: what is accepted, and whose they are.

A material counts as provided only with a file that is stored here **and** was uploaded by the applicant
the case belongs to (security review finding 17, audit 2026-12 §4.1: a bare file name, or the
``<sha256>:name`` of a file someone else uploaded, used to be taken as 已提交).

- **Accepted files** (:func:`problem`): at most :data:`MAX_UPLOAD`, and of a type decided by the first
  bytes, never by the name: PDF, JPEG, PNG, OFD (GB/T 33190). The pages and the API's upload
  (``POST /api/uploads``) apply the same rule.
- **Ownership** (``plat_file_owners``): the store is content-addressed, so one file may be uploaded by
  several applicants; each upload records (file, applicant record, uploading account). An account acts for
  its applicant record (``User.applicant_id``); the cases are that record's, so the files are too.
- **References** ``<sha256>:<file name>`` are what a case keeps (``Material.reference``). The core accepts
  one only if :func:`owned` says the case's applicant uploaded that file (:func:`check_references`), and the
  download serves a case's material only under the same condition (``web.uploads.stored_file``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, String, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kuaiban.db import Base
from kuaiban.platform import storage
from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.platform.models import APPLICANT, User

MAX_UPLOAD = 10 * 1024 * 1024  # 10 MiB per file
TYPES_TEXT = "PDF、JPG、PNG 或 OFD"  # what the pages say is accepted
TOO_LARGE = f"文件过大：不超过 {MAX_UPLOAD // (1024 * 1024)} MB"
WRONG_TYPE = f"文件格式不符：仅接受 {TYPES_TEXT} 格式的文件（按文件内容识别，与扩展名无关）"
MAX_NAME = 200  # characters of the applicant's file name kept in the reference

# Magic numbers: ISO 32000 (%PDF-), JPEG/JFIF SOI marker, PNG signature (RFC 2083). A tiny table is
# enough for four types and keeps the decision readable; OFD is a ZIP package whose root holds OFD.xml.
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
               (b"\x89PNG\r\n\x1a\n", "image/png"))
_ZIP = b"PK\x03\x04"
OFD = "application/ofd"


class FileOwner(Base):
    """An applicant record that uploaded a stored file (migration 0029_file_owners)."""

    __tablename__ = "plat_file_owners"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # the file's address in the store
    applicant_id: Mapped[int] = mapped_column(ForeignKey("svc_applicants.id"), primary_key=True, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id"))  # the account that first uploaded it
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)


def file_type(data: bytes) -> str | None:
    """The accepted MIME type ``data`` is, by its content; None for anything else."""
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = {n.lstrip("/") for n in package.namelist()}
        except (zipfile.BadZipFile, ValueError):
            return None
        return OFD if "OFD.xml" in names else None
    return None


def problem(data: bytes) -> str | None:
    """Why ``data`` cannot be accepted as a material file (Chinese), or None."""
    if len(data) > MAX_UPLOAD:
        return TOO_LARGE
    return None if file_type(data) else WRONG_TYPE


def reference_of(digest: str, filename: str) -> str:
    """What a case stores for a file: its content hash and the name the applicant gave it."""
    return f"{digest}:{Path(filename).name[:MAX_NAME]}"


def parse(reference: str | None) -> tuple[str, str] | None:
    """(digest, file name) of a well-formed reference; None for anything else (a bare name, a bad hash)."""
    if not reference or ":" not in reference:
        return None
    digest, _, name = reference.partition(":")
    return (digest, name) if storage.is_digest(digest) and name.strip() else None


def name_only(reference: str | None) -> bool:
    """Whether ``reference`` is a bare file name: what the API took before migration 0029 (no ``<sha256>:``
    prefix), with no file behind it. Such a material stays as the applicant wrote it and can never be served."""
    return bool(reference) and parse(reference) is None


def _applicant_of(user: User) -> int:
    if user.role != APPLICANT or user.applicant_id is None:
        raise Forbidden("只有办事人可以上传材料文件")
    return user.applicant_id


def uploader(user: User) -> User:
    """``user`` if it may upload material files (an applicant account); :class:`Forbidden` otherwise."""
    _applicant_of(user)
    return user


def record_owner(session: Session, user: User, digest: str, *, at: dt.datetime | None = None) -> None:
    """Note that ``user``'s applicant record uploaded the stored file ``digest``. A repeat upload of the same
    file moves ``uploaded_at`` to now: the retention of unattached uploads (:mod:`upload_retention`) counts
    from the last time the applicant chose the file, so a file chosen again today is not pruned tomorrow."""
    row = {"digest": digest, "applicant_id": _applicant_of(user), "user_id": user.id,
           "uploaded_at": at or dt.datetime.now()}
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite if dialect == "sqlite" else None
    if module is None:
        found = session.get(FileOwner, (digest, row["applicant_id"]))
        if found is None:
            session.execute(insert(FileOwner), [row])
        else:
            found.uploaded_at = row["uploaded_at"]
    else:  # the same file uploaded twice at once by one applicant: one row is enough
        stmt = module.insert(FileOwner).values(row)
        session.execute(stmt.on_conflict_do_update(index_elements=["digest", "applicant_id"],
                                                   set_={"uploaded_at": stmt.excluded.uploaded_at}))


FILE_LOCK_CLASS = 714602  # the first key of every stored file's advisory lock (the second: its hash)


def file_lock_key(digest: str) -> tuple[int, int]:
    """The PostgreSQL advisory lock (two int4 keys) of one stored file: taken shared by every upload of it
    (:func:`keep`) and exclusively by the prune before it deletes the file (:mod:`upload_retention`), so a file
    being uploaded again just now is never deleted under the upload. Two files sharing a key (32 bits of the
    hash) only make the prune skip one of them for a round."""
    return FILE_LOCK_CLASS, int(digest[:8], 16) - 2**31


def keep(session: Session, user: User, filename: str, data: bytes) -> str:
    """Store a file already checked (:func:`problem`) as ``user``'s upload; returns its reference.

    The owner row is written before the bytes are stored, under the file's lock (PostgreSQL; on SQLite the
    row's INSERT takes the database's one write lock): a prune running at the same moment either finishes
    first — and the bytes are then stored afresh — or waits for this transaction and sees the row."""
    digest = storage.digest_of(data)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock_shared(*file_lock_key(digest))))
    record_owner(session, user, digest)
    storage.put(session, data)
    return reference_of(digest, filename)


def accept(session: Session, user: User, filename: str, data: bytes) -> str:
    """Check, store and own one uploaded file (the API's upload); returns the reference to name it by."""
    _applicant_of(user)
    if not data:
        raise Invalid("没有收到文件内容", "file")
    if (why := problem(data)) is not None:
        raise Invalid(why, "file")
    if not Path(filename or "").name.strip():
        raise Invalid("请提供文件名", "file")
    return keep(session, user, filename, data)


def owned(session: Session, applicant_id: int | None, reference: str | None) -> bool:
    """Whether ``reference`` names a stored file that applicant record ``applicant_id`` uploaded."""
    parsed = parse(reference)
    if parsed is None or applicant_id is None:
        return False
    found = session.scalar(select(FileOwner.digest).where(FileOwner.digest == parsed[0],
                                                          FileOwner.applicant_id == applicant_id))
    return found is not None and storage.exists(session, parsed[0])


def check_references(session: Session, applicant_id: int, materials: Mapping[str, str]) -> None:
    """:class:`Invalid`, naming the material, for the first reference that is not a file this applicant
    uploaded and the store holds.

    The owner rows found are held until the caller's transaction ends (:func:`_pin`): the prune of unattached
    uploads (:mod:`kuaiban.platform.upload_retention`) skips them, so a file is never deleted between this
    check and the commit of the case that attaches it."""
    parsed = {name: parse(reference) for name, reference in materials.items()}
    held = _pin(session, applicant_id, {p[0] for p in parsed.values() if p is not None})
    for name in materials:
        p = parsed[name]
        if p is None or p[0] not in held or not storage.exists(session, p[0]):
            raise Invalid(f"“{name}”没有有效的文件：须先上传本人的文件（材料文件上传接口），"
                          "再以上传返回的文件引用提交；不接受文件名或他人上传的文件", f"materials.{name}")


def _pin(session: Session, applicant_id: int, digests: set[str]) -> set[str]:
    """Which of ``digests`` applicant record ``applicant_id`` owns, those owner rows held until the caller's
    transaction ends: PostgreSQL ``FOR KEY SHARE`` (the prune, which takes ``FOR UPDATE SKIP LOCKED``, passes
    them by; another submission is not held up); SQLite has no row locks, so the rows are touched by an UPDATE
    that changes nothing, which takes the database's write lock (the prune starts with a write, so it waits)."""
    if not digests:
        return set()
    mine = FileOwner.digest.in_(digests) & (FileOwner.applicant_id == applicant_id)
    query = select(FileOwner.digest).where(mine)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True, key_share=True)
    else:
        session.execute(update(FileOwner).where(mine).values(uploaded_at=FileOwner.uploaded_at)
                        .execution_options(synchronize_session=False))
    return set(session.scalars(query))
