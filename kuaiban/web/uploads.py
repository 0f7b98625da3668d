"""Uploaded material files: what is accepted, how it is kept, how it is handed back.

- **Accepted types.** The compilations name no file type per material, so every material accepts the
  formats a 人社 office can file and open: PDF, JPEG, PNG and OFD (GB/T 33190 版式文档, the national
  e-document format). The type is decided by the file's first bytes, never by its name or the browser's
  declared type (:func:`file_type`); anything else is refused beside the material.
- **Storage.** Files go to the platform's content-addressed store (:mod:`kuaiban.platform.storage`: a
  directory, or the database every app node shares), recorded as uploaded by the applicant
  (:mod:`kuaiban.platform.material_files`); the case keeps the reference ``<sha256>:<file name>`` in
  ``Material.reference``, and the core accepts only references to files its applicant uploaded. A file is
  stored in the transaction of the step it belongs to, just before the core checks it: with the shared
  store it commits or rolls back with the case; in a directory a refused step leaves an unreferenced file
  (same content, harmless). One exception: a file of an accepted type chosen on a form that comes back with
  errors (the first 一件事 form, the 补交) is stored and committed then, so the applicant need not choose it
  again; the 一件事 form carries it as a token bound to the sign-in (``service_pages.kept_token``). If the
  applicant never submits, the file stays unreferenced in the store until the prune of unattached uploads
  deletes it after 7 days (:mod:`kuaiban.platform.upload_retention`).
  Every read checks the bytes against their hash.
- **Downloads** (:func:`download`) serve a case's material only when the case's applicant uploaded that file
  (:func:`stored_file`; the page has already checked that the caller may see the case); always attachments, typed by their content again (files stored
  before the check may be anything: they go out as ``application/octet-stream``), with ``nosniff``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import Response
from sqlalchemy.orm import Session

from kuaiban.edge.downloads import attachment
from kuaiban.platform import material_files, storage
from kuaiban.platform.material_files import MAX_UPLOAD, OFD, TOO_LARGE, TYPES_TEXT, WRONG_TYPE, file_type
from kuaiban.platform.models import User

__all__ = ["ACCEPT", "MAX_UPLOAD", "OFD", "TOO_LARGE", "TYPES_TEXT", "WRONG_TYPE", "Upload", "display_reference",
           "download", "file_type", "stored_file"]

ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd"  # the file picker's hint only; the bytes decide


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
        return material_files.reference_of(self.digest, self.filename)

    @property
    def problem(self) -> str | None:
        """Why this file cannot be accepted (Chinese, for beside its material), or None."""
        return material_files.problem(self.data)

    def store(self, session: Session, user: User) -> str:
        """Put the file in the store as ``user``'s upload, in ``session``'s transaction; returns its reference."""
        return material_files.keep(session, user, self.filename, self.data)


def stored_file(session: Session, reference: str | None, owner: int | None) -> tuple[bytes, str] | None:
    """The stored bytes and original name for a material reference, only when applicant record ``owner``
    (the case's applicant) uploaded that file; None otherwise — a name without a file, or a file someone
    else uploaded (:class:`storage.Corrupt` if the bytes were changed after they were stored)."""
    if not material_files.owned(session, owner, reference):
        return None
    digest, name = material_files.parse(reference) or ("", "")
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
