"""新的待办 for held months (s17): a month held before a batch is counted in the next digest of the staff who
decide it — 审核 staff and supervisors whose scope covers the claim's region — with a line of its own that links
to the queue of held months; a window clerk of the same district and another province's staff are not told."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kuaiban.platform import new_work
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import held_queue  # noqa: F401 (registers its counter, as the app and the CLI import it)
from kuaiban.programs.models import ClaimEvent
from tests.programs.helpers import build_flex, corrected_after_decision


def test_a_held_month_is_in_the_deciders_next_digest(town) -> None:
    claim_id = corrected_after_decision(town)
    assert build_flex(town, "2021-11")["held"]  # 2021-11 held: decided 604.80, computed 624.96
    with town.session() as s:
        held_at = s.scalar(select(ClaimEvent.at).where(ClaimEvent.claim_id == claim_id, ClaimEvent.step == "payroll",
                                                       ClaimEvent.outcome == "held"))
    assert new_work.digest(town.engine, now=held_at + dt.timedelta(minutes=5)) > 0
    with town.session() as s:
        got = {n.user_id: n for n in s.scalars(select(Notification).where(Notification.kind == new_work.KIND))}
    deciders = {town.hunan_reviewer.id, town.hunan_reviewer2.id, town.hunan_supervisor.id}
    for user_id in deciders:
        assert "待核定的发放金额 1 件" in got[user_id].text
    for user in (town.hunan_window, town.reviewer, town.supervisor):  # 窗口 of 岳麓区; 北京's staff
        assert user.id not in got or "待核定的发放金额" not in got[user.id].text
    only_held = [n for n in got.values() if n.text.startswith("待核定的发放金额") and "；" not in n.text]
    assert all(n.link == "/programs/held" for n in only_held)
    assert new_work.queue_links("待核定的发放金额 1 件") == [("待核定的发放金额", "/programs/held")]
