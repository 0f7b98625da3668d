"""Random interleavings of feed / poll / review / upload / crash / fault / restart steps keep the safety
invariants at every step, and after the faults stop, the loop converges to the full invariants.

A local crash is injected at a chosen call to the platform, before it is sent or after its answer came
back: an exception that no code catches unwinds the process's work — its open transaction is rolled back,
exactly what SIGKILL leaves behind in a WAL database — and a fresh :class:`Synchronizer` takes over, as a
restarted process would. (Real SIGKILLs are in test_crashes.py.)
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kuaiban.db import _engines, connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import WINDOW
from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration
from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.feed import synthetic_applications
from tests.unemployment.national.harness import SimulatorProcess, converge, local_view, problems, synchronizer

pytestmark = pytest.mark.slow

CALLS = ("download", "acknowledge", "upload_results", "upload_exits")
FAULT_RATES = st.fixed_dictionaries({k: st.sampled_from([0.0, 0.1, 0.3]) for k in
                                     ("error", "drop_before", "drop_after", "duplicate")})


class SimulatedCrash(BaseException):
    """The local process dies here (BaseException: nothing in the synchroniser catches it)."""


class CrashingPlatform:
    """The real HTTP client, with one armed crash point."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.armed: tuple[str, str] | None = None

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _call(self, name, *args):
        armed, self.armed = self.armed, (self.armed if self.armed and self.armed[0] != name else None)
        if armed == (name, "before"):
            raise SimulatedCrash(name)
        answer = getattr(self.inner, name)(*args)
        if armed == (name, "after"):
            raise SimulatedCrash(name)
        return answer

    def register(self, *a):
        return self.inner.register(*a)

    def resume(self, client_id):
        self.inner.resume(client_id)

    def download(self, *a):
        return self._call("download", *a)

    def acknowledge(self, *a):
        return self._call("acknowledge", *a)

    def upload_results(self, *a):
        return self._call("upload_results", *a)

    def upload_exits(self, *a):
        return self._call("upload_exits", *a)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="kb-sync-"))
        self.sim = SimulatorProcess(self.dir / "national.db").start()
        self.url = f"sqlite:///{self.dir / 'local.db'}"
        self.engine = connect(self.url)
        self.fed: list[str] = []
        self.windows = 0
        self.crashes = 0
        self._restart_local()

    def _restart_local(self) -> None:
        sync = synchronizer(self.engine, self.sim.url, timeout=0.3, exit_every=3)
        sync.platform = CrashingPlatform(sync.platform)
        self.sync = sync

    @rule(n=st.integers(1, 12))
    def feed(self, n):
        records = synthetic_applications(n, start=len(self.fed), batch="H", reject_every=4)
        self.sim.feed(records)
        self.fed += [r["ADC201"] for r in records]

    @rule()
    def file_locally(self):
        with session_scope(self.engine) as session:
            clerk = auth.create_user(session, f"window-{self.windows}", "Sample-Lantern-47x", WINDOW,
                                     region="430102")  # the synthetic feed's county
            record = synthetic_applications(1, start=700_000 + self.windows, batch="W")[0]
            record.pop("ADC201")
            registration.submit(session, clerk, record, declaration_signed=True)
        self.windows += 1

    @rule(force=st.booleans())
    def poll(self, force):
        self.sync.cycle(force=force)

    @rule(call=st.sampled_from(CALLS), when=st.sampled_from(["before", "after"]))
    def crash(self, call, when):
        self.sync.platform.armed = (call, when)
        try:
            self.sync.cycle(force=True)
        except SimulatedCrash:
            self.crashes += 1
        self._restart_local()

    @rule(rates=FAULT_RATES)
    def faults(self, rates):
        self.sim.set_faults(rates=rates, timeout_sleep=0.4, seed=len(self.fed))

    @rule()
    def timeouts(self):
        self.sim.set_faults(once=[{"kind": "timeout", "path": p.RESULTS, "times": 1}], timeout_sleep=0.4)

    @rule()
    def restart_simulator(self):
        self.sim.restart()

    @invariant()
    def never_more_than_once(self):
        local, remote = local_view(self.engine), self.sim.snapshot()
        assert all(n == 1 for n in local["inbox"].values())
        assert set(local["inbox"]) <= set(self.fed)
        national = Counter(r.adc201 for r in local["regs"] if r.adc201)
        assert all(n == 1 for n in national.values())
        assert local["submits"] == len(local["regs"])
        ours = {p.record_key(r.result) for r in local["regs"] if r.result is not None}
        assert set(remote["results"]) <= ours
        marked = {p.record_key(r.result) for r in local["regs"] if r.result_uploaded_at is not None}
        assert marked <= set(remote["results"])  # never marked uploaded unless the platform has it
        exits_marked = {p.record_key(e.exit_record) for e in local["exits"] if e.exit_uploaded_at is not None}
        assert exits_marked <= set(remote["exits"])
        assert remote["conflicts"] == 0
        assert all(n == 1 for n in Counter(a for a, _ in remote["results"].values() if a).values())
        assert all(r.status != m.DEREGISTERED or r.result is not None for r in local["regs"])

    def teardown(self) -> None:
        try:
            self.sim.set_faults()
            fed = set(self.fed)
            converge(self.engine, self.sim, fed, sync=synchronizer(self.engine, self.sim.url))
            assert problems(self.engine, self.sim, fed) == []
        finally:
            self.sim.kill()
            _engines.pop(self.url).dispose()
            shutil.rmtree(self.dir, ignore_errors=True)


SyncMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=18, deadline=None)
TestSyncInterleavings = SyncMachine.TestCase
