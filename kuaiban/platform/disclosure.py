"""Full reads of personal information by staff, each written to the audit log (个人信息保护法 第五十一条).

Lists show personal fields masked (:mod:`kuaiban.platform.personal_data`); a staff member in scope sees
them in full only on a record's detail page or detail endpoint, and that read is recorded here — who,
when, which record and which fields — in the same transaction as the page's own work. Applicants reading
their own record are not recorded: it is their data.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuaiban.platform import audit
from kuaiban.platform.models import APPLICANT, User

ACTION = "read_personal_data"


def record_full_read(session: Session, user: User, entity: str, entity_id: int, *, fields: list[str],
                     case_id: int | None = None, **detail) -> None:
    """Log that staff member ``user`` saw ``fields`` of ``entity`` ``entity_id`` unmasked (nothing for applicants
    or when the record holds no personal field)."""
    if user.role == APPLICANT or not fields:
        return
    audit.record(session, ACTION, entity, entity_id, actor=user, at=audit.now(), case_id=case_id,
                 fields=sorted(fields), **detail)
