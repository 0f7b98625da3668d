"""A screening as a background job (kuaiban/platform/jobs.py): started by staff, run by the job queue.

Registries and results live under ``$KUAIBAN_VAR/screening`` (``registries/<name>/``, ``results/<name>/``): staff
name a registry, never a path. Only a 审核 or 监督 account serving every region of the registry may start a
screening of it. The job's input is the request (program, registry, date, figures); its result the manifest of
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

from sqlalchemy.orm import Session

from kuaiban import config as app_config
from kuaiban.platform import access, jobs, regions
from kuaiban.platform.errors import Forbidden
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.programs.screening import config, registry
from kuaiban.programs.screening.errors import ScreeningError
from kuaiban.programs.screening.run import screen

KIND = "programs.screening"
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


def submit(session: Session, user: User, *, program: str, registry_name: str, as_of: date,
           figures: dict[str, str]) -> jobs.Job:
    """A queued screening owned by `user`; call ``jobs.start`` after the commit. The request is checked here
    (program, date, figures, the registry's layout and regions), so a bad one is refused at once."""
    if user.role not in (REVIEWER, SUPERVISOR):
        raise Forbidden("只有审核人员或监督人员可以发起稳岗返还筛查")
    definition = config.program(program)
    definition.check_as_of(as_of)
    values = definition.figures_from(figures)
    source = registry_path(registry_name)
    parts = registry.plan(source)
    for part in parts:
        access.require_serves(user, part.region, f"{regions.label(part.region)}的登记数据")
    request = {"program": program, "registry": registry_name, "as_of": as_of.isoformat(), "figures": figures}
    meta = {"program": program, "registry": registry_name, "as_of": as_of.isoformat(), "figures": values,
            "regions": len(parts), "regions_done": 0}
    return jobs.submit(session, KIND, json.dumps(request, ensure_ascii=False, sort_keys=True).encode(), meta,
                       user=user)


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
