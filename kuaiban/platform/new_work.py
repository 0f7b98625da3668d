"""新的待办 digests: staff are told in their message centre when work enters a queue in their scope — one
message per staff account per digest period, whatever the number of items (never one per item).

Pillars register a counter per queue (:func:`register`): given a window of time it returns, grouped by
region and by the role that acts next, how many items entered the queue in it (a 一件事 task waiting for
受理, a claim waiting at a review step, a 失业登记 waiting for 审核). Every :data:`EVERY` seconds a worker
of the job queue (:func:`kuaiban.platform.jobs.every`) runs :func:`digest`:

1. the window is from the end of the previous digest (the newest digest message's time) to
   :data:`SETTLE` ago (so that an item whose transaction was still open is counted next time, not lost);
2. one grouped query per registered queue gives the counts by (region, role);
3. for each distinct staff scope (role, region) of the active staff accounts, the counts of the regions it
   covers are summed (a supervisor's scope counts every role) — work proportional to scopes × groups,
   not to staff × items;
4. one INSERT writes one message to each account whose scope has new work: "新的待办：N 件" with a line
   per queue.

How staff read it: the message is an ordinary message of the account's 消息中心 (kind ``staff_new_work``),
marked read like any other. Each queue names the page where its work is done (:func:`register`'s
``link``: 一件事 受理 on the 经办工作台, 补贴申领 on the programs staff queue, 失业登记 on the review queue):
a message of one queue links to that page; a message of several has no single link, and the message
centre shows each line's page (:func:`queue_links`). It is not sent by SMS (no
outbox row): a staff member's channel is the site, and an SMS per staff member per period would cost
more than the items. At a province's scale: 10,000 staff and a 15-minute period give at most 960,000
messages a day if every scope had new work every period — in practice only the scopes that did; a
per-item message would be items × the staff covering each item (county, city and province staff).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, jobs, regions
from kuaiban.platform.models import APPLICANT, SUPERVISOR, User
from kuaiban.platform.notification_models import Notification

KIND = "staff_new_work"
EVERY = int(os.environ.get("KUAIBAN_DIGEST_SECONDS", "900"))  # a quarter of an hour
SETTLE = dt.timedelta(seconds=60)

# (session, since, until) → (region, role that acts, count) for items that entered the queue in [since, until)
Counter = Callable[[Session, dt.datetime, dt.datetime], Iterable[tuple[str | None, str, int]]]


@dataclass(frozen=True)
class Queue:
    label: str  # what staff read, e.g. "待受理的办件事项"
    counter: Counter
    link: str  # the page where this queue's work is done


_counters: dict[str, Queue] = {}


def register(name: str, label: str, counter: Counter, link: str) -> None:
    """A queue of a pillar: ``label`` is what staff read (e.g. "待受理的办件"), ``link`` the page where
    its items are handled (the one every staff role the counter names may open)."""
    _counters[name] = Queue(label, counter, link)


def queue_links(text: str) -> list[tuple[str, str]]:
    """(label, page) of each queue a digest message's ``text`` names, in the order of its lines."""
    named = [(text.find(q.label), q.label, q.link) for q in _counters.values() if q.label in text]
    return [(label, link) for _, label, link in sorted(named)]


def digest(engine: Engine, now: dt.datetime | None = None) -> int:
    """Write this period's messages; returns how many accounts were told."""
    until = (now or audit.now()).replace(microsecond=0) - SETTLE
    with session_scope(engine) as s:
        since = s.scalar(select(func.max(Notification.created_at)).where(Notification.kind == KIND))
        since = since or until - dt.timedelta(seconds=EVERY)
        if since >= until:
            return 0
        counts = [(q.label, region, role, n) for q in _counters.values()
                  for region, role, n in q.counter(s, since, until) if n]
        link_of = {q.label: q.link for q in _counters.values()}
        if not counts:
            return 0
        staff = s.execute(select(User.id, User.role, User.region)
                          .where(User.active.is_(True), User.role != APPLICANT)).all()
        lines_of: dict[tuple[str, str | None], dict[str, int]] = {}
        for scope in {(r.role, r.region) for r in staff}:
            role, region = scope
            lines: dict[str, int] = defaultdict(int)
            for label, item_region, item_role, n in counts:
                if role in (SUPERVISOR, item_role) and regions.covers(region, item_region):
                    lines[label] += n
            lines_of[scope] = lines
        rows = []
        for user in staff:
            lines = lines_of[(user.role, user.region)]
            if not lines:
                continue
            total = sum(lines.values())
            rows.append({"user_id": user.id, "kind": KIND, "title": f"新的待办：{total} 件",
                         "text": "；".join(f"{label} {n} 件" for label, n in sorted(lines.items()))
                         + f"（{since:%m-%d %H:%M} 至 {until:%m-%d %H:%M} 新进入您所辖范围的队列）",
                         "link": link_of[next(iter(lines))] if len(lines) == 1 else None,
                         "ref": None, "created_at": until, "read_at": None})
        if rows:
            s.execute(insert(Notification), rows)
        return len(rows)


jobs.every("staff_digest", EVERY, digest)
