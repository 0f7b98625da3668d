"""Uploaded material files: what is accepted, how it is kept, how it is handed back.

- **Accepted types.** The compilations name no file type per material, so every material accepts the
  formats a 人社 office can file and open: PDF, JPEG, PNG and OFD (GB/T 33190 版式文档, the national
  e-document format). The type is decided by the file's first bytes, never by its name or the browser's
  declared type (:func:`file_type`); anything else is refused beside the material.
- **Storage.** Files go to the platform's content-addressed store (:mod:`kuaiban.platform.storage`: a
  directory, or the database every app node shares); the case keeps the reference
  ``<sha256>:<file name>`` in ``Material.reference``. A file is stored only after the submission it
  belongs to has passed every check, in its session: with the shared store it commits or rolls back
  with the case; in a directory a failed commit leaves an unreferenced file (same content, harmless).
  One exception: a file of an accepted type chosen on a form that comes back with errors (the first
  一件事 form, the 补交) is stored then, so the applicant need not choose it again; the 一件事 form carries
  it as a token bound to the sign-in (``service_pages.kept_token``). If the applicant never submits, the
  file stays unreferenced in the store (nothing purges unreferenced files yet).
  Every read checks the bytes against their hash.
- **Downloads** (:func:`download`) are always attachments, typed by their content again (files stored
  before the check may be anything: they go out as ``application/octet-stream``), with ``nosniff``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import Response
from sqlalchemy.orm import Session

from kuaiban.edge.downloads import attachment
from kuaiban.platform import storage

MAX_UPLOAD = 10 * 1024 * 1024  # 10 MiB per file
TYPES_TEXT = "PDF、JPG、PNG 或 OFD"  # what the pages say is accepted
ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd"  # the file picker's hint only; the bytes decide
TOO_LARGE = f"文件过大：不超过 {MAX_UPLOAD // (1024 * 1024)} MB"
WRONG_TYPE = f"文件格式不符：仅接受 {TYPES_TEXT} 格式的文件（按文件内容识别，与扩展名无关）"

# Magic numbers: ISO 32000 (%PDF-), JPEG/JFIF SOI marker, PNG signature (RFC 2083). A tiny table is
# enough for four types and keeps the decision readable; OFD is a ZIP package whose root holds OFD.xml.
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
               (b"\x89PNG\r\n\x1a\n", "image/png"))
_ZIP = b"PK\x03\x04"
OFD = "application/ofd"


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


@dataclass(frozen=True)
class Upload:
    """A file received with a form, held in memory until its submission has passed every check."""

    filename: str
    data: bytes

    @property
    def digest(self) -> str:
        return storage.digest_of(self.data)

    @property
    def reference(self) -> str:
        """What the case stores: the content hash and the name the applicant gave (≤ 300 characters)."""
        return f"{self.digest}:{Path(self.filename).name[:200]}"

    @property
    def problem(self) -> str | None:
        """Why this file cannot be accepted (Chinese, for beside its material), or None."""
        if len(self.data) > MAX_UPLOAD:
            return TOO_LARGE
        return None if file_type(self.data) else WRONG_TYPE

    def store(self, session: Session) -> str:
        """Put the file in the store, in ``session``'s transaction; returns its address."""
        return storage.put(session, self.data)


def stored_file(session: Session, reference: str | None) -> tuple[bytes, str] | None:
    """The stored bytes and original name for a material reference made by :class:`Upload`
    (:class:`storage.Corrupt` if the bytes were changed after they were stored)."""
    if not reference or ":" not in reference:
        return None
    digest, _, name = reference.partition(":")
    data = storage.get(session, digest)
    return None if data is None else (data, name)


def display_reference(reference: str | None) -> str:
    """The file name the applicant gave, without the hash."""
    if reference and ":" in reference and len(reference.partition(":")[0]) == 64:
        return reference.partition(":")[2]
    return reference or ""


def _stored_type(data: bytes) -> str:
    return file_type(data) or "application/octet-stream"


def download(data: bytes, name: str) -> Response:
    """A stored material for download: typed by content, never rendered inline, never sniffed."""
    return attachment(data, name, _stored_type(data))
