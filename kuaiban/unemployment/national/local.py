"""The adapter from the synchroniser's :class:`~kuaiban.unemployment.national.sync.LocalSystem` to the
失业登记 service (:mod:`kuaiban.unemployment.registration`, :mod:`kuaiban.unemployment.decision`).

Results of every channel are uploaded — “上传的审核结果数据应为全口径数据，包括人社政务服务平台转办申请的审核
结果，以及在本地申请的审核结果” (人社厅发〔2020〕3号 附件3 三（一）4, data/compilations/hunan-hrss-2020.txt 3572) —
so :meth:`RegistrationService.pending_results` does not filter on the channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kuaiban.platform.errors import ServiceError
from kuaiban.unemployment import decision, deregistration, registration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national.models import EXIT, RESULT, OutboxItem
from kuaiban.unemployment.national.sync import LocalRefusal, PendingRecord


def _staged(kind: str, local_id) -> Any:
    return exists().where(OutboxItem.kind == kind, OutboxItem.local_id == local_id)


class RegistrationService:
    """The local system as the ``ue_*`` tables of the same database (one transaction with the inbox)."""

    def accept_application(self, session: Session, record: Mapping[str, Any], *, received_at: dt.datetime) -> str:
        try:
            reg = registration.register_from_national(session, dict(record), received_at=received_at)
        except ServiceError as exc:  # raised before anything is written (validation, ADC201 held)
            raise LocalRefusal(str(exc)) from exc
        return reg.aaz341

    def pending_results(self, session: Session, limit: int) -> list[PendingRecord]:
        rows = session.execute(
            select(m.Registration.id, m.Registration.result)
            .where(m.Registration.decision.is_not(None), m.Registration.result_uploaded_at.is_(None),
                   ~_staged(RESULT, m.Registration.id))
            .order_by(m.Registration.decided_at, m.Registration.id).limit(limit)
        ).all()
        return [PendingRecord(r.id, r.result) for r in rows]

    def mark_results_uploaded(self, session: Session, local_ids: Sequence[int], at: dt.datetime) -> None:
        decision.mark_results_uploaded(session, list(local_ids), at)

    def pending_exits(self, session: Session, limit: int) -> list[PendingRecord]:
        rows = session.execute(
            select(m.Deregistration.id, m.Deregistration.exit_record)
            .where(m.Deregistration.exit_uploaded_at.is_(None), m.Deregistration.exit_held.is_(None),
                   ~_staged(EXIT, m.Deregistration.id))
            .order_by(m.Deregistration.recorded_at, m.Deregistration.id).limit(limit)
        ).all()
        return [PendingRecord(r.id, r.exit_record) for r in rows]

    def mark_exits_uploaded(self, session: Session, local_ids: Sequence[int], at: dt.datetime) -> None:
        deregistration.mark_exits_uploaded(session, list(local_ids), at)
