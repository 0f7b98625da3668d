"""Monthly payment batches (发放批次): one per program, region and month; idempotent; exported for the bank.

:func:`build` writes a batch and all its lines in one transaction with one INSERT … SELECT: every due
month of every approved claim in the region, up to the batch's month, that has never had a line. The unique
index on (beneficiary, program, month) makes a second line for the same month impossible whatever happens
(two operators at once, a rerun after ``kill -9``); the unique index on (program, region, month) of batches
makes a second batch of the month impossible — a rerun returns the batch as it was.

A program settled at payment (先缴后补, official figures) has its months computed again first
(kuaiban.programs.settle): a month whose decided amount the decision's own inputs no longer give is held, paid
at neither until a caseworker decides it (kuaiban.programs.held); :func:`report` names the held months and the
lines paid at another amount than decided (s16).

Returns and failures (退票) are reconciled line by line; returned lines are paid again in a re-issue batch,
still the same line (the month is paid once). :func:`totals` sums by program, region and month.

:func:`make` (build, then export) is the one core of ``kuaiban programs payroll`` (inline) and of the queue
job staff start from the pages and the API (:func:`start_job`, kind :data:`JOB_KIND`): the job's owner is
the staff account, the reviewers and supervisors of the batch's region read it too, its payment files
(CSV, XLSX) go to :mod:`kuaiban.platform.storage` with the job and expire with it. A job run again after
its node died builds nothing twice: the batch's and the lines' unique indexes hold whichever attempt
committed.
"""

from __future__ import annotations

import datetime as dt
import glob
import itertools
import json
import os
import re
import socket
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from kuaiban import csvsafe
from kuaiban.db import session_scope
from kuaiban.platform import access, audit, disclosure, jobs, personal_data, regions
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from kuaiban.platform.models import Applicant, User
from kuaiban.platform.transactions import retrying_transaction
from kuaiban.programs import caseworkers, definitions, xlsx
from kuaiban.programs.models import Batch, Claim, Entitlement, PaymentLine

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HEADER = ["序号", "批次", "项目", "地区代码", "应发月份", "收款人", "证件号码", "收款账户", "金额（元）", "凭证号"]


def payroll_dir() -> Path:
    from kuaiban.config import ROOT

    return Path(os.environ.get("KUAIBAN_VAR", ROOT / "var")) / "payroll"


def check_request(program: str, region: str, month: str) -> tuple[definitions.Program, str]:
    """The program, the region as a code, the month — or a Chinese error naming the bad one."""
    found = definitions.get(program)
    code = regions.resolve(region)
    if not found.covers(code) and not any(regions.covers(code, r) for r in found.regions):
        raise Invalid(f"{found.name}不在{regions.label(code)}实施", "region")
    if not _MONTH.match(month or ""):
        raise Invalid("请选择发放月份" if not (month or "").strip() else f"发放月份不是有效的月份，请按 2020-07 这样的格式填写（收到“{month}”）",
                      "month")
    return found, code


def build(session: Session, program: str, region: str, month: str, *, actor: User | None = None,
          at: dt.datetime | None = None) -> tuple[Batch, bool]:
    """The month's batch of ``program`` in ``region``: built now, or (second value False) the one built before."""
    found, code = check_request(program, region, month)
    if actor is not None:
        _require_staff(actor, code, f"{regions.label(code)}的发放批次")
    existing = _existing(session, found.code, code, month)
    if existing is not None:
        return existing, False
    at = at or audit.now()
    newly_held: list = []
    settled = None  # settle's audit entry, appended after the months are locked below (the log's lock comes last)
    # SQLite: the database's one write lock from before settle's read to the commit (s20). Taken only at settle's
    # first write, a batch that read while another batch of an overlapping region (a city inside its province)
    # wrote could not write at all ("database is locked": SQLite refuses at once to turn a read into a write
    # beside a writer); now the second batch waits for the first, whole. PostgreSQL: nothing (row locks below)
    caseworkers.write_lock(session)
    if found.settles_at_payment:  # 先缴后补 / official figures: each month computed again, due, pending or held
        from kuaiban.programs.settle import settle

        answer = settle(session, found, code, month, actor=actor, at=at, record=False)
        newly_held, settled = answer["held"], answer["audit"]
    batch = Batch(program=found.code, region=code, month=month, kind="monthly", lines=0, total_fen=0, created_at=at)
    caseworkers.write_lock(session)  # SQLite: held since before settle (above); no stop writes until the commit
    session.add(batch)
    try:
        session.flush()
    except IntegrityError:  # another run built it a moment ago
        session.rollback()
        return _existing(session, found.code, code, month), False
    postgres = session.get_bind().dialect.name == "postgresql"
    columns = (Entitlement.id, Entitlement.claim_id, Entitlement.applicant_id, Entitlement.program,
               Entitlement.region, Entitlement.month, Entitlement.amount_fen)
    paying = (Entitlement.program == found.code, Entitlement.status == "due", Entitlement.month <= month,
              access.within(Entitlement.region, code), *_not_concurrent(found))
    if postgres:  # locked in (claim, month) order, the order of every stop's locks; the lines in their own order
        months = (select(*columns).where(*paying).order_by(Entitlement.claim_id, Entitlement.month)
                  .with_for_update(of=Entitlement).subquery())
        due = select(literal(batch.id), *months.c, literal("issued")).order_by(
            months.c.region, months.c.applicant_id, months.c.month)
    else:  # SQLite: one writer (the batch row above holds its lock), the statement as before s17's recheck fix
        due = select(literal(batch.id), *columns, literal("issued")).where(*paying).order_by(
            Entitlement.region, Entitlement.applicant_id, Entitlement.month)
    # a 停发/暂停 beside (claims.stop) and this batch pay a month in one order or the other, never both ways:
    # PostgreSQL: the months read are locked (FOR UPDATE) until the batch commits. A stop that locked them first
    # (claims._stop: FOR UPDATE, month order) makes this wait, and the month, read again once the stop commits,
    # is no longer due; a stop that comes after waits for this commit, then sees the lines and recovers the
    # months paid. The locks are taken in (claim, month) order, as 比对停发 takes those of all the claims it
    # stops (claims.recheck) before it writes: in the lines' order (beneficiary) a batch and a recheck of two
    # claims could each hold what the other waited for — a deadlock, one of them rolled back (s17,
    # test_s17_payroll_build_recheck_locks). SQLite: the batch row above took the database's one write lock (a
    # stop starts with BEGIN IMMEDIATE), so no stop commits between this read and the commit (s17,
    # test_s17_payroll_build_stop_race)
    # a month already paid (a line of the same beneficiary, program and month) is skipped by the unique index
    # itself: ON CONFLICT DO NOTHING, one index probe a row, where an anti-join re-scanned the growing table
    dialect = postgresql if postgres else sqlite
    session.execute(dialect.insert(PaymentLine).from_select(
        ["batch_id", "entitlement_id", "claim_id", "applicant_id", "program", "region", "month", "amount_fen",
         "status"], due).on_conflict_do_nothing(index_elements=["applicant_id", "program", "month"]))
    count, total = session.execute(select(func.count(PaymentLine.id), func.coalesce(func.sum(PaymentLine.amount_fen), 0))
                                   .where(PaymentLine.batch_id == batch.id)).one()
    batch.lines, batch.total_fen = count, int(total)
    if settled is not None:
        audit.record(session, "program_months_settled", "program", None, actor=actor, at=at, **settled)
    audit.record(session, "program_batch_built", "program_batch", batch.id, actor=actor, at=at,
                 program=found.code, region=code, month=month, lines=count, total_fen=int(total), held=newly_held)
    return batch, True


def held(session: Session, program: str, region: str, month: str) -> list[dict[str, Any]]:
    """The months of ``program`` in ``region`` up to ``month`` held because the amount computed before a batch
    differs from the decided one (kuaiban.programs.held): paid at neither until a caseworker decides. The
    batch's report (command line, job, API, page) names them."""
    from kuaiban.programs import held as holding

    found, code = check_request(program, region, month)
    return holding.listed(session, found.code, code, month)


def report(session: Session, batch: Batch) -> dict[str, Any]:
    """What a monthly batch's report adds to :func:`batch_dict`: ``held`` (see :func:`held`) and ``adjusted``,
    the batch's lines paid at another amount than the decision's (先缴后补: the month's contributions as actually
    paid, kuaiban.programs.settle): claim, month, decided and paid amount. Nothing for a re-issue batch."""
    if batch.kind != "monthly":
        return {}
    rows = session.execute(
        select(PaymentLine.claim_id, PaymentLine.month, Entitlement.decided_fen, PaymentLine.amount_fen)
        .join(Entitlement, Entitlement.id == PaymentLine.entitlement_id)
        .where(PaymentLine.batch_id == batch.id, Entitlement.decided_fen.is_not(None),
               Entitlement.decided_fen != PaymentLine.amount_fen)
        .order_by(PaymentLine.id).limit(500))
    adjusted = [{"claim": c, "month": m, "decided": f"{d / 100:.2f}", "paid": f"{p / 100:.2f}"} for c, m, d, p in rows]
    return {"held": held(session, batch.program, batch.region, batch.month), "adjusted": adjusted}


def still_open(session: Session, program: str, region: str, month: str, *, user: User | None = None) -> dict[str, int]:
    """Claims of the program in the region whose first month is the batch's month or earlier but which are
    not approved yet: ``{"publicity": n, "reviewing": n}``. They are not in the month's batch; once approved,
    every month they are owed (this one too) goes into the next batch built, each month paid once — what the
    staff member is told before building the month's batch (test_s14_payroll_ux). ``user``: the staff member
    asking, checked first as the batch itself is (the counts are another region's business otherwise);
    None: the operator."""
    found, code = check_request(program, region, month)
    if user is not None:
        _require_staff(user, code, f"{regions.label(code)}的发放批次")
    rows = session.execute(select(Claim.status, func.count(Claim.id)).where(
        Claim.program == found.code, Claim.status.in_(("publicity", "reviewing")), Claim.month <= month,
        access.within(Claim.region, code)).group_by(Claim.status))
    counts = {"publicity": 0, "reviewing": 0}
    counts.update({status: n for status, n in rows})
    return counts


def _not_concurrent(program: definitions.Program) -> list:
    """领取期间不同时享受 (京人社发[2020]8号 一（二）, 鲁人社函〔2020〕41号 二（四）): a month another program pays the
    same person (due or suspended there) is held back here; it stays due and is paid once that month is not."""
    if not program.not_concurrent_with:
        return []
    other = aliased(Entitlement)
    return [~select(other.id).where(other.applicant_id == Entitlement.applicant_id, other.month == Entitlement.month,
                                    other.program.in_(program.not_concurrent_with),
                                    other.status.in_(("due", "held", "suspended"))).exists()]


def _require_staff(user: User, region: str, what: str) -> None:
    if user.role not in ("reviewer", "supervisor"):
        raise Forbidden("发放批次由审核或监督人员办理")
    access.require_serves(user, region, what)


def _existing(session: Session, program: str, region: str, month: str) -> Batch | None:
    return session.scalar(select(Batch).where(Batch.program == program, Batch.region == region, Batch.month == month))


def _line_rows(session: Session, batch: Batch):
    """The batch's lines with the payee (what the bank file carries), in line order, streamed."""
    from kuaiban.platform.personal_data import mask_id_number

    claim = aliased(Claim)
    which = PaymentLine.batch_id == batch.id if batch.kind == "monthly" else PaymentLine.reissue_batch_id == batch.id
    stmt = (select(PaymentLine.id, PaymentLine.program, PaymentLine.region, PaymentLine.month,
                   PaymentLine.amount_fen, PaymentLine.status, PaymentLine.return_reason,
                   Applicant.name, Applicant.id_number, claim.account)
            .join(Applicant, Applicant.id == PaymentLine.applicant_id)
            .join(claim, claim.id == PaymentLine.claim_id).where(which).order_by(PaymentLine.id)
            .execution_options(yield_per=5000))
    for line_id, program, region, month, fen, status, reason, name, number, account in session.execute(stmt):
        yield {"line": line_id, "program": program, "region": region, "month": month, "amount": fen / 100,
               "fen": fen, "status": status, "return_reason": reason, "payee": name,
               "id_number": mask_id_number(number), "account": account or ""}


def lines_of(session: Session, batch: Batch, *, masked: bool = False) -> list[dict[str, Any]]:
    """The batch's lines; ``masked``: the 收款账户 by its last four (as every list shows it, the API's batch detail)
    — only the bank's payment file carries it in full (:func:`batch_file`, audited)."""
    lines = list(_line_rows(session, batch))
    if masked:
        for line in lines:
            line["account"] = personal_data.mask_account(line["account"]) or ""
    return lines


def export(session: Session, batch: Batch, directory: Path | None = None) -> dict[str, str]:
    """The batch's payment file as CSV (UTF-8 with BOM, for Excel and WPS) and XLSX, same rows, written in
    one streamed pass and put in place atomically; the same batch always gives the same files."""
    directory = directory or payroll_dir() / batch.program / batch.region
    directory.mkdir(parents=True, exist_ok=True)
    name = definitions.get(batch.program).name
    stem = directory / f"{batch.month}-批次{batch.id}"
    csv_path, xlsx_path = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    csv_tmp, xlsx_tmp = _scratch(csv_path), _scratch(xlsx_path)
    total = ["合计", "", "", "", "", "", "", "", f"{batch.total_fen / 100:.2f}", ""]
    with open(csv_tmp, "w", encoding="utf-8-sig", newline="") as out, \
            xlsx.Writer(xlsx_tmp, "发放明细", HEADER) as sheet:
        writer = csvsafe.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i, line in enumerate(_line_rows(session, batch), 1):
            cells = csvsafe.row([i, batch.id, name, line["region"], line["month"], line["payee"],
                                 line["id_number"] or "", line["account"]])
            amount = f"{line['fen'] / 100:.2f}"
            writer.writerow([*cells, amount, line["line"]])
            sheet.append([*cells, float(amount), line["line"]])
        writer.writerow(total)
        sheet.append([*total[:8], batch.total_fen / 100, None])
        out.flush()
        os.fsync(out.fileno())
    os.replace(csv_tmp, csv_path)
    os.replace(xlsx_tmp, xlsx_path)
    _clear_dead_scratch(csv_path)
    _clear_dead_scratch(xlsx_path)
    return {"csv": str(csv_path), "xlsx": str(xlsx_path)}


_HOST = socket.gethostname()
_TOKEN = uuid.uuid4().hex[:12]  # this process's, among replicas that share a hostname (and a PID) and the directory
_CALLS = itertools.count(1)  # and this call's, among threads of one process exporting the same batch
SCRATCH_AGE = 3600  # seconds: an export takes minutes; a scratch file untouched for an hour is no live writer's


def _scratch(path: Path) -> Path:
    """Where this call writes ``path`` before putting it in place: named for the host, the process, a random
    token of the process and the call (``<file>.<host>~<pid>~<token>-<n>.tmp``)."""
    return path.with_name(f"{path.name}.{_HOST}~{os.getpid()}~{_TOKEN}-{next(_CALLS)}.tmp")


def _clear_dead_scratch(path: Path, *, now: float | None = None) -> None:
    """The scratch files of ``path`` left by processes of this host that died writing it (``kill -9``, a node
    lost mid-export): removed, so that the payroll directory holds whole payment files only.

    Only a file that is both a dead writer's and untouched for :data:`SCRATCH_AGE` goes. The hostname and the
    PID alone do not tell a writer: two replicas sharing the directory under one hostname (a fixed container
    ``hostname``) each see the other's PIDs as dead, and may even share a PID. Another process's file is never
    removed while it is being written; this process's files are never touched; another host's are left alone.
    Files of the earlier forms (``<file>.<host>~<pid>.tmp``, ``<file>.<pid>.tmp``) go on the same terms."""
    now = time.time() if now is None else now
    prefix = f"{path.name}."
    for scratch in path.parent.glob(f"{glob.escape(path.name)}.*.tmp"):
        writer = _writer(scratch.name[len(prefix):-len(".tmp")])
        if writer is None or writer[2] == _TOKEN:
            continue
        host, pid, _ = writer
        if host not in (_HOST, None) or _alive(pid):
            continue
        try:
            if now - scratch.stat().st_mtime >= SCRATCH_AGE:
                scratch.unlink(missing_ok=True)
        except FileNotFoundError:  # another node cleared it first
            continue


def _writer(tag: str) -> tuple[str | None, int, str | None] | None:
    """(host, pid, process token) of a scratch file's tag; host or token None in the earlier forms."""
    parts = tag.split("~")
    if len(parts) == 1 and tag.isdigit():
        return None, int(tag), None
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0], int(parts[1]), None
    if len(parts) == 3 and parts[1].isdigit():
        return parts[0], int(parts[1]), parts[2].split("-")[0]
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def make(engine: Engine, program: str, region: str, month: str, *, actor_id: int | None = None,
         directory: Path | None = None,
         on_built: Callable[[Batch, bool], None] | None = None) -> tuple[Batch, bool, dict[str, str]]:
    """The month's batch built (or found) in one transaction, then its payment files written: the core of the
    CLI and of the queue job. ``actor_id``: the staff account acting (checked again now; None: the operator's
    cron). ``on_built`` is told once the batch is committed, before the files are written. A deadlock or a
    serialization failure runs the batch's transaction again (kuaiban.platform.transactions), at most three times,
    then refuses with :class:`kuaiban.platform.transactions.Busy`."""
    def the_batch(session: Session) -> tuple[Batch, bool]:
        actor = session.get(User, actor_id) if actor_id is not None else None
        if actor_id is not None and (actor is None or not actor.active):
            raise Forbidden("发起任务的账号已停用", "user")
        return build(session, program, region, month, actor=actor)

    # the batch (settle, lines, audit) is one transaction, run again from the start — nothing of it was stored —
    # when PostgreSQL aborted it for a deadlock with other work on its claims (s20); the files come after
    batch, built = retrying_transaction(engine, the_batch, what=f"payroll {program} {region} {month}")
    if on_built is not None:
        on_built(batch, built)
    with session_scope(engine) as session:
        files = export(session, batch, directory)
    return batch, built, files


JOB_KIND = "program_payroll"


def start_job(session: Session, user: User, program: str, region: str, month: str) -> jobs.Job:
    """Queue the month's batch of ``program`` in ``region`` (checked now, built by a worker); the caller
    commits, then hands it to the queue with :func:`kuaiban.platform.jobs.start`."""
    found, code = check_request(program, region, month)
    _require_staff(user, code, f"{regions.label(code)}的发放批次")
    request = {"program": found.code, "region": code, "month": month}
    meta = request | {"program_name": found.name, "region_name": regions.label(code), "actor": user.id}
    return jobs.submit(session, JOB_KIND, json.dumps(request, sort_keys=True).encode(), meta, user=user,
                       scope_region=code)


def _run_job(engine: Engine, data: bytes, meta: dict[str, Any],
             progress: jobs.Progress) -> tuple[bytes, dict[str, Any], dict[str, bytes]]:
    """The queue job: :func:`make` into a scratch directory, its two files returned for the store."""
    def built_now(batch: Batch, built: bool) -> None:
        if built:
            progress({"batch": batch.id, "built": True})  # a later attempt finds the batch there and says so

    with tempfile.TemporaryDirectory(prefix="kuaiban-payroll-") as scratch:
        try:
            batch, built, files = make(engine, meta["program"], meta["region"], meta["month"],
                                       actor_id=meta.get("actor"), directory=Path(scratch), on_built=built_now)
        except ServiceError as refusal:
            raise jobs.JobFailed(refusal.message) from None
        csv, book = Path(files["csv"]).read_bytes(), Path(files["xlsx"]).read_bytes()
    with session_scope(engine) as session:
        extra = report(session, batch)
    return csv, meta | batch_dict(batch) | extra | {"built": bool(built or meta.get("built"))}, {"xlsx": book}


jobs.register_task(JOB_KIND, _run_job)


def readable_job(session: Session, user: User, job_id: str) -> jobs.Job:
    """A payment-batch job for its owner, or the reviewers and supervisors of the batch's region."""
    job = jobs.readable(session, job_id, user=user)
    if job is None or job.kind != JOB_KIND:
        raise NotFound("没有这个发放任务", "job")
    if job.owner_user_id != user.id:
        _require_staff(user, job.owner_region, "该发放任务")
    return job


def job_dict(job: jobs.Job) -> dict[str, Any]:
    """What the pages and the API show of a payment-batch job (no file paths: the files are in the store)."""
    meta = {k: v for k, v in job.meta.items() if k not in ("files", "actor")}
    return meta | {"job": job.id, "state": job.state, "message": job.message, "attempts": job.attempts,
                   "created_at": job.created_at.isoformat(),
                   "expires_at": job.expires_at.isoformat() if job.expires_at else None}


@dataclass(frozen=True)
class PaymentFile:
    """A payment file as the pages and the API hand it out: its bytes, its file name and its type."""
    data: bytes
    name: str
    media_type: str


def _format(requested: str) -> str:
    return "xlsx" if requested == "xlsx" else "csv"  # CSV unless XLSX is asked for


def job_file(session: Session, user: User, job_id: str, requested: str = "csv") -> PaymentFile:
    """The payment file (CSV or XLSX) a payment-batch job stored, for those who may read the job."""
    job = readable_job(session, user, job_id)
    kind = _format(requested)
    data = jobs.result(session, job, None if kind == "csv" else kind)
    if data is None:
        raise NotFound("发放文件尚未生成或已过期", "job")
    if (batch_id := job.meta.get("batch")) is not None and (batch := session.get(Batch, batch_id)) is not None:
        _record_file_read(session, user, batch, kind)
    return PaymentFile(data, f"batch-{job.meta.get('batch')}.{kind}", MEDIA_TYPES[kind])


def _record_file_read(session: Session, user: User, batch: Batch, kind: str) -> None:
    """The bank's file carries every payee's 收款账户 in full (the bank pays into it; the API and the pages show
    it by its last four): each download is a full read of those accounts, written to the audit log — who, which
    batch (its lines name the payees), which field, when (个人信息保护法 第五十一条)."""
    disclosure.record_full_read(session, user, "payment_batch", batch.id, fields=["account"], file=kind,
                                lines=batch.lines, program=batch.program, region=batch.region, month=batch.month)


def batch_file(session: Session, user: User, batch_id: int, requested: str = "csv") -> PaymentFile:
    """A batch's payment file (CSV or XLSX), exported again from its lines (the same batch, the same file)."""
    batch = get_batch(session, user, batch_id)
    kind = _format(requested)
    data = Path(export(session, batch)[kind]).read_bytes()
    _record_file_read(session, user, batch, kind)
    return PaymentFile(data, f"batch-{batch.id}.{kind}", MEDIA_TYPES[kind])


def due_dates(batch: Batch) -> dict[str, str]:
    """When the program's text wants the month's list and its funds (津人社办发〔2020〕89号: lists by the 28th,
    funds by the 15th of the next month); nothing where the text sets no day."""
    program = definitions.get(batch.program)
    if batch.kind != "monthly":
        return {}
    year, month = int(batch.month[:4]), int(batch.month[5:7])
    out = {}
    if program.list_by_day:
        out["list_due"] = dt.date(year, month, program.list_by_day).isoformat()
    if program.funds_by_day:
        nxt = dt.date(year + month // 12, month % 12 + 1, program.funds_by_day)
        out["funds_due"] = nxt.isoformat()
    return out


def batch_dict(batch: Batch, files: dict[str, str] | None = None) -> dict[str, Any]:
    return {**due_dates(batch), "batch": batch.id, "program": batch.program, "region": batch.region, "month": batch.month,
            "kind": batch.kind, "lines": batch.lines, "total": f"{batch.total_fen / 100:.2f}",
            "created_at": batch.created_at.isoformat(), "reconciled_at": batch.reconciled_at.isoformat()
            if batch.reconciled_at else None, **({"file": files["csv"], "files": files} if files else {})}


def get_batch(session: Session, user: User | None, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"没有这个发放批次：{batch_id}", "batch")
    if user is not None:
        _require_staff(user, batch.region, f"发放批次 {batch_id}")
    return batch


def reconcile(session: Session, user: User | None, batch_id: int, returned: dict[int, str], *,
              at: dt.datetime | None = None) -> dict[str, int]:
    """The bank's answer for a batch: lines in ``returned`` (line → reason) came back; the rest are paid."""
    at = at or audit.now()
    batch = get_batch(session, user, batch_id)
    mine = {row["line"] for row in lines_of(session, batch)}
    unknown = sorted(set(returned) - mine)
    if unknown:
        raise Invalid(f"凭证号 {unknown[0]} 不在批次 {batch_id} 中", "returned")
    for line_id, reason in returned.items():
        if not (reason or "").strip():
            raise Invalid(f"凭证号 {line_id} 请写明退票原因", "returned")
    pending = ("issued",) if batch.kind == "monthly" else ("reissued",)
    which = PaymentLine.batch_id == batch.id if batch.kind == "monthly" else PaymentLine.reissue_batch_id == batch.id
    for line_id, reason in returned.items():
        session.execute(update(PaymentLine).where(PaymentLine.id == line_id, PaymentLine.status.in_(pending))
                        .values(status="returned", return_reason=reason.strip()))
    paid = session.execute(update(PaymentLine).where(which, PaymentLine.status.in_(pending))
                           .values(status="paid").execution_options(synchronize_session=False)).rowcount
    batch.reconciled_at = at
    audit.record(session, "program_batch_reconciled", "program_batch", batch.id, actor=user, at=at,
                 paid=paid, returned=sorted(returned))
    return {"paid": paid, "returned": len(returned)}


def reissue(session: Session, user: User | None, program: str, region: str, *,
            at: dt.datetime | None = None) -> Batch:
    """A re-issue batch of every returned line of the program in the region (after the account was fixed)."""
    at = at or audit.now()
    found, code = check_request(program, region, "2000-01")
    if user is not None:
        _require_staff(user, code, f"{regions.label(code)}的发放批次")
    # the returned lines read under the write lock (PostgreSQL: FOR UPDATE, id order; SQLite: its one write lock
    # first): a second 退票重发 at the same moment waits, reads them again as reissued and has nothing to re-issue
    # — before s20 both read the same lines and each put them in a batch of its own (paid twice)
    caseworkers.write_lock(session)
    returned = list(session.scalars(select(PaymentLine).where(PaymentLine.program == found.code,
                                                              PaymentLine.status == "returned",
                                                              access.within(PaymentLine.region, code))
                                    .order_by(PaymentLine.id).with_for_update()))
    if not returned:
        raise Conflict("没有待重发的退票", "batch")
    n = session.scalar(select(func.count(Batch.id)).where(Batch.program == found.code, Batch.region == code,
                                                          Batch.kind == "reissue")) or 0
    month = at.strftime("%Y-%m")
    batch = Batch(program=found.code, region=code, month=f"{month}-R{n + 1}", kind="reissue",
                  lines=len(returned), total_fen=sum(line.amount_fen for line in returned), created_at=at)
    session.add(batch)
    session.flush()
    for line in returned:
        line.status, line.reissue_batch_id = "reissued", batch.id
    audit.record(session, "program_batch_reissued", "program_batch", batch.id, actor=user, at=at,
                 lines=[line.id for line in returned])
    return batch


def batches(session: Session, user: User) -> list[Batch]:
    caseworkers.require(user)
    stmt = access.scoped(select(Batch), user, Batch.region)
    return list(session.scalars(stmt.order_by(Batch.id.desc()).limit(200)))


def totals(session: Session, user: User | None) -> list[dict[str, Any]]:
    """Sums by program, region and month owed: issued, paid, returned (统计)."""
    stmt = (select(PaymentLine.program, PaymentLine.region, PaymentLine.month, PaymentLine.status,
                   func.count(PaymentLine.id), func.sum(PaymentLine.amount_fen))
            .group_by(PaymentLine.program, PaymentLine.region, PaymentLine.month, PaymentLine.status))
    if user is not None:
        stmt = access.scoped(stmt, user, PaymentLine.region)
    table: dict[tuple[str, str, str], dict[str, Any]] = {}
    for program, region, month, status, count, fen in session.execute(stmt):
        row = table.setdefault((program, region, month), {
            "program": program, "program_name": definitions.get(program).name, "region": region,
            "region_name": regions.label(region), "month": month, "lines": 0, "total": 0.0, "paid": 0.0,
            "returned": 0.0})
        row["lines"] += count
        row["total"] += fen / 100
        if status == "paid":
            row["paid"] += fen / 100
        if status == "returned":
            row["returned"] += fen / 100
    return [table[k] for k in sorted(table)]


def my_payments(session: Session, user: User) -> list[dict[str, Any]]:
    if user.applicant_id is None:
        return []
    rows = session.scalars(select(PaymentLine).where(PaymentLine.applicant_id == user.applicant_id)
                           .order_by(PaymentLine.month.desc(), PaymentLine.id.desc()))
    names = {"issued": "已发出", "paid": "已到账", "returned": "退票（待重发）", "reissued": "已重发"}
    return [{"line": r.id, "program": r.program, "program_name": definitions.get(r.program).name, "month": r.month,
             "amount": r.amount_fen / 100, "status": r.status, "status_name": names[r.status],
             "return_reason": r.return_reason} for r in rows]
