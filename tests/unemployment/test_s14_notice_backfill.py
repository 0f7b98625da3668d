"""Migration 0020_ue_notices_backfill: a result decided, or a 注销 recorded, before 0018 created ue_notices
owes the person a notice all the same (人社厅发〔2020〕3号 三 hunan-hrss-2020.txt:3405 “以适当方式主动反馈办理结果”,
五 3433 “以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法取得联系的除外）”).

The database is brought to the state an installation decided in before 0018 — the steps done, the messages
posted to the accounts there were, no ue_notices rows — then migrated: the caseworker's 待告知 lists what
nobody was told, and a message the person's own account received then counts as the notice given."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, delete, select, text

from kuaiban.db import MIGRATIONS
from kuaiban.unemployment import models as m
from kuaiban.unemployment.decision import decide
from kuaiban.unemployment.deregistration import deregister
from kuaiban.unemployment.lifecycle import notices_owed, record_notice
from kuaiban.unemployment.registration import submit
from tests.unemployment.world import SEPT_30, local_application, make_world

DECIDED = dt.datetime(2020, 10, 9, 9, 0)
LEFT = dt.datetime(2020, 11, 2, 9, 0)


def migrate_between(engine: Engine, down: str, up: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, down)
        command.upgrade(cfg, up)


def as_before_0018(engine: Engine) -> None:
    """What 0018 found: the steps and their messages, but no notice rows."""
    with engine.begin() as conn:
        conn.execute(delete(m.Notice.__table__))


@pytest.fixture
def world(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        # 0: the citizen with an account (样例0号), approved then deregistered on finding work — both messaged
        own = submit(s, world.window, local_application(0), declaration_signed=True, at=SEPT_30)
        # 5: no account, approved; 6: no account, refused; 7: no account, approved then 死亡 (no notice owed)
        quiet = [submit(s, world.window, local_application(n), declaration_signed=True, at=SEPT_30) for n in (5, 6, 7)]
    with world.session() as s:
        own = decide(s, world.reviewer, own.aaz341, approve=True, version=own.version, at=DECIDED)
        approved = decide(s, world.reviewer, quiet[0].aaz341, approve=True, version=quiet[0].version, at=DECIDED)
        refused = decide(s, world.reviewer, quiet[1].aaz341, approve=False, reason="经核实已在其他单位就业",
                         version=quiet[1].version, at=DECIDED)
        died = decide(s, world.reviewer, quiet[2].aaz341, approve=True, version=quiet[2].version, at=DECIDED)
    with world.session() as s:
        deregister(s, world.window, own.aaz341, reason_code="11", employer="样例有限公司", version=own.version,
                   at=LEFT)
        deregister(s, world.window, died.aaz341, reason_code="26", version=died.version, at=LEFT)
    world.numbers = {"own": own.aaz341, "approved": approved.aaz341, "refused": refused.aaz341,
                     "died": died.aaz341}
    as_before_0018(world.engine)
    return world


def notices(world) -> dict[tuple[str, str], tuple]:
    with world.session() as s:
        rows = s.execute(select(m.Registration.aaz341, m.Notice.about, m.Notice.owed_since, m.Notice.method,
                                m.Notice.told_at).join(m.Notice.registration)).all()
    return {(r.aaz341, r.about): (r.owed_since, r.method, r.told_at) for r in rows}


def test_the_backfill_lists_what_nobody_was_told_and_counts_the_messages_sent(world):
    n = world.numbers
    assert notices(world) == {}  # before: nothing was ever 待告知
    # through the backfill to the newest revision (the models read columns later migrations add)
    migrate_between(world.engine, "0018_ue_notices", "head")
    assert notices(world) == {
        # the person's own account received both messages at the time: given through the message centre
        (n["own"], "decision"): (DECIDED, m.MESSAGE_CENTRE, DECIDED),
        (n["own"], "deregistration"): (LEFT, m.MESSAGE_CENTRE, LEFT),
        # no account: owed since the decision
        (n["approved"], "decision"): (DECIDED, None, None),
        (n["refused"], "decision"): (DECIDED, None, None),
        (n["died"], "decision"): (DECIDED, None, None),
        # 死亡: 3433 owes no 注销 notice, so none is listed
    }
    with world.session() as s:
        owed = notices_owed(s, world.window)
        assert [(x.registration.aaz341, x.about) for x in owed] == [
            (n["approved"], "decision"), (n["refused"], "decision"), (n["died"], "decision")]
        # and a caseworker records the notice as for any other
        record_notice(s, world.window, n["refused"], about="decision", method="电话", at=LEFT)
    with world.session() as s:
        assert len(notices_owed(s, world.window)) == 2


def test_the_backfill_adds_nothing_twice_and_leaves_notices_already_recorded(world):
    migrate_between(world.engine, "0018_ue_notices", "head")
    first = notices(world)
    migrate_between(world.engine, "0018_ue_notices", "head")  # downgrade keeps the rows; upgrading again adds none
    assert notices(world) == first
    with world.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ue_notices")).scalar() == 5
