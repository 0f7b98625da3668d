"""No data is lost on a crash; nothing is paid twice — the programs pillar under `kill -9` of a real process.

Each test runs the real command line (``python -m kuaiban …``) in a child process with one function wrapped
to announce the crash point and wait there; the parent kills it with SIGKILL, looks at what was left, and runs
the command again, as an operator would after a node died:

- a payroll of a program settled at payment (湖南 灵活就业社会保险补贴, 先缴后补: the months computed again
  before the batch) killed inside its transaction: neither the settlement nor the batch is left; the rerun
  pays each month once, at the amount a clean run gives;
- a payroll killed while its payment file is being written (the batch committed): no half-written file is
  ever in the file's place, and the rerun returns the same batch, writes the whole file and clears the dead
  process's scratch file;
- a 比对停发 killed after its first stop (not committed): no stop, no 追回, no message for a stop that did not
  happen; the rerun stops each claim once and tells each claimant once;
- the message centre's dispatcher (``kuaiban notifications deliver``) killed between a send and its mark:
  after the lease, the message is sent again with the same key, delivered once, and every other message too.

On a SQLite file and on PostgreSQL (a fresh database of its own, skipped when there is none).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kuaiban.platform import audit, notifications
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Delivery, Notification, OutboxEntry
from kuaiban.programs import claims, payroll, registers
from kuaiban.programs.models import Batch, Claim, Entitlement, PaymentLine, Recovery
from tests.programs.conftest import make_town
from tests.programs.helpers import BOTH_PAID, FLEX, kill_when_marked, pay_first_claim
from tests.programs.test_audit_s13_claims import BJ_SUBSIDY, _benefits_register, _submit
from tests.programs.test_cli import _approved_town, kuaiban

pytestmark = pytest.mark.slow

# The real CLI, with one function wrapped: at the crash point it announces itself and waits to be killed.
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tests.programs.crash_points import after_batch_built, waiting_at
    marker, where = Path(sys.argv[1]), sys.argv[2]
    stop_here = waiting_at(marker, where)

    if where == "batch":  # the batch's lines (and the months settled before it) flushed, not committed
        after_batch_built(stop_here)
    elif where == "export":  # the batch committed; its payment file written three lines in
        from kuaiban.programs import payroll
        real_rows = payroll._line_rows
        def rows(session, batch):
            for n, row in enumerate(real_rows(session, batch), 1):
                yield row
                if n == 3:
                    stop_here()
        payroll._line_rows = rows
    elif where == "stop":  # the first claim stopped (its 追回 and its message written), not committed
        from kuaiban.programs import claims
        real_stop = claims._stop
        def stop(session, *a, **kw):
            claim = real_stop(session, *a, **kw)
            session.flush()
            stop_here()
            return claim
        claims._stop = stop
    elif where == "send":  # the second message handed to the channel, not yet marked sent
        from kuaiban.platform import notifications
        real_send = notifications.RecordingSender.send
        calls = []
        def send(self, key, *a):
            real_send(self, key, *a)
            calls.append(key)
            if len(calls) == 2:
                stop_here()
        notifications.RecordingSender.send = send
    from kuaiban.cli import app
    sys.argv = ["kuaiban"] + sys.argv[3:]
    app()
""")


def kill_at(where: str, args: list[str], tmp_path: Path) -> None:
    """Run ``kuaiban *args`` until it reaches ``where``, then SIGKILL it."""
    marker = tmp_path / f"at-{where}"
    kill_when_marked([sys.executable, "-c", CHILD, str(marker), where, *args], marker,
                     env={"KUAIBAN_VAR": str(tmp_path / "var")})


def run(*args: str, tmp_path: Path) -> dict:
    done = kuaiban(*args, var=tmp_path / "var")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _count(town, model) -> int:
    with town.session() as s:
        return s.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- (a) the payroll


def _months(town) -> list[tuple[str, int, str]]:
    with town.session() as s:
        return s.execute(select(Entitlement.month, Entitlement.amount_fen, Entitlement.status)
                         .order_by(Entitlement.month)).all()


def test_a_settled_payroll_killed_in_its_transaction_leaves_nothing_and_the_rerun_pays_each_month_once(
        backend_url, tmp_path) -> None:
    """湖南 灵活就业社会保险补贴 (湘人社规〔2020〕22号 第八条 先缴后补): the register shows November and December paid at
    28 %; 6000 元 (a test figure) is the office's average wage for 2021: 6000 × 60 % × 28 % × 60 % = 604.80 元 a month."""
    town = make_town(backend_url)
    pay_first_claim(town, BOTH_PAID)
    before = _months(town)
    args = ["programs", "payroll", "--program", FLEX, "--region", "430000", "--month", "2021-12", "--json",
            "--db", backend_url]
    kill_at("batch", args, tmp_path)
    assert _count(town, Batch) == _count(town, PaymentLine) == 0
    assert _months(town) == before  # the months settled in the dead transaction: as they were
    with town.session() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action.in_(
            ("program_batch_built", "program_months_settled")))).all() == []

    first = run(*args, tmp_path=tmp_path)
    again = run(*args, tmp_path=tmp_path)
    assert (first["built"], first["lines"], first["total"]) == (True, 2, "1209.60")
    assert (again["built"], again["batch"], again["lines"]) == (False, first["batch"], 2)
    with town.session() as s:
        assert s.execute(select(PaymentLine.month, PaymentLine.amount_fen).order_by(PaymentLine.month)).all() == [
            ("2021-11", 60480), ("2021-12", 60480)]


def test_a_payroll_killed_while_writing_its_payment_file_leaves_no_half_file_and_the_rerun_writes_it_whole(
        tmp_path) -> None:
    """Two claimants of 北京 失业保险金, three months each: six lines in October's batch."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = _approved_town(url)
    args = ["programs", "payroll", "--program", "bj_unemployment_benefit", "--region", "110000", "--month",
            "2020-10", "--json", "--db", url]
    kill_at("export", args, tmp_path)
    with town.session() as s:  # the batch committed before the file was begun
        batch = s.scalars(select(Batch)).one()
        assert (batch.lines, s.scalar(select(func.count(PaymentLine.id)))) == (6, 6)
    folder = tmp_path / "var" / "payroll" / "bj_unemployment_benefit" / "110000"
    # the dead process's scratch (CSV, XLSX), never a file in the payment file's place
    assert sorted(p.suffix for p in folder.iterdir()) == [".tmp", ".tmp"]
    for scratch in folder.iterdir():  # an hour later: only then is a dead writer's scratch cleared (payroll.py)
        os.utime(scratch, (scratch.stat().st_atime - 7200, scratch.stat().st_mtime - 7200))

    answer = run(*args, tmp_path=tmp_path)
    assert (answer["built"], answer["batch"], answer["lines"]) == (False, batch.id, 6)
    text = Path(answer["file"]).read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 8 and text.splitlines()[-1].startswith("合计") and answer["total"] in text
    assert Path(answer["files"]["xlsx"]).read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(f).name for f in answer["files"].values())
    with town.session() as s:
        assert s.scalar(select(func.count(PaymentLine.id))) == 6
        assert s.scalar(select(func.count()).select_from(
            select(PaymentLine.applicant_id, PaymentLine.month).distinct().subquery())) == 6


# ---------------------------------------------------------------- (b) the messages


def _two_paid_then_pensioned(url: str):
    """Two 北京 失业补助金 claims (880 元 a month), August to October paid; the pension register then shows both
    drawing a pension since 2020-09: each is to stop from October and return what October paid."""
    town = make_town(url)
    _benefits_register(town, town.citizen_number, town.other_number)
    ids = [_submit(town, user, BJ_SUBSIDY).id for user in (town.citizen, town.other_citizen)]
    with town.session() as s:
        batch, _ = payroll.build(s, BJ_SUBSIDY, "110000", "2020-10")
        assert batch.lines == 6
        for number in (town.citizen_number, town.other_number):
            registers.put(s, "pension", "养老保险待遇领取信息", number, {"receiving_pension": True, "since": "2020-09"})
    return town, ids


def _stop_messages(town) -> list[tuple[str, str]]:
    with town.session() as s:
        return s.execute(select(Notification.ref, Notification.title).join(
            OutboxEntry, OutboxEntry.notification_id == Notification.id)
            .where(Notification.kind == "program_stopped").order_by(Notification.id)).all()


def test_a_recheck_killed_after_its_first_stop_leaves_no_stop_no_debt_and_no_message(backend_url, tmp_path) -> None:
    town, ids = _two_paid_then_pensioned(backend_url)
    messages = _count(town, OutboxEntry)
    args = ["programs", "recheck", "--program", BJ_SUBSIDY, "--region", "110000", "--month", "2020-11",
            "--operator", "bj-rev", "--json", "--db", backend_url]
    kill_at("stop", args, tmp_path)
    with town.session() as s:
        assert s.scalars(select(Claim.status).order_by(Claim.id)).all() == ["approved", "approved"]
        assert s.scalar(select(func.count(Recovery.id))) == 0
    assert _count(town, OutboxEntry) == messages and _stop_messages(town) == []

    answer = run(*args, tmp_path=tmp_path)
    assert sorted(s["claim"] for s in answer["stopped"]) == ids
    assert run(*args, tmp_path=tmp_path)["stopped"] == []  # run again: nobody stopped twice
    with town.session() as s:
        assert s.scalars(select(Claim.status).order_by(Claim.id)).all() == ["stopped", "stopped"]
        assert s.scalars(select(Recovery.amount_fen).order_by(Recovery.claim_id)).all() == [88000, 88000]
    stops = _stop_messages(town)
    assert len(stops) == 2 and len(set(stops)) == 2  # one message to each claimant, not one more


class CountingSender(notifications.RecordingSender):
    """The default channel, counting the keys it is handed."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        self.keys: list[str] = []

    def send(self, key: str, *rest: str) -> None:
        self.keys.append(key)
        super().send(key, *rest)


def test_a_dispatcher_killed_between_send_and_mark_delivers_each_program_message_exactly_once(
        backend_url, tmp_path) -> None:
    town, _ = _two_paid_then_pensioned(backend_url)
    with town.session() as s:
        claims.recheck(s, BJ_SUBSIDY, "110000", "2020-11", user=town.reviewer)  # the stop notices, in the outbox
    with town.session() as s:
        outbox = [str(i) for i in s.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id))]
    assert len(outbox) >= 4  # received ×2, stopped ×2 (and the 追回 notices)

    kill_at("send", ["notifications", "deliver", "--once", "--db", backend_url], tmp_path)
    with town.session() as s:
        assert [str(i) for i in s.scalars(select(OutboxEntry.id).where(OutboxEntry.sent_at.is_not(None)))] == \
            outbox[:1]
        assert sorted(s.scalars(select(Delivery.key)), key=int) == outbox[:2]  # the second reached the channel

    channel = CountingSender(town.engine)
    now = audit.now()
    assert notifications.deliver(town.engine, channel, at=now).sent == []  # the dead dispatcher's lease holds
    after = notifications.deliver(town.engine, channel, at=now + notifications.LEASE + dt.timedelta(seconds=5))
    assert [str(i) for i in after.sent] == outbox[1:]
    assert channel.keys == outbox[1:]  # the second sent again, with its key: clearly retried …
    with town.session() as s:
        delivered = s.execute(select(Delivery.key, func.count()).group_by(Delivery.key)).all()
        assert sorted(delivered, key=lambda r: int(r[0])) == [(k, 1) for k in outbox]  # … and delivered once
        assert all(r.sent_at is not None for r in s.scalars(select(OutboxEntry)))
        texts = s.scalars(select(Delivery.text).where(Delivery.title.like("%停发%"))).all()
        assert len(texts) == 2 and all("养老保险" in t or "停发" in t for t in texts)
