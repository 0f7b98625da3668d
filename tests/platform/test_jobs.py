"""Background jobs: run by the queue (procrastinate on PostgreSQL, a thread on SQLite), read only by their
owner (or staff whose region covers the owner's), failing with the owner's message, expiring with their
files — on both backends."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, update

from kuaiban.platform import auth, jobs, storage
from tests.platform.conftest import PASSWORD

KIND = "test_shout"


def shout(data: bytes, meta: dict, progress) -> tuple[bytes, dict]:
    """The test handler: upper-cases its input; refuses an empty one as a handler should."""
    if not data.strip():
        raise jobs.JobFailed("文件为空")
    progress({"processed": 1})
    return data.upper(), meta | {"processed": len(data)}


jobs.register(KIND, shout)


@pytest.fixture
def queue(hunan):
    """The province's database with its job runner working (the queue's worker on PostgreSQL)."""
    runner = jobs.runner(hunan.engine)
    runner.start_worker()
    yield hunan
    runner.stop_worker()
    jobs._runners.clear()


def run(province, data: bytes, **owner) -> str:
    with province.session() as s:
        job = jobs.submit(s, KIND, data, {"name": "t"}, **owner)
    jobs.start(province.engine, job.id)
    deadline = time.monotonic() + 60
    while True:
        with province.session() as s:
            state = s.get(jobs.Job, job.id).state
        if state in (jobs.DONE, jobs.FAILED):
            return job.id
        assert time.monotonic() < deadline, f"job still {state}"
        time.sleep(0.1)


def test_a_job_runs_and_only_its_owner_and_staff_over_the_owners_region_read_it(queue):
    with queue.session() as s:
        company = auth.create_applicant(s, "enterprise", "测试企业", region="430104")
        owner = auth.create_user(s, "corp", PASSWORD, "applicant", applicant=company, region="430104")
        other = auth.create_user(s, "corp2", PASSWORD, "applicant",
                                 applicant=auth.create_applicant(s, "enterprise", "另一企业", region="430104"),
                                 region="430104")
    job_id = run(queue, b"hello", user=owner)
    with queue.session() as s:
        job = jobs.readable(s, job_id, user=owner)
        assert job.state == jobs.DONE and jobs.result(s, job) == b"HELLO" and job.meta["processed"] == 5
        assert jobs.readable(s, job_id, user=queue.changsha) is not None  # 长沙 covers 岳麓区
        assert jobs.readable(s, job_id, user=queue.zhuzhou_clerk) is None  # 株洲 does not
        assert jobs.readable(s, job_id, user=other) is None  # another applicant, same region
        assert jobs.readable(s, job_id) is None and jobs.readable(s, "0" * 32, user=owner) is None


def test_a_visitors_job_is_theirs_by_the_secret_in_their_browser(queue):
    job_id = run(queue, b"abc", visitor_secret="s3cret-of-this-browser")
    with queue.session() as s:
        assert jobs.readable(s, job_id, visitor_secret="s3cret-of-this-browser") is not None
        assert jobs.readable(s, job_id, visitor_secret="another-browser") is None
        assert jobs.readable(s, job_id, user=queue.province) is None  # no account owns it: no staff scope
        assert s.get(jobs.Job, job_id).owner_secret_hash != "s3cret-of-this-browser"  # only its hash is kept


def test_a_refused_input_fails_with_the_handlers_message_and_no_result(queue):
    job_id = run(queue, b"   ", visitor_secret="x")
    with queue.session() as s:
        job = s.get(jobs.Job, job_id)
        assert (job.state, job.message, jobs.result(s, job)) == (jobs.FAILED, "文件为空", None)


def test_a_job_needs_an_owner_and_a_known_kind(queue):
    with queue.session() as s, pytest.raises(ValueError, match="owner"):
        jobs.submit(s, KIND, b"x", {})
    with queue.session() as s, pytest.raises(ValueError, match="kind"):
        jobs.submit(s, "no_such_kind", b"x", {}, visitor_secret="x")


def test_expired_jobs_are_purged_with_the_files_no_other_job_needs(queue, monkeypatch):
    monkeypatch.setenv(storage.ENV, storage.DATABASE)
    lonely = run(queue, b"lonely", visitor_secret="x")
    shared_old, shared_new = run(queue, b"shared", visitor_secret="x"), run(queue, b"shared", visitor_secret="y")
    later = dt.datetime.now() + jobs.KEEP_FOR + dt.timedelta(days=1)
    with queue.session() as s:  # the newer twin is not expired yet
        s.execute(update(jobs.Job).where(jobs.Job.id == shared_new).values(expires_at=later + dt.timedelta(days=30)))
    with queue.session() as s:
        assert jobs.purge_expired(s, now=later) == 2
    with queue.session() as s:
        assert s.get(jobs.Job, lonely) is None and s.get(jobs.Job, shared_old) is None
        assert storage.get(s, storage.digest_of(b"lonely")) is None  # input and result of the expired job: gone
        assert storage.get(s, storage.digest_of(b"LONELY")) is None
        assert jobs.result(s, s.get(jobs.Job, shared_new)) == b"SHARED"  # the twin still has its files
        assert s.scalar(select(func.count()).select_from(jobs.Job)) == 1


def test_a_job_left_running_by_a_dead_runner_is_run_again(queue):
    job_id = run(queue, b"again", visitor_secret="x")
    with queue.session() as s:
        s.execute(update(jobs.Job).where(jobs.Job.id == job_id).values(
            state=jobs.RUNNING, result_digest=None, heartbeat_at=dt.datetime(2020, 1, 1)))
        assert job_id in jobs.stalled(s)
    jobs.execute(queue.engine, job_id)  # what the sweeper's runner does with it
    with queue.session() as s:
        job = s.get(jobs.Job, job_id)
        assert job.state == jobs.DONE and job.attempts == 2 and jobs.result(s, job) == b"AGAIN"


def test_finished_queue_entries_are_pruned_a_day_after_and_the_sweep_finds_never_queued_jobs(queue):
    """PostgreSQL: procrastinate's rows of finished entries go after a day (each run leaves one); on both
    backends a job committed but never handed to the queue is found by the sweep's one statement."""
    from sqlalchemy import text

    job_id = run(queue, b"prune me", visitor_secret="x")
    if queue.engine.dialect.name == "postgresql":
        count = "SELECT count(*) FROM procrastinate_jobs WHERE args->>'job_id' = :j"
        with queue.engine.begin() as conn:
            assert conn.execute(text(count), {"j": job_id}).scalar() == 1
        jobs.run_periodic(queue.engine, "prune_queue")
        with queue.engine.begin() as conn:
            assert conn.execute(text(count), {"j": job_id}).scalar() == 1  # finished just now: kept
            conn.execute(text("UPDATE procrastinate_events SET at = at - interval '2 days' WHERE job_id IN "
                              "(SELECT id FROM procrastinate_jobs WHERE args->>'job_id' = :j)"), {"j": job_id})
        jobs.run_periodic(queue.engine, "prune_queue")
        with queue.engine.begin() as conn:
            assert conn.execute(text(count), {"j": job_id}).scalar() == 0
    with queue.session() as s:
        orphan = jobs.submit(s, KIND, b"never queued", {}, visitor_secret="x")
        orphan.created_at = dt.datetime.now() - jobs.STALE_AFTER - dt.timedelta(seconds=5)
    with queue.session() as s:
        assert jobs.stalled(s, queued_only=True) == [orphan.id]


def test_periodic_work_must_divide_a_minute_or_be_whole_minutes():
    for bad in (0, 7, 90):
        with pytest.raises(ValueError):
            jobs.every("bad", bad, lambda engine: None)
    assert "bad" not in jobs._periodic


def test_a_worker_whose_database_is_unreachable_stops_at_once_and_is_not_left_running():
    """Opening the queue's pool waits up to 30 s for a connection; a node stopped meanwhile (an app shut down
    right after it started) must not leave its worker thread trying, nor fail in it."""
    from sqlalchemy import create_engine

    from kuaiban.platform.job_queue import QueueRunner

    runner = QueueRunner(create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    runner.start_worker()
    thread = runner._thread
    time.sleep(0.5)  # the worker is now waiting for a connection that never comes
    started = time.perf_counter()
    runner.stop_worker()
    assert time.perf_counter() - started < 5
    assert runner._thread is None and not thread.is_alive()


def test_a_worker_stopped_before_its_loop_exists_still_stops():
    from sqlalchemy import create_engine

    from kuaiban.platform.job_queue import QueueRunner

    runner = QueueRunner(create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    runner.start_worker()
    thread = runner._thread
    runner.stop_worker()  # at once: the thread may not have made its loop yet
    assert not thread.is_alive()
