"""新的待办 digests on both backends: claims entering the review queue tell each staff account whose scope
covers them once per period — one message however many claims — and nobody else; a second digest with
nothing new writes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kuaiban.platform import new_work
from kuaiban.platform.notification_models import Notification, OutboxEntry
from kuaiban.programs import claims
from tests.programs.conftest import AUG_3, make_town


def test_new_claims_give_one_digest_message_per_staff_member_in_scope(backend_url) -> None:
    town = make_town(backend_url)
    for user in (town.citizen, town.other_citizen):
        with town.session() as s:
            claims.submit(s, user, "bj_unemployment_benefit", month="2020-08", facts={"contribution_months": 70},
                          account="6222000000000001", at=AUG_3)
    told = new_work.digest(town.engine, now=AUG_3 + dt.timedelta(minutes=5))
    with town.session() as s:
        got = {n.user_id: n for n in s.scalars(select(Notification).where(Notification.kind == new_work.KIND))}
        outbox = s.scalars(select(OutboxEntry.id).where(OutboxEntry.notification_id.in_(list(got)))).all()
    # 北京's reviewers and supervisor; not its window clerk (the step is a reviewer's), not 湖南's staff
    assert set(got) == {town.reviewer.id, town.reviewer2.id, town.supervisor.id} and told == 3
    message = got[town.reviewer.id]
    assert message.title == "新的待办：2 件" and message.text.startswith("待审核的补贴申领 2 件")
    assert message.link == "/programs/staff"  # the staff queue of 补贴申领, where the claims are reviewed
    assert outbox == []  # read on the site: no SMS per staff member per period
    assert new_work.digest(town.engine, now=AUG_3 + dt.timedelta(minutes=20)) == 0  # nothing new since
