"""Payment batches as queue jobs, under a real crash: a worker process is killed with SIGKILL in the middle of
a batch (inside the batch's transaction, or after it committed and while the payment files are written) and
another worker finishes the job — every due month paid exactly once, one batch, the files in the store, the
job done — on SQLite (the process's job thread) and on PostgreSQL (procrastinate's worker)."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kuaiban.platform import jobs, storage
from kuaiban.programs import payroll
from kuaiban.programs.models import Batch, PaymentLine
from tests.programs.helpers import kill_when_marked
from tests.programs.test_cli import _approved_town

pytestmark = pytest.mark.slow

# The first worker: on PostgreSQL the real queue worker (``kuaiban jobs worker``), on SQLite what the
# process's job thread runs; the crash point announces itself and waits to be killed.
WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kuaiban.db import connect
    from kuaiban.platform import jobs
    from kuaiban.programs import payroll
    from tests.programs.crash_points import after_batch_built, waiting_at

    url, marker, where, job_id = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    stop_here = waiting_at(marker, where)

    if where == "building":  # the batch's lines are written, its transaction not committed
        after_batch_built(stop_here)
    else:  # the batch committed, its payment files being written
        def export(session, batch, directory=None):
            stop_here()
        payroll.export = export
    engine = connect(url)
    if engine.dialect.name == "postgresql":
        jobs.runner(engine).run_forever()
    else:
        jobs.execute(engine, job_id)
""")


def _kill_worker_at(url: str, where: str, job_id: str, tmp_path: Path) -> None:
    marker = tmp_path / f"worker-{where}"
    kill_when_marked([sys.executable, "-c", WORKER, url, str(marker), where, job_id], marker, stdout=None)


@pytest.mark.parametrize("where", ["building", "exporting"])
def test_a_batch_job_whose_worker_is_killed_is_finished_by_another_and_pays_each_month_once(
        backend_url, where, tmp_path, monkeypatch):
    monkeypatch.setenv(storage.ENV, storage.DATABASE)  # the files in the shared store, for every worker
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    monkeypatch.setattr(jobs, "STALE_AFTER", dt.timedelta(seconds=2))
    town = _approved_town(backend_url)
    with town.session() as s:
        job_id = payroll.start_job(s, town.reviewer, "bj_unemployment_benefit", "110000", "2020-10").id
    postgres = backend_url.startswith("postgresql")
    if postgres:
        jobs.start(town.engine, job_id)  # in the queue; the child's worker takes it
    _kill_worker_at(backend_url, where, job_id, tmp_path)

    with town.session() as s:
        job = s.get(jobs.Job, job_id)
        assert job.state == jobs.RUNNING and job.attempts == 1  # left running by the dead worker
        assert s.scalar(select(func.count(Batch.id))) == (0 if where == "building" else 1)

    runner = jobs.runner(town.engine)  # the other worker: finds the job stalled and runs it again
    if postgres:
        from kuaiban.platform import job_queue

        monkeypatch.setattr(job_queue, "SWEEP_EVERY", 0.5)
        runner.start_worker()
    try:
        deadline = time.monotonic() + 90
        while True:
            with town.session() as s:
                job = s.get(jobs.Job, job_id)
            if job.state in (jobs.DONE, jobs.FAILED):
                break
            assert time.monotonic() < deadline, job.state
            if not postgres:
                runner.sweep()
            time.sleep(0.5)
    finally:
        runner.stop_worker()
        jobs._runners.clear()

    assert job.state == jobs.DONE and job.attempts >= 2, (job.state, job.message)
    assert job.meta["built"] is True and job.meta["lines"] == 6  # 2 people × Aug, Sep, Oct
    with town.session() as s:
        assert s.scalar(select(func.count(Batch.id))) == 1
        assert s.scalar(select(func.count(PaymentLine.id))) == 6
        assert s.scalar(select(func.count()).select_from(
            select(PaymentLine.applicant_id, PaymentLine.month).distinct().subquery())) == 6
        csv = jobs.result(s, job).decode("utf-8-sig")
        assert csv.count("\r\n") == 8 and job.meta["total"] in csv  # header, 6 lines, 合计
        assert jobs.result(s, job, "xlsx")[:2] == b"PK"
