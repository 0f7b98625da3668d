"""kill -9 of the exchanger, a real subprocess (on SQLite and PostgreSQL), at random moments while it sends our 转出 and 联系函 messages to the
simulated province and applies its answers; then one clean run. Nothing lost, nothing applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from kuaiban.config import ROOT
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.national.faults import FaultPlan
from kuaiban.unemployment.transfer_exchange import simulator, sync
from kuaiban.unemployment.transfer_exchange.client import PartnerClient

from .test_exchange import in_from_partner, out_to_partner
from .world import make_offices


def exchanger(url: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kuaiban", "unemployment", "transfers", "exchange", "--db", url,
                             "--interval", "0.02", "--timeout", "0.2"], cwd=ROOT, env=os.environ | {
                                 "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def acked(engine) -> int:
    return sync.pending(engine)["acked"]


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_of_the_exchanger_loses_and_repeats_nothing(backend_url):
    partner = simulator.start(FaultPlan(rates={"drop_after": 0.1, "timeout": 0.05, "duplicate": 0.2},
                                        timeout_sleep=0.3, seed=9))
    try:
        url = backend_url
        offices = make_offices(url)
        with offices.session() as s:
            sync.set_partner(s, "50", "重庆市失业保险系统（模拟）", partner.url)
        outs = [out_to_partner(offices, n) for n in range(40)]
        ins = [in_from_partner(offices, 100 + n) for n in range(40)]
        rng = random.Random(2021_11_09)
        kills = []
        for _ in range(4):
            before = acked(offices.engine)
            proc = exchanger(url)
            deadline = time.monotonic() + 15
            while acked(offices.engine) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.4))  # somewhere in the middle of its work
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            kills.append(acked(offices.engine))
        print("acknowledged at each kill:", kills)
        assert kills[0] < 80  # the first kill interrupted work in progress
        partner.faults = FaultPlan()
        for _ in range(20):
            sync.exchange_once(offices.engine, {"50": PartnerClient(partner.url, timeout=2.0)})
            if not sync.pending(offices.engine)["waiting"]:
                sync.exchange_once(offices.engine, {"50": PartnerClient(partner.url, timeout=2.0)})
                break
        seen = partner.state.snapshot()
        assert seen["received"] == 80 and seen["applied_twice"] == []
        assert all(seen["transfers"][ref] == "已转入" for ref in outs)
        with offices.session() as s:
            states = dict(s.execute(select(tm.Transfer.ref, tm.Transfer.state)).all())
            assert {states[r] for r in outs} == {tm.TRANSFERRED} and {states[r] for r in ins} == {
                tm.AWAITING_TRANSFER_IN}
            assert s.scalar(select(func.count()).select_from(tm.InboxMessage)) == 80
            steps = s.execute(select(tm.TransferStep.transfer_id, func.count())
                              .group_by(tm.TransferStep.transfer_id)).all()
            assert {n for _, n in steps} == {3}
            # each partner message left one audit entry: none was applied, rolled back and applied again
            partner_entries = s.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.action.like("ue_transfer_partner_%")))
            assert partner_entries == 80
    finally:
        partner.shutdown()
