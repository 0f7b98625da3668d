"""Issue 4's guarantees under the faster write path, with a real crash and through the API:
a process killed (SIGKILL) in the middle of a bundle submission leaves nothing behind, and two staff
acting on the same task at once through the HTTP API get one success and one 409 — on SQLite and on
PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.platform.models import AuditEntry
from kuaiban.services.models import Case, Commitment, Material, Task

from .conftest import FORM, PASSWORD, SHARED

ROOT = Path(__file__).resolve().parents[2]

# The child writes the whole case (case, 11 tasks, materials), signals, and waits to be killed before
# its commit. The audit entry is the submission's last write, so it is where the child stops.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sqlalchemy import func, select
    from kuaiban.db import connect, session_scope
    from kuaiban.platform import audit
    from tests.materials import uploaded
    from kuaiban.services import cases
    from kuaiban.services.models import Task
    from kuaiban.platform.models import User

    url, ready = sys.argv[1], Path(sys.argv[2])
    real = audit.record

    def record_then_hang(session, action, *args, **kw):
        real(session, action, *args, **kw)
        if action == "submit":
            written = ready.with_suffix(".tmp")
            written.write_text(str(session.scalar(select(func.count()).select_from(Task))))
            written.rename(ready)  # appears whole
            time.sleep(60)  # killed here: rows written, transaction open, nothing committed

    audit.record = record_then_hang
    with session_scope(connect(url)) as s:
        user = s.query(User).filter_by(username="citizen").one()
        cases.submit(s, user, "企业招用员工", %r, materials=uploaded(s, user, {%r: "contract.pdf"}))
""") % (FORM, SHARED)


def counts(world) -> dict[str, int]:
    with world.session() as s:
        got = {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in (Case, Task, Material, Commitment)}
        got["submit audit"] = s.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.action == "submit"))
        return got


def test_a_process_killed_in_the_middle_of_a_submission_leaves_nothing(world, backend_url, tmp_path):
    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", CHILD, backend_url, str(ready)], cwd=ROOT,
                             env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, "the child ended before writing the case"
            assert time.monotonic() < deadline, "the child never wrote the case"
            time.sleep(0.05)
        assert ready.read_text() == "11"  # the kill comes after the case and its 11 tasks are written…
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    # …and the server (or SQLite's journal) rolls the open transaction back: none of its rows remain
    assert counts(world) == {"Case": 0, "Task": 0, "Material": 0, "Commitment": 0, "submit audit": 0}
    with world.session() as s:  # and the database takes the next submission
        from kuaiban.services import cases

        assert len(cases.submit(s, world.citizen, "企业招用员工", FORM).tasks) == 11


def test_two_staff_acting_at_once_through_the_api_one_wins_the_other_gets_409(world, backend_url):
    client = TestClient(create_app(backend_url))

    def login(username: str) -> dict:
        token = client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    citizen, window = login("citizen"), login("window")
    case = client.post("/api/cases", headers=citizen, json={"bundle": "企业招用员工", "form": FORM,
                                                          "items": ["2.4.3"]}).json()
    task = case["tasks"][0]
    barrier = threading.Barrier(2)
    answers: list = []

    def staff(action: str, body: dict) -> None:
        barrier.wait()
        r = client.post(f"/api/tasks/{task['id']}/{action}", headers=window, json={"version": task["version"]} | body)
        answers.append((r.status_code, r.json()))

    threads = [threading.Thread(target=staff, args=a) for a in (("accept", {}), ("refuse", {"reason": "材料不全"}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(code for code, _ in answers) == [200, 409]
    ((_, lost),) = [(c, b) for c, b in answers if c == 409]
    assert lost["field"] in ("version", "action") and ("已被他人处理" in lost["detail"] or "不能" in lost["detail"])
    with world.session() as s:
        assert s.get(Task, task["id"]).version == 2
