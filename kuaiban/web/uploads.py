"""Uploaded material files: what is accepted, how it is kept, how it is handed back.

- **Accepted types.** The compilations name no file type per material, so every material accepts the
  formats a 人社 office can file and open: PDF, JPEG, PNG and OFD (GB/T 33190 版式文档, the national
  e-document format). The type is decided by the file's first bytes, never by its name or the browser's
  declared type (:func:`file_type`); anything else is refused beside the material.
- **Storage.** Files are stored content-addressed under ``$KUAIBAN_VAR/uploads/<sha256>`` (written
  atomically, mode 0600); the case keeps the reference ``<sha256>:<file name>`` in
  ``Material.reference``. A file is written only after the submission it belongs to has passed every
  check, inside its transaction; if the commit then fails, the orphan file is unreferenced (same
  content, same name, harmless).
- **Downloads** (:func:`download`) are always attachments, typed by their content again (files stored
  before the check may be anything: they go out as ``application/octet-stream``), with ``nosniff``.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse

from kuaiban.config import ROOT

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


def uploads_dir() -> Path:
    """Read at call time: the live server and the tests point KUAIBAN_VAR at their own folder."""
    return Path(os.environ.get("KUAIBAN_VAR") or ROOT / "var") / "uploads"


@dataclass(frozen=True)
class Upload:
    """A file received with a form, held in memory until its submission has passed every check."""

    filename: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

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

    def store(self) -> Path:
        folder = uploads_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.digest
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self.data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return path


def stored_file(reference: str | None) -> tuple[Path, str] | None:
    """The stored file and its original name for a material reference made by :class:`Upload`."""
    if not reference or ":" not in reference:
        return None
    digest, _, name = reference.partition(":")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    path = uploads_dir() / digest
    return (path, name) if path.is_file() else None


def display_reference(reference: str | None) -> str:
    """The file name the applicant gave, without the hash."""
    if reference and ":" in reference and len(reference.partition(":")[0]) == 64:
        return reference.partition(":")[2]
    return reference or ""


def _stored_type(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(_ZIP):  # an OFD package is recognised by its contents, not its first bytes
        return file_type(path.read_bytes()) or "application/octet-stream"
    return file_type(head) or "application/octet-stream"


def content_disposition(name: str) -> str:
    """``attachment`` with the applicant's file name in RFC 5987 form (UTF-8, every unsafe byte
    percent-encoded, so quotes and line breaks cannot escape) and a plain ASCII fallback."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(path: Path, name: str) -> FileResponse:
    """A stored material for download: typed by content, never rendered inline, never sniffed."""
    return FileResponse(path, media_type=_stored_type(path), headers={
        "Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff"})
