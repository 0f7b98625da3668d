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

from sqlalchemy import DateTime, ForeignKey, String, insert, select
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


def _applicant_of(user: User) -> int:
    if user.role != APPLICANT or user.applicant_id is None:
        raise Forbidden("只有办事人可以上传材料文件")
    return user.applicant_id


def uploader(user: User) -> User:
    """``user`` if it may upload material files (an applicant account); :class:`Forbidden` otherwise."""
    _applicant_of(user)
    return user


def record_owner(session: Session, user: User, digest: str, *, at: dt.datetime | None = None) -> None:
    """Note that ``user``'s applicant record uploaded the stored file ``digest`` (once; a repeat is no-op)."""
    row = {"digest": digest, "applicant_id": _applicant_of(user), "user_id": user.id,
           "uploaded_at": at or dt.datetime.now()}
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite if dialect == "sqlite" else None
    if module is None:
        if session.get(FileOwner, (digest, row["applicant_id"])) is None:
            session.execute(insert(FileOwner), [row])
    else:  # the same file uploaded twice at once by one applicant: one row is enough
        session.execute(module.insert(FileOwner).values(row)
                        .on_conflict_do_nothing(index_elements=["digest", "applicant_id"]))


def keep(session: Session, user: User, filename: str, data: bytes) -> str:
    """Store a file already checked (:func:`problem`) as ``user``'s upload; returns its reference."""
    digest = storage.put(session, data)
    record_owner(session, user, digest)
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
    uploaded and the store holds."""
    for name, reference in materials.items():
        if not owned(session, applicant_id, reference):
            raise Invalid(f"“{name}”没有有效的文件：须先上传本人的文件（材料文件上传接口），"
                          "再以上传返回的文件引用提交；不接受文件名或他人上传的文件", f"materials.{name}")

