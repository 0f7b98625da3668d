"""政策计算器 pages: the list, one form per calculator, the cited explanation, and CSV batches.

Thin over `kuaiban.rules`: the form is generated from the calculator's input spec, checked with the
CLI's own validation (`calc_forms.read_form`), computed by `Calculator.run`; every step's clause and
every clause the calculator implements links into the 法规库 (`clauses.resolve`). A CSV upload becomes
a job run with the population mode (`calc_jobs`), its progress polled by a few lines of plain JS.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.rules.calculators import CALCULATORS, Calculator, CalculatorError
from kuaiban.rules.sources import Source, all_sources, source
from kuaiban.web import calc_jobs
from kuaiban.web.calc_forms import error_text, form_fields, read_form, unit_name
from kuaiban.web.clauses import ClauseLink, resolver
from kuaiban.web.form_limits import limited_form
from kuaiban.web.templating import render

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
    return render(request, "not_found.html", {"message": "没有这个计算器：请从政策计算页面选择。"}, status=404)


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

@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str):
    try:
        job = calc_jobs.status(job_id)
    except KeyError:
        return render(request, "not_found.html", {"message": "没有这个批量计算任务（任务编号有误或已清理）"},
                      status=404)
    calc = CALCULATORS.get(job["calculator"])
    return render(request, "calculators/job.html", {"job": job, "calc": calc,
                                                     "unit": unit_name(calc.unit) if calc else ""})


@router.get("/jobs/{job_id}/status")
def job_status(job_id: str):
    try:
        job = calc_jobs.status(job_id)
    except KeyError:
        return JSONResponse({"detail": "没有这个批量计算任务"}, status_code=404)
    job.pop("boot", None)
    return job


@router.get("/jobs/{job_id}/result.csv")
def job_result(job_id: str):
    try:
        job = calc_jobs.status(job_id)
        path = calc_jobs.result_path(job_id)
    except KeyError:
        path, job = None, None
    if path is None or job is None or job["state"] != "done":
        return PlainTextResponse("结果尚未生成：请在任务页面等待计算完成。", status_code=404)
    stem = job["filename"].rsplit(".", 1)[0] or "rows"
    calc = CALCULATORS.get(job["calculator"])
    title = calc.title if calc else "计算"
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=f"{stem}-{title}-结果.csv")


# ------------------------------------------------------------------ one calculator

def _form_page(request: Request, session: Session, calc: Calculator, *, values: dict | None = None,
               errors: dict | None = None, result: dict | None = None, general_error: str | None = None,
               upload_error: str | None = None, status_code: int = 200):
    link = resolver(request.app.state, session)
    steps = []
    if result:
        steps = [step | {"link": link(_step_source(step["source"]))} for step in result["explanation"]]
    return render(request, "calculators/form.html", {
        "calc": calc, "unit": unit_name(calc.unit), "fields": form_fields(calc), "values": values or {},
        "errors": {k: error_text(v) for k, v in (errors or {}).items()}, "raw_errors": errors or {},
        "result": result, "steps": steps, "general_error": general_error, "upload_error": upload_error,
        "clauses": _clauses(request, session, calc), "max_mb": calc_jobs.MAX_BYTES // 1024 // 1024,
    }, status=status_code)


@router.get("/{name}")
def calculator_page(request: Request, name: str, session: SessionDep):
    calc = _calculator(name)
    if calc is None:
        return _not_found(request, name)
    return _form_page(request, session, calc)


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
    form = await limited_form(request, max_files=1)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        return _form_page(request, session, calc, upload_error="请选择要上传的 CSV 文件", status_code=422)
    data = await upload.read(calc_jobs.MAX_BYTES + 1)
    try:
        job_id = await run_in_threadpool(calc_jobs.create, calc, upload.filename or "", data)
    except calc_jobs.UploadError as error:
        return _form_page(request, session, calc, upload_error=str(error), status_code=422)
    return RedirectResponse(f"/calc/jobs/{job_id}", status_code=303)
