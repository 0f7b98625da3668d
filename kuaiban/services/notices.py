"""What a 快办 applicant is told in the message centre at each step of a case (and the SMS that goes with it).

Called by :mod:`kuaiban.services.cases` and :mod:`kuaiban.services.ratings` inside the step's own
transaction, after its audit entry.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import dates, notifications
from kuaiban.platform.calendar import PROVISIONAL_NOTE
from kuaiban.platform.models import AuditEntry, User

# action of cases.STEPS → message kind
STEP_KINDS = {"accept": "case_accepted", "refuse": "case_refused", "correct": "case_correction",
              "review": "case_reviewed", "complete": "case_done", "send_back": "case_returned",
              "reject": "case_refused", "lapse": "case_refused"}
CASE_STEP_NAMES = {"accept": "已受理", "review": "已通过审核", "complete": "已办结"}


def case_link(number: str) -> str:
    return f"/services/cases/{number}"


def _day(moment: dt.datetime | None) -> str | None:
    return None if moment is None else dates.day_words(moment)


def received(session: Session, *, applicant_id: int, number: str, bundle: str, items: int, missing: list[str],
             due: dt.datetime | None, at: dt.datetime, provisional: bool = False) -> None:
    text = f"您申请的“{bundle}”已提交，办件编号 {number}，共 {items} 个事项，等待窗口受理。"
    if missing:
        text += f"尚缺材料：{'、'.join(missing)}，可在办件页面补交。"
    if due is not None:
        text += f"按规定时限，应于{_day(due)}前办结" + (f"（临时推算：{PROVISIONAL_NOTE}）。" if provisional else "。")
    notifications.post(session, applicant=applicant_id, kind="case_received", title=f"办件已收到：{bundle}",
                       text=text, link=case_link(number), ref=number, at=at)


def step(session: Session, *, applicant_id: int, number: str, action: str, item: str, reason: str | None,
         notice: list[str] | None, due: dt.datetime | None, case_done: bool, at: dt.datetime,
         correction_due: dt.datetime | None = None) -> None:
    """The message of one task step (受理, 不予受理, 补正, 审核, 办结)."""
    head = f"办件 {number} 中的事项“{item}”"
    if action == "accept":
        title, text = f"已受理：{item}", head + "已受理" + (f"，应于{_day(due)}前办结。" if due else "。")
    elif action == "refuse":
        title, text = f"不予受理：{item}", head + f"不予受理。理由：{(reason or '').strip().rstrip('。')}。"
    elif action == "correct":
        title = f"请补正材料：{item}"
        text = (head + f"需要补正，请提交以下材料：{'、'.join(notice or [])}。"
                + (f"补正原因：{reason.strip().rstrip('。')}。" if (reason or "").strip() else "")
                + (f"请于{_day(correction_due)}前补正。" if correction_due else "")
                + "补正材料提交后，办理时限重新计算。")
    elif action == "send_back":
        title, text = f"重新受理：{item}", head + f"经审核退回窗口重新受理。原因：{(reason or '').strip().rstrip('。')}。"
    elif action in ("reject", "lapse"):
        title = f"终止办理：{item}"
        text = head + f"终止办理。理由：{(reason or '').strip().rstrip('。')}。"
    elif action == "review":
        title, text = f"已审核：{item}", head + "已通过审核，等待办结。"
    else:  # 办结; an item with a recorded result (kuaiban.services.outcomes) carries it as ``reason``
        title = f"已办结：{item}"
        text = head + "已办结。" + (f"办理结果：{reason.strip()}" if (reason or "").strip() else "")
    if case_done:
        text = text.rstrip("。") + "。整个办件已办结，欢迎在办件页面评价。"
    notifications.post(session, applicant=applicant_id, kind=STEP_KINDS[action], title=title, text=text,
                       link=case_link(number), ref=number, at=at)


def case_step(session: Session, *, applicant_id: int, number: str, action: str, items: list[str], case_done: bool,
              at: dt.datetime) -> None:
    """One message for a whole-case step (整件受理 / 审核 / 办结) listing its items."""
    done = CASE_STEP_NAMES[action]
    text = f"办件 {number} 中的 {len(items)} 个事项{done}：{'、'.join(items)}。"
    if case_done:
        text += "整个办件已办结，欢迎在办件页面评价。"
    notifications.post(session, applicant=applicant_id, kind=STEP_KINDS[action], title=f"{done}：{len(items)} 个事项",
                       text=text, link=case_link(number), ref=number, at=at)


def transferred(session: Session, *, applicant_id: int, number: str, item: str, agency: str, at: dt.datetime) -> None:
    notifications.post(session, applicant=applicant_id, kind="case_transferred", title=f"已转办：{item}",
                       text=f"办件 {number} 中的事项“{item}”已转由{agency}办理，办理时限不变。",
                       link=case_link(number), ref=number, at=at)


def rating_feedback(session: Session, *, rating_id: int, applicant_id: int, subject: str, link: str, ref: str,
                    feedback: str, at: dt.datetime) -> None:
    """The rectification's 反馈 reaches the account that gave the rating (its audit entry names it);
    every account of the applicant if that account is gone. ``subject`` is what was rated as the applicant
    knows it (办件 KB…, 失业补助金申领 12), ``link`` its page, ``ref`` its reference in the messages."""
    rater_id = session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "rate",
                                                                AuditEntry.entity == "rating",
                                                                AuditEntry.entity_id == rating_id))
    rater = session.get(User, rater_id) if rater_id is not None else None
    recipients = [rater] if rater is not None and rater.active else []
    notifications.post(session, recipients=recipients, applicant=None if recipients else applicant_id,
                       kind="rating_feedback", title=f"您的评价已有整改反馈：{subject}",
                       text=f"您对{subject} 的差评已核实整改。反馈：{feedback}", link=link, ref=ref, at=at)
