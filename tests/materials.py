"""Material files for tests: a 一件事 material counts as 已提交 only with a file its applicant uploaded
(kuaiban.platform.material_files), so tests that provide materials upload a small synthetic PDF first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuaiban.platform import material_files
from kuaiban.platform.models import User


def pdf(label: str) -> bytes:
    """A tiny file the upload check takes for a PDF (by its first bytes), distinct per label."""
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def uploaded(session: Session, user: User, files: dict[str, str] | None) -> dict[str, str]:
    """``{material: file name}`` → ``{material: reference}``, each file stored as ``user``'s upload."""
    return {material: material_files.keep(session, user, name, pdf(f"{user.username}/{material}/{name}"))
            for material, name in (files or {}).items()}


def api_upload(client, headers: dict, name: str, label: str | None = None) -> str:
    """Upload a synthetic PDF through ``POST /api/uploads``; returns the reference the API gave for it."""
    r = client.post("/api/uploads", headers=headers,
                    files={"file": (name, pdf(label or f"{headers}/{name}"), "application/pdf")})
    assert r.status_code == 201, r.text
    return r.json()["reference"]


def synthetic_credit_code(n: int) -> str:
    """A well-formed 统一社会信用代码 of no real enterprise (registration needs one; stdnum gives the check)."""
    from stdnum.cn import uscc

    base = f"9143010{n:010d}"
    return base + uscc.calc_check_digit(base)
