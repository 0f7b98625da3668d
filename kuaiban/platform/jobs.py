"""Background jobs (批量计算 and other long work): owned, stored in the database, run by a job queue.

A job is a row of ``plat_jobs`` (its kind, owner, state, progress and the addresses of its input and
result in :mod:`kuaiban.platform.storage`) plus an entry in a queue that some worker takes:

- **PostgreSQL**: the queue is procrastinate's (:mod:`kuaiban.platform.job_queue`), in the same database;
  every app node runs a worker, so a job submitted on one node may run on any. A worker that dies (its
  node killed) stops sending heartbeats; another worker finds the job stalled and runs it again. Running a
  job twice is harmless: its result is content-addressed and the row's last writer wins.
- **SQLite** (one machine): a thread of the process that received the job runs it, and a process that
  finds a job whose heartbeat stopped (its process died) runs it again.

Ownership: every job has an owner — an account, or for a visitor who is not signed in, a random secret
kept in their browser's cookie (only its hash is stored). Only the owner, or staff whose region covers the
owner's, reads a job; anyone else is told there is no such job. Finished jobs expire after
:data:`KEEP_FOR` and are purged (:func:`purge_expired`), their files with them.

Work itself is done by handlers that pillars register by kind (:func:`register`), so the platform knows
nothing of calculators: a handler takes the input bytes, the job's ``meta`` and a progress callback, and
returns the result bytes and the final ``meta``. A handler that works on the database itself (a payment
batch) is registered with :func:`register_task`: it also gets the engine, and may return further files
(a payment file's XLSX beside its CSV), stored with the result and listed in ``meta["files"]``.

A job's ``scope_region`` (:func:`submit`) is the region whose staff may read it: by default the owner
account's region; a payment batch's is the batch's region, so the staff of that region read a batch
another staff member started.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from kuaiban.db import Base, session_scope
from kuaiban.platform import access, storage
from kuaiban.platform.models import User

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KEEP_FOR = dt.timedelta(days=7)  # a finished job's result can be downloaded for a week
STALE_AFTER = dt.timedelta(seconds=int(os.environ.get("KUAIBAN_JOB_STALE_SECONDS", "60")))
HEARTBEAT_EVERY = 2.0  # seconds between progress writes (and heartbeats) of a running job


class Job(Base):
    """One background job (migration 0012_jobs)."""

    __tablename__ = "plat_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: unguessable in a link
    kind: Mapped[str] = mapped_column(String(40))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id", ondelete="SET NULL"))
    owner_region: Mapped[str | None] = mapped_column(String(12))  # the owner account's region, for staff scope
    owner_secret_hash: Mapped[str | None] = mapped_column(String(64))  # a visitor's cookie secret, hashed
    state: Mapped[str] = mapped_column(String(12), index=True)
    meta: Mapped[dict] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed, in Chinese
    input_digest: Mapped[str] = mapped_column(String(64))
    result_digest: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


class JobFailed(Exception):
    """A handler's refusal of its input: the message (Chinese) is shown to the owner."""


Progress = Callable[[dict[str, Any]], None]
Handler = Callable[[bytes, dict[str, Any], Progress], tuple[bytes, dict[str, Any]]]
# (engine, input, meta, progress) → (result, final meta, further files by name)
Task = Callable[[Engine, bytes, dict[str, Any], Progress], tuple[bytes, dict[str, Any], dict[str, bytes]]]
_handlers: dict[str, Handler] = {}
_tasks: dict[str, Task] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def register_task(kind: str, task: Task) -> None:
    """A handler that works on the database: it gets the engine and may return further files."""
    _tasks[kind] = task


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(b"kuaiban-job-owner-v1\n" + secret.encode()).hexdigest()


# ---------------------------------------------------------------- submitting and reading


def submit(session: Session, kind: str, data: bytes, meta: dict[str, Any], *, user: User | None = None,
           visitor_secret: str | None = None, scope_region: str | None = None) -> Job:
    """A new queued job in the caller's transaction; call :func:`start` after the commit. Staff whose region
    covers ``scope_region`` (by default the owner account's region) read it too."""
    if kind not in _handlers and kind not in _tasks:
        raise ValueError(f"unknown job kind {kind!r}")
    if user is None and not visitor_secret:
        raise ValueError("a job needs an owner: an account or a visitor's secret")
    job = Job(id=uuid.uuid4().hex, kind=kind, owner_user_id=user.id if user else None,
              owner_region=(scope_region or user.region) if user else None,
              owner_secret_hash=None if user else secret_hash(visitor_secret or ""), state=QUEUED, meta=meta,
              input_digest=storage.put(session, data), attempts=0, created_at=_now())
    session.add(job)
    session.flush()
    return job


def readable(session: Session, job_id: str, *, user: User | None = None,
             visitor_secret: str | None = None) -> Job | None:
    """The job if the asker owns it (or is staff whose region covers the owner's); None otherwise — the same
    answer as for a job that does not exist, so a link found or guessed tells nothing."""
    job = session.get(Job, job_id) if len(job_id) == 32 else None
    if job is None:
        return None
    if user is not None and job.owner_user_id == user.id:
        return job
    if visitor_secret and job.owner_secret_hash and job.owner_secret_hash == secret_hash(visitor_secret):
        return job
    if user is not None and job.owner_user_id is not None and access.serves(user, job.owner_region):
        return job
    return None


def result(session: Session, job: Job, name: str | None = None) -> bytes | None:
    """The job's result, or (``name``) one of the further files its task returned."""
    if job.state != DONE:
        return None
    digest = job.result_digest if name is None else (job.meta.get("files") or {}).get(name)
    return storage.get(session, digest) if digest else None


# ---------------------------------------------------------------- running


def execute(engine: Engine, job_id: str) -> None:
    """Run one job to its end (done or failed). Safe to call again for a job whose runner died."""
    with session_scope(engine) as s:
        claimed = s.execute(update(Job).where(Job.id == job_id, Job.state.in_((QUEUED, RUNNING)))
                            .values(state=RUNNING, attempts=Job.attempts + 1, heartbeat_at=_now())).rowcount
        job = s.get(Job, job_id) if claimed else None
        if job is None:
            return  # finished meanwhile by another worker, or purged
        kind, meta, digest = job.kind, dict(job.meta), job.input_digest
        data = storage.get(s, digest)
    last = [0.0]

    def progress(update_meta: dict[str, Any]) -> None:
        meta.update(update_meta)
        if time.monotonic() - last[0] >= HEARTBEAT_EVERY:
            last[0] = time.monotonic()
            with session_scope(engine) as s:
                s.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING)
                          .values(meta=dict(meta), heartbeat_at=_now()))

    try:
        if data is None:
            raise JobFailed("任务的输入文件已不存在，请重新上传")
        files: dict[str, bytes] = {}
        if kind in _tasks:
            with _beating(engine, job_id):
                out, final, files = _tasks[kind](engine, data, meta, progress)
        else:
            out, final = _handlers[kind](data, meta, progress)
    except JobFailed as refusal:
        _finish(engine, job_id, FAILED, meta, message=str(refusal))
        return
    except Exception:  # reported to the owner, logged for the operator; never left "running"
        log.exception("job %s (%s) failed", job_id, kind)
        _finish(engine, job_id, FAILED, meta, message="计算失败：系统内部错误，请稍后重试或联系管理员")
        return
    _finish(engine, job_id, DONE, final, result=out, files=files)


@contextlib.contextmanager
def _beating(engine: Engine, job_id: str):
    """Heartbeats from a thread while a task works on the database in long statements of its own (a payment
    batch's INSERT … SELECT, its export) and calls no progress: a live runner's job is never taken as stalled."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            try:
                with session_scope(engine) as s:
                    s.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING).values(heartbeat_at=_now()))
            except Exception:  # the next beat tries again; a missed one only risks a harmless second run
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    beater = threading.Thread(target=beat, name=f"kuaiban-job-heartbeat-{job_id[:8]}", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(HEARTBEAT_EVERY * 2)


def _finish(engine: Engine, job_id: str, state: str, meta: dict[str, Any], *, message: str | None = None,
            result: bytes | None = None, files: dict[str, bytes] | None = None) -> None:
    with session_scope(engine) as s:  # the result, its further files and the row: one transaction
        digest = storage.put(s, result) if result is not None else None
        if files:
            meta = meta | {"files": {name: storage.put(s, data) for name, data in files.items()}}
        s.execute(update(Job).where(Job.id == job_id).values(
            state=state, meta=meta, message=message, result_digest=digest, finished_at=_now(),
            heartbeat_at=_now(), expires_at=_now() + KEEP_FOR))


def stalled(session: Session, now: dt.datetime | None = None, *, queued_only: bool = False) -> list[str]:
    """Jobs whose runner stopped: running without a heartbeat for :data:`STALE_AFTER`, or queued that long
    without being taken (their process died between the commit and handing them to the queue). One
    statement; ``queued_only``: only the latter (on PostgreSQL the queue itself finds the running ones)."""
    cutoff = (now or _now()) - STALE_AFTER
    never_taken = (Job.state == QUEUED) & (Job.created_at < cutoff)
    return list(session.scalars(select(Job.id).where(
        never_taken if queued_only else or_((Job.state == RUNNING) & (Job.heartbeat_at < cutoff), never_taken))))


def purge_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Delete finished jobs past their expiry, and the files no other job still needs."""
    now = now or _now()
    gone = session.execute(select(Job.id, Job.kind, Job.input_digest, Job.result_digest, Job.meta)
                           .where(Job.expires_at < now)).all()
    if not gone:
        return 0
    session.execute(delete(Job).where(Job.id.in_([g.id for g in gone])))
    digests = {d for g in gone for d in (g.input_digest, g.result_digest, *_further(g.meta)) if d}
    still = set(session.scalars(select(Job.input_digest).where(Job.input_digest.in_(digests)))) | set(
        session.scalars(select(Job.result_digest).where(Job.result_digest.in_(digests))))
    # further files are named in a job's meta: read the meta of the remaining jobs of the kinds that have them
    # (task kinds such as payment batches: one job per program, region and month, a few thousand a year)
    kinds = {g.kind for g in gone if _further(g.meta)}
    if kinds:
        still |= {d for meta in session.scalars(select(Job.meta).where(Job.kind.in_(kinds))) for d in _further(meta)}
    storage.forget(session, digests - still)
    return len(gone)


def digests_in_use(session: Session, digests: set[str]) -> set[str]:
    """Which of ``digests`` a job still holds as its input, its result or one of its further files (the store is
    content-addressed: an uploaded material and a job's file may be the same bytes)."""
    if not digests:
        return set()
    used = set(session.scalars(select(Job.input_digest).where(Job.input_digest.in_(digests)))) | set(
        session.scalars(select(Job.result_digest).where(Job.result_digest.in_(digests))))
    kinds = set(_tasks)  # only task kinds return further files, named in the meta
    if kinds:
        used |= {d for meta in session.scalars(select(Job.meta).where(Job.kind.in_(kinds))) for d in _further(meta)
                 if d in digests}
    return used


def _further(meta: dict[str, Any] | None) -> list[str]:
    return list(((meta or {}).get("files") or {}).values())


def counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Job.state, func.count()).group_by(Job.state)).all())


# ---------------------------------------------------------------- periodic work

Periodic = Callable[[Engine], Any]
_periodic: dict[str, tuple[int, Periodic]] = {}
QUEUE_NAME = "kuaiban"  # procrastinate's queue (kuaiban.platform.job_queue)
NOW_TASK = "kuaiban_now"  # "run this periodic work now", deferred by :func:`kick`
# the queue entry in the caller's own transaction; the NOT EXISTS spares a speculative insert (and the wait on
# another transaction holding one) whenever the work is already waiting, which is nearly always under load
PG_KICK_SQL = (
    "INSERT INTO procrastinate_jobs (queue_name, task_name, queueing_lock, args) "
    "SELECT :kick_queue, :kick_task, :kick_lock, CAST(:kick_args AS jsonb) WHERE NOT EXISTS "
    "(SELECT 1 FROM procrastinate_jobs WHERE queueing_lock = :kick_lock AND status = 'todo') {also}"
    "ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING")
_PG_KICK = text(PG_KICK_SQL.format(also=""))


def every(name: str, seconds: int, work: Periodic) -> None:
    """Run ``work(engine)`` every ``seconds`` on some worker: on PostgreSQL once per tick whichever the number of
    nodes (procrastinate's periodic tasks), on SQLite in the runner's sweeper thread. ``work`` must be safe to
    run twice at once (the message outbox's leases, the digest's watermark make theirs so)."""
    if seconds < 1 or (seconds >= 60 and seconds % 60) or (seconds < 60 and 60 % seconds):
        raise ValueError("every: seconds must divide a minute, or be whole minutes")
    _periodic[name] = (seconds, work)


def _purge(engine: Engine) -> None:
    with session_scope(engine) as s:
        purge_expired(s)


def _purge_throttle(engine: Engine) -> None:
    """Login and post counters whose window and lock are over: no client address kept longer than needed."""
    from kuaiban.platform import audit, throttle

    with session_scope(engine) as s:
        throttle.purge(s, audit.now())


def _prune_queue(engine: Engine) -> None:
    """procrastinate's own rows of finished queue entries, a day after they finished (each delivery round and
    each periodic tick leaves one); the entry a periodic task last deferred is kept, procrastinate needs it."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.execute(_PG_PRUNE, {"queue": QUEUE_NAME})


_PG_PRUNE = text(
    "DELETE FROM procrastinate_jobs j WHERE j.queue_name = :queue "
    "AND j.status IN ('succeeded', 'failed', 'cancelled', 'aborted') "
    "AND NOT EXISTS (SELECT 1 FROM procrastinate_periodic_defers d WHERE d.job_id = j.id) "
    "AND NOT EXISTS (SELECT 1 FROM procrastinate_events e WHERE e.job_id = j.id AND e.at > now() - interval '1 day')")


def run_periodic(engine: Engine, name: str) -> None:
    _periodic[name][1](engine)


def kick(session: Session, name: str) -> None:
    """Have the periodic work ``name`` run as soon as the caller's transaction commits (PostgreSQL: a queue
    entry written in that transaction, at most one waiting at a time). On SQLite nothing: the sweeper
    thread runs it within seconds."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_KICK, kick_params(name))


def kick_params(name: str) -> dict[str, str]:
    """The parameters of :data:`PG_KICK_SQL` (for a statement that enqueues as one of its parts)."""
    if name not in _periodic:
        raise ValueError(f"unknown periodic work {name!r}")
    return {"kick_queue": QUEUE_NAME, "kick_task": NOW_TASK, "kick_lock": f"{NOW_TASK}:{name}",
            "kick_args": f'{{"name": "{name}"}}'}


every("purge_jobs", 3600, _purge)  # expired jobs and their files (``kuaiban jobs purge`` by hand)
every("prune_queue", 3600, _prune_queue)
every("purge_throttle", 900, _purge_throttle)  # kuaiban.platform.throttle.PURGE_EVERY


# ---------------------------------------------------------------- handing jobs to a runner


class LocalRunner:
    """SQLite (one machine): one thread per process runs jobs; a sweeper takes up stalled ones."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kuaiban-jobs")
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self, job_id: str) -> None:
        self.pool.submit(execute, self.engine, job_id)

    def sweep(self) -> int:
        with session_scope(self.engine) as s:
            ids = stalled(s)
        for job_id in ids:
            self.start(job_id)
        return len(ids)

    def tick(self, now: float) -> None:
        """Periodic work that is due (each in its own thread's turn: a failure waits for the next tick)."""
        for name, (seconds, work) in list(_periodic.items()):
            if now - self._last.get(name, 0.0) >= seconds:
                self._last[name] = now
                try:
                    work(self.engine)
                except Exception:
                    log.exception("periodic work %s failed", name)

    def start_worker(self) -> None:
        """Sweep for stalled jobs now and then (another process of this machine may have died), and run the
        periodic work (message delivery, staff digests) when due."""
        if self._sweeper is not None:
            return
        self._last: dict[str, float] = {}

        def loop() -> None:
            last_sweep = time.monotonic()
            while not self._stop.wait(1.0):
                now = time.monotonic()
                self.tick(now)
                if now - last_sweep < STALE_AFTER.total_seconds() / 2:
                    continue
                last_sweep = now
                try:
                    self.sweep()
                except Exception:  # tried again at the next sweep
                    log.exception("job sweep failed")

        self._sweeper = threading.Thread(target=loop, name="kuaiban-job-sweeper", daemon=True)
        self._sweeper.start()

    def stop_worker(self) -> None:
        self._stop.set()

    def run_forever(self) -> None:
        self.start_worker()
        self._stop.wait()


_runners: dict[str, Any] = {}
_runners_lock = threading.Lock()


def runner(engine: Engine):
    """The runner of ``engine``'s jobs in this process: procrastinate on PostgreSQL, a thread on SQLite."""
    key = engine.url.render_as_string(hide_password=False)
    with _runners_lock:
        if key not in _runners:
            if engine.dialect.name == "postgresql":
                from kuaiban.platform.job_queue import QueueRunner

                _runners[key] = QueueRunner(engine)
            else:
                _runners[key] = LocalRunner(engine)
        return _runners[key]


def start(engine: Engine, job_id: str) -> None:
    """Hand a committed job to the queue."""
    runner(engine).start(job_id)


def run_and_wait(session: Session, engine: Engine, job: Job, seconds: float) -> Job:
    """Commit the caller's transaction (the new job with it), hand the job to the queue, and re-read it until it
    is finished or ``seconds`` have passed: a request that starts quick work on the queue answers with its
    result at once, and with the job to follow when the work takes longer."""
    session.commit()  # committed before the queue may hand it to a worker
    start(engine, job.id)
    deadline = time.monotonic() + seconds
    while job.state in (QUEUED, RUNNING) and time.monotonic() < deadline:
        time.sleep(0.05)
        session.expire(job)
        job = session.get(Job, job.id)
    return job
