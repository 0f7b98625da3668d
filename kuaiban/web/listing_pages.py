"""免申即享 pages (稳岗返还): the public 公示 list (no sign-in; units and amounts, credit codes masked, an
objection form for signed-in users), the enterprise's own page (listed or why not; confirm the bank account
with the commitment, or decline), and the staff's lists (publish with the office's days, remind, close the
公示, lapse the unconfirmed; the entries of their regions), and the screening that makes a list: a 审核 or 监督
account starts it as a queue job and follows its progress (:mod:`kuaiban.programs.screening.job`). A thin layer
over :mod:`kuaiban.programs.listing`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kuaiban.platform import jobs
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, User
from kuaiban.programs import definitions, listing
from kuaiban.programs.models import Claim
from kuaiban.programs.screening import job as screening_job
from kuaiban.web import rating_views
from kuaiban.web.clauses import linked_basis
from kuaiban.web.guide_pages import picked_region, picker_values
from kuaiban.web.page_support import PostedForm, SessionDep, Visitor, form_action, page_user, text
from kuaiban.web.signup import region_choices
from kuaiban.web.templating import render

router = APIRouter(prefix="/programs", include_in_schema=False)
Enterprise = Annotated[User, page_user((APPLICANT,), title="仅限单位", message="请以单位账号（统一社会信用代码）登录。")]
Staff = Annotated[User, page_user((REVIEWER, SUPERVISOR), title="仅限审核或监督人员",
                                  message="免申即享名单的公示和发放由审核或监督人员办理。")]


def _int(value: str, default: int | None = None) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


@router.get("/listing/{code}", response_class=HTMLResponse)
def public(request: Request, s: SessionDep, user: Visitor, code: str, page: int = 1, region: str = "",
           province: str = "", city: str = "", county: str = "") -> Response:
    """The list anyone may read; the region picked by name (省 → 市 → 区县, the deepest chosen wins) as on the
    other 公示, or given as ``region`` (a code, as the paging links carry it)."""
    page = min(max(page, 1), 1_000_000)
    found = definitions.get(code)
    program = definitions.describe(found)
    basis = linked_basis(request.app.state, s, [definitions.clauses()[k] for k in found.sources])
    region = picked_region(province, city, county) or region
    region = region if region.isascii() and region.isdigit() and len(region) <= 12 else ""
    values = picker_values(region)
    return render(request, "programs/listing_public.html",
                  {"program": program, "basis": basis,
                   "list": listing.public_list(s, code, page=page, region=region or None),
                   "region": region, "regions": region_choices(values), "values": values,
                   # 查看本单位是否列入名单 only for a 单位 account: a citizen's would be refused
                   "enterprise": user is not None and user.applicant is not None
                   and user.applicant.kind == "enterprise"}, user=user)


@router.get("/listing/{code}/mine", response_class=HTMLResponse)
def mine(request: Request, s: SessionDep, user: Enterprise, code: str) -> Response:
    return _mine_page(request, s, user, code, {})


def _mine_page(request, s, user, code, errors, status=200, values=None) -> Response:
    entry = listing.mine(s, user, code)
    claim = s.get(Claim, entry["claim"]) if entry.get("claim") else None
    # once confirmed, declined or lapsed (decided), the enterprise rates it here as on the claim's page
    rating = rating_views.of_claim(s, user, claim, back=f"/programs/listing/{code}/mine") if claim else None
    return render(request, "programs/listing_mine.html",
                  {"entry": entry, "errors": errors, "values": values or {}, "rating_view": rating},
                  status=status, user=user)


@router.post("/listing/{code}/confirm")
def confirm(request: Request, s: SessionDep, user: Enterprise, form: PostedForm, code: str) -> Response:
    values = {"bank": text(form, "bank"), "account": text(form, "account")}
    return form_action(s, lambda: listing.confirm(s, user, code, bank=values["bank"], account=values["account"],
                                                  commitment=form.get("commitment") == "on"),
                       f"/programs/listing/{code}/mine",
                       lambda errs, status: _mine_page(request, s, user, code, errs, status, values), retry=True)


@router.post("/listing/{code}/decline")
def decline(request: Request, s: SessionDep, user: Enterprise, form: PostedForm, code: str) -> Response:
    return form_action(s, lambda: listing.decline(s, user, code, note=text(form, "note") or None),
                       f"/programs/listing/{code}/mine",
                       lambda errs, status: _mine_page(request, s, user, code, errs, status), retry=True)


@router.get("/listings", response_class=HTMLResponse)
def runs(request: Request, s: SessionDep, user: Staff) -> Response:
    return _runs_page(request, s, user, {})


def _runs_page(request, s, user, errors, status=200) -> Response:
    return render(request, "programs/listings.html", {"runs": listing.runs(s, user), "errors": errors},
                  status=status, user=user)


@router.get("/listings/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, s: SessionDep, user: Staff, run_id: int, page: int = 1, show: str = "") -> Response:
    page = min(max(page, 1), 1_000_000)
    eligible = {"listed": True, "refused": False}.get(show)
    return render(request, "programs/listing_run.html",
                  {"run": listing.entries(s, user, run_id, eligible=eligible, page=page), "show": show}, user=user)


@router.post("/listings/{run_id}/{action}")
def act(request: Request, s: SessionDep, user: Staff, form: PostedForm, run_id: int, action: str) -> Response:
    actions = {
        "publish": lambda: listing.publish(s, user, run_id, publicity_days=_int(text(form, "publicity_days")),
                                           confirm_working_days=_int(text(form, "confirm_working_days"))),
        "remind": lambda: listing.remind(s, user, run_id),
        "close": lambda: listing.close(s, user, run_id),
        "lapse": lambda: listing.lapse(s, user, run_id),
    }
    if action not in actions:
        return _runs_page(request, s, user, {"action": "没有这项操作"}, 404)
    return form_action(s, actions[action], "/programs/listings",
                       lambda errs, status: _runs_page(request, s, user, errs, status), retry=True)


# ---------------------------------------------------------------- the screening that makes the lists

Starter = Annotated[User, page_user(screening_job.STARTERS, title="仅限审核或监督人员",
                                    message="稳岗返还筛查由审核人员或监督人员发起。")]


@router.get("/screenings", response_class=HTMLResponse)
def screening_form(request: Request, user: Starter) -> Response:
    return _screening_page(request, user, {})


def _screening_page(request, user, errors, status=200, values=None) -> Response:
    return render(request, "programs/screening.html",
                  {"choices": screening_job.choices(), "errors": errors, "values": values or {}},
                  status=status, user=user)


@router.post("/screenings")
def start_screening(request: Request, s: SessionDep, user: Starter, form: PostedForm) -> Response:
    """A screening as a queue job: checked now, run by a worker; its page follows the progress."""
    values = {k: text(form, k) for k in ("program", "registry", "as_of")}
    prefix = f"figure.{values['program']}."  # each program's figures have their own inputs
    figures = {k.removeprefix(prefix): text(form, k) for k in form if k.startswith(prefix) and text(form, k)}
    values |= {k: text(form, k) for k in form if k.startswith("figure.")}

    def queue() -> str:
        job = screening_job.submit(s, user, program=values["program"], registry_name=values["registry"],
                                   as_of=values["as_of"], figures=figures)
        s.commit()  # committed before the queue may hand it to a worker
        jobs.start(request.app.state.engine, job.id)
        return job.id

    program = {p["code"]: p for p in screening_job.choices()["programs"]}.get(values["program"])
    figure_names = {f["name"] for f in program["figures"]} if program else set()
    return form_action(s, queue, lambda job_id: f"/programs/screenings/{job_id}",
                       lambda errs, status: _screening_page(request, user, errs, status, values),
                       # a refused figure's message goes beside its input, which is the chosen program's
                       field_of=lambda exc: prefix + exc.field if exc.field in figure_names else exc.field or "action")


IMPORT_WAIT = 5.0  # seconds the page waits for a quick import before showing its progress instead


def _screening_job_page(request: Request, s: Session, user: User, job_id: str, *, errors=None, imported=None,
                        status: int = 200) -> Response:
    return render(request, "programs/screening_job.html",
                  {"job": screening_job.job_dict(screening_job.readable_job(s, user, job_id)),
                   "errors": errors or {}, "imported": imported}, status=status, user=user)


@router.get("/screenings/{job_id}", response_class=HTMLResponse)
def screening_page(request: Request, s: SessionDep, user: Starter, job_id: str, imported: str = "") -> Response:
    """The screening's progress and result; with ``imported`` (an import job), that import's progress too."""
    found = screening_job.import_dict(screening_job.readable_import(s, user, imported)) if imported else None
    return _screening_job_page(request, s, user, job_id, imported=found)


@router.post("/screenings/{job_id}/import")
def import_screening(request: Request, s: SessionDep, user: Starter, form: PostedForm, job_id: str) -> Response:
    """The finished screening becomes the program's list (a draft) on the job queue: a quick import goes
    straight to the list's page to publish; a long one to this page, which follows it."""
    def queue() -> str:
        job = jobs.run_and_wait(s, request.app.state.engine, screening_job.start_import(s, user, job_id), IMPORT_WAIT)
        if job.state == jobs.FAILED:
            raise Conflict(job.message or "名单未能导入", "action")
        if job.state == jobs.DONE:
            return f"/programs/listings/{job.meta['run']}"
        return f"/programs/screenings/{job_id}?imported={job.id}"

    return form_action(s, queue, lambda where: where,
                       lambda errs, status: _screening_job_page(request, s, user, job_id, errors=errs,
                                                                status=status))
