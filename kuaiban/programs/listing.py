"""免申即享 (no application): a screening's result becomes a list (名单), a 公示, the enterprises' answers and
a payment — 稳岗返还 under 人社部发〔2021〕29号 一 (后台数据比对，直接向符合条件的企业精准发放), 人社部发〔2020〕30号 三
and 鲁人社字〔2020〕26号 四（三） (初步确定名单和补贴金额；由企业进行确认、承诺；按规定向社会公示，及时拨付资金).

The life of a run:

1. :func:`import_results` reads a screening result directory (``manifest.json`` and ``results/part-*.parquet``,
   the contract with ``kuaiban.programs.screening``) in chunks, inside one transaction: every row is checked
   and the totals must agree with the manifest, or nothing is written. Each eligible enterprise gets a
   system-made claim (status ``listed``) under its 统一社会信用代码 — an enterprise without an account gets
   an applicant record it takes over when it registers or logs in with that code; every refused row is kept
   with the calculator's reason, so that an enterprise can see why it is not listed. The same run imported
   again changes nothing; a newer run replaces a draft that is not yet published; a published list stands.
2. :func:`publish` starts the 公示 (the days and the time to confirm are set by the office: the texts print
   neither) and tells every listed enterprise that has an account.
3. The enterprise :func:`confirm` s the bank account to be paid into, with the commitment the texts allow
   in place of checks, or :func:`decline` s. Objections go through :mod:`kuaiban.programs.claims`.
4. :func:`close` ends the 公示: a confirmed claim without an open objection is approved (its one
   entitlement written), an unconfirmed one waits for the enterprise until the deadline; :func:`lapse`
   ends those not confirmed in time. The monthly batch (:mod:`kuaiban.programs.payroll`) pays the approved.

Every step is one transaction with its history, audit entries and messages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, calendar, notifications, personal_data, regions
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, Applicant, User
from kuaiban.programs import definitions
from kuaiban.programs.definitions import Program
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement, ListingEntry, ListingRun, Objection

CHUNK = 5000
COLUMNS = ("credit_code", "name", "region", "eligible", "amount", "ceiling", "reason", "insured_last_year",
           "layoff_rate", "contributions_last_year")
_CODE = re.compile(r"^[0-9A-Z]{18}$")
_AMOUNT = re.compile(r"^\d{1,13}\.\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RUN_STATUS = {"draft": "已导入，待公示", "published": "公示中", "closed": "公示结束", "replaced": "已被新名单替换"}
ANSWERS = {"confirmed": "已确认收款账户", "declined": "已放弃"}
PAGE = 50


# ---------------------------------------------------------------- reading the result directory


def _fen(text: Any, where: str) -> int:
    if not isinstance(text, str) or not _AMOUNT.match(text):
        raise Invalid(f"{where}应为两位小数的金额（元），收到“{text}”", "results")
    return int((Decimal(text) * 100).to_integral_value(ROUND_HALF_UP))


def read_manifest(directory: Path, program: Program) -> tuple[dict[str, Any], str, list[Path]]:
    """The manifest, its key (SHA-256 of its bytes: one run, one key) and the result parts, checked."""
    directory = Path(directory)
    path = directory / "manifest.json"
    if not path.is_file():
        raise Invalid("筛选结果目录中没有 manifest.json（筛选未完成或目录不对）", "results")
    raw = path.read_bytes()
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise Invalid("manifest.json 不是有效的 JSON", "results") from None
    if not isinstance(manifest, dict):
        raise Invalid("manifest.json 应为 JSON 对象", "results")
    if manifest.get("program") != program.code:
        raise Invalid(f"这份筛选结果属于项目“{manifest.get('program')}”，不是{program.name}", "program")
    as_of = manifest.get("as_of")
    if not isinstance(as_of, str) or not _DATE.match(as_of):
        raise Invalid("manifest.json 的 as_of（筛查日期）不是有效的日期，应如 2021-05-20", "results")
    codes = manifest.get("regions")
    if not isinstance(codes, list) or not codes:
        raise Invalid("manifest.json 的 regions 应为地区代码列表", "results")
    for code in codes:
        if regions.region(str(code)) is None or not (program.covers(str(code)) or any(
                regions.covers(str(code), r) for r in program.regions)):
            raise Invalid(f"筛选地区 {code} 不在{program.name}的实施地区内", "results")
    for key in ("rows", "eligible"):
        if not isinstance(manifest.get(key), int) or manifest[key] < 0:
            raise Invalid(f"manifest.json 的 {key} 应为非负整数", "results")
    _fen(manifest.get("total_amount"), "manifest.json 的 total_amount ")
    parts = sorted((directory / "results").glob("part-*.parquet"))
    if not parts and manifest["rows"]:
        raise Invalid("筛选结果目录中没有 results/part-*.parquet", "results")
    return manifest, hashlib.sha256(raw).hexdigest(), parts


def _rows(parts: list[Path]) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    for part in parts:
        found = pq.ParquetFile(part)
        missing = [c for c in COLUMNS if c not in found.schema_arrow.names]
        if missing:
            raise Invalid(f"{part.name} 缺少列：{'、'.join(missing)}", "results")
        for batch in found.iter_batches(batch_size=CHUNK, columns=list(COLUMNS)):
            yield batch.to_pylist()


def _checked(row: dict[str, Any], n: int, program: Program, scope: list[str]) -> dict[str, Any]:
    where = f"第 {n} 行"
    code = str(row["credit_code"] or "").strip().upper()
    if not _CODE.match(code):
        raise Invalid(f"{where}的统一社会信用代码应为 18 位数字或大写字母", "results")
    name = str(row["name"] or "").strip()
    if not name or len(name) > 200:
        raise Invalid(f"{where}的单位名称为空或超过 200 字", "results")
    region = str(row["region"] or "")
    if regions.region(region) is None or not any(regions.covers(s, region) for s in scope):
        raise Invalid(f"{where}的地区“{region}”不在这次筛选的地区内", "results")
    eligible = row["eligible"]
    if not isinstance(eligible, bool):
        raise Invalid(f"{where}的 eligible 应为真或假", "results")
    fen = _fen(row["amount"], f"{where}的金额")
    reason = str(row["reason"] or "").strip()
    if eligible and (fen <= 0 or reason):
        raise Invalid(f"{where}列为符合条件，但金额为零或带有不符合的原因", "results")
    if not eligible and (fen != 0 or not reason):
        raise Invalid(f"{where}列为不符合条件，须金额为 0.00 并写明原因", "results")
    insured, rate = row["insured_last_year"], row["layoff_rate"]
    if not isinstance(insured, int) or insured < 0:
        raise Invalid(f"{where}的上年度参保人数应为非负整数", "results")
    try:
        rate = None if rate is None else float(rate)
    except (TypeError, ValueError):
        raise Invalid(f"{where}的裁员率应为数字", "results") from None
    if rate is not None and not math.isfinite(rate):
        rate = None  # a rate over no insured staff (NaN): not defined, kept as such
    return {"code": code, "name": name, "region": region, "eligible": eligible, "fen": fen,
            "ceiling": bool(row["ceiling"]), "reason": reason, "insured": insured, "rate": rate,
            "contributions": _fen(row["contributions_last_year"], f"{where}的上年度缴费")}


# ---------------------------------------------------------------- import


def _overlaps(a: list[str], b: list[str]) -> bool:
    return any(regions.covers(x, y) or regions.covers(y, x) for x in a for y in b)


def import_results(session: Session, code: str, directory: Path, *, actor: User | None = None,
                   at: dt.datetime | None = None) -> dict[str, Any]:
    """Import a screening result directory for program ``code``, in the caller's transaction and inside a
    savepoint: a bad row or a total that disagrees with the manifest leaves nothing, even for a caller that
    commits after catching the error.

    Returns ``{"run", "outcome": imported | unchanged, "replaced": [run ids], "listed", "refused", "total"}``."""
    at = at or audit.now()
    program = definitions.get(code)
    if not program.no_application:
        raise Invalid(f"{program.name}不是免申即享项目，不能导入筛选名单", "program")
    if actor is not None:
        _require_staff(actor)
    manifest, key, parts = read_manifest(directory, program)
    with session.begin_nested():
        return _import(session, program, manifest, key, parts, actor, at)


def _import(session: Session, program: Program, manifest: dict[str, Any], key: str, parts: list[Path],
            actor: User | None, at: dt.datetime) -> dict[str, Any]:
    scope = [str(r) for r in manifest["regions"]]
    if actor is not None:
        for r in scope:
            access.require_serves(actor, r, f"{regions.label(r)}的名单")
    same = session.scalar(select(ListingRun).where(ListingRun.program == program.code, ListingRun.run_key == key))
    if same is not None:
        if same.status == "replaced":
            raise Conflict(f"这次筛选（名单 {same.id}）已被更新的筛选结果替换，不能再导入", "results")
        return _summary(same, "unchanged", [])
    others = list(session.scalars(select(ListingRun).where(ListingRun.program == program.code,
                                                           ListingRun.status != "replaced")))
    for run in others:
        if run.status in ("published", "closed") and _overlaps(run.regions, scope):
            raise Conflict(f"{program.name}在{'、'.join(regions.label(r) for r in run.regions)}的名单（{run.id}）"
                           f"已于 {run.published_at:%Y-%m-%d} 公示，不能再导入新的筛选结果替换；"
                           "名单有误的，请通过公示异议核实处理", "results")
    replaced = [run for run in others if run.status == "draft" and _overlaps(run.regions, scope)]
    for run in replaced:
        _drop_draft(session, run)
    run = ListingRun(program=program.code, run_key=key, as_of=manifest["as_of"], month=manifest["as_of"][:7],
                     regions=scope, rows=0, eligible=0, total_fen=0, manifest=manifest, status="draft",
                     imported_at=at)
    session.add(run)
    session.flush()
    seen: set[str] = set()
    rows = listed = total = 0
    for chunk in _rows(parts):
        checked = []
        for row in chunk:
            rows += 1
            item = _checked(row, rows, program, scope)
            if item["code"] in seen:
                raise Invalid(f"第 {rows} 行的统一社会信用代码与前面的行重复", "results")
            seen.add(item["code"])
            checked.append(item)
        listed += sum(1 for i in checked if i["eligible"])
        total += sum(i["fen"] for i in checked)
        _write_chunk(session, program, run, checked, at)
    if rows != manifest["rows"] or listed != manifest["eligible"] or total != _fen(manifest["total_amount"], ""):
        raise Invalid(f"筛选结果与 manifest.json 不一致：{rows} 行、{listed} 家符合、合计 {total / 100:.2f} 元，"
                      f"manifest 为 {manifest['rows']} 行、{manifest['eligible']} 家、{manifest['total_amount']} 元",
                      "results")
    run.rows, run.eligible, run.total_fen = rows, listed, total
    audit.record(session, "program_listing_imported", "program_listing", run.id, actor=actor, at=at,
                 program=program.code, regions=scope, rows=rows, eligible=listed, total_fen=total,
                 replaced=[r.id for r in replaced])
    return _summary(run, "imported", [r.id for r in replaced])


def _summary(run: ListingRun, outcome: str, replaced: list[int]) -> dict[str, Any]:
    return {"run": run.id, "program": run.program, "outcome": outcome, "status": run.status,
            "replaced": replaced, "as_of": run.as_of, "regions": run.regions, "rows": run.rows,
            "listed": run.eligible, "refused": run.rows - run.eligible, "total": f"{run.total_fen / 100:.2f}"}


def _drop_draft(session: Session, run: ListingRun) -> None:
    """A draft replaced by a newer run: its claims (never shown to anyone) and entries go; the run stays."""
    claim_ids = select(ListingEntry.claim_id).where(ListingEntry.run_id == run.id, ListingEntry.claim_id.is_not(None))
    session.execute(delete(ClaimEvent).where(ClaimEvent.claim_id.in_(claim_ids)))
    session.execute(delete(Claim).where(Claim.id.in_(claim_ids), Claim.status == "listed"))
    session.execute(delete(ListingEntry).where(ListingEntry.run_id == run.id))
    run.status = "replaced"


# The multi-row inserts go to the tables (Core executemany, one statement a chunk): the ORM's bulk insert
# groups rows by which values are None, so refused rows (no claim) between listed ones split a chunk into
# thousands of statements.


def _applicants(session: Session, items: list[dict[str, Any]], at: dt.datetime) -> dict[str, int]:
    """The enterprise applicant of each listed credit code: found by its keyed hash, or made now."""
    wanted = {i["code"]: i for i in items}
    if not wanted:
        return {}
    by_hash = {h: c for c in wanted for h in personal_data.lookup_hashes(c)}
    found: dict[str, int] = {}
    for start in range(0, len(by_hash), 2000):
        hashes = list(by_hash)[start:start + 2000]
        for aid, h in session.execute(select(Applicant.id, Applicant.id_number_hash).where(
                Applicant.kind == "enterprise", Applicant.id_number_hash.in_(hashes))):
            found[by_hash[h]] = aid
    new = {wanted[c]["hash"]: c for c in wanted if c not in found}
    if new:
        # a plain executemany, then the ids read back by the hashes just written: RETURNING with the
        # parameters' order kept made SQLite insert row by row (≈1,000 rows/s)
        session.execute(insert(Applicant.__table__), [
            {"kind": "enterprise", "name": wanted[c]["name"], "id_number": c, "id_number_hash": h,
             "region": wanted[c]["region"], "created_at": at} for h, c in new.items()])
        hashes = list(new)
        for start in range(0, len(hashes), 2000):
            for aid, h in session.execute(select(Applicant.id, Applicant.id_number_hash).where(
                    Applicant.kind == "enterprise", Applicant.id_number_hash.in_(hashes[start:start + 2000]))):
                found[new[h]] = aid
    return found


def _write_chunk(session: Session, program: Program, run: ListingRun, items: list[dict[str, Any]],
                 at: dt.datetime) -> None:
    for i in items:
        i["hash"] = personal_data.lookup_hash(i["code"])
    eligible = [i for i in items if i["eligible"]]
    applicants = _applicants(session, eligible, at)
    taken = {aid for (aid,) in session.execute(select(Claim.applicant_id).where(
        Claim.program == program.code, Claim.applicant_id.in_(list(applicants.values())),
        Claim.status.not_in(("refused", "declined", "lapsed"))))} if applicants else set()
    if taken:
        raise Conflict(f"名单中有单位已在{program.name}的其他名单中（同一企业同一年度只能享受一次）", "results")
    claim_ids: dict[str, int] = {}
    if eligible:
        before = session.scalar(select(func.coalesce(func.max(Claim.id), 0)))
        session.execute(insert(Claim.__table__), [
            {"program": program.code, "applicant_id": applicants[i["code"]], "region": i["region"],
             "month": run.month, "status": "listed", "step": 0, "step_due": None,
             "facts": {"listing": run.id, "amount": f"{i['fen'] / 100:.2f}", "ceiling": i["ceiling"],
                       "insured_last_year": i["insured"], "layoff_rate": i["rate"],
                       "contributions_last_year": f"{i['contributions'] / 100:.2f}"},
             "commitment": None, "account": None, "flags": [], "monthly_fen": i["fen"],
             "explanation": [{"text": f"依据上年度缴费记录比对：上年度参保 {i['insured']} 人，"
                                      f"裁员率 {'—' if i['rate'] is None else format(i['rate'], '.4g')}，上年度缴纳失业保险费 {i['contributions'] / 100:.2f} 元"}],
             "reasons": [], "publicity_until": None, "version": 1, "created_at": at, "decided_at": None}
            for i in eligible])
        # read back by applicant: nobody else makes a claim of a 免申即享 program (submit refuses it) and the
        # check above left none open for these enterprises
        code_of = {applicants[i["code"]]: i["code"] for i in eligible}
        ids = list(code_of)
        for start in range(0, len(ids), 2000):
            for cid, aid in session.execute(select(Claim.id, Claim.applicant_id).where(
                    Claim.program == program.code, Claim.id > before, Claim.applicant_id.in_(ids[start:start + 2000]))):
                claim_ids[code_of[aid]] = cid
        session.execute(insert(ClaimEvent.__table__), [
            {"claim_id": cid, "step": "screening", "outcome": "listed", "note": f"名单 {run.id}（{run.as_of}）",
             "actor_id": None, "at": at} for cid in claim_ids.values()])
    session.execute(insert(ListingEntry.__table__), [
        {"run_id": run.id, "program": program.code, "credit_hash": i["hash"],
         "credit_masked": personal_data.mask_id_number(i["code"]), "name": i["name"], "region": i["region"],
         "eligible": i["eligible"], "amount_fen": i["fen"], "ceiling": i["ceiling"], "reason": i["reason"],
         "insured_last_year": i["insured"], "layoff_rate": i["rate"], "contributions_fen": i["contributions"],
         "claim_id": claim_ids.get(i["code"]), "answer": None, "answered_at": None} for i in items])


# ---------------------------------------------------------------- a raised standard (提高标准部分)


def top_up(session: Session, code: str, directory: Path, *, actor: User | None = None,
           at: dt.datetime | None = None) -> dict[str, Any]:
    """A screening under a raised standard applied to the enterprises already on a published list: what the
    raised standard adds is paid without a new 公示 and without the enterprise applying again (鲁人社字〔2020〕63号
    二（一）1 “由失业保险经办机构…拨付提高标准部分，企业无需重新申报”; 附件 一（一）4 “经办机构不再公示，直接拨付”).

    A claim already approved gets one more month owed, the difference, in the screening's month (the monthly
    batch pays it to the account the enterprise confirmed); a claim still in its 公示 or waiting for the
    enterprise's answer is raised in place. Declined, lapsed or stopped claims get nothing, nor do enterprises on
    no published list (they are listed by :func:`import_results`, with their 公示). Run again, it adds nothing.
    Returns ``{"topped_up", "raised", "total", "month"}``."""
    at = at or audit.now()
    program = definitions.get(code)
    if not program.no_application or not program.top_up_sources:
        raise Invalid(f"{program.name}没有直接拨付提高标准部分的规定", "program")
    if actor is not None:
        _require_staff(actor)
    manifest, key, parts = read_manifest(directory, program)
    scope = [str(r) for r in manifest["regions"]]
    if actor is not None:
        for r in scope:
            access.require_serves(actor, r, f"{regions.label(r)}的名单")
    month = manifest["as_of"][:7]
    topped = raised = total = rows = 0
    with session.begin_nested():
        for chunk in _rows(parts):
            items = []
            for row in chunk:
                rows += 1
                items.append(_checked(row, rows, program, scope))
            for item in (i for i in items if i["eligible"]):
                outcome, added = _raise(session, program, item, month, actor, at)
                topped += outcome == "topped_up"
                raised += outcome == "raised"
                total += added
        audit.record(session, "program_listing_topped_up", "program_listing", None, actor=actor, at=at,
                     program=program.code, run_key=key, month=month, topped_up=topped, raised=raised, total_fen=total)
    return {"program": program.code, "month": month, "topped_up": topped, "raised": raised,
            "total": f"{total / 100:.2f}"}


def _raise(session: Session, program: Program, item: dict[str, Any], month: str, actor: User | None,
           at: dt.datetime) -> tuple[str, int]:
    """One enterprise of the raised screening: ("topped_up" | "raised" | "unchanged", fen added)."""
    found = session.execute(
        select(ListingEntry, Claim).join(ListingRun, ListingRun.id == ListingEntry.run_id)
        .join(Claim, Claim.id == ListingEntry.claim_id)
        .where(ListingEntry.program == program.code, ListingRun.status.in_(("published", "closed")),
               ListingEntry.eligible.is_(True),
               ListingEntry.credit_hash.in_(personal_data.lookup_hashes(item["code"])))
        .order_by(ListingRun.published_at.desc()).limit(1)).first()
    if found is None:
        return "unchanged", 0
    entry, claim = found
    if claim.status in ("publicity", "awaiting"):
        added = item["fen"] - (claim.monthly_fen or 0)
        if added <= 0:
            return "unchanged", 0
        claim.monthly_fen = entry.amount_fen = item["fen"]
        claim.facts = {**claim.facts, "amount": f"{item['fen'] / 100:.2f}"}
        note = f"按提高后的标准核定为 {item['fen'] / 100:.2f} 元"
        outcome = "raised"
    elif claim.status == "approved":
        granted = session.scalar(select(func.coalesce(func.sum(Entitlement.amount_fen), 0)).where(
            Entitlement.claim_id == claim.id, Entitlement.status != "stopped")) or 0
        added = item["fen"] - granted
        if added <= 0:
            return "unchanged", 0
        if session.scalar(select(Entitlement.id).where(Entitlement.claim_id == claim.id,
                                                       Entitlement.month == month)) is not None:
            raise Conflict(f"{entry.name}在 {month} 已有发放记录，提高标准部分请以后一个月份的筛查拨付", "results")
        session.add(Entitlement(claim_id=claim.id, applicant_id=claim.applicant_id, program=program.code,
                                region=claim.region, month=month, amount_fen=added, status="due"))
        note = f"提高标准部分 {added / 100:.2f} 元，直接拨付（不再公示，无需重新申报）"
        outcome = "topped_up"
    else:
        return "unchanged", 0
    claim.version += 1
    session.add(ClaimEvent(claim_id=claim.id, step="top_up", outcome=outcome, note=note,
                           actor_id=actor.id if actor else None, at=at))
    if session.scalar(select(User.id).where(User.applicant_id == claim.applicant_id).limit(1)) is not None:
        _post(session, program, claim.id, claim.applicant_id, "program_step", f"{program.name}：提高标准部分",
              f"贵单位的{program.name}{note}。", at, ref=f"program-top-up-{claim.id}-{month}")
    return outcome, added


# ---------------------------------------------------------------- staff: publish, remind, close, lapse


def _require_staff(user: User) -> None:
    if user.role not in (REVIEWER, SUPERVISOR):
        raise Forbidden("免申即享名单由审核或监督人员办理")


def get_run(session: Session, user: User | None, run_id: int) -> ListingRun:
    run = session.get(ListingRun, run_id)
    if run is None:
        raise NotFound(f"没有这份名单：{run_id}", "run")
    if user is not None:
        if user.role == APPLICANT:
            raise Forbidden("仅限经办人员")
        for r in run.regions:
            access.require_serves(user, r, f"名单 {run_id}（{regions.label(r)}）")
    return run


def _recipients(session: Session, run: ListingRun, statuses: tuple[str, ...], *, unanswered: bool = False):
    """(claim id, applicant id) of the run's claims in ``statuses`` whose enterprise has an account."""
    stmt = (select(Claim.id, Claim.applicant_id).join(ListingEntry, ListingEntry.claim_id == Claim.id)
            .where(ListingEntry.run_id == run.id, Claim.status.in_(statuses),
                   Claim.applicant_id.in_(select(User.applicant_id).where(User.applicant_id.is_not(None)))))
    if unanswered:
        stmt = stmt.where(ListingEntry.answer.is_(None))
    return list(session.execute(stmt.order_by(Claim.id)))


def _post(session: Session, program: Program, claim_id: int, applicant_id: int, kind: str, title: str, text: str,
          at: dt.datetime, ref: str | None = None) -> None:
    notifications.post(session, kind=kind, title=title, text=text, applicant=applicant_id,
                       link=f"/programs/listing/{program.code}", ref=ref or f"program-claim-{claim_id}", at=at)


def publish(session: Session, user: User, run_id: int, *, publicity_days: int | None = None,
            confirm_working_days: int | None = None, at: dt.datetime | None = None) -> ListingRun:
    """Publish the list for 公示. The texts print neither the days of the 公示 nor the time to confirm:
    the office enters both (a figure the texts do not print is the office's input, never a default)."""
    at = at or audit.now()
    _require_staff(user)
    run = get_run(session, user, run_id)
    program = definitions.get(run.program)
    if run.status != "draft":
        raise Conflict(f"名单 {run.id} 当前{RUN_STATUS[run.status]}，不能再公示", "run")
    days = program.publicity_days or publicity_days
    if program.publicity_office and not publicity_days:
        raise Invalid("请填写公示天数（文件未规定，由经办机构确定）", "publicity_days")
    confirm = program.confirm_working_days or confirm_working_days
    if not confirm:
        raise Invalid("请填写单位确认收款账户的期限（工作日；文件未规定，由经办机构确定）", "confirm_working_days")
    for name, value in (("publicity_days", days), ("confirm_working_days", confirm)):
        if value is not None and not (isinstance(value, int) and 1 <= value <= 365):
            raise Invalid("天数应为 1 到 365 之间的整数", name)
    run.status, run.published_at = "published", at
    run.publicity_days, run.confirm_working_days = days, confirm
    run.publicity_until = at.date() + dt.timedelta(days=days) if days else at.date()
    run.confirm_due = calendar.deadline(at, working_days=confirm)
    claim_ids = select(ListingEntry.claim_id).where(ListingEntry.run_id == run.id, ListingEntry.claim_id.is_not(None))
    session.execute(update(Claim).where(Claim.id.in_(claim_ids), Claim.status == "listed")
                    .values(status="publicity", publicity_until=run.publicity_until, version=Claim.version + 1)
                    .execution_options(synchronize_session=False))
    session.execute(insert(ClaimEvent).from_select(
        ["claim_id", "step", "outcome", "note", "actor_id", "at"],
        select(ListingEntry.claim_id, _lit("publicity"), _lit("started"),
               _lit(f"公示至 {run.publicity_until}，确认期限 {run.confirm_due}"), _lit(user.id), _lit(at))
        .where(ListingEntry.run_id == run.id, ListingEntry.claim_id.is_not(None))))
    for claim_id, applicant_id in _recipients(session, run, ("publicity",)):
        _post(session, program, claim_id, applicant_id, "program_publicity", f"{program.name}：贵单位已列入名单",
              f"经后台数据比对，贵单位符合{program.name}条件，已列入名单并公示至 {run.publicity_until}。"
              f"无需申请，请于 {run.confirm_due} 前登录确认收款账户（或选择放弃）；逾期未确认的不予发放。", at)
    audit.record(session, "program_listing_published", "program_listing", run.id, actor=user, at=at,
                 publicity_days=days, publicity_until=run.publicity_until.isoformat(),
                 confirm_working_days=confirm, confirm_due=run.confirm_due.isoformat())
    return run


def _lit(value: Any):
    return literal(value)


def remind(session: Session, user: User, run_id: int, *, at: dt.datetime | None = None) -> int:
    """A reminder to every listed enterprise (with an account) that has not answered yet; once a day."""
    at = at or audit.now()
    _require_staff(user)
    run = get_run(session, user, run_id)
    if run.status not in ("published", "closed"):
        raise Conflict(f"名单 {run.id} 当前{RUN_STATUS[run.status]}，无需提醒", "run")
    program = definitions.get(run.program)
    sent = 0
    for claim_id, applicant_id in _recipients(session, run, ("publicity", "awaiting"), unanswered=True):
        _post(session, program, claim_id, applicant_id, "program_step", f"{program.name}：请确认收款账户",
              f"贵单位已列入{program.name}名单，请于 {run.confirm_due} 前登录确认收款账户（或选择放弃）；"
              "逾期未确认的不予发放。", at, ref=f"program-listing-remind-{claim_id}-{at:%Y%m%d}")
        sent += 1
    audit.record(session, "program_listing_reminded", "program_listing", run.id, actor=user, at=at, sent=sent)
    return sent


def close(session: Session, user: User, run_id: int, *, at: dt.datetime | None = None) -> dict[str, int]:
    """End the 公示 of a published list after its days. A claim with an objection not yet resolved stays in
    公示 (closed later on its own, claims.close_publicity); a confirmed claim is approved; an unconfirmed one
    waits for its enterprise until the deadline."""
    at = at or audit.now()
    _require_staff(user)
    run = get_run(session, user, run_id)
    if run.status != "published":
        raise Conflict(f"名单 {run.id} 当前{RUN_STATUS[run.status]}，不在公示", "run")
    if at.date() <= run.publicity_until:
        raise Conflict(f"公示期至 {run.publicity_until}，期满后方可结束公示", "run")
    program = definitions.get(run.program)
    open_objection = select(Objection.claim_id).where(Objection.outcome.is_(None))
    ready = (select(ListingEntry.claim_id).join(Claim, Claim.id == ListingEntry.claim_id)
             .where(ListingEntry.run_id == run.id, Claim.status == "publicity", Claim.id.not_in(open_objection)))
    held = session.scalar(select(func.count()).select_from(ListingEntry).join(Claim, Claim.id == ListingEntry.claim_id)
                          .where(ListingEntry.run_id == run.id, Claim.status == "publicity",
                                 Claim.id.in_(open_objection))) or 0
    confirmed = [cid for (cid,) in session.execute(ready.where(ListingEntry.answer == "confirmed"))]
    session.execute(insert(ClaimEvent).from_select(
        ["claim_id", "step", "outcome", "note", "actor_id", "at"],
        select(ListingEntry.claim_id, _lit("publicity"), _lit("ended"), _lit(None), _lit(user.id), _lit(at))
        .where(ListingEntry.claim_id.in_(ready))))
    waiting = session.execute(update(Claim).where(Claim.id.in_(ready.where(ListingEntry.answer.is_(None))))
                              .values(status="awaiting", version=Claim.version + 1)
                              .execution_options(synchronize_session=False)).rowcount
    approved = _approve_many(session, program, run, confirmed, user, at)
    run.status, run.closed_at = "closed", at
    audit.record(session, "program_listing_closed", "program_listing", run.id, actor=user, at=at,
                 approved=approved, awaiting=waiting, held_by_objections=held)
    return {"approved": approved, "awaiting": waiting, "held": held}


def _approve_many(session: Session, program: Program, run: ListingRun, claim_ids: list[int], user: User | None,
                  at: dt.datetime) -> int:
    """Approve confirmed claims: one entitlement each (the month of the screening), paid by the monthly batch."""
    count = 0
    for start in range(0, len(claim_ids), CHUNK):
        ids = claim_ids[start:start + CHUNK]
        rows = list(session.execute(select(Claim.id, Claim.applicant_id, Claim.region, Claim.monthly_fen)
                                    .where(Claim.id.in_(ids))))
        session.execute(insert(Entitlement.__table__), [
            {"claim_id": cid, "applicant_id": aid, "program": program.code, "region": region, "month": run.month,
             "amount_fen": fen, "status": "due"} for cid, aid, region, fen in rows])
        session.execute(update(Claim).where(Claim.id.in_(ids)).values(
            status="approved", decided_at=at, version=Claim.version + 1,
            reasons=[f"列入{program.name}名单，公示期满无异议，单位已确认收款账户，一次发放"])
            .execution_options(synchronize_session=False))
        session.execute(insert(ClaimEvent.__table__), [
            {"claim_id": cid, "step": "decision", "outcome": "approved", "note": "公示期满，单位已确认收款账户",
             "actor_id": user.id if user else None, "at": at} for cid, *_ in rows])
        with_account = {aid for (aid,) in session.execute(select(User.applicant_id).where(
            User.applicant_id.in_([aid for _cid, aid, *_ in rows])))}
        for cid, aid, _region, fen in rows:
            if aid not in with_account:  # an enterprise without an account sees it when it registers
                continue
            notifications.post(session, kind="program_approved", title=f"{program.name}审核通过",
                               text=f"贵单位的{program.name} {fen / 100:.2f} 元已核定，将随 {run.month} 起的发放批次"
                                    f"拨付至贵单位确认的账户。", applicant=aid,
                               link=f"/programs/listing/{program.code}", ref=f"program-claim-{cid}", at=at)
        count += len(rows)
    if count:
        audit.record(session, "program_claim_approved", "program_listing", run.id, actor=user, at=at,
                     claims=len(claim_ids), month=run.month)
    return count


def after_publicity(session: Session, program: Program, claim: Claim, user: User | None, at: dt.datetime) -> None:
    """One claim's 公示 over (claims.close_publicity, after an objection was dismissed): approved if its
    enterprise confirmed, else waiting for it."""
    entry = _entry_of(session, claim)
    if entry.answer == "confirmed":
        _approve_many(session, program, session.get(ListingRun, entry.run_id), [claim.id], user, at)
        session.refresh(claim)
    else:
        claim.status = "awaiting"


def lapse(session: Session, user: User | None, run_id: int, *, at: dt.datetime | None = None) -> int:
    """After the deadline to confirm: every claim of the run not confirmed is ended (逾期未确认，不予发放)."""
    at = at or audit.now()
    if user is not None:
        _require_staff(user)
    run = get_run(session, user, run_id)
    if run.confirm_due is None or at.date() <= run.confirm_due:
        raise Conflict(f"单位确认期限为 {run.confirm_due or '未发布'}，期满后方可办理", "run")
    program = definitions.get(run.program)
    ids = [cid for (cid,) in session.execute(
        select(ListingEntry.claim_id).join(Claim, Claim.id == ListingEntry.claim_id)
        .where(ListingEntry.run_id == run.id, ListingEntry.answer.is_(None),
               Claim.status.in_(("publicity", "awaiting"))))]
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        session.execute(update(Claim).where(Claim.id.in_(part)).values(
            status="lapsed", decided_at=at, version=Claim.version + 1,
            reasons=[f"未在 {run.confirm_due} 前确认收款账户，不予发放"]).execution_options(synchronize_session=False))
        session.execute(insert(ClaimEvent.__table__), [{"claim_id": cid, "step": "decision", "outcome": "lapsed",
                                              "note": "逾期未确认", "actor_id": user.id if user else None, "at": at}
                                             for cid in part])
    for claim_id, applicant_id in session.execute(select(Claim.id, Claim.applicant_id).where(
            Claim.id.in_(ids), Claim.applicant_id.in_(select(User.applicant_id).where(User.applicant_id.is_not(None))))):
        _post(session, program, claim_id, applicant_id, "program_refused", f"{program.name}：逾期未确认",
              f"贵单位未在 {run.confirm_due} 前确认{program.name}的收款账户，本次不予发放。", at)
    audit.record(session, "program_listing_lapsed", "program_listing", run.id, actor=user, at=at, claims=len(ids))
    return len(ids)


# ---------------------------------------------------------------- the enterprise


def _enterprise(session: Session, user: User) -> Applicant:
    if user.role != APPLICANT or user.applicant_id is None:
        raise Forbidden("请以单位账号登录")
    applicant = session.get(Applicant, user.applicant_id)
    if applicant.kind != "enterprise" or not applicant.id_number:
        raise Forbidden("免申即享名单由单位以统一社会信用代码登录查看")
    return applicant


def _my_entry(session: Session, user: User, code: str) -> ListingEntry | None:
    """The enterprise's entry in the program's newest published list (found by its credit code's hash)."""
    applicant = _enterprise(session, user)
    definitions.get(code)
    return session.scalar(
        select(ListingEntry).join(ListingRun, ListingRun.id == ListingEntry.run_id)
        .where(ListingEntry.program == code, ListingRun.status.in_(("published", "closed")),
               ListingEntry.credit_hash.in_(personal_data.lookup_hashes(applicant.id_number)))
        .order_by(ListingRun.published_at.desc(), ListingEntry.id.desc()).limit(1))


def _entry_of(session: Session, claim: Claim) -> ListingEntry:
    return session.scalar(select(ListingEntry).where(ListingEntry.claim_id == claim.id))


def mine(session: Session, user: User, code: str) -> dict[str, Any]:
    """What the enterprise sees: listed (amount, 公示, deadline, its answer, the claim) or not, and why."""
    program = definitions.get(code)
    entry = _my_entry(session, user, code)
    base = {"program": program.code, "program_name": program.name, "commitment": program.commitment,
            "payment_to": program.payment_to}
    if entry is None:
        return base | {"listed": False, "screened": False,
                       "reason": "已公布的名单中没有贵单位的筛选记录（可能不在本次筛选的地区或参保范围内），"
                                 "如有疑问请联系当地社会保险经办机构"}
    run = session.get(ListingRun, entry.run_id)
    out = base | {"screened": True, "listed": entry.eligible, "name": entry.name, "credit_code": entry.credit_masked,
                  "region": entry.region, "region_name": regions.label(entry.region), "as_of": run.as_of,
                  "insured_last_year": entry.insured_last_year, "layoff_rate": entry.layoff_rate,
                  "contributions_last_year": f"{entry.contributions_fen / 100:.2f}"}
    if not entry.eligible:
        return out | {"reason": entry.reason}
    claim = session.get(Claim, entry.claim_id)
    from kuaiban.programs.claims import STATUS_NAMES

    return out | {"amount": f"{entry.amount_fen / 100:.2f}", "ceiling": entry.ceiling, "claim": claim.id,
                  "status": claim.status, "status_name": STATUS_NAMES[claim.status],
                  "publicity_until": run.publicity_until, "confirm_due": run.confirm_due,
                  "answer": entry.answer, "answer_name": ANSWERS.get(entry.answer or ""),
                  "answered_at": entry.answered_at, "account": personal_data.mask_account(claim.account),
                  "reasons": claim.reasons,
                  "may_answer": entry.answer is None and claim.status in ("publicity", "awaiting")
                  and run.confirm_due is not None and audit.now().date() <= run.confirm_due}


def _answerable(session: Session, user: User, code: str, at: dt.datetime) -> tuple[ListingEntry, Claim, ListingRun]:
    entry = _my_entry(session, user, code)
    if entry is None or not entry.eligible:
        raise NotFound("贵单位不在已公布的名单中", "program")
    claim, run = session.get(Claim, entry.claim_id), session.get(ListingRun, entry.run_id)
    if entry.answer is not None:
        raise Conflict(f"贵单位已于 {entry.answered_at:%Y-%m-%d} {ANSWERS[entry.answer]}", "program")
    if claim.status not in ("publicity", "awaiting"):
        from kuaiban.programs.claims import STATUS_NAMES

        raise Conflict(f"这项名单当前{STATUS_NAMES[claim.status]}，不能再确认或放弃", "program")
    if at.date() > run.confirm_due:
        raise Conflict(f"确认期限（{run.confirm_due}）已过", "program")
    if claim.applicant_id != user.applicant_id:  # listed under another record of the same credit code
        session.execute(update(Entitlement).where(Entitlement.claim_id == claim.id)
                        .values(applicant_id=user.applicant_id))
        claim.applicant_id = user.applicant_id
    return entry, claim, run


def confirm(session: Session, user: User, code: str, *, bank: str, account: str, commitment: bool,
            at: dt.datetime | None = None) -> dict[str, Any]:
    """The enterprise confirms the account to be paid into and makes the commitment the texts allow in place
    of checks (人社部发〔2020〕30号 三（一）；鲁人社字〔2020〕26号 四（三）：由企业进行确认、承诺)."""
    at = at or audit.now()
    program = definitions.get(code)
    errors = []
    bank, number = (bank or "").strip(), re.sub(r"[\s-]", "", account or "")
    if not bank or len(bank) > 100:
        errors.append({"field": "bank", "detail": "请填写开户银行"})
    if not re.fullmatch(r"\d{8,32}", number):
        errors.append({"field": "account", "detail": "银行账号应为 8 到 32 位数字"})
    if not commitment:
        errors.append({"field": "commitment", "detail": "请阅读并确认承诺"})
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    entry, claim, run = _answerable(session, user, code, at)
    entry.answer, entry.answered_at = "confirmed", at
    claim.account, claim.commitment = f"{bank} {number}", program.commitment
    claim.version += 1
    session.add(ClaimEvent(claim_id=claim.id, step="confirmation", outcome="confirmed",
                           note=f"收款账户 {personal_data.mask_account(number)}", actor_id=user.id, at=at))
    audit.record(session, "program_listing_confirmed", "program_claim", claim.id, actor=user, at=at, run=run.id)
    if claim.status == "awaiting":  # the 公示 is over: approved now
        session.flush()
        _approve_many(session, program, run, [claim.id], user, at)
        session.refresh(claim)
    else:
        _post(session, program, claim.id, claim.applicant_id, "program_step", f"{program.name}：收款账户已确认",
              f"贵单位已确认{program.name}的收款账户（尾号 {number[-4:]}），公示期满（{run.publicity_until}）"
              "无异议后发放。", at)
    return mine(session, user, code)


def decline(session: Session, user: User, code: str, *, note: str | None = None,
            at: dt.datetime | None = None) -> dict[str, Any]:
    at = at or audit.now()
    program = definitions.get(code)
    entry, claim, run = _answerable(session, user, code, at)
    entry.answer, entry.answered_at = "declined", at
    claim.status, claim.decided_at, claim.version = "declined", at, claim.version + 1
    claim.reasons = ["单位放弃" + (f"：{note.strip()[:500]}" if (note or "").strip() else "")]
    session.add(ClaimEvent(claim_id=claim.id, step="confirmation", outcome="declined", note=claim.reasons[0],
                           actor_id=user.id, at=at))
    audit.record(session, "program_listing_declined", "program_claim", claim.id, actor=user, at=at, run=run.id)
    _post(session, program, claim.id, claim.applicant_id, "program_step", f"{program.name}：已放弃",
          f"贵单位已放弃{program.name}（{entry.amount_fen / 100:.2f} 元），本次不予发放。", at)
    return mine(session, user, code)


# ---------------------------------------------------------------- lists


def public_list(session: Session, code: str, *, page: int = 1, region: str | None = None) -> dict[str, Any]:
    """The 公示: units and amounts (人社部发〔2020〕30号 三（二）：向社会公示享受政策的单位、额度), the credit
    code masked; the claims in their 公示 days, newest list first, paged."""
    program = definitions.get(code)
    stmt = (select(ListingEntry.claim_id, ListingEntry.name, ListingEntry.credit_masked, ListingEntry.region,
                   ListingEntry.amount_fen, ListingEntry.ceiling, ListingRun.publicity_until)
            .join(ListingRun, ListingRun.id == ListingEntry.run_id).join(Claim, Claim.id == ListingEntry.claim_id)
            .where(ListingEntry.program == program.code, ListingRun.status == "published", Claim.status == "publicity"))
    if region:
        stmt = stmt.where(access.within(ListingEntry.region, regions.resolve(region)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    rows = session.execute(stmt.order_by(ListingEntry.region, ListingEntry.id).offset((page - 1) * PAGE).limit(PAGE))
    return {"program": program.code, "program_name": program.name, "page": page, "pages": max(1, -(-total // PAGE)),
            "total": total, "items": [
                {"claim": cid, "name": name, "credit_code": masked, "region": r, "region_name": regions.label(r),
                 "amount": f"{fen / 100:.2f}", "ceiling": ceiling, "until": until}
                for cid, name, masked, r, fen, ceiling, until in rows]}


def run_dict(session: Session, run: ListingRun) -> dict[str, Any]:
    answers = dict(session.execute(select(ListingEntry.answer, func.count()).where(
        ListingEntry.run_id == run.id, ListingEntry.eligible.is_(True)).group_by(ListingEntry.answer)).all())
    return {"run": run.id, "program": run.program, "program_name": definitions.get(run.program).name,
            "status": run.status, "status_name": RUN_STATUS[run.status], "as_of": run.as_of, "month": run.month,
            "regions": [{"code": r, "name": regions.label(r)} for r in run.regions], "rows": run.rows,
            "listed": run.eligible, "refused": run.rows - run.eligible, "total": f"{run.total_fen / 100:.2f}",
            "figures": run.manifest.get("figures", {}), "imported_at": run.imported_at,
            "published_at": run.published_at, "publicity_days": run.publicity_days,
            "publicity_until": run.publicity_until, "confirm_working_days": run.confirm_working_days,
            "confirm_due": run.confirm_due, "closed_at": run.closed_at,
            "confirmed": answers.get("confirmed", 0), "declined": answers.get("declined", 0),
            "unanswered": answers.get(None, 0)}


def runs(session: Session, user: User) -> list[dict[str, Any]]:
    """The lists of the programs in the staff member's regions (a run shows when one of its regions is theirs)."""
    _require_staff(user)
    out = []
    for run in session.scalars(select(ListingRun).order_by(ListingRun.id.desc()).limit(200)):
        if user.region is None or any(regions.covers(user.region, r) or regions.covers(r, user.region)
                                      for r in run.regions):
            out.append(run_dict(session, run))
    return out


def entries(session: Session, user: User, run_id: int, *, eligible: bool | None = None, page: int = 1) -> dict[str, Any]:
    """A list's entries in the staff member's regions, paged (listed and not, with the reasons)."""
    _require_staff(user)
    run = session.get(ListingRun, run_id)
    if run is None:
        raise NotFound(f"没有这份名单：{run_id}", "run")
    stmt = access.scoped(select(ListingEntry, Claim.status).outerjoin(Claim, Claim.id == ListingEntry.claim_id)
                         .where(ListingEntry.run_id == run.id), user, ListingEntry.region)
    if eligible is not None:
        stmt = stmt.where(ListingEntry.eligible.is_(eligible))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    from kuaiban.programs.claims import STATUS_NAMES

    items = [{"entry": e.id, "claim": e.claim_id, "name": e.name, "credit_code": e.credit_masked, "region": e.region,
              "eligible": e.eligible, "amount": f"{e.amount_fen / 100:.2f}", "ceiling": e.ceiling, "reason": e.reason,
              "answer": e.answer, "status": status, "status_name": STATUS_NAMES.get(status or "", "")}
             for e, status in session.execute(stmt.order_by(ListingEntry.id).offset((page - 1) * PAGE).limit(PAGE))]
    return run_dict(session, run) | {"page": page, "pages": max(1, -(-total // PAGE)), "count": total, "items": items}

