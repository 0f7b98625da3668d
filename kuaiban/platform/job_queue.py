"""The job queue on PostgreSQL: procrastinate (a maintained PostgreSQL task queue) in kuaiban's own database.

Every app node runs one worker (a thread with its own event loop, started by the app; or a process of its
own with ``kuaiban jobs worker``). Workers send heartbeats; every :data:`SWEEP_EVERY` seconds each worker
asks procrastinate for jobs whose worker stopped beating (a node killed mid-job) and puts them back in the
queue, and re-queues jobs that were committed but never reached the queue (their process died in
between). Any worker then takes them: :func:`kuaiban.platform.jobs.execute` runs a job again safely.

procrastinate's tables and functions are created by migration 0012_jobs from the SQL the pinned
package ships (its version is pinned in pyproject.toml; a later version's migration files must be applied
by a later migration).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading

import procrastinate
from procrastinate import exceptions as queue_errors
from procrastinate import tasks as queue_tasks
from sqlalchemy import Engine

from kuaiban.db import session_scope
from kuaiban.platform import jobs

log = logging.getLogger(__name__)

QUEUE = jobs.QUEUE_NAME
TASK = "kuaiban_run_job"
CONCURRENCY = int(os.environ.get("KUAIBAN_JOB_CONCURRENCY", "2"))  # jobs at once per worker: a long batch
# leaves a slot for the message delivery and the digests
SWEEP_EVERY = float(os.environ.get("KUAIBAN_JOB_SWEEP_SECONDS", "10"))
HEARTBEAT = 2.0  # seconds between a worker's heartbeats
RETRY_EVERY = 5.0  # seconds before a worker that could not reach the queue's database tries again


def conninfo(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class QueueRunner:
    """Hands jobs to procrastinate and runs this process's worker."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(engine)))
        self.app.task(name=TASK, queue=QUEUE)(self._run)
        self.app.task(name=jobs.NOW_TASK, queue=QUEUE, priority=10)(self._now)
        self._periodic_bound: set[str] = set()
        self._deferrer: procrastinate.App | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()  # the worker thread's loop and stop event exist
        self._connected = False  # the worker's pool is open (stopping then waits for it to finish its sweep)

    def _run(self, job_id: str) -> None:
        jobs.execute(self.engine, job_id)

    def _now(self, name: str) -> None:
        jobs.run_periodic(self.engine, name)

    def _bind_periodic(self) -> None:
        """Each periodic work of :func:`kuaiban.platform.jobs.every` as a procrastinate periodic task: every
        worker defers it, procrastinate's table of periodic defers keeps it to one per tick."""
        for name, (seconds, _) in list(jobs._periodic.items()):
            if name in self._periodic_bound:
                continue
            cron = f"*/{seconds // 60} * * * *" if seconds >= 60 else f"* * * * * */{seconds}"

            def tick(timestamp: int, name: str = name) -> None:
                jobs.run_periodic(self.engine, name)

            task = self.app.task(name=f"kuaiban_every_{name}", queue=QUEUE, priority=10,
                                 queueing_lock=f"kuaiban_every:{name}")(tick)
            self.app.periodic(cron=cron, periodic_id=name)(task)
            self._periodic_bound.add(name)

    def start(self, job_id: str) -> None:
        """Queue a committed job (once: a job already waiting is not queued twice)."""
        with self._lock:
            if self._deferrer is None:
                self._deferrer = self.app.with_connector(
                    procrastinate.SyncPsycopgConnector(conninfo=conninfo(self.engine))).open()
        # through the deferrer's own (synchronous, opened) job manager: the app's tasks are bound to the worker's
        # asynchronous connector, which is open only in a process whose worker runs
        with contextlib.suppress(queue_errors.AlreadyEnqueued):
            queue_tasks.configure_task(name=TASK, job_manager=self._deferrer.job_manager, queue=QUEUE,
                                       queueing_lock=job_id).defer(job_id=job_id)

    async def sweep(self) -> int:
        """Put back jobs whose worker died, and jobs that never reached the queue."""
        count = 0
        for job in await self.app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=jobs.STALE_AFTER.total_seconds()):
            await self.app.job_manager.retry_job(job)
            count += 1
        with session_scope(self.engine) as s:  # one statement: the queue itself found the running ones above
            orphans = jobs.stalled(s, queued_only=True)
        for job_id in orphans:
            await asyncio.to_thread(self.start, job_id)
        return count + len(orphans)

    async def _work(self) -> None:
        """Serve the queue until stopped. A database that cannot be reached when the worker connects is tried
        again every RETRY_EVERY seconds: the worker is not lost with it (once connected, a failed sweep is
        tried at the next one). Stopping ends the wait for a connection too (opening the pool may take its
        30 s timeout)."""
        self._stop = asyncio.Event()
        self._ready.set()
        self._bind_periodic()
        while not self._stop.is_set():
            self._connected = False
            serving = asyncio.create_task(self._serve())
            stopping = asyncio.create_task(self._stop.wait())
            await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not serving.done() and not self._connected:
                serving.cancel()  # stopped while still connecting; once connected, serving ends by itself
            try:
                await serving
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):  # the half-opened pool's connection attempts
                    await self.app.connector.close_async()
                return
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("job worker: the queue's database could not be reached; trying again in %s s",
                              RETRY_EVERY)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), RETRY_EVERY)

    async def _serve(self) -> None:
        async with self.app.open_async():
            self._connected = True
            worker = asyncio.create_task(self.app.run_worker_async(
                queues=[QUEUE], concurrency=CONCURRENCY, install_signal_handlers=False, update_heartbeat_interval=HEARTBEAT,
                stalled_worker_timeout=jobs.STALE_AFTER.total_seconds(), listen_notify=True))
            while not self._stop.is_set():
                try:
                    await self.sweep()
                except Exception:  # a failed sweep is tried again at the next one
                    log.exception("job sweep failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), SWEEP_EVERY)
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    def start_worker(self) -> None:
        """Run this process's worker in a background thread (idempotent)."""
        if self._thread is not None:
            return

        def main() -> None:
            self._loop = loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)  # this thread's own loop
            try:
                loop.run_until_complete(self._work())
            finally:  # whatever is left (a pool's own tasks) ends with the worker, not with the interpreter
                left = asyncio.all_tasks(loop)
                for task in left:
                    task.cancel()
                if left:
                    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=main, name="kuaiban-job-worker", daemon=True)
        self._thread.start()

    def stop_worker(self) -> None:
        if self._thread is None:
            return
        # a worker stopped just after it started: its loop may not exist yet (it would otherwise run on)
        self._ready.wait(5)
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # its loop already closed
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        self._thread = None

    def run_forever(self) -> None:
        """``kuaiban jobs worker``: the worker in the foreground."""
        asyncio.run(self._work())
