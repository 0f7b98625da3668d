"""Downloaded applications the local system could not file at all, for the caseworkers who serve their region.

Every application downloaded from the 全国统一服务入口 is filed for review (``registration.register_from_national``)
except one without a usable 失业登记申请编号 (ADC201), without a valid 登记失业地 (AAB301) or whose ADC201 was
already filed: the synchroniser keeps it in its inbox as refused, with the reason. No result can be keyed
for it, so the platform never hears back — yet 人社厅发〔2020〕3号 七 (hunan-hrss-2020.txt:3449) asks “各地要及时
办理转办事项”. Until session 14 only ``kuaiban unemployment sync --refused`` showed them; the queue page and
``GET /api/unemployment/national/refused`` list them too, under the one access rule: by the AAB301 the record
gave (a code that names no region still falls under the province or city whose prefix it carries), and a
record without one only for national-scope staff, so that none is invisible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import access, regions
from kuaiban.platform.auth import require_role
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.unemployment.national.models import REFUSED, InboxItem


@dataclass(frozen=True)
class RefusedDownload:
    adc201: str  # 失业登记申请编号 as the platform keyed it
    place: str  # 登记失业地 as the record gave it, in words
    name: str | None  # 姓名 AAC003 as the record gave it
    received_at: dt.datetime
    reason: str  # the local system's Chinese message


def _place(code: str | None) -> str:
    if not code or code == "None":  # the synchroniser stores str(None) for a record without AAB301
        return "未填写"
    return regions.label(code)


def refused_downloads(session: Session, user: User) -> list[RefusedDownload]:
    """The refused downloads in ``user``'s scope, oldest first."""
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    stmt = select(InboxItem).where(InboxItem.state == REFUSED).order_by(InboxItem.received_at, InboxItem.id)
    rows = session.scalars(access.scoped(stmt, user, InboxItem.aab301))
    out = []
    for r in rows:
        record = r.record if isinstance(r.record, dict) else {}
        name = record.get("AAC003")
        out.append(RefusedDownload(adc201=r.adc201, place=_place(r.aab301),
                                   name=str(name) if name not in (None, "") else None,
                                   received_at=r.received_at, reason=r.error or "原因未记录"))
    return out
