"""What the person registering as unemployed is told in the message centre (and by SMS through its outbox):
the application received, the review result (with the reason when refused — 人社厅发〔2020〕3号 附件3 三（一）3
requires the reason to be recorded), and the deregistration.

Called inside the step's own transaction, after its audit entry. Who is told: the account that applied
online; for an application filed at the window or downloaded from the national platform, the citizen
accounts whose 证件号码 is the person's — without a link, since such a registration is shown to the
person at the window, not on the applicant pages.

What the texts owe the person, and how it is recorded (``ue_notices``):

- the result: 3号 三 (hunan-hrss-2020.txt:3405) “以适当方式主动反馈办理结果”;
- the deregistration: 3号 五 (3433) “注销其失业登记，并以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法
  取得联系的除外）” — for those reasons (``notice: false`` in data/unemployment/deregistration.yaml) nothing is
  owed and nothing is sent.

A message posted to the person's own account is the 告知, recorded as given (method 消息中心). A person
without an account (most window and national filings) is owed it: the notice stays open on the
registration, listed for the caseworkers, until one records how the person was told
(:func:`kuaiban.unemployment.lifecycle.record_notice`: 电话、短信 to the application's mobile AAC067,
当面告知 at the window, 书面通知).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import dates, notifications, personal_data
from kuaiban.platform.calendar import PROVISIONAL_NOTE
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
    return dates.day_words(moment)


def _post(session: Session, reg: m.Registration, kind: str, title: str, text: str, at: dt.datetime) -> bool:
    """Post to the person's accounts; True when at least one received it."""
    users, link = _recipients(session, reg)
    if users:
        notifications.post(session, recipients=users, kind=kind, title=title, text=text, link=link, ref=reg.aaz341,
                           at=at)
    return bool(users)


def _owe(session: Session, reg: m.Registration, about: str, told: bool, at: dt.datetime) -> m.Notice:
    """Record a notice the person is owed: given at once when their account received the message,
    otherwise open until a caseworker records how they were told."""
    row = m.Notice(registration_id=reg.id, about=about, owed_since=at, method=m.MESSAGE_CENTRE if told else None,
                   told_at=at if told else None)
    session.add(row)
    session.flush()
    return row


def received(session: Session, reg: m.Registration, at: dt.datetime) -> None:
    text = f"您的失业登记申请已收到，系统流水号 {reg.aaz341}。"
    if reg.due_at is not None:
        text += f"将在{reg.limit_working_days}个工作日内办结（{_day(reg.due_at)}前"
        text += f"，临时推算：{PROVISIONAL_NOTE}）。" if reg.due_provisional else "）。"
    _post(session, reg, "ue_received", "失业登记申请已收到", text, at)


def decided(session: Session, reg: m.Registration, at: dt.datetime) -> m.Notice:
    if reg.status == m.REGISTERED:
        told = _post(session, reg, "ue_approved", "失业登记审核通过",
                     f"您的失业登记申请（{reg.aaz341}）已于{_day(at)}审核通过，已登记失业。", at)
    else:
        told = _post(session, reg, "ue_rejected", "失业登记审核不通过",
                     f"您的失业登记申请（{reg.aaz341}）审核不通过。原因：{(reg.reject_reason or '').rstrip('。')}。"
                     "如有疑问，请向登记失业地的公共就业服务机构咨询。", at)
    return _owe(session, reg, m.NOTICE_DECISION, told, at)


def deregistered(session: Session, reg: m.Registration, *, reason: str, effective_on: dt.date,
                 at: dt.datetime, notice_required: bool = True) -> m.Notice | None:
    """The 注销 notice, when the reason owes one (None, and no message, for 移居境外, 被判刑收监执行, 死亡 and
    无法取得联系: hunan 3433's exceptions)."""
    if not notice_required:
        return None
    told = _post(session, reg, "ue_deregistered", "失业登记已注销",
                 f"您的失业登记（{reg.aaz341}）已注销，注销时间 {_day(effective_on)}，原因：{reason}。", at)
    return _owe(session, reg, m.NOTICE_DEREGISTRATION, told, at)
