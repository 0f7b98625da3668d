"""What the person registering as unemployed is told in the message centre (and by SMS through its outbox):
the application received, the review result (with the reason when refused — 人社厅发〔2020〕3号 附件3 三（一）3
requires the reason to be recorded), and the deregistration.

Called inside the step's own transaction, after its audit entry. Who is told: the account that applied
online; for an application filed at the window or downloaded from the national platform, the citizen
accounts whose 证件号码 is the person's — without a link, since such a registration is shown to the
person at the window, not on the applicant pages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import notifications, personal_data
from kuaiban.platform.models import Applicant, User
from kuaiban.unemployment import models as m


def _recipients(session: Session, reg: m.Registration) -> tuple[list[User], str | None]:
    if reg.applicant_user_id is not None:
        return [session.get(User, reg.applicant_user_id)], f"/unemployment/registrations/{reg.aaz341}"
    accounts = session.scalars(select(User).join(Applicant, User.applicant_id == Applicant.id)
                               .where(Applicant.kind == "citizen", User.active.is_(True),
                                      # the number is stored encrypted: found through its keyed hash
                                      Applicant.id_number_hash.in_(personal_data.lookup_hashes(reg.id_number.upper()))))
    return list(accounts), None


def _day(moment: dt.datetime | dt.date) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _post(session: Session, reg: m.Registration, kind: str, title: str, text: str, at: dt.datetime) -> None:
    users, link = _recipients(session, reg)
    if users:
        notifications.post(session, recipients=users, kind=kind, title=title, text=text, link=link, ref=reg.aaz341,
                           at=at)


def received(session: Session, reg: m.Registration, at: dt.datetime) -> None:
    text = f"您的失业登记申请已收到，系统流水号 {reg.aaz341}。"
    if reg.due_at is not None:
        text += f"将在{reg.limit_working_days}个工作日内办结（{_day(reg.due_at)}前）。"
    _post(session, reg, "ue_received", "失业登记申请已收到", text, at)


def decided(session: Session, reg: m.Registration, at: dt.datetime) -> None:
    if reg.status == m.REGISTERED:
        _post(session, reg, "ue_approved", "失业登记审核通过",
              f"您的失业登记申请（{reg.aaz341}）已于{_day(at)}审核通过，已登记失业。", at)
    else:
        _post(session, reg, "ue_rejected", "失业登记审核不通过",
              f"您的失业登记申请（{reg.aaz341}）审核不通过。原因：{(reg.reject_reason or '').rstrip('。')}。"
              "如有疑问，请向登记失业地的公共就业服务机构咨询。", at)


def deregistered(session: Session, reg: m.Registration, *, reason: str, effective_on: dt.date,
                 at: dt.datetime) -> None:
    _post(session, reg, "ue_deregistered", "失业登记已注销",
          f"您的失业登记（{reg.aaz341}）已注销，注销时间 {_day(effective_on)}，原因：{reason}。", at)
