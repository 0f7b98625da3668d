"""Uploads nobody attached are deleted after :data:`KEEP_DAYS` days (个人信息保护法 第十九条: 保存期限应当为实现
处理目的所必要的最短时间).

An applicant's material file (``POST /api/uploads``, the 一件事 pages) is kept for one purpose: to be attached to
a case. A file the applicant chose and never submitted — a form given up, a 补正 answered with another file —
served no purpose after a few days and used to stay for ever. :func:`prune` removes the ownership rows
(``plat_file_owners``) that are older than the limit and that no record uses, and deletes a stored file once no
owner row and no background job (:mod:`kuaiban.platform.jobs`) needs it any more.

**What "used" means** is the pillars' business: each registers what of theirs holds file references
(:func:`register_use`; 快办 registers its case materials, ``svc_materials``). The platform imports no pillar, so
the prune refuses to run when nothing is registered (:class:`NoUsesKnown`) — it would otherwise take every file
for unused. Who runs it (``kuaiban uploads prune``, the job queue's workers) has imported the pillars.

**Age**: from the last time the applicant uploaded the file (a repeat upload moves ``uploaded_at``,
:func:`kuaiban.platform.material_files.record_owner`).

**A submission attaching the file at this very moment** is never undone (see ``material_files._pin`` and
``material_files.keep``):

- PostgreSQL: the prune takes the candidate rows ``FOR UPDATE SKIP LOCKED``; a submission holds the rows it
  attaches ``FOR KEY SHARE`` from its check to its commit, so they are skipped this round. Having locked the
  rows, the prune asks the pillars again in a fresh statement (READ COMMITTED): a submission that committed
  just before is seen. A submission arriving after the lock waits for the prune's commit and then finds no row
  (``没有有效的文件``, the applicant uploads again) — never a case pointing at a deleted file. Before deleting
  the bytes the prune takes the file's advisory lock exclusively, without waiting (an upload of the same bytes
  holds it shared), and then looks for other owners and jobs in a fresh statement.
- SQLite: one writer at a time. The prune's transaction starts with a write, so it runs only while no
  submission holds the write lock, and a submission's check takes the write lock itself (``_pin``).

**Crash-safe order**: within one transaction, the rows are deleted, then the files are unlinked (a directory
store; a database store deletes them in the same transaction), then the transaction commits. A crash before
the commit leaves the rows, whose files may be gone: they are unreferenced and as old as before, and the next
run deletes them (unlinking a missing file is no error). The other order would leave files no row names, which
no later run could find.

Each batch that deleted something is one audit entry ``prune_uploads`` with the counts (never names or hashes).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, jobs, storage
from kuaiban.platform.material_files import FileOwner, file_lock_key

log = logging.getLogger(__name__)

KEEP_DAYS = 7  # days an upload no record uses is kept: long enough to come back to a form, no longer
PRUNE_EVERY = 3600  # seconds between the job queue's runs (a file is gone at most an hour after its time)
BATCH = 500  # owner rows per transaction: the locks of one batch are held for a moment only

Pair = tuple[str, int]  # (file digest, applicant record)
# (session, candidate pairs) → the pairs some record of the pillar uses
FileUse = Callable[[Session, Collection[Pair]], set[Pair]]
_uses: dict[str, FileUse] = {}


class NoUsesKnown(RuntimeError):
    """No pillar has said what uses uploaded files: pruning now would delete files cases need."""


def register_use(name: str, finder: FileUse) -> None:
    """A pillar's records that hold file references: ``finder(session, pairs)`` returns those of ``pairs``
    (file digest, applicant record) that one of its records of that applicant names."""
    _uses[name] = finder


def uses() -> list[str]:
    return sorted(_uses)


@dataclass
class PruneReport:
    owners: int = 0  # ownership rows removed (or, in a dry run, that would be)
    files: int = 0  # stored files deleted (or that would be)
    kept_in_use: int = 0  # old rows kept because a record uses them
    skipped_busy: int = 0  # old rows or files left for the next run: a submission or upload held them

    def as_dict(self) -> dict[str, int]:
        return {"owners": self.owners, "files": self.files, "kept_in_use": self.kept_in_use,
                "skipped_busy": self.skipped_busy}


def _in_use(session: Session, pairs: list[Pair]) -> set[Pair]:
    used: set[Pair] = set()
    for finder in _uses.values():
        used |= finder(session, pairs)
    return used


def prune(engine: Engine, *, older_than_days: int = KEEP_DAYS, dry_run: bool = False,
          at: dt.datetime | None = None, batch: int = BATCH) -> PruneReport:
    """Delete the uploads no record has used for ``older_than_days`` days (see the module's docstring); with
    ``dry_run`` only count them. Each batch is its own transaction."""
    if not _uses:
        raise NoUsesKnown("没有任何业务登记了对上传文件的引用，不能判断哪些文件未被使用：未做清理")
    if older_than_days < 1:
        raise ValueError("保留天数须为正整数")
    cutoff = (at or audit.now()) - dt.timedelta(days=older_than_days)
    report = PruneReport()
    after: Pair | None = None
    while True:
        with session_scope(engine) as s:
            last = _one_batch(s, cutoff, after, batch, dry_run, report, older_than_days)
        if last is None:
            return report
        after = last


def _one_batch(s: Session, cutoff: dt.datetime, after: Pair | None, batch: int, dry_run: bool,
               report: PruneReport, days: int) -> Pair | None:
    """One batch of candidate rows after ``after`` (keyset order); the last pair looked at, None when done."""
    postgres = s.get_bind().dialect.name == "postgresql"
    if not postgres and not dry_run:
        # SQLite: the write lock first, so that no submission is between its check and its commit (module doc)
        s.execute(update(FileOwner).where(FileOwner.digest == "").values(digest=FileOwner.digest))
    key = tuple_(FileOwner.digest, FileOwner.applicant_id)
    query = select(FileOwner.digest, FileOwner.applicant_id).where(FileOwner.uploaded_at < cutoff)
    if after is not None:
        query = query.where(key > tuple_(*after))
    query = query.order_by(FileOwner.digest, FileOwner.applicant_id).limit(batch)
    seen = [(d, a) for d, a in s.execute(query)]
    if not seen:
        return None
    candidates = seen
    if postgres and not dry_run:
        # the same rows, locked; those a submission holds right now are passed by (and counted as busy)
        locked = query.with_for_update(skip_locked=True)
        candidates = [(d, a) for d, a in s.execute(locked)]
        report.skipped_busy += len(seen) - len(candidates)
    used = _in_use(s, candidates)  # asked after the lock: a fresh statement sees what committed before it
    gone = [p for p in candidates if p not in used]
    report.kept_in_use += len(candidates) - len(gone)
    digests = {d for d, _ in gone}
    if dry_run:
        others = set(s.scalars(select(FileOwner.digest).where(
            FileOwner.digest.in_(digests), tuple_(FileOwner.digest, FileOwner.applicant_id).not_in(gone)))) if gone else set()
        report.owners += len(gone)
        report.files += len(digests - others - jobs.digests_in_use(s, digests))
        return seen[-1]
    if not gone:
        return seen[-1]
    s.execute(delete(FileOwner).where(tuple_(FileOwner.digest, FileOwner.applicant_id).in_(gone)))
    free = digests
    if postgres:
        free = {d for d in digests if s.scalar(select(func.pg_try_advisory_xact_lock(*file_lock_key(d))))}
        report.skipped_busy += len(digests) - len(free)
    # after the lock, in fresh statements: another applicant's row for the same bytes, a job's input or result
    others = set(s.scalars(select(FileOwner.digest).where(FileOwner.digest.in_(free))))
    files = free - others - jobs.digests_in_use(s, free)
    storage.forget(s, files)  # a database store: in this transaction; a directory: unlinked before the commit
    report.owners += len(gone)
    report.files += len(files)
    audit.record(s, "prune_uploads", "file", None, actor=None, at=audit.now(), owners_removed=len(gone),
                 files_deleted=len(files), older_than_days=days)
    return seen[-1]


def _periodic(engine: Engine) -> None:
    if not _uses:  # a process that loaded no pillar: nothing can be said about use, so nothing is pruned
        log.warning("prune_uploads: no pillar registered file uses; skipped")
        return
    report = prune(engine)
    if report.owners or report.files:
        log.info("prune_uploads: %s", report.as_dict())


jobs.every("prune_uploads", PRUNE_EVERY, _periodic)


__all__ = ["BATCH", "KEEP_DAYS", "PRUNE_EVERY", "NoUsesKnown", "PruneReport", "prune", "register_use", "uses"]
