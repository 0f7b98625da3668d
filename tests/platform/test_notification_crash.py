"""The outbox under real crashes (SIGKILL of a child process, as in tests/services/test_crash_and_conflict.py),
on SQLite and PostgreSQL:

- a process that dies right after a step commits loses no message: its outbox row is there and the
  dispatcher delivers it;
- a dispatcher killed between a send and its mark does not deliver twice: after the restart every
  message has been delivered exactly once (the resend carries the same key, which the gateway drops).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import select

from kuaiban.platform import notifications
from kuaiban.platform.notification_models import Delivery, Notification, OutboxEntry
from tests.platform.durable_sender import DurableSender
from tests.services.conftest import FORM

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2020, 9, 30, 10, 0)

# Submits a case and commits, then says so and waits to be killed before anything is dispatched.
SUBMIT_THEN_DIE = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from kuaiban.db import connect, session_scope
    from kuaiban.platform.models import User
    from kuaiban.services import cases

    url, ready = sys.argv[1], Path(sys.argv[2])
    with session_scope(connect(url)) as s:
        user = s.query(User).filter_by(username="citizen").one()
        number = cases.submit(s, user, "企业招用员工", %r, items=["2.4.3"], at=dt.datetime(2020, 9, 30, 10)).number
    ready.with_suffix(".tmp").write_text(number)
    ready.with_suffix(".tmp").rename(ready)
    import time; time.sleep(60)
""") % (FORM,)

# Dispatches with the durable sender; after the second message has reached the gateway (and before the
# dispatcher marks it sent) it says so and waits to be killed.
DISPATCH_THEN_DIE = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from kuaiban.db import connect
    from kuaiban.platform import notifications
    from tests.platform.durable_sender import DurableSender

    url, gateway, ready, at = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), dt.datetime.fromisoformat(sys.argv[4])

    class DiesAfterSecondSend(DurableSender):
        sent = 0

        def send(self, key, recipient, title, text):
            super().send(key, recipient, title, text)
            self.sent += 1
            if self.sent == 2:
                ready.with_suffix(".tmp").write_text(key)
                ready.with_suffix(".tmp").rename(ready)
                time.sleep(60)  # killed here: delivered, not yet marked sent

    notifications.deliver(connect(url), DiesAfterSecondSend(gateway), at=at)
""")


def run_until_ready_then_kill(script: str, args: list[str], ready: Path) -> str:
    child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT,
                             env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, "the child ended before reaching the crash point"
            assert time.monotonic() < deadline, "the child never reached the crash point"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    return ready.read_text()


def test_a_process_killed_right_after_a_step_commits_loses_no_message(world, backend_url, tmp_path):
    number = run_until_ready_then_kill(SUBMIT_THEN_DIE, [backend_url, str(tmp_path / "ready")], tmp_path / "ready")
    with world.session() as s:
        (message,) = s.scalars(select(Notification).where(Notification.ref == number)).all()
        (row,) = s.scalars(select(OutboxEntry)).all()
        assert (row.notification_id, row.sent_at) == (message.id, None)
    gateway = DurableSender(tmp_path / "gateway.db")
    assert notifications.deliver(world.engine, gateway, at=AT).sent == [row.id]
    assert gateway.delivered() == [(str(row.id), "citizen", "办件已收到：企业招用员工")]


def test_a_dispatcher_killed_between_send_and_mark_delivers_each_message_exactly_once(world, backend_url, tmp_path):
    with world.session() as s:
        for n in range(3):
            notifications.post(s, recipients=[world.citizen], kind="case_refused", title=f"不予受理{n}",
                               text="理由：测试", at=AT)
    with world.session() as s:
        ids = [str(i) for i in s.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id))]
    gateway_path, ready = tmp_path / "gateway.db", tmp_path / "ready"
    killed_on = run_until_ready_then_kill(DISPATCH_THEN_DIE, [backend_url, str(gateway_path), str(ready),
                                                              AT.isoformat()], ready)
    assert killed_on == ids[1]
    with world.session() as s:  # the first was marked; the second reached the gateway but was never marked
        marked = [str(r.id) for r in s.scalars(select(OutboxEntry).where(OutboxEntry.sent_at.is_not(None)))]
        assert marked == ids[:1]
    gateway = DurableSender(gateway_path)
    assert [k for k, _, _ in gateway.delivered()] == ids[:2]

    # restarted while the dead dispatcher's lease still holds: nothing is taken from under it
    assert notifications.deliver(world.engine, gateway, at=AT + dt.timedelta(seconds=10)).sent == []
    # after the lease: the second is sent again with the same key, the third for the first time
    after = notifications.deliver(world.engine, gateway, at=AT + notifications.LEASE + dt.timedelta(seconds=1))
    assert [str(i) for i in after.sent] == ids[1:]
    assert gateway.calls() == [ids[0], ids[1], ids[1], ids[2]]  # the crash window was really hit …
    assert gateway.delivered() == [(k, "citizen", f"不予受理{n}") for n, k in enumerate(ids)]  # … each once
    with world.session() as s:
        assert all(r.sent_at is not None for r in s.scalars(select(OutboxEntry)))
        assert s.scalars(select(Delivery)).all() == []  # the default sender was not involved
