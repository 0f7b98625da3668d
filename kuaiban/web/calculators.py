"""政策计算器 pages: the list, one form per calculator, the cited explanation, and CSV batches.

Thin over `kuaiban.rules`: the form is generated from the calculator's input spec, checked with the
CLI's own validation (`calc_forms.read_form`), computed by `Calculator.run`; every step's clause and
every clause the calculator implements links into the 法规库 (`clauses.resolve`). A CSV upload becomes
a job run with the population mode (`calc_jobs`), its progress polled by a few lines of plain JS.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuaiban.cross_refs import claim_note, claim_routes
from kuaiban.deps import get_session
from kuaiban.platform import audit, jobs, throttle
from kuaiban.platform.errors import TooManyRequests
from kuaiban.rules.calculators import CALCULATORS, Calculator, CalculatorError
from kuaiban.rules.sources import Source, all_sources, source
from kuaiban.web import calc_jobs
from kuaiban.web import session as web_session
from kuaiban.web.calc_forms import (
    detail_rows,
    error_text,
    form_fields,
    plain_note,
    read_form,
    shown_value,
    states_value,
    unit_name,
)
from kuaiban.web.clauses import ClauseLink, resolver
from kuaiban.web.form_limits import limited_form
from kuaiban.web.templating import render, templates

templates.env.filters["shown_value"] = shown_value  # 1816, not 1816.0; 是/否
templates.env.tests["stated_in"] = lambda value, text: states_value(text, value)

router = APIRouter(prefix="/calc", include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _step_source(cited: dict) -> Source:
    """The registered clause a step cites (steps carry doc_no, article and quote, not the key)."""
    for s in all_sources().values():
        if (s.doc_no, s.article, s.quote) == (cited["doc_no"], cited["article"], cited["quote"]):
            return s
    return Source(key=f"{cited['doc_no']}|{cited['article']}", file="", lines=(0, 0), **cited)


def _clauses(request: Request, session: Session, calc: Calculator) -> list[ClauseLink]:
    link = resolver(request.app.state, session)
    return [link(source(key)) for key in calc.sources]


def _calculator(name: str) -> Calculator | None:
    return CALCULATORS.get(name)


def _not_found(request: Request, name: str):
    return render(request, "not_found.html", {"message": "没有这个计算器：请从政策计算页面选择。",
                                               "back_url": "/calc", "back_label": "返回政策计算"}, status=404)


AUDIENCES = {"citizens": "个人", "employers": "企业", "caseworkers": "经办人员"}


def grouped(calculators: list[Calculator]) -> list[dict]:
    """Every calculator once, under its audience (个人, 企业, 经办人员) and theme, in title order."""
    groups: dict[str, dict[str, list[dict]]] = {label: {} for label in AUDIENCES.values()}
    for c in sorted(calculators, key=lambda c: (c.theme, c.title)):
        audience = AUDIENCES.get(c.audience, "其他")
        groups.setdefault(audience, {}).setdefault(c.theme or "其他", []).append(
            {"name": c.name, "title": c.title, "unit": unit_name(c.unit), "coverage": c.coverage,
             "clauses": len(c.sources)})
    return [{"audience": audience, "themes": [{"theme": theme, "calcs": calcs} for theme, calcs in themes.items()]}
            for audience, themes in groups.items() if themes]


@router.get("")
def calculator_list(request: Request):
    return render(request, "calculators/index.html", {"groups": grouped(list(CALCULATORS.values()))})


# ------------------------------------------------------------------ batch jobs (before /{name})

def _owned_job(request: Request, session: Session, job_id: str) -> jobs.Job | None:
    """The job if this browser's account or job cookie owns it (staff in scope too); None otherwise."""
    return jobs.readable(session, job_id, user=web_session.current_user(request, session),
                         visitor_secret=request.cookies.get(calc_jobs.OWNER_COOKIE))


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, session: SessionDep):
    job = _owned_job(request, session, job_id)
    if job is None:
        return render(request, "not_found.html", {"message": "没有这个批量计算任务（任务编号有误、已过期，或不是本人上传的）",
                                                   "back_url": "/calc", "back_label": "返回政策计算"},
                      status=404)
    calc = CALCULATORS.get(job.meta["calculator"])
    return render(request, "calculators/job.html", {"job": calc_jobs.status(job), "calc": calc,
                                                     "unit": unit_name(calc.unit) if calc else ""})


@router.get("/jobs/{job_id}/status")
def job_status(request: Request, job_id: str, session: SessionDep):
    job = _owned_job(request, session, job_id)
    if job is None:
        return JSONResponse({"detail": "没有这个批量计算任务"}, status_code=404)
    return calc_jobs.status(job)


@router.get("/jobs/{job_id}/result.csv")
def job_result(request: Request, job_id: str, session: SessionDep):
    job = _owned_job(request, session, job_id)
    data = jobs.result(session, job) if job is not None else None
    if job is None or data is None:
        return PlainTextResponse("结果尚未生成：请在任务页面等待计算完成。", status_code=404)
    stem = job.meta["filename"].rsplit(".", 1)[0] or "rows"
    calc = CALCULATORS.get(job.meta["calculator"])
    name = f"{stem}-{calc.title if calc else '计算'}-结果.csv"
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"})


# ------------------------------------------------------------------ one calculator

def _form_page(request: Request, session: Session, calc: Calculator, *, values: dict | None = None,
               errors: dict | None = None, result: dict | None = None, general_error: str | None = None,
               upload_error: str | None = None, status_code: int = 200):
    link = resolver(request.app.state, session)
    steps = []
    if result:
        steps = [step | {"link": link(_step_source(step["source"]))} for step in result["explanation"]]
    fields = form_fields(calc)
    labels = {f.name: f.label for f in fields}
    # where its answer can be claimed in this system; a region the page was filled in for that no program
    # covers is said plainly (本系统不受理山东的…申领)
    place = next((str((values or {}).get(f.name) or "") for f in calc.fields if f.type == "region"), "")
    return render(request, "calculators/form.html", {
        "claim_routes": claim_routes(calc.name), "claim_note": claim_note(calc.name, calc.title, place or None),
        "calc": calc, "unit": unit_name(calc.unit), "fields": fields, "values": values or {},
        "errors": {k: error_text(v, labels.get(k)) for k, v in (errors or {}).items()}, "raw_errors": errors or {},
        "result": result, "steps": steps, "general_error": general_error, "upload_error": upload_error,
        "clauses": _clauses(request, session, calc), "max_mb": calc_jobs.MAX_BYTES // 1024 // 1024,
        "notes": [plain_note(n, calc) for n in calc.notes],
        "details": detail_rows(calc, result["details"], values or {}) if result and result.get("details") else [],
    }, status=status_code)


@router.get("/{name}")
def calculator_page(request: Request, name: str, session: SessionDep):
    calc = _calculator(name)
    if calc is None:
        return _not_found(request, name)
    return _form_page(request, session, calc, values=_region_given(calc, request.query_params.get("region", "")))


def link_for_region(url: str, place: str | None) -> str:
    """A calculator's address for a page about ``place`` (a document of 北京): ``/calc/<name>?region=北京`` when the
    calculator asks a region and covers that one, the bare address otherwise."""
    calc = CALCULATORS.get(url.removeprefix("/calc/")) if url.startswith("/calc/") else None
    if calc is None or not place or not _region_given(calc, place):
        return url
    return f"{url}?region={quote(place)}"


def _region_given(calc: Calculator, place: str) -> dict[str, str]:
    """``?region=北京`` (a document's link to the calculator that implements it): its region field chosen, when
    the calculator covers that region; nothing else is filled in and nothing is computed."""
    field = next((f for f in calc.fields if f.type == "region"), None)
    return {field.name: place} if field is not None and place and place in field.choices else {}


@router.post("/{name}")
async def calculator_submit(request: Request, name: str, session: SessionDep):
    calc = _calculator(name)
    if calc is None:
        return _not_found(request, name)
    form = await request.form()
    values = {spec.name: str(form.get(spec.name) or "") for spec in calc.fields}
    raw, errors = read_form(calc, values)
    if errors:
        return _form_page(request, session, calc, values=values, errors=errors, status_code=422)
    try:
        result = calc.run(raw)
    except CalculatorError as error:
        field = error.field
        if field in values:  # a gap or rule about one field: shown next to it
            return _form_page(request, session, calc, values=values, errors={field: str(error)}, status_code=422)
        return _form_page(request, session, calc, values=values, general_error=str(error), status_code=422)
    return _form_page(request, session, calc, values=values, result=result)


@router.get("/{name}/template.csv")
def batch_template(name: str):
    calc = _calculator(name)
    if calc is None:
        return PlainTextResponse("没有这个计算器", status_code=404)
    return PlainTextResponse(calc_jobs.template_csv(calc), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}-template.csv"'})


@router.post("/{name}/batch")
async def batch_upload(request: Request, name: str, session: SessionDep):
    calc = _calculator(name)
    if calc is None:
        return _not_found(request, name)
    address = request.client.host if request.client else None

    def admitted() -> None:  # every upload counts, per address and signed-in account (platform.throttle)
        user = web_session.current_user(request, session)
        throttle.limit_submissions(session, throttle.submission_keys("calc_batch", address, user.id if user else None),
                                   audit.now())

    try:
        await run_in_threadpool(admitted)
    except TooManyRequests as exc:
        response = _form_page(request, session, calc, upload_error=exc.message, status_code=exc.status)
        response.headers.update(exc.headers)
        return response
    form = await limited_form(request, max_files=1)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        return _form_page(request, session, calc, upload_error="请选择要上传的 CSV 文件", status_code=422)
    data = await upload.read(calc_jobs.MAX_BYTES + 1)
    # the job's owner: the signed-in account, else this browser (a secret cookie, kept a week)
    secret = request.cookies.get(calc_jobs.OWNER_COOKIE) or secrets.token_urlsafe(32)

    def queue() -> str:
        user = web_session.current_user(request, session)
        job = calc_jobs.create(session, calc, upload.filename or "", data, user=user, visitor_secret=secret)
        session.commit()  # committed before the queue may hand it to a worker
        jobs.start(request.app.state.engine, job.id)
        return job.id

    try:
        job_id = await run_in_threadpool(queue)
    except calc_jobs.UploadError as error:
        return _form_page(request, session, calc, upload_error=str(error), status_code=422)
    response = RedirectResponse(f"/calc/jobs/{job_id}", status_code=303)
    response.set_cookie(calc_jobs.OWNER_COOKIE, secret, max_age=int(jobs.KEEP_FOR.total_seconds()), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/calc")
    return response
