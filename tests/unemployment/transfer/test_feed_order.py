"""The partner fetches our messages by position (outbox id after its cursor). On PostgreSQL two transfer steps
committing out of id order would let a fetch between the commits move the partner's cursor past the lower,
later-committed id: that message would never reach it. Steps staging messages for one partner are therefore
serialised to commit in id order; this reproduces the interleaving on a real server."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.transfer_exchange import sync
from tests.conftest import _require_pg, fresh_pg_database

from .world import MONDAY, ORIGIN, make_offices

PARTNER_REGION = "500103"


def _started(offices, n: int) -> str:
    with offices.session() as s:
        t = transfer.start(s, offices.person, side=tm.ORIGIN, origin_region=ORIGIN,
                           destination_region=PARTNER_REGION, name="样例甲", card_number=f"SAMPLE-CARD-{n:04d}",
                           employment_status="参保职工", at=MONDAY)
        return t.ref


def _feed(offices, after: int) -> list[dict]:
    with offices.session() as s:
        return sync.feed(s, "50", after)


@pytest.mark.postgres
def test_a_fetch_between_two_out_of_order_commits_skips_no_message():
    _require_pg()
    with fresh_pg_database("kb_feed_order") as url:
        offices = make_offices(url)
        with offices.session() as s:
            sync.set_partner(s, "50", "重庆市失业保险系统（模拟）", "http://127.0.0.1:9")
        first, second = _started(offices, 1), _started(offices, 2)

        def stage(s, ref: str) -> None:  # the part of a step that writes its message (no audit: the race alone)
            t = s.scalar(select(tm.Transfer).where(tm.Transfer.ref == ref))
            transfer._stage(s, t, "transferred_out", MONDAY, {"record": {"name": "样例甲"}})
            s.flush()

        slow = offices.session()
        s1 = slow.__enter__()  # step 1 draws the lower id and has not committed yet
        stage(s1, first)

        second_done = threading.Event()

        def other_step():
            with offices.session() as s2:
                stage(s2, second)
            second_done.set()

        worker = threading.Thread(target=other_step)
        worker.start()
        # the second step waits for the first to commit instead of committing a higher id before it
        assert not second_done.wait(1.0)
        assert _feed(offices, 0) == []  # the partner fetching now sees nothing yet, so its cursor stays put

        slow.__exit__(None, None, None)  # step 1 commits
        worker.join(10)
        assert second_done.is_set()
        fetched = _feed(offices, 0)
        assert [m["transfer_ref"] for m in fetched] == [first, second]
        assert fetched[0]["seq"] < fetched[1]["seq"]
        with offices.session() as s:
            assert s.scalar(select(tm.OutboxMessage.id).where(tm.OutboxMessage.transfer_ref == first)) \
                == fetched[0]["seq"]
        offices.engine.dispose()
