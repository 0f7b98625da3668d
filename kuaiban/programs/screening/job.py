"""A screening as a background job (kuaiban/platform/jobs.py): started by staff, run by the job queue.

Registries and results live under ``$KUAIBAN_VAR/screening`` (``registries/<name>/``, ``results/<name>/``): staff
name a registry, never a path (:func:`registry_names`). Only a 审核 or 监督 account (:data:`STARTERS`) serving
every region of the registry may start a screening of it; the pages and the API start it the same way
(:func:`submit`, commit, ``jobs.start``) and show it as :func:`job_dict` gives it. The job's input is the request (program, registry, date, figures); its result the manifest of
the result directory, whose name is the request's digest: a job run twice (its runner died) finds its finished
directory and returns it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuaiban import config as app_config
from kuaiban.db import session_scope
from kuaiban.platform import access, jobs, regions
from kuaiban.platform.errors import Conflict, Forbidden, NotFound, ServiceError
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.programs.screening import config, registry
from kuaiban.programs.screening.errors import ScreeningError
from kuaiban.programs.screening.run import screen

KIND = "programs.screening"
IMPORT_KIND = "programs.screening_import"  # the finished result imported as a 免申即享 list
STARTERS = (REVIEWER, SUPERVISOR)  # who may start a screening and follow it
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def root() -> Path:
    return app_config.VAR / "screening"


def registry_path(name: str) -> Path:
    if not _NAME.match(name) or ".." in name:
        raise ScreeningError(f"登记数据名称「{name}」无效：只能用字母、数字、点、横线和下划线", "registry")
    path = root() / "registries" / name
    if not path.is_dir():
        raise ScreeningError(f"没有名为「{name}」的登记数据", "registry")
    return path


def require_starter(user: User) -> None:
    if user.role not in STARTERS:
        raise Forbidden("只有审核人员或监督人员可以发起稳岗返还筛查")


def registry_names() -> list[str]:
    """The registries staff may screen: the directories under ``$KUAIBAN_VAR/screening/registries``."""
    folder = root() / "registries"
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and _NAME.match(p.name)) if folder.is_dir() else []


def choices() -> dict[str, Any]:
    """What a screening is started with: each program (its name, period and the local figures the texts do
    not print, which staff supply), and the registries."""
    return {"programs": [{"code": p.code, "name": p.name, "period": [p.period[0].isoformat(), p.period[1].isoformat()],
                          "figures": [{"name": f.name, "label": f.label, "type": f.type} for f in p.figures]}
                         for p in config.programs().values()],
            "registries": registry_names()}


def submit(session: Session, user: User, *, program: str, registry_name: str, as_of: date | str,
           figures: dict[str, str]) -> jobs.Job:
    """A queued screening owned by `user`; call ``jobs.start`` after the commit. The request is checked here
    (program, date — a date or its YYYY-MM-DD text —, figures, the registry's layout and regions), so a bad one
    is refused at once."""
    require_starter(user)
    definition = config.program(program)
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of.strip())
        except ValueError:
            raise ScreeningError(f"筛查日期不是有效的日期，请按 2021-05-20 这样的格式填写（收到「{as_of}」）", "as_of") from None
    definition.check_as_of(as_of)
    values = definition.figures_from(figures)
    source = registry_path(registry_name)
    parts = registry.plan(source, definition.enterprise_columns)
    for part in parts:
        access.require_serves(user, part.region, f"{regions.label(part.region)}的登记数据")
    request = {"program": program, "registry": registry_name, "as_of": as_of.isoformat(), "figures": figures}
    meta = {"program": program, "registry": registry_name, "as_of": as_of.isoformat(), "figures": values,
            "regions": len(parts), "regions_done": 0}
    return jobs.submit(session, KIND, json.dumps(request, ensure_ascii=False, sort_keys=True).encode(), meta,
                       user=user)


def _readable(session: Session, user: User, job_id: str, kind: str, missing: str) -> jobs.Job:
    """A job of ``kind`` for its owner, or the 审核 and 监督 staff whose region covers the owner's."""
    job = jobs.readable(session, job_id, user=user)
    if job is None or job.kind != kind or (job.owner_user_id != user.id and user.role not in STARTERS):
        raise NotFound(missing, "job")
    return job


def readable_job(session: Session, user: User, job_id: str) -> jobs.Job:
    return _readable(session, user, job_id, KIND, "没有这个筛查任务")


def job_dict(job: jobs.Job) -> dict[str, Any]:
    """What the pages and the API show of a screening job: the request, the progress (regions screened of
    all), and when done the result (its directory's name, enterprises screened, eligible, total), or why not."""
    program = config.programs().get(job.meta.get("program", ""))
    return job.meta | {"job": job.id, "state": job.state, "message": job.message, "attempts": job.attempts,
                       "program_name": program.name if program else job.meta.get("program"),
                       "created_at": job.created_at.isoformat(),
                       "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def start_import(session: Session, user: User, job_id: str) -> jobs.Job:
    """Queue the import of a finished screening as its program's 免申即享 list (a draft to publish), as
    ``kuaiban programs import-screening`` does; the caller commits, then hands it to the queue. A province's
    result is 100,000 enterprises or more — minutes of work that a request must not hold."""
    screening = readable_job(session, user, job_id)
    if screening.state != jobs.DONE:
        raise Conflict("筛查尚未完成，不能导入名单", "job")
    meta = {"screening": screening.id, "program": screening.meta["program"], "result": screening.meta["result"],
            "program_name": job_dict(screening)["program_name"], "actor": user.id}
    return jobs.submit(session, IMPORT_KIND, json.dumps({"screening": screening.id}).encode(), meta, user=user)


def _run_import(engine: Engine, data: bytes, meta: dict[str, Any],
                progress: jobs.Progress) -> tuple[bytes, dict[str, Any], dict[str, bytes]]:
    """The queue's handler of an import: one transaction (importing again — a second attempt after a crash —
    finds the list by the result's hash and changes nothing), as the account that asked, checked again now."""
    from kuaiban.programs import listing  # the list the screening feeds (same pillar)

    with session_scope(engine) as session:
        actor = session.get(User, meta["actor"])
        if actor is None or not actor.active:
            raise jobs.JobFailed("发起导入的账号已停用")
        try:
            imported = listing.import_results(session, meta["program"], root() / "results" / meta["result"],
                                              actor=actor)
        except ServiceError as refusal:
            raise jobs.JobFailed(refusal.message) from None
    return json.dumps(imported, ensure_ascii=False).encode(), meta | imported, {}


def readable_import(session: Session, user: User, import_id: str) -> jobs.Job:
    return _readable(session, user, import_id, IMPORT_KIND, "没有这个导入任务")


def import_dict(job: jobs.Job) -> dict[str, Any]:
    """What the pages and the API show of an import job: when done, the list (``run``, ``outcome``, ``listed``,
    ``refused``, ``total`` …); when failed, why."""
    return {k: v for k, v in job.meta.items() if k != "actor"} | {
        "job": job.id, "state": job.state, "message": job.message, "attempts": job.attempts,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def run_job(data: bytes, meta: dict[str, Any], progress: jobs.Progress) -> tuple[bytes, dict[str, Any]]:
    """The queue's handler: the screening, its progress by region, the manifest as the result."""
    request = json.loads(data)
    out = root() / "results" / f"{request['program']}-{request['as_of']}-{hashlib.sha256(data).hexdigest()[:16]}"
    manifest_path = out / "manifest.json"
    if manifest_path.exists():  # run before to its end (this is a second attempt)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    else:
        done = 0

        def advance(_result: dict[str, Any]) -> None:
            nonlocal done
            done += 1
            progress({"regions_done": done})

        try:
            manifest = screen(request["program"], registry_path(request["registry"]), out,
                              as_of=date.fromisoformat(request["as_of"]), figures=request["figures"],
                              on_region=advance)
        except ScreeningError as error:
            raise jobs.JobFailed(error.message) from None
        manifest = {key: manifest[key] for key in ("program", "as_of", "regions", "rows", "eligible", "total_amount",
                                                   "sources", "figures", "created_at")}
    summary = {"result": out.name, "rows": manifest["rows"], "eligible": manifest["eligible"],
               "total_amount": manifest["total_amount"], "regions_done": len(manifest["regions"])}
    return json.dumps(manifest, ensure_ascii=False).encode(), meta | summary


jobs.register(KIND, run_job)
jobs.register_task(IMPORT_KIND, _run_import)
