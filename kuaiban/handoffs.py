"""Wiring between the 快办 pillar and the 失业登记 pillar, which never import each other (tests/test_layers.py).

- 快办 → 失业登记: item 2.4.1 of the 失业 一件事 is filed as a 失业登记 (:mod:`kuaiban.unemployment.bundle_intake`),
  人社部发〔2021〕23号 附件1 (chongqing-hrss-2021.txt:3787) “失业登记(默认勾选):受理后信息推送至属地经办机构”;
- 失业登记 → 快办: its decision settles the case's task (:func:`kuaiban.services.cases.settle_handoff`);
  a person's newest 失业登记 is shown beside their 失业保险金申领 and before the 一件事 form files another
  (:func:`kuaiban.services.handoffs.standing`).

Imported, for this effect, by the application (:mod:`kuaiban.app`) and the command line (:mod:`kuaiban.cli`);
importing it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from kuaiban.platform import holidays
from kuaiban.platform.models import User
from kuaiban.services import cases
from kuaiban.services import handoffs as service_handoffs
from kuaiban.unemployment import bundle_intake, events, registration
from kuaiban.unemployment import models as m


class UnemploymentRegistration:
    """The receiver of item 2.4.1: a 失业登记 of the citizen's own account."""

    def errors(self, session: Session, request: service_handoffs.Request) -> list[dict]:
        return bundle_intake.errors(session, request.user, request.applicant, request.form, request.item_form,
                                    request.items, request.at)

    def file(self, session: Session, request: service_handoffs.Request) -> service_handoffs.Handed:
        reg = bundle_intake.file(session, request.user, request.form, request.item_form, request.items, request.at,
                                 request.case_number)
        return service_handoffs.Handed(
            reg.aaz341, reg.due_at, due_provisional=reg.due_provisional, note=
            f"已推送失业登记（系统流水号 {reg.aaz341}），由登记失业地公共就业服务机构在"
            f"{reg.limit_working_days}个工作日内审核；审核结果同步到本办件，并上传全国人社政务服务平台")


def _settle(session: Session, reg: m.Registration, at: dt.datetime, actor: User | None) -> None:
    cases.settle_handoff(session, reg.aaz341, approved=reg.status == m.REGISTERED, reason=reg.reject_reason, at=at,
                         actor=actor)


def _standing(session: Session, id_number: str) -> service_handoffs.Standing | None:
    reg = registration.latest_of(session, id_number)
    if reg is None:
        return None
    return service_handoffs.Standing(reg.aaz341, reg.status, reg.status in (m.PENDING, m.REGISTERED),
                                     reg.submitted_at, reg.decided_at, reg.reject_reason)


service_handoffs.register(bundle_intake.ITEM, UnemploymentRegistration())
service_handoffs.register_lookup(bundle_intake.ITEM, _standing)
events.on_decided(_settle)


def _recompute(session: Session, year: int | None) -> None:
    """A year's 节假日安排 was entered: the provisional deadlines of both pillars are counted again, and a bundle task
    handed off as a 失业登记 takes its registration's new deadline."""
    cases.recompute_provisional(session, year)
    for reg in registration.recompute_provisional(session):
        cases.set_handed_off_due(session, reg.aaz341, reg.due_at, reg.due_provisional)


if _recompute not in holidays.AFTER_ENTRY:
    holidays.AFTER_ENTRY.append(_recompute)
