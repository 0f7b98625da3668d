"""Real processes for the sync tests: the simulator and the sync command run as subprocesses on loopback
HTTP, with real SQLite/PostgreSQL databases; and the invariants every test checks, in one place.

The invariants (docs/unemployment-sync.md, “what exactly once means”):

1. every application fed to the platform is in the local inbox once, and became one local registration;
2. the audit log shows one submission per registration (nothing was processed twice and rolled back
   into a second registration — the log is append-only, so a second attempt would show);
3. every registration is decided; every decided registration's result is on the platform, stored once,
   under the key AAB301:AAZ341 of the local result record, and marked uploaded locally;
4. every forwarded application is 已审核 on the platform, with exactly one result;
5. every deregistration's exit record is on the platform once and marked uploaded locally;
6. the platform saw no conflicting record and the local outbox has no failed upload.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from kuaiban.db import session_scope
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.caseworker import AutoCaseworker
from kuaiban.unemployment.national.client import HttpNationalPlatform, RetryPolicy
from kuaiban.unemployment.national.local import RegistrationService
from kuaiban.unemployment.national.models import InboxItem, OutboxItem
from kuaiban.unemployment.national.simulator import snapshot
from kuaiban.unemployment.national.sync import SyncConfig, Synchronizer

ROOT = Path(__file__).resolve().parents[3]
FAST_RETRY = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.1)


class SimulatorProcess:
    """``python -m kuaiban.unemployment.national.simulator`` as a child process; restartable on its port."""

    def __init__(self, db_path: Path, faults: str = "") -> None:
        self.db_path = db_path
        self.faults = faults
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> SimulatorProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kuaiban.unemployment.national.simulator", "--db", str(self.db_path),
             "--port", str(self.port), "--faults", self.faults],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"simulator did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait(timeout=10)
        if self.proc is not None:
            self.proc.stdout.close()
            self.proc.stderr.close()
        self.proc = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def admin(self) -> HttpNationalPlatform:
        return HttpNationalPlatform(self.url, timeout=5, retry=FAST_RETRY)

    def feed(self, records: list[dict]) -> None:
        admin = self.admin()
        for i in range(0, len(records), 1000):
            admin.feed(records[i:i + 1000])
        admin.close()

    def set_faults(self, **plan: Any) -> None:
        admin = self.admin()
        admin.set_faults(plan)
        admin.close()

    def stats(self) -> dict[str, Any]:
        admin = self.admin()
        try:
            return admin.stats()
        finally:
            admin.close()

    def snapshot(self) -> dict[str, Any]:
        return snapshot(self.db_path)


def sync_command(platform_url: str, db_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kuaiban", "unemployment", "sync", "--platform", platform_url, "--db", db_url,
            *extra]


def synchronizer(engine: Engine, url: str, *, timeout: float = 1.0, exit_every: int = 4,
                 config: SyncConfig | None = None, retry: RetryPolicy = FAST_RETRY) -> Synchronizer:
    client = HttpNationalPlatform(url, timeout=timeout, retry=retry)
    return Synchronizer(engine, client, RegistrationService(),
                        config or SyncConfig(page_size=25, upload_batch=20),
                        caseworker=AutoCaseworker(batch=50, exit_every=exit_every))


def converge(engine: Engine, sim: SimulatorProcess, fed: set[str], *, max_cycles: int = 60,
             sync: Synchronizer | None = None) -> Synchronizer:
    """Run forced cycles until the invariants hold (or give up, leaving the last problems to assert)."""
    sync = sync or synchronizer(engine, sim.url)
    for _ in range(max_cycles):
        sync.cycle(force=True)
        if not problems(engine, sim, fed):
            break
    return sync


def local_view(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as s:
        inbox = Counter(s.scalars(select(InboxItem.adc201)))
        regs = s.execute(select(m.Registration.adc201, m.Registration.status, m.Registration.result,
                                m.Registration.result_uploaded_at)).all()
        exits = s.execute(select(m.Deregistration.exit_record, m.Deregistration.exit_uploaded_at)).all()
        submits = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "ue_submit"))
        decides = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "ue_decide"))
        failed = s.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.failed_at.is_not(None)))
    return {"inbox": inbox, "regs": regs, "exits": exits, "submits": submits, "decides": decides,
            "failed": failed}


def problems(engine: Engine, sim: SimulatorProcess, fed: set[str]) -> list[str]:
    """Every invariant that does not hold (empty when all do)."""
    local, remote = local_view(engine), sim.snapshot()
    found: list[str] = []
    if set(local["inbox"]) != fed:
        found.append(f"inbox holds {len(local['inbox'])} applications, {len(fed)} were fed")
    if any(n != 1 for n in local["inbox"].values()):
        found.append("an application is in the inbox twice")
    national = Counter(r.adc201 for r in local["regs"] if r.adc201)
    if set(national) != fed or any(n != 1 for n in national.values()):
        found.append(f"{sum(national.values())} national registrations for {len(fed)} applications")
    if local["submits"] != len(local["regs"]):
        found.append(f"{local['submits']} submissions logged for {len(local['regs'])} registrations")
    undecided = [r for r in local["regs"] if r.status == m.PENDING]
    if undecided:
        found.append(f"{len(undecided)} registrations undecided")
    if local["decides"] != len(local["regs"]) - len(undecided):
        found.append(f"{local['decides']} decisions logged for {len(local['regs']) - len(undecided)} decided")
    results = {p.record_key(r.result) for r in local["regs"] if r.result is not None}
    if set(remote["results"]) != results:
        found.append(f"platform holds {len(remote['results'])} results, {len(results)} decided locally")
    if any(r.result is not None and r.result_uploaded_at is None for r in local["regs"]):
        found.append("a decided registration is not marked uploaded")
    states = Counter(remote["states"][a] for a in fed if a in remote["states"])
    if states.get(p.REVIEWED, 0) != len(fed):
        found.append(f"platform states of the fed applications: {dict(states)}")
    per_application = Counter(adc for adc, _n in remote["results"].values() if adc)
    if any(n != 1 for n in per_application.values()):
        found.append("an application has several results on the platform")
    exits = {p.record_key(e.exit_record) for e in local["exits"]}
    if set(remote["exits"]) != exits:
        found.append(f"platform holds {len(remote['exits'])} exits, {len(exits)} deregistrations locally")
    if any(e.exit_uploaded_at is None for e in local["exits"]):
        found.append("a deregistration is not marked uploaded")
    if remote["conflicts"]:
        found.append(f"{remote['conflicts']} conflicting uploads")
    if local["failed"]:
        found.append(f"{local['failed']} failed uploads in the outbox")
    return found
