"""The local poller: download applications, upload review results at once and exits daily — exactly once.

What the texts require, and where:

- “通过部级业务协同平台提供的‘失业登记申请信息下载’接口，定期下载失业登记申请信息，同步到本地公共就业服务
  信息系统。下载周期为1小时。” (人社厅发〔2020〕3号 附件3 三（一）2, data/compilations/hunan-hrss-2020.txt 3556)
  → :attr:`SyncConfig.download_interval` defaults to 3600 s;
- “实时将审核结果（含未通过的原因）上传到人社政务服务平台。上传的审核结果数据应为全口径数据，包括人社政务服务
  平台转办申请的审核结果，以及在本地申请的审核结果。” (3572) → results are checked every
  :attr:`SyncConfig.tick` and every decided registration is uploaded, whatever its channel;
- “每日通过部级业务协同平台上传数据” (人社厅发〔2020〕79号 附件 二（一）, data/compilations/shandong-2020.txt
  5503; “实现每日新增失业登记退出信息同步上传”, 5447) → :attr:`SyncConfig.exit_interval` defaults to a day.

Exactly once, across crashes (the argument is in docs/unemployment-sync.md):

- a downloaded page is written in **one transaction** — inbox rows, the local registrations they become and
  the new cursor — so a crash before the commit loses nothing (the page is downloaded again) and a crash
  after it repeats nothing (the cursor moved); the inbox's unique ADC201 drops applications the platform
  delivers twice;
- decided results and exits are first **staged** in the outbox with a frozen payload (transactional outbox),
  then uploaded until the platform acknowledges them; the acknowledgement and the local system's
  “uploaded” mark are one transaction. A crash or a lost answer means the same payload is sent again, and
  the platform, idempotent by AAB301 + AAZ341, answers ``duplicate`` without storing it twice.

One synchroniser runs per database: :func:`one_at_a_time` (an advisory lock on PostgreSQL, shared by every
node; a file lock beside an SQLite database) makes a second one wait or exit with a clear message. Without
it a second one would still be safe — the unique keys refuse double work — but would waste its work on
rolled-back transactions and double the load on the national platform.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, process_lock
from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.models import (
    EXIT,
    HANDED_OFF,
    REFUSED,
    RESULT,
    InboxItem,
    OutboxItem,
    SyncCounter,
    SyncCursor,
)

log = logging.getLogger(__name__)

SYNC_LOCK = 7_146_023_513  # pg advisory lock key (the audit chain's is …511, the library ingest's …512)
BUSY = "另一个全国平台同步进程（kuaiban unemployment sync）正在运行：同一数据库同时只能运行一个；可加 --wait 等待它结束"


def one_at_a_time(engine: Engine, *, wait: bool = False, on_wait: Callable[[], None] | None = None):
    """Hold the database's sync lock for a ``with`` block, or raise :class:`process_lock.Busy`."""
    return process_lock.exclusive(engine, "national-sync", SYNC_LOCK, BUSY, wait=wait, on_wait=on_wait)

APPLICATION_CURSOR = "applications"
CLIENT_ID = "client_id"
LAST_DOWNLOAD = "last_download"
LAST_EXIT_UPLOAD = "last_exit_upload"


class LocalRefusal(Exception):
    """The local system will not register a downloaded application (message in Chinese). It must be
    raised before anything is written; the synchroniser keeps the application in its inbox as refused."""


@dataclass(frozen=True)
class PendingRecord:
    """A result or exit record ready for upload, with the id of the local row it belongs to."""

    local_id: int
    record: Mapping[str, Any]


class LocalSystem(Protocol):
    """What the synchroniser needs from the local 失业登记 service (adapter: :mod:`.local`)."""

    def accept_application(self, session: Session, record: Mapping[str, Any], *, received_at: dt.datetime) -> str:
        """Register a downloaded application in ``session`` (not committing); return its AAZ341."""
        ...

    def pending_results(self, session: Session, limit: int) -> list[PendingRecord]:
        """Decided registrations of every channel whose result is neither uploaded nor staged in
        ``ue_sync_outbox`` (kind ``result``, by local id)."""
        ...

    def mark_results_uploaded(self, session: Session, local_ids: Sequence[int], at: dt.datetime) -> None: ...

    def pending_exits(self, session: Session, limit: int) -> list[PendingRecord]:
        """Deregistrations whose exit record is neither uploaded nor staged (kind ``exit``)."""
        ...

    def mark_exits_uploaded(self, session: Session, local_ids: Sequence[int], at: dt.datetime) -> None: ...


class Caseworker(Protocol):
    """Something that reviews and deregisters between polls (an automatic one for tests and benchmarks;
    in production, people at their desks)."""

    def work(self, session: Session, now: dt.datetime) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class SyncConfig:
    system: str = "kuaiban"
    regions: tuple[str, ...] = ()  # AAB301 prefixes this system serves; () = all
    download_interval: float = 3600.0  # 下载周期为1小时
    exit_interval: float = 86400.0  # 每日上传
    tick: float = 1.0  # how often results are looked for (实时)
    page_size: int = 500
    upload_batch: int = 200


@dataclass
class CycleReport:
    downloaded: int = 0
    registered: int = 0
    refused: int = 0
    duplicates_skipped: int = 0
    results_staged: int = 0
    results_acked: int = 0
    exits_staged: int = 0
    exits_acked: int = 0
    failed_uploads: int = 0
    transport_errors: int = 0
    worked: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Synchronizer:
    def __init__(self, engine: Engine, platform: p.NationalPlatform, local: LocalSystem,
                 config: SyncConfig | None = None, *, caseworker: Caseworker | None = None,
                 clock: Callable[[], float] = time.time, now: Callable[[], dt.datetime] = audit.now) -> None:
        self.engine = engine
        self.platform = platform
        self.local = local
        self.config = config or SyncConfig()
        self.caseworker = caseworker
        self.clock = clock
        self.now = now
        self._pending_counts: Counter[str] = Counter()

    # --- the loop ---

    def run(self, stop: threading.Event | None = None, *, cycles: int | None = None) -> None:
        """Poll until ``stop`` is set (or for ``cycles`` cycles)."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set() and (cycles is None or done < cycles):
            self.cycle()
            done += 1
            stop.wait(self.config.tick)

    def cycle(self, *, force: bool = False) -> CycleReport:
        """One pass: download if due (or ``force``), let the caseworker work, upload results, upload exits
        if due (or ``force``). Transport failures end a step, never the loop; the step is tried again."""
        report = CycleReport()
        if not self._guard(report, lambda _: self.ensure_registered()):
            # the platform unreachable (or refusing) while we register: nothing else can be sent; next cycle
            self.flush_counters()
            return report
        if force or self._due(LAST_DOWNLOAD, self.config.download_interval):
            self._guard(report, self.download_all)
        if self.caseworker is not None:
            with session_scope(self.engine) as session:
                report.worked = dict(self.caseworker.work(session, self.now()))
        self._guard(report, self.upload_results)
        if force or self._due(LAST_EXIT_UPLOAD, self.config.exit_interval) or self._exits_unfinished():
            self._guard(report, self.upload_exits)
        self.flush_counters()
        return report

    def _guard(self, report: CycleReport, step: Callable[[CycleReport], object]) -> bool:
        """Run one step; a transport failure or a refusal is counted and logged, and the step is tried again
        next cycle. True when the step went through."""
        try:
            step(report)
            return True
        except p.TransportError as exc:
            report.transport_errors += 1
            self._pending_counts["sync.transport_errors"] += 1
            log.warning("全国平台暂不可达，下个周期重试：%s", exc)
        except p.RejectedRequest as exc:
            report.transport_errors += 1
            self._pending_counts[f"sync.rejected.{exc.status}"] += 1
            log.error("全国平台拒绝了请求：%s", exc)
            if exc.status == 401:  # the platform no longer knows our client id: register again next cycle
                with session_scope(self.engine) as session:
                    held = session.get(SyncCursor, CLIENT_ID)
                    if held is not None:
                        session.delete(held)
        return False

    # --- registration with the platform ---

    def ensure_registered(self) -> str:
        """注册 once; the client id is kept in ue_sync_cursors."""
        with session_scope(self.engine) as session:
            held = session.get(SyncCursor, CLIENT_ID)
            if held is not None and held.text:
                self.platform.resume(held.text)
                return held.text
        client_id = self.platform.register(self.config.system, self.config.regions)
        with session_scope(self.engine) as session:
            self._set_cursor(session, CLIENT_ID, text=client_id)
        return client_id

    # --- download ---

    def download_all(self, report: CycleReport) -> None:
        """Download pages until the platform has no more, each page in one transaction."""
        while True:
            with session_scope(self.engine) as session:
                after = self._position(session, APPLICATION_CURSOR)
            page = self.platform.download(after, self.config.page_size)
            self._store_page(page, after, report)
            try:
                self.platform.acknowledge(page.next_cursor)
            except p.TransportError:  # advisory: our own cursor is what counts
                self._pending_counts["sync.ack_failures"] += 1
            if not page.more:
                break
        with session_scope(self.engine) as session:
            self._set_cursor(session, LAST_DOWNLOAD, position=int(self.clock()))

    def _store_page(self, page: p.Page, after: int, report: CycleReport) -> None:
        refused: dict[str, str] = {}
        while True:  # at most one retry per refused application, each without a savepoint
            try:
                with session_scope(self.engine) as session:
                    counts = self._store_page_once(session, page, after, refused)
                break
            except LocalRefusal as exc:
                refused[exc.adc201] = str(exc)  # type: ignore[attr-defined]
        report.downloaded += len(page.items)
        report.registered += counts["registered"]
        report.refused += counts["refused"]
        report.duplicates_skipped += counts["duplicates"]
        self._pending_counts.update({f"download.{k}": v for k, v in counts.items()})

    def _store_page_once(self, session: Session, page: p.Page, after: int,
                         refused: Mapping[str, str]) -> Counter[str]:
        counts: Counter[str] = Counter()
        if self._position(session, APPLICATION_CURSOR) != after:
            return counts  # another synchroniser stored this page meanwhile
        wanted = {item.adc201 for item in page.items}
        held = set(session.scalars(select(InboxItem.adc201).where(InboxItem.adc201.in_(wanted)))) if wanted else set()
        now = self.now()
        for item in page.items:
            if item.adc201 in held:
                counts["duplicates"] += 1
                continue
            held.add(item.adc201)
            row = InboxItem(adc201=item.adc201, platform_seq=item.seq, aab301=str(item.record.get("AAB301"))[:6],
                            record=item.record, received_at=now)
            if item.adc201 in refused:
                row.state, row.error = REFUSED, refused[item.adc201]
                counts["refused"] += 1
            else:
                try:
                    row.local_ref = self.local.accept_application(session, item.record, received_at=now)
                except LocalRefusal as exc:
                    exc.adc201 = item.adc201  # type: ignore[attr-defined]
                    raise
                row.state = HANDED_OFF
                counts["registered"] += 1
            session.add(row)
        self._set_cursor(session, APPLICATION_CURSOR, position=max(after, page.next_cursor))
        return counts

    # --- uploads ---

    def upload_results(self, report: CycleReport) -> None:
        with session_scope(self.engine) as session:
            report.results_staged += self._stage(session, RESULT, self.local.pending_results)
        acked, failed = self._drain(RESULT, lambda records: self.platform.upload_results(records),
                                    self.local.mark_results_uploaded)
        report.results_acked += acked
        report.failed_uploads += failed

    def upload_exits(self, report: CycleReport) -> None:
        batch_date = self.now().strftime("%Y%m%d")
        with session_scope(self.engine) as session:
            report.exits_staged += self._stage(session, EXIT, self.local.pending_exits, batch_date)
        acked, failed = self._drain(EXIT, lambda records: self.platform.upload_exits(batch_date, records),
                                    self.local.mark_exits_uploaded)
        report.exits_acked += acked
        report.failed_uploads += failed
        with session_scope(self.engine) as session:
            self._set_cursor(session, LAST_EXIT_UPLOAD, position=int(self.clock()))

    def _stage(self, session: Session, kind: str, pending: Callable[[Session, int], list[PendingRecord]],
               batch_date: str | None = None) -> int:
        """Copy what the local system has decided into the outbox, in one transaction."""
        staged = 0
        now = self.now()
        while True:
            batch = pending(session, 1000)
            for item in batch:
                record = dict(item.record)
                session.add(OutboxItem(kind=kind, record_key=p.record_key(record), local_id=item.local_id,
                                       adc201=record.get("ADC201") or None, payload=record,
                                       digest=p.digest(record), batch_date=batch_date, staged_at=now, attempts=0))
            session.flush()
            staged += len(batch)
            if len(batch) < 1000:
                return staged

    def _drain(self, kind: str, send: Callable[[list[Mapping[str, Any]]], list[p.Receipt]],
               mark: Callable[[Session, Sequence[int], dt.datetime], None]) -> tuple[int, int]:
        """Upload every unacknowledged outbox row of ``kind`` in batches until none is left."""
        acked = failed = 0
        last_id = 0
        while True:
            with session_scope(self.engine) as session:
                rows = session.execute(
                    select(OutboxItem.id, OutboxItem.kind, OutboxItem.payload, OutboxItem.record_key)
                    .where(OutboxItem.kind == kind, OutboxItem.acked_at.is_(None), OutboxItem.failed_at.is_(None),
                           OutboxItem.id > last_id)
                    .order_by(OutboxItem.id).limit(self.config.upload_batch)
                ).all()
            if not rows:
                return acked, failed
            last_id = rows[-1].id
            try:
                receipts = send([r.payload for r in rows])
            except p.TransportError as exc:
                self._note_attempt([r.id for r in rows], str(exc))
                raise
            a, f = self._apply_receipts(rows, receipts, mark)
            acked, failed = acked + a, failed + f

    def _apply_receipts(self, rows: Sequence[Any], receipts: Sequence[p.Receipt],
                        mark: Callable[[Session, Sequence[int], dt.datetime], None]) -> tuple[int, int]:
        """Record the platform's receipts and mark the local rows uploaded, all in one transaction."""
        if [r.key for r in receipts] != [r.record_key for r in rows]:
            raise p.TransportError("回执与上传记录不一致（数量或顺序不符），整批重传")
        now = self.now()
        by_status: dict[str, list[int]] = {}
        for row, receipt in zip(rows, receipts, strict=True):
            by_status.setdefault(receipt.status, []).append(row.id)
        acked_ids = [i for status in p.ACCEPTED for i in by_status.get(status, ())]
        with session_scope(self.engine) as session:
            for status, ids in by_status.items():
                values: dict[str, Any] = {"ack_status": status, "attempts": OutboxItem.attempts + 1}
                if status in p.ACCEPTED:
                    values["acked_at"] = now
                else:  # conflict, invalid, unknown application: sending again cannot help
                    values["failed_at"] = now
                session.execute(update(OutboxItem).where(OutboxItem.id.in_(ids)).values(**values)
                                .execution_options(synchronize_session=False))
                kind = rows[0].kind
                self._pending_counts[f"upload.{kind}.{status}"] += len(ids)
            for row, receipt in zip(rows, receipts, strict=True):
                if not receipt.accepted:
                    session.execute(update(OutboxItem).where(OutboxItem.id == row.id).values(
                        last_error="; ".join(e.get("message", "") for e in receipt.errors) or receipt.status))
            if acked_ids:
                local_ids = session.scalars(select(OutboxItem.local_id).where(OutboxItem.id.in_(acked_ids))).all()
                mark(session, local_ids, now)
        return len(acked_ids), len(rows) - len(acked_ids)

    def _note_attempt(self, ids: list[int], error: str) -> None:
        with session_scope(self.engine) as session:
            for item in session.scalars(select(OutboxItem).where(OutboxItem.id.in_(ids))):
                item.attempts += 1
                item.last_error = error

    # --- cursors and counters ---

    def _due(self, name: str, interval: float) -> bool:
        with session_scope(self.engine) as session:
            last = self._position(session, name, default=None)
        return last is None or self.clock() - last >= interval

    def _exits_unfinished(self) -> bool:
        with session_scope(self.engine) as session:
            return bool(session.scalar(select(func.count()).select_from(OutboxItem).where(
                OutboxItem.kind == EXIT, OutboxItem.acked_at.is_(None), OutboxItem.failed_at.is_(None))))

    @staticmethod
    def _position(session: Session, name: str, default: int | None = 0) -> int | None:
        row = session.get(SyncCursor, name)
        return row.position if row is not None and row.position is not None else default

    def _set_cursor(self, session: Session, name: str, *, position: int | None = None, text: str | None = None) -> None:
        row = session.get(SyncCursor, name)
        if row is None:
            row = SyncCursor(name=name)
            session.add(row)
        row.position, row.text, row.updated_at = position, text, self.now()

    def flush_counters(self) -> None:
        """Write this process's tallies (and the client's faults and retries) to ue_sync_counters."""
        deltas = self._pending_counts
        failures = getattr(self.platform, "failures", None)
        if failures is not None:
            seen = self.__dict__.setdefault("_client_seen", Counter())
            for kind, n in failures.items():
                deltas[f"client.failures.{kind}"] += n - seen[kind]
                seen[kind] = n
            retries = getattr(self.platform, "retries", 0)
            deltas["client.retries"] += retries - seen["__retries"]
            seen["__retries"] = retries
        deltas = Counter({k: v for k, v in deltas.items() if v})
        if not deltas:
            return
        with session_scope(self.engine) as session:
            for name, n in deltas.items():
                row = session.get(SyncCounter, name)
                if row is None:
                    session.add(SyncCounter(name=name, value=n))
                else:
                    row.value += n
        self._pending_counts = Counter()


def status(engine: Engine) -> dict[str, Any]:
    """Counts for ``kuaiban unemployment sync --status`` and for tests."""
    with session_scope(engine) as session:
        inbox = dict(session.execute(select(InboxItem.state, func.count()).group_by(InboxItem.state)).all())
        outbox: dict[str, dict[str, int]] = {}
        for kind, ack, failed, n in session.execute(
            select(OutboxItem.kind, OutboxItem.acked_at.is_not(None), OutboxItem.failed_at.is_not(None), func.count())
            .group_by(OutboxItem.kind, OutboxItem.acked_at.is_not(None), OutboxItem.failed_at.is_not(None))
        ).all():
            state = "acked" if ack else "failed" if failed else "waiting"
            outbox.setdefault(kind, {"acked": 0, "failed": 0, "waiting": 0})[state] += n
        cursors = {c.name: c.position if c.position is not None else c.text
                   for c in session.scalars(select(SyncCursor))}
        counters = {c.name: c.value for c in session.scalars(select(SyncCounter))}
    return {"inbox": {HANDED_OFF: inbox.get(HANDED_OFF, 0), REFUSED: inbox.get(REFUSED, 0)},
            "outbox": outbox, "cursors": cursors, "counters": counters}


def refused_items(engine: Engine) -> list[dict[str, Any]]:
    """The downloaded applications the local system could not file at all, with the reason, for
    ``kuaiban unemployment sync --refused``. Only records that carry no usable 失业登记申请编号 or
    登记失业地 (or whose ADC201 was already filed) end here: every other application is filed for review
    (:func:`kuaiban.unemployment.registration.register_from_national`). No result can be keyed for these,
    so a person takes them up with the platform's operator."""
    with session_scope(engine) as session:
        rows = session.scalars(select(InboxItem).where(InboxItem.state == REFUSED).order_by(InboxItem.id))
        return [{"adc201": r.adc201, "aab301": r.aab301, "received_at": r.received_at.isoformat(),
                 "reason": r.error} for r in rows]
